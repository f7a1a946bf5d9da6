"""The sdist carries what it takes to build, test and package derivview; the wheel stays lean.

Builds both with `python -m build` (the sdist, then the wheel from the unpacked sdist, as
a packager does), so a file missing from the sdist also breaks the wheel here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("build", reason="`build` is in the test extra: pip install -e '.[test]'")


def _project_files(folder: str) -> set[str]:
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    # From a copy as clean as a fresh clone: setuptools adds whatever an old
    # *.egg-info/SOURCES.txt lists (an editable install leaves one), which would hide a
    # file that MANIFEST.in no longer includes.
    src = tmp_path_factory.mktemp("src") / "derivview"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
        ".pytest_cache", ".ruff_cache", ".hypothesis",
    ))
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(src)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


@pytest.mark.slow
def test_sdist_has_the_tests_resources_packaging_license_and_readme(built):
    sdist, _wheel = built
    with tarfile.open(sdist) as tar:
        top = tar.getnames()[0].split("/")[0]
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    wanted = {"README.md", "LICENSE", "pyproject.toml", ".ci/run"}
    for folder in ("tests", "resources", "packaging", "benchmarks", "derivview"):
        wanted |= _project_files(folder)
    assert not wanted - names, sorted(wanted - names)
    assert top.startswith("derivview-")
    assert not {n for n in names if n.startswith((".venv/", "build/", "dist/"))}


@pytest.mark.slow
def test_wheel_is_the_package_its_assets_and_the_license_only(built):
    _sdist, wheel = built
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(info).decode()
    dist_info = info.rsplit("/", 1)[0]
    assert all(n.startswith(("derivview/", dist_info + "/")) for n in names), names
    assert "derivview/assets/icon.svg" in names
    assert "derivview/assets/presets.json" in names
    assert f"{dist_info}/licenses/LICENSE" in names
    assert "License-Expression: MIT" in metadata
    assert "derivview/commands/info.py" in names
