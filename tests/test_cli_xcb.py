"""Without Qt's XCB libraries the window cannot open on X11: one line saying what to
install, instead of Qt's abort (pitfalls.md)."""

from __future__ import annotations

import ctypes
from typing import Any

import pytest

from derivview import cli


def _x11(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")


def test_missing_xcb_cursor_is_one_line_naming_the_packages(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _x11(monkeypatch)
    real = ctypes.CDLL

    def cdll(name: str, *args: Any, **kw: Any) -> Any:
        if name == "libxcb-cursor.so.0":
            raise OSError(f"{name}: cannot open shared object file")
        return real(name, *args, **kw) if name not in cli.XCB_LIBRARIES else object()

    monkeypatch.setattr(ctypes, "CDLL", cdll)
    launched: list[Any] = []
    monkeypatch.setattr("derivview.app.run", lambda options: launched.append(options) or 0)
    assert cli.main([]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "sudo apt install libxcb-cursor0" in err
    assert "sudo dnf install xcb-util-cursor" in err
    assert "libxcb-icccm4" not in err  # only what is missing
    assert not launched


def test_nothing_is_said_when_the_libraries_are_there_or_x11_is_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _x11(monkeypatch)
    monkeypatch.setattr(ctypes, "CDLL", lambda name, *a, **k: object())
    assert cli._missing_xcb_libraries() is None

    def none_there(name: str, *a: Any, **k: Any) -> Any:
        raise OSError(name)

    monkeypatch.setattr(ctypes, "CDLL", none_there)
    assert cli._missing_xcb_libraries() is not None
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")  # Qt uses Wayland here
    assert cli._missing_xcb_libraries() is None
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert cli._missing_xcb_libraries() is None
    monkeypatch.setattr(cli.sys, "frozen", True, raising=False)  # the bundle carries them
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert cli._missing_xcb_libraries() is None
