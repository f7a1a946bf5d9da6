"""The numerical-differentiation lab's state: the step h of the dock, and the last check.

``session.state("numdiff")`` is a :class:`NumdiffState`: the saved setting ``h`` (the h
slider, 1 … 1e-16) and, not saved, the result of the last gradient check of f′ over a
range (:meth:`NumdiffState.run_check`), dropped when f or a parameter changes. Light at
import (no numpy, no sympy): the window imports it before its first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derivview.model.signals import Signal
from derivview.model.state.fields import Field, Number, Option
from derivview.model.state.part import Settings, SettingsPart

if TYPE_CHECKING:
    from derivview.model.calculus import CompiledFunction
    from derivview.model.labs.numdiff import GradientCheck
    from derivview.model.session import Session

H_MIN = 1e-16
H_MAX = 1.0
SEED_H = 1e-5  # the seed's numerical_gradient(f, x, h=1e-5)
DEFAULT_H = 1e-3

H = Field("h", Number(H_MIN, H_MAX), DEFAULT_H, "the step h")


class NumdiffState(Settings):
    """``h`` (saved) and the last gradient check (``check``, not saved).

    Signals
    -------
    changed()
        ``h`` changed.
    check_changed()
        ``check`` was made, or dropped (f or a parameter changed).
    """

    check_changed = Signal()

    def __init__(self, fields: tuple[Field, ...]) -> None:
        super().__init__(fields)
        #: The last gradient check, for ``check_function`` (None: none, or stale).
        self.check: GradientCheck | None = None
        self.check_function: CompiledFunction | None = None

    def run_check(
        self, function: CompiledFunction, params: dict[str, float], a: float, b: float
    ) -> GradientCheck:
        """Check f′ against the central difference at the seed's h over [a, b] (2,001
        points), skipping points within h of those without a derivative; announce it."""
        from derivview.model.labs.numdiff import gradient_check

        kinks = function.nondifferentiable_points(a, b, params)
        result = gradient_check(
            lambda x: function.f(x, params),
            lambda x: function.df(x, params),
            a,
            b,
            h=SEED_H,
            kinks=kinks,
        )
        self.check, self.check_function = result, function
        self.check_changed.emit()
        return result

    def show_check(self, check: GradientCheck | None, function: CompiledFunction | None) -> None:
        """Show a check made elsewhere (the export's copy of a session)."""
        self.check, self.check_function = check, function
        self.check_changed.emit()

    def drop_check(self, *_: Any) -> None:
        """f or a parameter changed: the check no longer says anything about f′."""
        if self.check is not None:
            self.check, self.check_function = None, None
            self.check_changed.emit()


class NumdiffPart(SettingsPart):
    """The h of the numerical-differentiation dock."""

    key = "numdiff"
    title = "numerical differentiation"
    fields = (H,)
    settings_class = NumdiffState
    options = (
        Option(
            "--numdiff-h",
            "h",
            H.kind,
            "the step h of the numerical-derivative panel, 1 … 1e-16 (1e-3)",
            export=False,
            metavar="H",
        ),
    )

    def create(self, session: Session) -> NumdiffState:
        state: NumdiffState = super().create(session)  # type: ignore[assignment]
        session.function_changed.connect(state.drop_check)
        session.params_changed.connect(state.drop_check)
        return state

    def copy_results(self, source: Session, target: Session) -> None:
        mine: NumdiffState = source.state(self.key)
        theirs: NumdiffState = target.state(self.key)
        if mine.check is not None and mine.check_function is target.function:
            theirs.show_check(mine.check, mine.check_function)
