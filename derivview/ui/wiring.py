"""Wiring a Qt view to the Qt-free session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from derivview.model.signals import SignalInstance


def connect_while_alive(
    owner: QObject, pairs: list[tuple[SignalInstance, Callable[..., Any]]]
) -> None:
    """Connect session signals to ``owner``'s handlers until the Qt object is destroyed.

    The session may outlive a view (tests, a closed window); a signal callback into a
    deleted widget would raise, so the handlers are disconnected on ``destroyed``.
    """
    for signal, handler in pairs:
        signal.connect(handler)

    def disconnect(*_: object) -> None:
        for signal, handler in pairs:
            signal.disconnect(handler, missing_ok=True)

    owner.destroyed.connect(disconnect)
