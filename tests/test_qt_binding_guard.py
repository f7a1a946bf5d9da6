"""Guard against Qt bindings that leak references to None (pitfalls.md, first section).

PySide6-Essentials 6.12.0 drops a reference to None on every void-returning Qt call; on
Python < 3.12 None is mortal and the running app aborts after a few thousand calls.
"""

import sys

import pytest


def test_void_qt_calls_do_not_leak_none(qapp):
    from PySide6 import QtWidgets

    if sys.version_info >= (3, 12):
        pytest.skip("None is immortal on Python >= 3.12 (PEP 683)")
    slider = QtWidgets.QSlider()
    widget = QtWidgets.QWidget()
    for i in range(20):  # warm up caches that may hold one reference
        slider.setValue(i)
    before = sys.getrefcount(None)
    for i in range(1000):
        slider.setValue(i % 100)
        widget.update()
    after = sys.getrefcount(None)
    # A leaking build loses ~2000 references here; a healthy one a handful at most.
    assert abs(after - before) < 50, f"refcount of None moved by {after - before}"


def test_dependency_spec_excludes_the_leaking_build():
    from importlib.metadata import requires

    deps = [d for d in requires("derivview") or [] if d.startswith("PySide6")]
    old = [d for d in deps if '< "3.12"' in d]
    assert old and all("!=6.12.0" in d for d in old), deps
