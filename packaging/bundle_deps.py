"""What the bundle must carry of derivview's runtime dependencies (read by derivview.spec).

The spec collects the data files (fonts, colour maps, grammars, …) of every package that
derivview needs at run time, found from ``pyproject.toml`` and the installed distributions'
metadata, so that adding a dependency (ziamath and its fonts, Pillow, …) brings its data
into the bundle without anyone editing the spec. Pure Python: importable without
PyInstaller, and tested in tests/test_packaging_bundle.py.
"""

from __future__ import annotations

import importlib.metadata as md
import importlib.util
import re
from collections.abc import Iterable
from pathlib import Path

from packaging.requirements import Requirement

#: The Qt binding's own PyInstaller hooks collect exactly the Qt plugins and files of the
#: Qt modules that are imported; collecting its package data wholesale would add ~100 MB
#: of headers, type stubs, translations and tools nobody reads.
HOOKED_ELSEWHERE = frozenset({"pyside6-essentials", "pyside6-addons", "pyside6", "shiboken6"})

#: Package data that is never read at run time (passed to collect_data_files as excludes).
DATA_EXCLUDES = (
    "**/tests/**",
    "**/testing/**",
    "**/*.pyi",
    "**/py.typed",
    "**/*.h",
    "**/*.c",
    "**/*.pxd",
    "**/*.a",
    "**/*.lib",
)

#: Modules the bundle leaves out: derivview never imports them (tests/test_packaging_bundle.py
#: runs derivview with each of them refused).
EXCLUDED_MODULES = (
    # Other GUI toolkits and bindings.
    "tkinter", "_tkinter", "matplotlib", "PyQt5", "PyQt6", "PySide2", "IPython",
    # Qt modules derivview never imports (pyqtgraph imports QtTest in try/except and does
    # without it). QtCore, QtGui, QtWidgets, QtSvg stay, and so do QtOpenGL and
    # QtOpenGLWidgets: pyqtgraph's PColorMeshItem and OpenGLHelpers import them whenever
    # pyqtgraph is imported.
    "PySide6.QtTest", "PySide6.QtNetwork", "PySide6.QtDBus", "PySide6.QtQml",
    "PySide6.QtQuick", "PySide6.QtPrintSupport", "PySide6.QtXml", "PySide6.QtConcurrent",
    "PySide6.QtSql",
    # pyqtgraph's 3-D (OpenGL), examples and notebook support.
    "pyqtgraph.opengl", "pyqtgraph.examples", "pyqtgraph.jupyter", "OpenGL",
    # Test and build tooling that sympy's test helpers would drag in. (numpy.f2py and
    # numpy.testing stay: lambdify's `from numpy import *` imports them, and without them
    # every number derivview computes silently becomes "undefined".)
    "pytest", "_pytest", "hypothesis", "pluggy", "pygments", "sympy.testing",
    "setuptools", "pkg_resources", "distutils", "pip", "lib2to3", "pydoc_data",
    # No network and no interactive prompt: TLS, OpenSSL's hashes (hashlib falls back to
    # Python's own md5/sha, which the worker's connection handshake uses) and readline.
    "ssl", "_ssl", "_hashlib", "readline",
)


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_requirements(pyproject: Path) -> list[Requirement]:
    """The ``[project] dependencies`` of ``pyproject`` that apply to this interpreter."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: pip vendors the same parser
        from pip._vendor import tomli as tomllib  # type: ignore[no-redef]

    with pyproject.open("rb") as fh:
        project = tomllib.load(fh)["project"]
    reqs = [Requirement(text) for text in project.get("dependencies", [])]
    return [r for r in reqs if r.marker is None or r.marker.evaluate({"extra": ""})]


def dependency_closure(requirements: Iterable[Requirement]) -> list[str]:
    """The installed distributions (normalized names) that ``requirements`` need, transitively.

    Extras are not followed; a requirement that is not installed raises
    ``PackageNotFoundError`` with its name (the bundle would lack it).
    """
    seen: dict[str, None] = {}
    todo = list(requirements)
    while todo:
        req = todo.pop(0)
        name = _normalize(req.name)
        if name in seen:
            continue
        dist = md.distribution(req.name)  # raises PackageNotFoundError when missing
        seen[name] = None
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is None or sub.marker.evaluate({"extra": ""}):
                todo.append(sub)
    return list(seen)


def importable_packages(distributions: Iterable[str]) -> list[str]:
    """The top-level import packages (directories, not single modules) of ``distributions``."""
    wanted = {_normalize(d) for d in distributions}
    names: list[str] = []
    for top, dists in sorted(md.packages_distributions().items()):
        if not wanted.intersection(_normalize(d) for d in dists):
            continue
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            names.append(top)
    return names


def packages_to_collect(pyproject: Path) -> list[str]:
    """Import packages whose data files the bundle carries: the runtime closure of
    derivview's dependencies, less the Qt binding (collected by its own hooks)."""
    closure = dependency_closure(runtime_requirements(pyproject))
    return importable_packages(d for d in closure if d not in HOOKED_ELSEWHERE)
