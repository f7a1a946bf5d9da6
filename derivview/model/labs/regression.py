"""Linear regression trained by gradient descent, exactly as the seed's §5 loop does it.

Model y = m·x + b; loss L(m, b) = (1/n)·Σ(m·xᵢ + b − yᵢ)²; gradient

    ∂L/∂m = (2/n)·Σ(ŷᵢ − yᵢ)·xᵢ        ∂L/∂b = (2/n)·Σ(ŷᵢ − yᵢ)

and the update m ← m − η·∂L/∂m, b ← b − η·∂L/∂b (contracts.md §6 ``regress``).

L is a quadratic bowl with constant Hessian H = (2/n)·[[Σx², Σx], [Σx, n]], so gradient
descent is stable exactly when η < 2/λ_max(H), and the least-squares answer (where the
gradient is 0) is known in closed form. Standardizing x (x′ = (x − x̄)/s) makes H
diagonal with equal entries (2 and 2): the bowl becomes round and one η suits both m and
b — the reason feature scaling helps.

Also: the synthetic data generator and a strict CSV reader. Qt-free, numpy only.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_EPOCHS",
    "DEFAULT_LR",
    "MAX_CSV_BYTES",
    "MAX_POINTS",
    "DataError",
    "Dataset",
    "Epoch",
    "LeastSquares",
    "RegressionRun",
    "Scaling",
    "gradient",
    "hessian",
    "least_squares",
    "loss",
    "parse_csv",
    "read_csv",
    "stability_bound",
    "synthetic",
    "train",
]

DEFAULT_LR = 0.01
DEFAULT_EPOCHS = 1000
MAX_EPOCHS = 1_000_000
MAX_POINTS = 1_000_000
MAX_CSV_BYTES = 20 * 1024 * 1024
DIVERGENCE_FACTOR = 1e12
"""A loss this many times its start (and not finite-small) counts as exploding."""
TOLERANCE = 1e-8
"""The run has converged when |∇L| < TOLERANCE (Euclidean), as ``descend`` does."""


class DataError(ValueError):
    """Why data cannot be used, naming the row and column where there is one."""


@dataclass(frozen=True)
class Dataset:
    """Points (xᵢ, yᵢ), float64, at least two; where they came from in ``source``."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    source: str = ""

    def __post_init__(self) -> None:
        x = np.asarray(self.x, dtype=np.float64)
        y = np.asarray(self.y, dtype=np.float64)
        if x.ndim != 1 or x.shape != y.shape:
            raise DataError("x and y must be two columns of the same length")
        if x.size < 2:
            raise DataError(f"need at least 2 points, got {x.size}")
        if x.size > MAX_POINTS:
            raise DataError(f"too many points: {x.size:,} (at most {MAX_POINTS:,})")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise DataError("every value must be a finite number")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.x.size)


