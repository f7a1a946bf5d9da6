"""``derivview regress``: fit y = m·x + b by gradient descent, exactly the seed's §5 loop.

Data: a CSV file of two numeric columns (a header row allowed), or ``--synthetic N``
points y = 2x + 1 + noise (x uniform in [0, 5], noise standard normal, both drawn by
numpy's ``default_rng(SEED)``); 50 synthetic points when neither is given. Prints a
summary for people, or with ``--json`` the object of contracts.md §6. Exit 0 on any
completed run, whatever its status; 2 on invalid input (options, or bad data: the
message names the row and column); 1 for a file that cannot be read.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from derivview.commands.common import (
    EXIT_FAILURE,
    EXIT_OK,
    ArgumentParser,
    UsageError,
    attach_negative_values,
    fail,
    json_number,
)
from derivview.model.formatting import format_number
from derivview.model.labs.regression_config import (
    DEFAULT_EPOCHS,
    DEFAULT_LR,
    EPOCHS,
    INIT,
    LEARNING_RATE,
    POINTS,
    SEED,
)
from derivview.model.state.fields import Invalid

PROG = "derivview regress"
_ONE_VALUE = ("--synthetic", "--seed", "--lr", "--epochs", "--init")
#: Every epoch is listed up to this many; beyond, every k-th (and the last).
MAX_LISTED = 10_000
DEFAULT_POINTS = 50


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description=(
            "Fit y = m·x + b to data by gradient descent on the mean squared error, "
            "exactly the seed's loop: dm = (2/n)·Σ(ŷ − y)·x, db = (2/n)·Σ(ŷ − y), "
            "m ← m − η·dm, b ← b − η·db."
        ),
        epilog=(
            "status: converged (|∇L| < 1e-8 after the last epoch), max_epochs, or diverged "
            "(a non-finite or exploding loss: η above 2/λ_max of the loss's Hessian). "
            "--synthetic N: y = 2x + 1 + noise, x uniform in [0, 5], noise N(0, 1), "
            "drawn by numpy.random.default_rng(SEED); 50 points when no data is given."
        ),
    )
    parser.add_argument("data", metavar="DATA.csv", nargs="?", help="two numeric columns x, y")
    parser.add_argument("--synthetic", metavar="N", help="N synthetic points instead of a file")
    parser.add_argument("--seed", metavar="S", help="the generator's seed (0)")
    parser.add_argument("--lr", metavar="R", help=f"the learning rate η ({DEFAULT_LR:g})")
    parser.add_argument("--epochs", metavar="N", help=f"the number of epochs ({DEFAULT_EPOCHS})")
    parser.add_argument("--init", metavar="M,B", help="the start m, b (0,0)")
    parser.add_argument("--json", action="store_true", help="print JSON (contracts.md §6)")
    return parser


def _read(kind: Any, text: str | None, flag: str, default: Any) -> Any:
    if text is None:
        return default
    try:
        return kind.kind.parse_text([text], flag)
    except Invalid as exc:
        raise UsageError(f"{PROG}: {exc}") from None


def _init(text: str | None) -> tuple[float, float]:
    if text is None:
        return INIT.default  # type: ignore[no-any-return]
    words = text.replace("−", "-").split(",")
    if len(words) != 2:
        raise UsageError(f"{PROG}: --init must be two numbers M,B such as 0.5,-1, got {text!r}")
    try:
        values = [float(w) for w in words]
    except ValueError:
        raise UsageError(f"{PROG}: --init must be two numbers M,B, got {text!r}") from None
    try:
        return INIT.check(values, "--init")  # type: ignore[no-any-return]
    except Invalid as exc:
        raise UsageError(f"{PROG}: {exc}") from None


def run(argv: list[str]) -> int:
    """Parse ``argv``, train, print; returns the exit status."""
    args = _parser().parse_args(attach_negative_values(list(argv), _ONE_VALUE))
    lr = _read(LEARNING_RATE, args.lr, "--lr", DEFAULT_LR)
    epochs = _read(EPOCHS, args.epochs, "--epochs", DEFAULT_EPOCHS)
    m0, b0 = _init(args.init)
    seed = _read(SEED, args.seed, "--seed", 0)
    if args.data is not None and args.synthetic is not None:
        raise UsageError(f"{PROG}: give a CSV file or --synthetic N, not both")
    if args.data is not None and args.seed is not None:
        print(f"{PROG}: note: --seed applies to --synthetic data only; ignored", file=sys.stderr)

    from derivview.model.labs import regression as model

    if args.data is not None:
        try:
            data = model.read_csv(args.data)
        except model.DataError as exc:
            message = str(exc)
            if not message.startswith(args.data):
                message = f"{args.data}: {message}"
            if exc.unreadable:
                return fail(f"{PROG}: {message}", EXIT_FAILURE)
            raise UsageError(f"{PROG}: {message}") from None
        except OSError as exc:
            return fail(f"{PROG}: {exc}", EXIT_FAILURE)
    else:
        n = _read(POINTS, args.synthetic, "--synthetic", DEFAULT_POINTS)
        data = model.synthetic(n, seed=seed)

    result = model.RegressionRun(data, lr, epochs, m0, b0).run()
    if args.json:
        print(json.dumps(_as_json(result), allow_nan=False, ensure_ascii=True))
    else:
        _print_text(result)
    return EXIT_OK


def _listed(count: int) -> tuple[range, int]:
    """The epochs listed in the JSON (all up to MAX_LISTED, else every k-th) and k."""
    every = max(1, math.ceil((count - 1) / MAX_LISTED))
    return range(0, count, every), every


def _as_json(result: Any) -> dict[str, Any]:
    from derivview.model.labs import regression as model

    data = result.data
    last = result.last
    ls = model.least_squares(data)
    rows, every = _listed(len(result.history))
    indices = list(rows)
    if indices[-1] != len(result.history) - 1:
        indices.append(len(result.history) - 1)
    history = [
        {
            "epoch": e.epoch,
            "m": json_number(e.m),
            "b": json_number(e.b),
            "loss": json_number(e.loss),
            "dm": json_number(e.dm),
            "db": json_number(e.db),
        }
        for e in (result.history[i] for i in indices)
    ]
    distance = math.hypot(last.m - ls.m, last.b - ls.b) if ls is not None else None
    return {
        "n": data.n,
        "source": data.source,
        "lr": result.lr,
        "epochs": result.epochs,
        "init": [result.m0, result.b0],
        "m": json_number(last.m),
        "b": json_number(last.b),
        "loss": json_number(last.loss),
        "status": result.status,
        "message": result.message,
        "converged_at": result.converged_at,
        "history_every": every,
        "history": history,
        "least_squares": (
            None if ls is None else {"m": ls.m, "b": ls.b, "loss": json_number(ls.loss)}
        ),
        "distance_to_least_squares": json_number(distance),
        "largest_stable_lr": json_number(model.stability_bound(data)),
    }


def _g(value: float) -> str:
    # a real minus sign, as every number a person reads (--json keeps plain numbers)
    if math.isfinite(value):
        return format_number(value, 10)
    return "nan" if math.isnan(value) else "inf"


def _print_text(result: Any) -> None:
    from derivview.model.labs import regression as model

    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # η, λ, ∇: never fail on a console that cannot encode them
        reconfigure(errors="replace")
    data = result.data
    print("Linear regression y = m·x + b by gradient descent (the seed's loop)")
    print(f"data: {data.source or 'file'} ({data.n:,} points)")
    print(
        f"η = {format_number(result.lr)}, {result.epochs:,} epochs, "
        f"start m = {format_number(result.m0)}, b = {format_number(result.b0)}"
    )
    print()
    count = len(result.history)
    shown = sorted({*range(min(count, 4)), *range(0, count, max(1, count // 10)), count - 1})
    headers = ("epoch", "m", "b", "loss", "∂L/∂m", "∂L/∂b")
    rows = [
        (str(e.epoch), _g(e.m), _g(e.b), _g(e.loss), _g(e.dm), _g(e.db))
        for e in (result.history[i] for i in shown)
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))
    print()
    last = result.last
    print(f"result:        m = {_g(last.m)}, b = {_g(last.b)}, loss = {_g(last.loss)}")
    ls = model.least_squares(data)
    if ls is None:
        print("least squares: not unique (every x is the same)")
    else:
        distance = math.hypot(last.m - ls.m, last.b - ls.b)
        print(
            f"least squares: m = {_g(ls.m)}, b = {_g(ls.b)}, loss = {_g(ls.loss)} "
            f"(the run is {_g(distance)} away)"
        )
    print(f"stable for:    η < 2/λ_max = {_g(model.stability_bound(data))}")
    print(f"{result.status}: {result.message}")
