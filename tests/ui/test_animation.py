"""Animated GIFs: frame count and size as asked, frames as the still export draws them,
the descent replayed step by step, cancel, the command line's checks."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QImage

from derivview.cli import main
from derivview.model.session import Session
from derivview.ui.animation import Animation, Cancelled, export_animation, frames
from derivview.ui.export import ExportOptions, render_session_image


@pytest.fixture
def session(qtbot: Any, shared_worker: Any) -> Session:
    from derivview.model.calculus import analyze

    s = Session()
    s.apply_function(s.text, analyze(s.text))  # x³ − 3x
    return s


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def test_gif_has_the_frames_and_size_asked_for(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "sweep.gif"
    export_animation(session, path, ExportOptions(320, 200), Animation("x0", 12, 10))
    with Image.open(path) as gif:
        assert gif.size == (320, 200) and gif.n_frames == 12
        assert gif.info["duration"] == 100  # 10 frames per second
        assert gif.info.get("loop") == 0


def test_each_frame_is_the_still_export_at_that_x0(session: Session) -> None:
    # The sweep from −2 to 2 in 5 frames puts x₀ at −2, −1, 0, 1, 2: frame 3 is the still
    # picture of x₀ = 0 (the same renderer), and no two frames are alike.
    options = ExportOptions(320, 200)
    shots = [_rgb(img) for img in frames(session, options, Animation("x0", 5, 10, -2.0, 2.0))]
    session.set_x0(0.0)
    still = _rgb(render_session_image(session, options))
    assert np.array_equal(shots[2], still)
    assert all(not np.array_equal(a, b) for a, b in itertools.pairwise(shots))


def test_descent_is_replayed_one_step_a_frame(tmp_path: Path, qtbot: Any) -> None:
    from derivview.model.calculus import analyze

    s = Session()
    s.set_text("(x-3)^2")
    s.apply_function("(x-3)^2", analyze("(x-3)^2"))
    path = tmp_path / "run.gif"
    export_animation(s, path, ExportOptions(320, 200), Animation("descent"))
    # gd with η = 0.1 from 0 converges at k = 91 (6·0.8^k < 1e-8): 92 iterates, 92 frames
    with Image.open(path) as gif:
        assert gif.n_frames == 92
    assert s.descent.runs == ()  # the person's session was not run


def test_cancel_stops_and_writes_nothing(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "never.gif"
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < 3

    with pytest.raises(Cancelled):
        export_animation(session, path, ExportOptions(160, 100), Animation("x0", 20), progress)
    assert seen == [1, 2, 3] and not path.exists()


def test_the_command_line_writes_a_gif(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "a.gif"
    code = main(
        ["export", "x^2", "-o", str(out), "--animate", "x0", "--frames", "7",
         "--size", "200x120", "--from", "-1", "--to", "1", "--fps", "20"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    with Image.open(out) as gif:
        assert gif.n_frames == 7 and gif.size == (200, 120) and gif.info["duration"] == 50


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["-o", "a.gif"], "--animate"),
        (["-o", "a.png", "--animate", "x0"], "must end in .gif"),
        (["-o", "a.gif", "--animate", "x0", "--frames", "0"], "frames"),
        (["-o", "a.gif", "--animate", "x0", "--fps", "500"], "frames per second"),
        (["-o", "a.png", "--frames", "5"], "need --animate"),
    ],
)
def test_the_command_line_checks_animation_options(
    tmp_path: Path, capsys: Any, argv: list[str], words: str
) -> None:
    argv = [a if not a.startswith("a.") else str(tmp_path / a) for a in argv]
    assert main(["export", "x^2", *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
