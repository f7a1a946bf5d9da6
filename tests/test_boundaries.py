"""The model never imports Qt; ``import derivview`` and ``--version`` stay light."""

import os
import subprocess
import sys

HEAVY = ("PySide6", "pyqtgraph", "sympy")


def test_import_derivview_is_light():
    code = f"import sys, derivview; print(','.join(m for m in {HEAVY} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_model_imports_no_qt():
    code = (
        "import sys, pkgutil, importlib, derivview.model as m\n"
        "for info in pkgutil.iter_modules(m.__path__):\n"
        "    importlib.import_module('derivview.model.' + info.name)\n"
        "print(','.join(x for x in ('PySide6', 'pyqtgraph') if x in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version_imports_neither_qt_nor_sympy():
    code = (
        "import sys\n"
        "from derivview.cli import main\n"
        "rc = main(['--version'])\n"
        "print('|' + ','.join(x for x in ('PySide6', 'pyqtgraph', 'sympy') if x in sys.modules))\n"
        "sys.exit(rc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0
    version_line, loaded = out.stdout.strip().rsplit("|", 1)
    assert version_line.startswith("derivview ")
    assert loaded == ""


def test_python_m_derivview_version():
    out = subprocess.run(
        [sys.executable, "-m", "derivview", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("derivview ")


def test_an_unreadable_session_file_is_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "broken.derivview"
    bad.write_text('{"format": "derivview-session", "version": 1, ', encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "derivview", str(bad)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert out.returncode == 1
    assert out.stderr.startswith("derivview: cannot open session: broken.derivview")
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_no_display_is_a_message_not_a_core_dump():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    out = subprocess.run(
        [sys.executable, "-m", "derivview"], capture_output=True, text=True, env=env, timeout=60
    )
    if sys.platform.startswith("linux"):
        assert out.returncode == 1
        assert "no display" in out.stderr and "Traceback" not in out.stderr
