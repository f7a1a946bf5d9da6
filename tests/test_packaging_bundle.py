"""The bundle recipe's choices, checked without building the bundle.

The bundle itself is built and run by ``bash packaging/build.sh build && bash
packaging/build.sh smoke`` (packaging/README.md); these tests guard what that build relies
on: which dependencies' data it collects, that what it excludes is never imported by
derivview, and that the smoke test's expression really goes through the worker process.
"""

from __future__ import annotations

import importlib.metadata as md
import importlib.util
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundle_deps = _load("bundle_deps")
smoke = _load("smoke_test")


# --- which dependencies' data files the bundle collects --------------------------------


def test_runtime_closure_follows_requirements_transitively():
    names = bundle_deps.dependency_closure(
        bundle_deps.runtime_requirements(ROOT / "pyproject.toml")
    )
    # pyproject.toml lists these four; sympy requires mpmath, PySide6 requires shiboken6.
    for expected in ("pyside6-essentials", "pyqtgraph", "numpy", "sympy", "mpmath", "shiboken6"):
        assert expected in names, names
    # The test tools are an extra, never part of the bundle.
    for test_tool in ("pytest", "hypothesis", "pytest-qt", "ruff"):
        assert test_tool not in names, names


def test_packages_to_collect_leave_the_qt_binding_to_its_hooks():
    packages = bundle_deps.packages_to_collect(ROOT / "pyproject.toml")
    for expected in ("sympy", "mpmath", "numpy", "pyqtgraph"):
        assert expected in packages, packages
    assert "PySide6" not in packages and "shiboken6" not in packages
    assert "isympy" not in packages  # a single module, not a package with data


def test_requirements_whose_marker_does_not_apply_are_dropped(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        textwrap.dedent(
            """
            [project]
            name = "x"
            dependencies = [
                "sympy>=1.12",
                "pywin32>=300; sys_platform == 'nonexistent-os'",
                "numpy; python_version >= '3'",
            ]
            """
        ),
        encoding="utf-8",
    )
    names = [r.name for r in bundle_deps.runtime_requirements(pyproject)]
    assert names == ["sympy", "numpy"]


def test_a_dependency_missing_from_the_build_venv_is_named():
    from packaging.requirements import Requirement

    with pytest.raises(md.PackageNotFoundError, match="no-such-derivview-dependency"):
        bundle_deps.dependency_closure([Requirement("no-such-derivview-dependency>=1")])


# --- the smoke test's expression and truths ---------------------------------------------


@pytest.mark.parametrize("x", [-2.0, -0.7, 0.0, 0.3, 1.9])
def test_smoke_tests_hand_derived_derivative_matches_a_central_difference(x):
    h = 1e-6
    numeric = (smoke.f(x + h) - smoke.f(x - h)) / (2 * h)
    assert math.isclose(smoke.df(x), numeric, rel_tol=1e-7, abs_tol=1e-8)


# --- what the spec excludes is never imported ------------------------------------------

_REFUSE = """
import importlib.abc, sys
EXCLUDED = {excluded!r}
class _Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if any(name == e or name.startswith(e + ".") for e in EXCLUDED):
            raise ModuleNotFoundError(f"No module named {{name!r}} (not in the bundle)", name=name)
        return None
sys.meta_path.insert(0, _Refuse())
"""

_WINDOW = """
import time
from PySide6.QtWidgets import QApplication, QLabel
from derivview.app import create_window
app = QApplication.instance() or QApplication([])
win = create_window(["--expr", {expr!r}, "--x0", "0.7"])
win.show()
end = time.monotonic() + 4
while time.monotonic() < end:
    app.processEvents()
    time.sleep(0.02)
print(win.findChild(QLabel, "pointReadout").text())
win.close_guards.clear()
win.close()
app.processEvents()
"""


@pytest.fixture(scope="module")
def as_bundled(tmp_path_factory):
    """Run derivview in a Python that refuses every module the spec excludes (its spawned
    worker too: the refusal is a sitecustomize on PYTHONPATH)."""
    site = tmp_path_factory.mktemp("refuse")
    (site / "sitecustomize.py").write_text(
        _REFUSE.format(excluded=list(bundle_deps.EXCLUDED_MODULES)), encoding="utf-8"
    )
    work = tmp_path_factory.mktemp("work")
    env = {**os.environ, "PYTHONPATH": str(site), "QT_QPA_PLATFORM": "offscreen"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args], cwd=work, env=env, capture_output=True, text=True,
            timeout=180,
        )

    run.work = work  # type: ignore[attr-defined]
    return run


def test_the_refusal_is_in_force(as_bundled):
    proc = as_bundled("-c", "import pytest")
    assert proc.returncode != 0 and "not in the bundle" in proc.stderr


def test_info_descend_and_export_work_without_the_excluded_modules(as_bundled):
    proc = as_bundled("-m", "derivview", "info", smoke.WORKER_EXPR, "--at", "0.7", "--json")
    assert proc.returncode == 0, proc.stderr
    point = json.loads(proc.stdout)["points"][0]
    assert math.isclose(point["df"], smoke.df(0.7), rel_tol=1e-9), point

    proc = as_bundled("-m", "derivview", "descend", "(x-3)^2", "--start", "0", "--json")
    assert proc.returncode == 0, proc.stderr
    steps = json.loads(proc.stdout)["steps"]
    assert math.isclose(steps[5]["x"], 3 - 3 * 0.8**5, rel_tol=1e-12)

    for name in ("plot.png", "plot.svg", "plot.pdf"):
        proc = as_bundled("-m", "derivview", "export", smoke.WORKER_EXPR, "-o", name)
        assert proc.returncode == 0, proc.stderr
        assert (as_bundled.work / name).stat().st_size > 1000


def test_the_window_works_without_the_excluded_modules(as_bundled):
    proc = as_bundled("-c", _WINDOW.format(expr=smoke.WORKER_EXPR))
    assert proc.returncode == 0, proc.stderr
    assert "not in the bundle" not in proc.stderr
    # The readout shows f′(0.7) once the worker answered: 0.351664 by hand.
    assert f"{smoke.df(0.7):.6f}"[:7] in proc.stdout, proc.stdout
