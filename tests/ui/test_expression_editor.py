"""The expression editor: typing, errors with their column, undo, presets, history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QLineEdit

from derivview.model.session import DEFAULT_EXPRESSION
from derivview.ui.expression_editor import MAX_RECENT, describe_error, load_presets


def edit_of(win) -> QLineEdit:
    return win.findChild(QLineEdit, "expressionEdit")


def test_the_plot_follows_typing_after_a_pause(make_window, ui, qtbot):
    win = make_window("--x0", "2")
    ui.type(win, "x^2", enter=False)
    # Not sent on every keystroke: the debounce timer holds it until typing pauses.
    assert win.session.text == DEFAULT_EXPRESSION
    qtbot.waitUntil(lambda: win.session.text == "x^2", timeout=5_000)
    ui.wait_ready(win)
    text = ui.readout(win)
    assert "f(x₀) = 4" in text and "f′(x₀) = 4" in text and "f″(x₀) = 2" in text
    assert "f′(x) = 2·x" in text or "f′(x) = 2x" in text


def test_enter_computes_at_once(make_window, ui):
    win = make_window()
    ui.type(win, "e^x")
    assert win.session.text == "e^x"  # no waiting for the debounce
    ui.wait_ready(win)
    assert win.session.function.expression.text == "e^x"


def test_a_bad_expression_shows_message_and_column_and_keeps_the_plot(make_window, ui, qtbot):
    win = make_window()
    good = win.session.function
    ui.type(win, "sin(x) + foo")
    qtbot.waitUntil(lambda: ui.error(win) != "", timeout=30_000)
    message = ui.error(win)
    assert "column 10" in message and "foo" in message
    assert win.findChild(QLabel, "expressionError").isVisible()
    # The error's span is marked in the editor: 'foo' starts at 0-based index 9.
    start, length = win.editor.marked_span()
    assert start == 9 and length >= 1
    assert edit_of(win).property("hasError") is True
    # The last good function stays, and so does its readout.
    assert win.session.function is good
    assert "f′(x₀) = 3.75" in ui.readout(win)
    assert "error" in win.statusBar().currentMessage()
    ui.type(win, "sin(x)")
    ui.wait_ready(win)
    assert ui.error(win) == ""
    assert win.statusBar().currentMessage() == ""
    assert not win.findChild(QLabel, "expressionError").isVisible()
    assert win.editor.marked_span() is None


def test_an_unclosed_parenthesis_is_marked_at_the_end(make_window, ui, qtbot):
    win = make_window()
    ui.type(win, "sin(x")
    qtbot.waitUntil(lambda: ui.error(win) != "", timeout=30_000)
    assert "column" in ui.error(win)
    assert win.editor.marked_span() is not None


def test_undo_after_a_preset_goes_back(make_window, ui, qtbot):
    win = make_window()
    edit = edit_of(win)
    ui.type(win, "x^2")
    ui.wait_ready(win)
    action = next(a for a in win.editor.presets_menu.actions() if a.data() == "relu(x)")
    action.trigger()
    assert edit.text() == "relu(x)" and win.session.text == "relu(x)"
    ui.wait_ready(win)
    assert win.session.function.expression.text == "relu(x)"
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() == "x^2"
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert win.session.text == "x^2"
    qtbot.keyClick(
        edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert edit.text() == "relu(x)"


def test_text_from_the_session_is_written_back_undoably(make_window, ui, qtbot):
    win = make_window()
    edit = edit_of(win)
    win.session.set_text("cos(x)")  # e.g. a session file was opened
    assert edit.text() == "cos(x)"
    edit.undo()
    assert edit.text() == DEFAULT_EXPRESSION


def test_the_session_never_overwrites_what_the_person_is_typing(make_window, ui, qtbot):
    win = make_window()
    ui.type(win, "x^2 + ", enter=False)
    win.session.set_text("cos(x)")
    assert edit_of(win).text() == "x^2 + "


def test_presets_include_the_seed_functions(make_window):
    win = make_window()
    exprs = {a.data() for a in win.editor.presets_menu.actions() if a.data()}
    seed = {"x^2", "x^3", "sqrt(x)", "e^x", "ln(x)", "2^x", "sin(x)", "cos(x)", "sigmoid(x)"}
    seed |= {"tanh(x)", "relu(x)", "(x-3)^2", "x^3 sin(x) e^(-x^2/4)", "|x|", "1/x", "tan(x)"}
    seed |= {"sin(x^2) ln(1+x^2)"}
    assert seed <= exprs
    # The same menu is in the menu bar.
    titles = [a.text() for a in win.menuBar().actions()]
    assert "&Functions" in titles


def test_every_preset_is_a_valid_expression():
    from derivview.model.expression import parse

    for preset in load_presets():
        parse(preset.expr)  # raises ExpressionError if not


def test_up_and_down_walk_the_recent_expressions(make_window, ui, qtbot):
    win = make_window()
    edit = edit_of(win)
    for text in ("x^2", "sin(x)", "cos(x)"):
        ui.type(win, text)
        ui.wait_ready(win)
    assert win.editor.recent()[:3] == ["cos(x)", "sin(x)", "x^2"]
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert edit.text() == "sin(x)"
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert edit.text() == "x^2"
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert edit.text() == "sin(x)"
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert edit.text() == "cos(x)"
    qtbot.waitUntil(lambda: win.session.text == "cos(x)", timeout=5_000)


def read_recent() -> list[str]:
    from derivview.ui.settings import KEY_RECENT_EXPRESSIONS, app_settings, read_str_list

    return read_str_list(app_settings(), KEY_RECENT_EXPRESSIONS)


def test_recent_expressions_are_saved_when_the_window_closes(make_window, ui):
    win = make_window()
    ui.type(win, "x^5")
    ui.wait_ready(win)
    ui.close(win)
    assert read_recent()[0] == "x^5"


def test_recent_expressions_persist_and_are_bounded(make_window, ui, qtbot):
    win = make_window()
    for k in range(MAX_RECENT + 3):
        win.editor.set_expression(f"x^2 + {k}")
        ui.wait_ready(win)
    recent = win.editor.recent()
    assert len(recent) == MAX_RECENT and recent[0] == f"x^2 + {MAX_RECENT + 2}"
    qtbot.waitUntil(lambda: read_recent() == recent, timeout=5_000)  # saved soon after
    ui.close(win)
    again = make_window()
    # The new window's own function comes first, then what the first window recorded.
    assert again.editor.recent() == [DEFAULT_EXPRESSION, *recent[: MAX_RECENT - 1]]
    again.editor.recent_menu.aboutToShow.emit()  # as when the menu opens
    menu_texts = [a.text() for a in again.editor.recent_menu.actions()]
    assert menu_texts == again.editor.recent()
    again.editor.set_expression("x^7")  # a new entry: the menu shows it the next time
    ui.wait_ready(again)
    again.editor.recent_menu.aboutToShow.emit()
    assert again.editor.recent_menu.actions()[0].text() == "x^7"


def test_invalid_expressions_are_not_recorded(make_window, ui, qtbot):
    win = make_window()
    ui.type(win, "sin(")
    qtbot.waitUntil(lambda: ui.error(win) != "", timeout=30_000)
    assert "sin(" not in win.editor.recent()


def test_describe_error_uses_column_when_there_is_one():
    from derivview.model.expression import ExpressionError, parse

    try:
        parse("2 + * 3")
    except ExpressionError as exc:
        message, column, length = describe_error(exc)
        assert column == exc.column and length >= 1 and f"column {exc.column}" in message
    else:  # pragma: no cover
        raise AssertionError("'2 + * 3' parsed")
    assert describe_error(RuntimeError("boom")) == ("boom", None, 0)


def test_tooltip_lists_the_language(make_window):
    win = make_window(ready=False)
    tip = edit_of(win).toolTip()
    for word in ("sin", "sqrt", "sigmoid", "relu", "parameter", "^"):
        assert word in tip


def test_presets_menu_action_is_in_menu_bar(make_window):
    win = make_window(ready=False)
    menu_actions = [a for a in win.menuBar().actions() if a.menu() is win.editor.presets_menu]
    assert len(menu_actions) == 1
    assert isinstance(menu_actions[0], QAction)
