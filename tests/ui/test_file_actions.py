"""The File menu in a real window: open, save, title, unsaved changes, recent, export, copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit

from derivview.cli import main as cli_main
from derivview.model import session_file
from derivview.ui.files.sessions import CANCEL, DISCARD, KEY_RECENT, SAVE
from derivview.ui.settings import app_settings, read_str_list


def pixels(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGBA8888)
    assert not image.isNull()
    shape = (image.height(), image.width(), 4)
    return np.frombuffer(image.constBits(), np.uint8).reshape(shape).copy()


#: Where a field is in a session file (version 2: one object per state part).
_PARTS = {
    "expression": "function",
    "parameters": "function",
    "x0": "view",
    "x_range": "view",
    "y_range": "view",
    "visible": "items",
}


def write_session(path: Path, **changes: Any) -> Path:
    """A default session file with fields (or top-level keys such as version) changed."""
    from derivview.model.session import Session

    obj = json.loads(session_file.dump(Session()))
    for name, value in changes.items():
        if name in _PARTS:
            obj[_PARTS[name]][name] = value
        else:
            obj[name] = value
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


def test_actions_with_objectnames_and_shortcuts(make_window: Any) -> None:
    win = make_window(ready=False)
    expected = {
        "actionOpenSession": QKeySequence(QKeySequence.StandardKey.Open),
        "actionSaveSession": QKeySequence(QKeySequence.StandardKey.Save),
        "actionSaveSessionAs": QKeySequence("Ctrl+Shift+S"),
        "actionExportPlot": QKeySequence("Ctrl+E"),
        "actionCopyPlot": QKeySequence("Ctrl+Shift+C"),
    }
    for name, keys in expected.items():
        action = win.findChild(QAction, name)
        assert action is not None, name
        assert action.shortcut() == keys, name
        assert action in win.menus.file_menu.actions(), name
    texts = [a.text() for a in win.menus.file_menu.actions()]
    assert texts[-1] == "&Quit"  # ours come before Quit


def test_save_then_title_and_modified_mark(make_window: Any, tmp_path: Path) -> None:
    win = make_window("--expr", "x^2", ready=False)
    fa = win.files
    assert not win.isWindowModified()
    win.session.set_x0(0.5)
    assert win.isWindowModified()
    path = tmp_path / "mine.derivview"
    assert fa.save_to(path)
    assert "mine.derivview" in win.windowTitle()
    assert not win.isWindowModified() and not win.session.modified
    assert session_file.load(path)["view"]["x0"] == 0.5
    win.session.set_text("x^3")
    assert "mine.derivview" in win.windowTitle()
    assert win.isWindowModified()


def test_open_restores_the_session(make_window: Any, qtbot: Any, ui: Any, tmp_path: Path) -> None:
    path = write_session(
        tmp_path / "s.derivview",
        expression="sin(x^2)",
        x0=0.8,
        x_range=[-2.0, 2.5],
        y_range=[-1.5, 1.5],
        visible=["f", "df"],
    )
    win = make_window("--expr", "x^2")
    assert win.files.open_path(path)
    s = win.session
    assert (s.text, s.x0, s.x_range, s.y_range, s.visible) == (
        "sin(x^2)",
        0.8,
        (-2.0, 2.5),
        (-1.5, 1.5),
        frozenset({"f", "df"}),
    )
    ui.wait_ready(win)
    assert s.function is not None and s.function.expression.text == "sin(x^2)"
    # Computing f and redrawing does not count as a change.
    qtbot.wait(100)
    assert not s.modified and not win.isWindowModified()
    assert "s.derivview" in win.windowTitle()
    assert win.files.recent_files()[0] == str(path.resolve())


def test_refused_file_shows_why_and_changes_nothing(make_window: Any, tmp_path: Path) -> None:
    path = write_session(tmp_path / "bad.derivview", x0="one")
    win = make_window("--expr", "x^2", "--x0", "1", ready=False)
    before = (win.session.text, win.session.x0, win.session.x_range)
    assert not win.files.open_path(path)
    box = win.files.message_box
    assert box is not None and "view.x0 must be a number" in box.informativeText()
    assert (win.session.text, win.session.x0, win.session.x_range) == before
    box.close()


def test_future_version_message(make_window: Any, tmp_path: Path) -> None:
    path = write_session(tmp_path / "new.derivview", version=7)
    win = make_window(ready=False)
    assert not win.files.open_path(path)
    assert "newer derivview (version 7)" in win.files.message_box.informativeText()
    win.files.message_box.close()


@pytest.mark.parametrize(
    ("answer", "closes", "saved"),
    [(CANCEL, False, False), (DISCARD, True, False), (SAVE, True, True)],
)
def test_closing_with_unsaved_changes_asks(
    make_window: Any, tmp_path: Path, answer: str, closes: bool, saved: bool
) -> None:
    win = make_window("--expr", "x^2", ready=False)
    fa = win.files
    path = tmp_path / "c.derivview"
    assert fa.save_to(path)
    win.session.set_x0(0.25)
    asked: list[bool] = []
    fa.ask_unsaved = lambda: asked.append(True) or answer
    assert win.close() is closes
    assert asked == [True]
    assert (session_file.load(path)["view"]["x0"] == 0.25) is saved
    if not closes:
        assert win.isVisible()


def test_open_over_unsaved_changes_can_be_cancelled(make_window: Any, tmp_path: Path) -> None:
    path = write_session(tmp_path / "s.derivview", expression="x^3")
    win = make_window("--expr", "x^2", ready=False)
    win.session.set_x0(0.25)
    win.files.ask_unsaved = lambda: CANCEL
    assert not win.files.open_path(path)
    assert win.session.text == "x^2"


def test_save_as_adds_extension_and_recent_persists(make_window: Any, tmp_path: Path) -> None:
    win = make_window("--expr", "x^2", ready=False)
    win.files.choose_save_path = lambda: str(tmp_path / "plain")
    assert win.files.save_as()
    assert (tmp_path / "plain.derivview").is_file()
    assert read_str_list(app_settings(), KEY_RECENT)[0] == str(
        (tmp_path / "plain.derivview").resolve()
    )
    other = make_window(ready=False)
    other.files.recent_menu.aboutToShow.emit()  # as when File › Open Recent opens
    labels = [a.text() for a in other.files.recent_menu.actions()]
    assert labels[0] == "&1 plain.derivview"


def test_session_file_on_the_command_line(make_window: Any, tmp_path: Path) -> None:
    path = write_session(tmp_path / "cmd.derivview", expression="relu(x)", x0=-0.5)
    win = make_window(str(path))
    assert (win.session.text, win.session.x0) == ("relu(x)", -0.5)
    assert "cmd.derivview" in win.windowTitle()
    assert not win.session.modified
    win.session.set_x0(0.5)
    assert win.files.save()  # saves to the file it was opened from
    assert session_file.load(path)["view"]["x0"] == 0.5


def test_unreadable_session_on_the_command_line_exits_1(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.derivview"
    bad.write_text("{not json", encoding="utf-8")
    assert cli_main([str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.derivview" in err and "Traceback" not in err


def test_geometry_and_last_session_remembered(make_window: Any, tmp_path: Path) -> None:
    first = make_window("--expr", "x^2", ready=False)
    first.resize(701, 555)  # within the offscreen screen (800 × 800)
    path = tmp_path / "last.derivview"
    assert first.files.save_to(path)
    first.close()  # close hooks remember geometry and the file
    again = make_window(ready=False)
    assert again.session.text == "x^2"
    assert again.files.path == path.resolve()
    assert (again.width(), again.height()) == (701, 555)
    # Launch options win over the remembered session.
    explicit = make_window("--expr", "x^3", ready=False)
    assert explicit.session.text == "x^3" and explicit.files.path is None


def _colour_mask(rgba: np.ndarray, colour: str, background: str) -> np.ndarray:
    """Pixels at least half-way from ``background`` to ``colour`` (antialiased lines)."""
    c, bg = (
        np.array([int(h[i : i + 2], 16) for i in (1, 3, 5)], float) for h in (colour, background)
    )
    d = c - bg
    t = ((rgba[..., :3].astype(float) - bg) @ d) / float(d @ d)
    off_line = np.linalg.norm(rgba[..., :3] - (bg + t[..., None] * d), axis=-1)
    return (t > 0.5) & (off_line < 40)


def test_copy_plot_puts_the_view_on_the_clipboard(make_window: Any, qtbot: Any) -> None:
    from derivview.ui.plot_style import plot_style

    win = make_window("--expr", "x^2", "--x0", "1", "--xrange", "-2", "2")
    win.exports.copy_plot()
    image = QGuiApplication.clipboard().image()
    view = win.plot_panel.plot_widget
    ratio = win.devicePixelRatioF()
    assert (image.width(), image.height()) == (
        round(view.width() * ratio),
        round(view.height() * ratio),
    )
    # What a person pastes: the plot itself — its background, f and the tangent in their
    # colours, f (a parabola over −2 … 2) lower in the middle than at both sides.
    style = plot_style(win.theme.dark)
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    rgba = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4)
    values, counts = np.unique(rgba.reshape(-1, 4)[:, :3], axis=0, return_counts=True)
    assert "#{:02X}{:02X}{:02X}".format(*values[counts.argmax()]) == style.background.upper()
    assert _colour_mask(rgba, style.tangent, style.background).sum() > 50
    f_pixels = _colour_mask(rgba, style.f, style.background)
    assert f_pixels.sum() > 300
    rows, cols = np.nonzero(f_pixels)
    width = image.width()
    middle, left, right = cols > 0.45 * width, cols < 0.1 * width, cols > 0.9 * width
    middle &= cols < 0.55 * width
    assert left.any() and right.any() and middle.any()
    bottom = rows[middle].max()  # image rows grow downwards
    assert bottom > rows[left].min() + 0.3 * image.height()
    assert bottom > rows[right].min() + 0.3 * image.height()


def test_cli_and_dialog_give_the_same_picture(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    """Same expression, x₀, ranges, items, size and theme: identical pixels."""
    win = make_window("--expr", "sin(x) + x/2", "--x0", "0.75", "--xrange", "-5", "5")
    win.exports.export_plot()  # Ctrl+E: the dialog, non-blocking
    dialog = win.exports.dialog
    qtbot.waitExposed(dialog)
    dialog.width_spin.setValue(700)
    dialog.height_spin.setValue(450)
    dialog.path_edit.setText(str(tmp_path / "dialog.png"))
    shown = {"f", "df", "tangent", "markers", "legend", "grid"}
    for name, box in dialog.item_boxes.items():
        box.setChecked(name in shown)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    s = win.session
    ranges = ["--xrange", repr(s.x_range[0]), repr(s.x_range[1])]
    if s.y_range is not None:
        ranges += ["--yrange", repr(s.y_range[0]), repr(s.y_range[1])]
    status = cli_main(
        [
            "export",
            "sin(x) + x/2",
            "-o",
            str(tmp_path / "cli.png"),
            "--x0",
            "0.75",
            *ranges,
            "--size",
            "700x450",
            "--show",
            ",".join(sorted(shown)),
        ]
    )
    assert status == 0
    a, b = pixels(tmp_path / "dialog.png"), pixels(tmp_path / "cli.png")
    assert a.shape == b.shape == (450, 700, 4)
    assert np.array_equal(a, b)


def test_ctrl_e_opens_the_export_dialog(make_window: Any, qtbot: Any) -> None:
    win = make_window("--expr", "x^2", ready=False)
    win.raise_()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    # With the focus in the expression editor, whose QLineEdit reads Ctrl+E as "end of
    # line" on X11: the File action still gets it.
    edit = win.findChild(QLineEdit, "expressionEdit")
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClick(edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = win.exports.dialog
    qtbot.waitExposed(dialog)
    assert dialog.objectName() == "exportDialog"
    view = win.plot_panel.plot_widget
    assert (dialog.width_spin.value(), dialog.height_spin.value()) == (view.width(), view.height())
    dialog.reject()


# -- a saved session always reopens as it was saved (issue 14, item 2) ----------------------


@pytest.mark.parametrize(
    "text",
    ["sin(", "foo(x)", "x" * 1001, "__import__('os').system('touch owned')"],
    ids=["incomplete", "unknown function", "over-long", "hostile"],
)
def test_a_session_with_an_expression_in_error_reopens_with_its_error(
    make_window: Any, ui: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any, text: str
) -> None:
    monkeypatch.chdir(tmp_path)  # "touch owned" would land here if anything ran it
    win = make_window("--expr", "x^2", "--x0", "0.5")
    win.session.set_visible("secant", True)
    ui.type(win, text)
    qtbot.waitUntil(lambda: ui.error(win) != "", timeout=30_000)
    error = ui.error(win)
    path = tmp_path / "broken.derivview"
    assert win.files.save_to(path)
    again = make_window(str(path), ready=False)
    qtbot.waitUntil(lambda: ui.error(again) != "", timeout=30_000)
    assert again.findChild(QLineEdit, "expressionEdit").text() == text
    assert ui.error(again) == error
    assert again.session.x0 == 0.5 and again.session.is_visible("secant")
    assert not again.session.modified
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.derivview"]


def test_the_last_session_reopens_at_start_up_even_with_an_error(
    make_window: Any, ui: Any, qtbot: Any, tmp_path: Path
) -> None:
    first = make_window("--expr", "x^2", "--x0", "2", ready=False)
    first.session.set_text("sin(")
    assert first.files.save_to(tmp_path / "last.derivview")
    first.close()
    again = make_window(ready=False)  # a bare launch reopens the last session
    assert again.files.path == (tmp_path / "last.derivview").resolve()
    assert again.findChild(QLineEdit, "expressionEdit").text() == "sin("
    assert again.session.x0 == 2.0
    qtbot.waitUntil(lambda: ui.error(again) != "", timeout=30_000)
