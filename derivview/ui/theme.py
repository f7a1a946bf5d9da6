"""Light and dark themes: the Fusion style with a palette, following the system or not.

The theme is one of ``"system"``, ``"light"``, ``"dark"`` (persisted in settings).
:class:`ThemeController` applies it to the application; whether the result is dark is
announced by one signal, :func:`theme_signals` ``.darkChanged``, that every view with
colours of its own (plots, swatches, the editor's error mark) follows with
:func:`follow_theme`. No view is told by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from PySide6.QtCore import QObject, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

from derivview.ui.settings import KEY_THEME, app_settings

ThemeMode = Literal["system", "light", "dark"]
THEME_MODES: tuple[ThemeMode, ...] = ("system", "light", "dark")

#: Colours used by widgets that mark things (errors, hints), per theme.
ERROR_COLOR = {False: "#c0392b", True: "#ff7b72"}


def dark_palette() -> QPalette:
    """A calm dark palette for the Fusion style (contrast ≥ 4.5:1 for text)."""
    p = QPalette()
    window, base, alt = QColor(45, 45, 48), QColor(30, 30, 32), QColor(53, 53, 57)
    text, disabled = QColor(230, 230, 230), QColor(128, 128, 128)
    accent = QColor(86, 156, 214)
    groups = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)
    for group in groups:
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, alt)
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor(60, 60, 64))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, disabled)
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.Button, alt)
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor(255, 90, 90))
        p.setColor(group, QPalette.ColorRole.Link, accent)
        p.setColor(group, QPalette.ColorRole.Highlight, accent)
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor(0, 0, 0))
        p.setColor(group, QPalette.ColorRole.Light, QColor(70, 70, 74))
        p.setColor(group, QPalette.ColorRole.Midlight, QColor(62, 62, 66))
        p.setColor(group, QPalette.ColorRole.Mid, QColor(40, 40, 42))
        p.setColor(group, QPalette.ColorRole.Dark, QColor(25, 25, 27))
        p.setColor(group, QPalette.ColorRole.Shadow, QColor(0, 0, 0))
    g = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(g, role, disabled)
    p.setColor(g, QPalette.ColorRole.Window, window)
    p.setColor(g, QPalette.ColorRole.Base, window)
    p.setColor(g, QPalette.ColorRole.Button, alt)
    p.setColor(g, QPalette.ColorRole.Highlight, QColor(80, 80, 80))
    return p


def light_palette() -> QPalette:
    """The Fusion style's own light palette."""
    style = QStyleFactory.create("Fusion")
    return style.standardPalette() if style is not None else QPalette()


def system_is_dark() -> bool:
    """Whether the platform asks for a dark colour scheme."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def palette_is_dark(palette: QPalette) -> bool:
    """Whether a palette's window colour is dark."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def normalize_mode(value: object) -> ThemeMode:
    """A stored theme value, or ``"system"`` if it is not one of the known modes."""
    return value if value in THEME_MODES else "system"  # type: ignore[return-value]


class ThemeSignals(QObject):
    """Whether the application's theme is dark, and when that changes (one per process).

    Signals
    -------
    darkChanged(bool)
        The theme flipped between light (False) and dark (True).
    """

    darkChanged = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        app = QApplication.instance()
        self._dark = isinstance(app, QApplication) and palette_is_dark(app.palette())

    @property
    def dark(self) -> bool:
        """Whether the theme is dark now."""
        return self._dark

    def set_dark(self, dark: bool) -> None:
        """Announce the theme (by the theme controller; views only listen)."""
        if dark != self._dark:
            self._dark = dark
            self.darkChanged.emit(dark)


_signals: ThemeSignals | None = None


def theme_signals() -> ThemeSignals:
    """The one theme signal of the application."""
    global _signals
    if _signals is None:
        _signals = ThemeSignals()
    return _signals


class _Relay(QObject):
    """Calls a handler on theme changes; a child of its owner, so it goes with it."""

    def __init__(self, owner: QObject, handler: Callable[[bool], None]) -> None:
        super().__init__(owner)
        self._handler = handler

    @Slot(bool)
    def relay(self, dark: bool) -> None:
        self._handler(dark)


def follow_theme(owner: QObject, handler: Callable[[bool], None]) -> None:
    """Call ``handler(dark)`` now and whenever the theme flips, while ``owner`` lives."""
    signals = theme_signals()
    relay = _Relay(owner, handler)
    signals.darkChanged.connect(relay.relay)
    handler(signals.dark)


class DarkFusionStyle(QProxyStyle):
    """Fusion, with check boxes and radio buttons that show when unchecked on a dark
    palette: Fusion outlines them in the window colour darkened by 40%, which on a dark
    window is as dark as the box itself (the box vanished)."""

    _BOXES = (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
        QStyle.PrimitiveElement.PE_IndicatorRadioButton,
    )

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in self._BOXES:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            color = option.palette.color(QPalette.ColorRole.PlaceholderText)
            painter.setPen(QPen(color, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            r = QRectF(option.rect).adjusted(0.5, 0.5, -1.5, -1.5)
            if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
                painter.drawEllipse(r)
            else:
                painter.drawRoundedRect(r, 1.5, 1.5)
            painter.restore()


class ThemeController(QObject):
    """Applies the chosen theme (system, light, dark) to the application.

    Whether the result is dark is announced by :func:`theme_signals`.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._mode: ThemeMode = normalize_mode(app_settings().value(KEY_THEME, "system"))
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    @property
    def mode(self) -> ThemeMode:
        """The chosen mode: system, light or dark."""
        return self._mode

    @property
    def dark(self) -> bool:
        """Whether the applied theme is dark."""
        return theme_signals().dark

    def set_mode(self, mode: ThemeMode) -> None:
        """Choose a mode, persist it, and apply it."""
        self._mode = normalize_mode(mode)
        app_settings().setValue(KEY_THEME, self._mode)
        self.apply()

    def apply(self) -> None:
        """Apply the current mode to the running application."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        dark = self._mode == "dark" or (self._mode == "system" and system_is_dark())
        current = app.style()
        if dark and not isinstance(current, DarkFusionStyle):
            app.setStyle(DarkFusionStyle())
        elif not dark and (
            isinstance(current, DarkFusionStyle) or current.name().lower() != "fusion"
        ):
            app.setStyle("Fusion")
        app.setPalette(dark_palette() if dark else light_palette())
        theme_signals().set_dark(dark)

    def _on_system_scheme(self, _scheme: Qt.ColorScheme) -> None:
        if self._mode == "system":
            self.apply()