def synthetic(
    n: int = 50,
    *,
    slope: float = 2.0,
    intercept: float = 1.0,
    noise: float = 1.0,
    seed: int = 0,
    x_range: tuple[float, float] = (0.0, 5.0),
) -> Dataset:
    """y = slope·x + intercept + noise·N(0, 1), x uniform in ``x_range``, seeded.

    numpy's ``default_rng(seed)`` draws the n x values first, then the n noise values:
    the same seed gives the same data on every machine.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_POINTS:
        raise DataError(f"the number of points must be a whole number from 2 to {MAX_POINTS:,}")
    for name, v in (("slope", slope), ("intercept", intercept), ("noise", noise)):
        if not math.isfinite(v):
            raise DataError(f"{name} must be a finite number")
    if noise < 0:
        raise DataError("noise must not be negative")
    lo, hi = x_range
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise DataError("the x range must be two finite numbers, the first below the second")
    rng = np.random.default_rng(seed)
    x = rng.uniform(lo, hi, n)
    y = slope * x + intercept + noise * rng.standard_normal(n)
    return Dataset(
        x, y, f"synthetic: n = {n}, y = {slope:g}x + {intercept:g} + noise {noise:g}, seed {seed}"
    )


# --- CSV --------------------------------------------------------------------------------


def read_csv(path: str) -> Dataset:
    """Read a CSV file of two numeric columns x, y (see :func:`parse_csv`).

    Refuses what is not a regular file, and files over :data:`MAX_CSV_BYTES`, before
    reading them (a FIFO would block).
    """
    import os
    import stat

    try:
        st = os.stat(path)
    except OSError as exc:
        raise OSError(f"cannot open {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise DataError(f"{path} is not a regular file")
    if st.st_size > MAX_CSV_BYTES:
        raise DataError(
            f"{path} is too large ({st.st_size / 1e6:.1f} MB; at most {MAX_CSV_BYTES // 2**20} MB)"
        )
    with open(path, "rb") as fh:
        raw = fh.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise DataError(f"{path} is too large (at most {MAX_CSV_BYTES // 2**20} MB)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text (byte {exc.start + 1})") from None
    return parse_csv(text, source=path)


def _cell(text: str, row: int, col: int) -> float:
    t = text.strip()
    try:
        v = float(t)
    except ValueError:
        shown = t if len(t) <= 20 else t[:19] + "…"
        raise DataError(f"row {row}, column {col}: '{shown}' is not a number") from None
    if not math.isfinite(v):
        raise DataError(f"row {row}, column {col}: '{t}' is not a finite number")
    return v


def parse_csv(text: str, source: str = "") -> Dataset:
    """Two numeric columns x, y; an optional header row; blank lines ignored.

    Rows and columns in messages are 1-based, as a spreadsheet shows them. A header is a
    first row whose cells are not both numbers. Extra columns are an error (which column
    is x and which y would be a guess).
    """
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    xs: list[float] = []
    ys: list[float] = []
    header_allowed = True
    try:
        for row_no, cells in enumerate(reader, start=1):
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) < 2:
                raise DataError(f"row {row_no}: needs two columns (x, y), found 1")
            if len(cells) > 2:
                raise DataError(f"row {row_no}: needs two columns (x, y), found {len(cells)}")
            if header_allowed:
                header_allowed = False
                if not all(_is_number(c) for c in cells):
                    continue  # the header row
            xs.append(_cell(cells[0], row_no, 1))
            ys.append(_cell(cells[1], row_no, 2))
            if len(xs) > MAX_POINTS:
                raise DataError(f"too many rows (at most {MAX_POINTS:,} points)")
    except csv.Error as exc:
        raise DataError(f"not a CSV file: {exc}") from None
    if not xs:
        raise DataError("no data rows: the file needs two numeric columns x, y")
    if len(xs) < 2:
        raise DataError("need at least 2 points, found 1")
    return Dataset(np.array(xs), np.array(ys), source)


def _is_number(text: str) -> bool:
    try:
        float(text.strip())
    except ValueError:
        return False
    return True


# --- the mathematics ----------------------------------------------------------------------


def loss(data: Dataset, m: float, b: float) -> float:
    """L = (1/n)·Σ(m·xᵢ + b − yᵢ)²."""
    with np.errstate(all="ignore"):
        r = m * data.x + b - data.y
        return float(np.sum(r * r) / data.n)


def gradient(data: Dataset, m: float, b: float) -> tuple[float, float]:
    """(∂L/∂m, ∂L/∂b) exactly as the seed computes them."""
    n = data.n
    with np.errstate(all="ignore"):
        y_pred = m * data.x + b
        r = y_pred - data.y
        dm = (2 / n) * float(np.sum(r * data.x))
        db = (2 / n) * float(np.sum(r))
    return dm, db


def hessian(data: Dataset) -> NDArray[np.float64]:
    """The constant Hessian of L: (2/n)·[[Σx², Σx], [Σx, n]]."""
    n = data.n
    sx, sxx = float(np.sum(data.x)), float(np.sum(data.x * data.x))
    return (2.0 / n) * np.array([[sxx, sx], [sx, float(n)]])


def stability_bound(data: Dataset) -> float:
    """The largest stable learning rate 2/λ_max(H): below it gradient descent converges
    (from any start), above it diverges (from almost every start)."""
    lam = float(np.linalg.eigvalsh(hessian(data))[-1])
    return 2.0 / lam


@dataclass(frozen=True)
class LeastSquares:
    """The exact minimizer of L and the loss there."""

    m: float
    b: float
    loss: float


def least_squares(data: Dataset) -> LeastSquares | None:
    """m = Σ(x − x̄)(y − ȳ)/Σ(x − x̄)², b = ȳ − m·x̄ (centred, for accuracy); None when
    every x is the same (then the best line is not unique: any slope through (x̄, ȳ))."""
    xm, ym = float(np.mean(data.x)), float(np.mean(data.y))
    dx = data.x - xm
    sxx = float(np.dot(dx, dx))
    if sxx == 0 or sxx <= 1e-300:
        return None
    m = float(np.dot(dx, data.y - ym)) / sxx
    b = ym - m * xm
    return LeastSquares(m, b, loss(data, m, b))


@dataclass(frozen=True)
class Scaling:
    """x′ = (x − mean)/std. A line m′x′ + b′ is m′/std·x + (b′ − m′·mean/std) in x."""

    mean: float
    std: float

    @classmethod
    def of(cls, data: Dataset) -> Scaling:
        """The standardization of ``data``'s x (std 1 if every x is the same)."""
        std = float(np.std(data.x))
        return cls(float(np.mean(data.x)), std if std > 0 else 1.0)

    def apply(self, data: Dataset) -> Dataset:
        """``data`` with x standardized."""
        return Dataset((data.x - self.mean) / self.std, data.y, data.source + " (x standardized)")

    def to_original(self, m: float, b: float) -> tuple[float, float]:
        """The same line in the original x."""
        return m / self.std, b - m * self.mean / self.std


