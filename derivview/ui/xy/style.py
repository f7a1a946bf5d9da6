"""Colours of the f(x, y) plot for a light and a dark theme (colour-blind safe).

The heat map uses viridis (perceptually uniform, readable in grey and by people with
the common colour-vision deficiencies), laid translucently over the background so that
what is drawn on top of it stays legible; the descent runs keep the f(x) plot's orange
and sky blue; the point and its level line the tangent's reddish purple. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass

from derivview.ui.plot_style import REDDISH_PURPLE, VERMILLION, plot_style


@dataclass(frozen=True)
class XyStyle:
    """Everything the f(x, y) plot draws with, for one theme."""

    dark: bool
    background: str
    foreground: str
    colormap: str
    heat_alpha: int  # 0..255: the heat map over the background
    contour: str  # #RRGGBBAA
    level: str  # the level line through the point
    point: str
    point_edge: str
    arrow: str
    field: str
    descent: tuple[str, str]
    slice: str  # the slices' curve
    tangent: str


def xy_style(dark: bool = False) -> XyStyle:
    """The f(x, y) plot's style for the dark (True) or light (False) theme."""
    base = plot_style(dark)
    if dark:
        return XyStyle(
            dark=True,
            background=base.background,
            foreground=base.foreground,
            colormap="viridis",
            heat_alpha=200,
            contour="#FFFFFF66",
            level=REDDISH_PURPLE,
            point=base.point,
            point_edge="#FFFFFF",
            arrow="#FFFFFF",
            field="#FFFFFF99",
            descent=base.descent,
            slice=base.f,
            tangent=REDDISH_PURPLE,
        )
    return XyStyle(
        dark=False,
        background=base.background,
        foreground=base.foreground,
        colormap="viridis",
        heat_alpha=175,
        contour="#20202080",
        level=REDDISH_PURPLE,
        point=base.point,
        point_edge="#000000",
        arrow=VERMILLION,
        field="#202020A0",
        descent=base.descent,
        slice=base.f,
        tangent=REDDISH_PURPLE,
    )
