"""Animated GIFs: the tangent point sweeping along f, or a descent run step by step.

Every frame is drawn by the same renderer as a PNG export (:func:`derivview.ui.export.
render_png` on the same offscreen plot), so a frame is exactly the still picture of that
moment. Between frames only what moves changes on the offscreen session (x₀, or how far
the run has got), so a frame costs about what a PNG export does. Pillow writes the GIF
(one palette for every frame, made from the first, so colours do not flicker).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QImage

from derivview.model.mathbox import Row, Space, row
from derivview.model.session import Session
from derivview.ui.export import (
    Cancelled,
    ExportError,
    ExportOptions,
    Progress,
    _offscreen_plot,
    _settle,
    render_png,
)

MODES = ("x0", "descent")
#: At most this many frames, and this many pixels over all frames (a GIF's frames are
#: held in memory until written: 600 frames of 800 × 500 is 240 MB).
MAX_FRAMES = 1000
MAX_TOTAL_PIXELS = 400_000_000
DEFAULT_FRAMES = 60
DEFAULT_FPS = 15.0


@dataclass(frozen=True)
class Animation:
    """What moves: ``mode`` "x0" (x₀ from ``x_from`` to ``x_to``; None: the x range shown,
    a twentieth inside its ends) or "descent" (the run, one step per frame; with no run
    yet, the whole run of the session's settings). ``frames`` None: 60 for x0, one per
    iterate for descent. ``fps``: frames per second."""

    mode: str = "x0"
    frames: int | None = None
    fps: float = DEFAULT_FPS
    x_from: float | None = None
    x_to: float | None = None

    def checked(self) -> Animation:
        """These settings, validated; ExportError with the reason."""
        if self.mode not in MODES:
            raise ExportError(f"unknown animation {self.mode!r}: x0 or descent")
        if self.frames is not None and not 1 <= self.frames <= MAX_FRAMES:
            raise ExportError(f"the number of frames must be 1..{MAX_FRAMES}")
        if not (math.isfinite(self.fps) and 0.5 <= self.fps <= 50):
            raise ExportError("frames per second must be between 0.5 and 50")
        for v in (self.x_from, self.x_to):
            if v is not None and not (math.isfinite(v) and abs(v) <= 1e12):
                raise ExportError("the sweep's ends must be finite numbers within ±1e12")
        return self


def frame_count(session: Session, anim: Animation) -> int:
    """How many frames ``anim`` makes of ``session``."""
    if anim.frames is not None:
        return anim.frames
    if anim.mode == "descent":
        runs = session.descent.runs
        return min(MAX_FRAMES, max((len(r.iterates) for r in runs), default=1))
    return DEFAULT_FRAMES


def frames(
    session: Session,
    options: ExportOptions,
    anim: Animation,
    progress: Progress | None = None,
) -> Iterator[QImage]:
    """The frames of ``anim`` on ``session``'s plot, each a PNG export's image."""
    options = options.checked()
    options.check_pixels()
    anim = anim.checked()
    if options.background == "transparent":
        raise ExportError("a GIF has no transparent background here: choose light or dark")
    w, h = round(options.width * options.scale), round(options.height * options.scale)
    with _offscreen_plot(session, options) as plot:
        snap = plot.session  # the offscreen copy: the person's session never moves
        try:
            if anim.mode == "descent" and not snap.descent.runs:
                # Nobody stepped: the whole run of the settings, as Play would.
                if snap.descent.function() is None:
                    raise ExportError("there is no function to descend on")
                snap.descent.step(snap.descent.max_steps)
            n = frame_count(snap, anim)
            if n * w * h > MAX_TOTAL_PIXELS:
                raise ExportError(
                    f"{n} frames of {w} × {h} pixels is too much to hold: at most "
                    f"{MAX_TOTAL_PIXELS // 1_000_000} million pixels over all frames"
                )
            if anim.mode == "x0":
                for i, x in enumerate(_sweep(snap, anim, n)):
                    snap.set_x0(x)
                    _settle(plot.panel)
                    yield render_png(plot.view, options)
                    _report(progress, i + 1, n)
            else:
                from derivview.model.descent.replay import run_after

                runs = snap.descent.runs
                last = max(len(r.iterates) for r in runs) - 1
                _frame_whole_run(snap, runs)
                caption = _Caption(plot)
                for i in range(n):
                    snap.descent.show_runs(tuple(run_after(r, i) for r in runs))
                    caption.set_text(f"step k = {min(i, last)} of {last}")
                    _settle(plot.panel)
                    yield render_png(plot.view, options)
                    _report(progress, i + 1, n)
        finally:
            plot.state = None  # the offscreen session moved: sync it before the next export
            plot.close_extras()


def _frame_whole_run(session: Session, runs: tuple[object, ...]) -> None:
    """Frame the whole run before the first frame, so the view does not jump later
    (unless the person chose the view)."""
    from derivview.model import framing

    fn = session.function
    if session.y_range is not None or fn is None:
        return
    xs = [it.x for run in runs for it in run.iterates]  # type: ignore[attr-defined]
    params = session.param_values()
    frame = framing.frame_points(lambda x: fn.f(x, params), xs, session.x_range)
    if frame is not None:
        try:
            session.set_view(*frame)
        except ValueError:
            return


class _Caption:
    """ "step k = 5 of 91" in the title row (after the title, if there is one): every
    frame of a descent run says where it is, so no two frames are the same picture."""

    def __init__(self, plot: object) -> None:
        from PySide6.QtGui import QFontInfo

        from derivview.ui.plot_title import MathTitle, current_title, install_title

        panel = plot.panel  # type: ignore[attr-defined]
        self._title = current_title(panel.plot_item)
        self._prefix = self._title.box if self._title is not None else None
        if self._title is None:
            px = (2.0 if panel.plot_colors.presentation else 1.45) * QFontInfo(
                panel.font()
            ).pixelSize()
            self._title = MathTitle(row("step k = 0 of 0"), px, panel.plot_colors.foreground)
            install_title(panel.plot_item, self._title)
            plot.extras.append(lambda: install_title(panel.plot_item, None))  # type: ignore[attr-defined]
        else:
            title, prefix = self._title, self._prefix
            plot.extras.append(lambda: title.set_box(prefix))  # type: ignore[attr-defined]

    def set_text(self, text: str) -> None:
        caption = row(text)
        box = caption if self._prefix is None else Row((self._prefix, Space(2.0), caption))
        assert self._title is not None
        self._title.set_box(box)


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise Cancelled("cancelled")


def _sweep(session: Session, anim: Animation, n: int) -> list[float]:
    lo, hi = session.x_range
    inset = (hi - lo) / 20
    a = anim.x_from if anim.x_from is not None else lo + inset
    b = anim.x_to if anim.x_to is not None else hi - inset
    if n == 1:
        return [a]
    return [a + (b - a) * i / (n - 1) for i in range(n)]


def gif_bytes(images: Iterator[QImage], fps: float) -> bytes:
    """The images as a looping GIF at ``fps`` frames per second."""
    from PIL import Image

    pictures = []
    palette = None
    for image in images:
        rgb = image.convertToFormat(QImage.Format.Format_RGB888)
        # copy out: the QImage's buffer (rows padded to 4 bytes) is freed with it
        raw = bytes(rgb.constBits())[: rgb.bytesPerLine() * rgb.height()]
        pic = Image.frombuffer(
            "RGB", (rgb.width(), rgb.height()), raw, "raw", "RGB", rgb.bytesPerLine(), 1
        )
        if palette is None:
            palette = pic.quantize(256, method=Image.Quantize.MEDIANCUT)
            pictures.append(palette)
        else:
            pictures.append(pic.quantize(palette=palette, dither=Image.Dither.NONE))
    if not pictures:
        raise ExportError("no frames to write")
    out = io.BytesIO()
    pictures[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=pictures[1:],
        duration=max(20, round(1000 / fps)),
        loop=0,
    )
    return out.getvalue()


def export_animation(
    session: Session,
    path: str | Path,
    options: ExportOptions,
    anim: Animation,
    progress: Progress | None = None,
) -> None:
    """Write the animation of ``session`` to ``path`` (a .gif), atomically.

    Raises :class:`ExportError` (:class:`Cancelled` when ``progress`` said stop).
    """
    from derivview.model.session_file import write_atomic
    from derivview.ui.export import _check_target

    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ExportError("an animation is written as a GIF: the file name must end in .gif")
    _check_target(path)
    data = gif_bytes(frames(session, options, anim, progress), anim.fps)
    write_atomic(path, data, ExportError)
