"""Colours and symbols of the plot, colour-blind safe, for a light and a dark theme.

The palette is Okabe & Ito's (2008), whose eight colours stay distinct under the common
forms of colour blindness. Each plotted thing keeps its colour in both themes where it
reads well on both backgrounds; only the blue of f (too dark on black) and the
foreground-coloured items change.

Markers say which derivative vanishes by their colour and, for people who cannot tell the
colours apart, by their symbol: critical points (f′ = 0) are circles in f′'s colour,
inflection points (f″ changes sign) diamonds in f″'s colour, points with no derivative
crosses in the foreground colour.

Used by the plot panel and by the export helper (so exported pictures match the window).
Qt-free: colours are ``#RRGGBB`` / ``#RRGGBBAA`` strings that ``pg.mkColor`` accepts.
"""

from __future__ import annotations

from typing import NamedTuple

# Okabe–Ito
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
#: Beyond Okabe–Ito's eight: the secant must differ from the descent's orange start ring,
#: and run B from f (sky blue is f's colour in the dark theme). A dark gold and a violet,
#: told apart from their neighbours by lightness as well as hue.
SECANT_LIGHT = "#A07800"
RUN_B_LIGHT = "#6A3D9A"
RUN_B_DARK = "#B39DDB"


class PlotStyle(NamedTuple):
    """Everything the plot draws with, for one theme (immutable; ``_replace`` for a
    variant). A NamedTuple, not a dataclass: ~0.1 ms to create at import, not ~1.5."""

    dark: bool
    background: str
    foreground: str  # axes, tick labels, legend text
    grid_alpha: float  # 0..1, for ``PlotItem.showGrid(alpha=...)``
    f: str
    df: str
    d2f: str
    tangent: str
    one_sided: str  # the dashed one-sided tangents and the subgradient fan
    fan_alpha: int  # 0..255 for the subgradient fan's lines
    vertical: str  # the dashed vertical tangent
    point: str  # the dragged point's fill
    point_edge: str
    secant: str
    critical: str
    inflection: str
    nondifferentiable: str
    concave_up: str  # translucent shading
    concave_down: str
    descent: tuple[str, str]  # two runs, side by side
    # f is the most prominent curve in a picture (2 px); in the window it stays 1 px: a
    # drag repaints the curves under the tangent, and a 2-px antialiased f made a drag
    # frame 2.1–2.5× the bare pyqtgraph figure's (0.85–1.04× at 1 px; bench_drag)
    f_width: float = 1.0
    curve_width: float = 1.0  # f′, f″: long curves, 2-px pens cost 4–18× more to draw
    tangent_width: float = 1.5  # two points: a wide pen costs nothing here
    point_size: float = 11.0
    marker_size: float = 9.0
    text_pt: float | None = None  # tick labels (None: the application's font size)
    legend_pt: float = 9.0
    presentation: bool = False
    symbol_critical: str = "o"
    symbol_inflection: str = "d"
    symbol_nondifferentiable: str = "x"


_LIGHT = PlotStyle(
    dark=False,
    background="#FFFFFF",
    foreground="#303030",
    grid_alpha=0.25,
    f=BLUE,
    df=VERMILLION,
    d2f=BLUISH_GREEN,
    tangent=REDDISH_PURPLE,
    one_sided=REDDISH_PURPLE,
    fan_alpha=110,
    vertical=REDDISH_PURPLE,
    point=BLUE,
    point_edge=BLACK,
    secant=SECANT_LIGHT,
    critical=VERMILLION,
    inflection=BLUISH_GREEN,
    nondifferentiable=BLACK,
    concave_up=SKY_BLUE + "30",
    concave_down=YELLOW + "48",
    descent=(ORANGE, RUN_B_LIGHT),
)

_DARK = PlotStyle(
    dark=True,
    background="#1B1D21",
    foreground="#D8D8D8",
    grid_alpha=0.3,
    f=SKY_BLUE,
    # Okabe–Ito's vermillion and bluish green are dim on a dark background: the same hues
    # lighter, so f′ and f″ read as well as in the light theme.
    df="#FF8A4C",
    d2f="#33D6A6",
    tangent=REDDISH_PURPLE,
    one_sided=REDDISH_PURPLE,
    fan_alpha=130,
    vertical=REDDISH_PURPLE,
    point=SKY_BLUE,
    point_edge="#FFFFFF",
    secant=YELLOW,
    critical="#FF8A4C",
    inflection="#33D6A6",
    nondifferentiable="#FFFFFF",
    concave_up=SKY_BLUE + "26",
    concave_down=YELLOW + "22",
    descent=(ORANGE, RUN_B_DARK),
)


def plot_style(dark: bool = False, presentation: bool = False, picture: bool = False) -> PlotStyle:
    """The plot's style for the dark (True) or light (False) theme.

    ``picture``: for an exported picture (f drawn 2 px wide, the most prominent curve);
    ``presentation``: for a projector — thicker lines, larger points and text.
    """
    if presentation:
        return _PRESENTATION[dark]
    if picture:
        return _PICTURE[dark]
    return _DARK if dark else _LIGHT


_PICTURE = {dark: base._replace(f_width=2.0) for dark, base in ((False, _LIGHT), (True, _DARK))}


_PRESENTATION = {
    dark: base._replace(
        f_width=4.0,
        curve_width=2.5,
        tangent_width=3.0,
        point_size=16.0,
        marker_size=14.0,
        text_pt=15.0,
        legend_pt=14.0,
        presentation=True,
    )
    for dark, base in ((False, _LIGHT), (True, _DARK))
}
