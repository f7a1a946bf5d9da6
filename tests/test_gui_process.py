"""The GUI process never imports sympy: every number comes from derivview's own tree, and
only the worker process prints formulas with sympy (contracts.md §4)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit
    from derivview.app import create_window

    def wait(cond, seconds=60):
        end = time.monotonic() + seconds
        while not cond():
            QApplication.processEvents()
            time.sleep(0.005)
            if time.monotonic() > end:
                raise SystemExit("timed out")

    if __name__ == "__main__":
        win = create_window(["--expr", "x^3 sin(x) e^(-x^2/4)", "--x0", "0.5"])
        win.show()
        win.start_background()
        s = win.session
        wait(lambda: s.formulas is not None and not s.busy)  # printed by the worker
        edit = win.findChild(QLineEdit, "expressionEdit")
        for text in ("sigmoid(x)", "|x - 1| + relu(x)", "(x+1)(x+2)(x+3)", "tan(x)", "a x^2"):
            edit.selectAll()
            edit.insert(text)
            QTest.keyClick(edit, Qt.Key.Key_Return)
            assert s.function.expression.text == text  # installed at once
            wait(lambda: not s.busy)
        for k in range(40):  # drag x0 along the curve, as the slider does
            s.set_x0(-2 + k * 0.1)
            QApplication.processEvents()
        s.set_param("a", 2.5)
        s.set_view((-10.0, 10.0), None)
        QApplication.processEvents()
        assert s.special_points() is not None
        loaded = sorted(m for m in sys.modules if m == "sympy" or m.startswith("sympy."))
        print("SYMPY", len(loaded), s.formulas.df)
        win.shutdown()
    """
)


def test_the_gui_process_never_imports_sympy() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, timeout=240
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("SYMPY"))
    count, df = line.split()[1], line.split(maxsplit=2)[2]
    assert count == "0", line
    assert df == "2a*x"  # ... while the worker printed f′ of the last expression