@dataclass(frozen=True)
class Epoch:
    """The state after ``epoch`` updates, and the gradient there."""

    epoch: int
    m: float
    b: float
    loss: float
    dm: float
    db: float


@dataclass
class RegressionRun:
    """Training state, stepped one epoch at a time (the GUI) or to the end (the command).

    ``history[e]`` is the state after e updates; ``status`` is None while running, then
    ``converged``, ``max_epochs`` or ``diverged``, with ``message`` in words. Like the
    seed's loop, a run makes all its epochs (only divergence stops it early); it has
    ``converged`` if |∇L| < tol at the end. ``converged_at`` is the first epoch where
    |∇L| < tol (a GUI may stop playing there).
    """

    data: Dataset
    lr: float = DEFAULT_LR
    epochs: int = DEFAULT_EPOCHS
    m0: float = 0.0
    b0: float = 0.0
    tol: float = TOLERANCE
    history: list[Epoch] = field(default_factory=list)
    status: str | None = None
    message: str = ""
    converged_at: int | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise DataError(f"the learning rate must be a positive number, got {self.lr!r}")
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int):
            raise DataError("epochs must be a whole number")
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise DataError(f"epochs must be from 1 to {MAX_EPOCHS:,}, got {self.epochs}")
        if not (math.isfinite(self.m0) and math.isfinite(self.b0)):
            raise DataError("the start m, b must be finite numbers")
        if not self.history:
            self.history.append(self._state(0, self.m0, self.b0))
            self._judge()

    def _state(self, epoch: int, m: float, b: float) -> Epoch:
        dm, db = gradient(self.data, m, b)
        return Epoch(epoch, m, b, loss(self.data, m, b), dm, db)

    @property
    def last(self) -> Epoch:
        """The current state."""
        return self.history[-1]

    @property
    def finished(self) -> bool:
        """True once a status is set."""
        return self.status is not None

    def step(self, n: int = 1) -> int:
        """Up to ``n`` epochs (fewer if the run ends); returns how many were made."""
        made = 0
        while made < n and not self.finished:
            s = self.last
            m = s.m - self.lr * s.dm
            b = s.b - self.lr * s.db
            self.history.append(self._state(s.epoch + 1, m, b))
            made += 1
            self._judge()
        return made

    def run(self) -> RegressionRun:
        """Step to the end; returns self."""
        self.step(self.epochs + 1)
        return self

    def _judge(self) -> None:
        s = self.last
        start = self.history[0].loss
        values = (s.m, s.b, s.loss, s.dm, s.db)
        if not all(math.isfinite(v) for v in values) or s.loss > DIVERGENCE_FACTOR * max(
            start, 1.0
        ):
            bound = stability_bound(self.data)
            self.status = "diverged"
            self.message = (
                f"diverged after {s.epoch} epochs: η = {_n(self.lr)} is too large for this "
                f"data — gradient descent is stable only for η < 2/λ_max = {_n(bound)}"
            )
            return
        size = math.hypot(s.dm, s.db)
        if size < self.tol and self.converged_at is None:
            self.converged_at = s.epoch
        elif size >= self.tol:
            self.converged_at = None
        if s.epoch < self.epochs:
            return
        if size < self.tol:
            self.status = "converged"
            self.message = (
                f"converged: |∇L| = {_n(size)} < {_n(self.tol)} after {s.epoch} epochs"
                f" (below it since epoch {self.converged_at})"
            )
        else:
            self.status = "max_epochs"
            self.message = (
                f"stopped after {s.epoch} epochs: |∇L| = {_n(size)} is not yet below {_n(self.tol)}"
            )


def train(
    data: Dataset,
    lr: float = DEFAULT_LR,
    epochs: int = DEFAULT_EPOCHS,
    init: Sequence[float] = (0.0, 0.0),
) -> RegressionRun:
    """The seed's loop run to the end (or to convergence or divergence)."""
    m0, b0 = (float(v) for v in init)
    return RegressionRun(data, lr, epochs, m0, b0).run()


def _n(v: float) -> str:
    return f"{v:.6g}".replace("-", "−")
