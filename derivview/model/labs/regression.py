"""Linear regression trained by gradient descent, exactly as the seed's §5 loop does it.

Model y = m·x + b; loss L(m, b) = (1/n)·Σ(m·xᵢ + b − yᵢ)²; gradient

    ∂L/∂m = (2/n)·Σ(ŷᵢ − yᵢ)·xᵢ        ∂L/∂b = (2/n)·Σ(ŷᵢ − yᵢ)

and the update m ← m − η·∂L/∂m, b ← b − η·∂L/∂b (contracts.md §6 ``regress``).

L is a quadratic bowl with constant Hessian H = (2/n)·[[Σx², Σx], [Σx, n]], so gradient
descent is stable exactly when η < 2/λ_max(H), and the least-squares answer (where the
gradient is 0) is known in closed form. Each step multiplies the distance to it, along
each eigenvector of H, by 1 − η·λ: the slowest direction (λ_min) sets how many epochs a
run needs. Standardizing x (x′ = (x − x̄)/s) makes H diagonal with equal entries (2 and
2): the bowl becomes round and one η suits both m and b — the reason feature scaling
helps (:func:`convergence_rate`).

Also: the synthetic data generator, a strict CSV reader, the bowl's level sets (exact
ellipses, for contour plots) and a gradient check by central differences. Qt-free,
numpy only.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np
from numpy.typing import NDArray

from derivview.model.labs.regression_config import (
    DEFAULT_EPOCHS,
    DEFAULT_LR,
    MAX_ABS_DATA,
    MAX_EPOCHS,
    MAX_POINTS,
)

__all__ = [
    "DEFAULT_EPOCHS",
    "DEFAULT_LR",
    "MAX_CSV_BYTES",
    "MAX_EPOCHS",
    "MAX_POINTS",
    "Bowl",
    "DataError",
    "Dataset",
    "Epoch",
    "GradientCheck",
    "LeastSquares",
    "RegressionRun",
    "RunHistory",
    "Scaling",
    "convergence_rate",
    "epochs_to_shrink",
    "gradient",
    "gradient_check",
    "hessian",
    "least_squares",
    "loss",
    "parse_csv",
    "read_csv",
    "stability_bound",
    "synthetic",
    "train",
]

MAX_CSV_BYTES = 20 * 1024 * 1024
DIVERGENCE_FACTOR = 1e12
"""A loss this many times its start (and not finite-small) counts as exploding."""
TOLERANCE = 1e-8
"""The run has converged when |∇L| < TOLERANCE (Euclidean), as ``descend`` does."""


class DataError(ValueError):
    """Why data cannot be used, naming the row and column where there is one.

    ``unreadable`` is True when the file itself could not be read (not a regular file):
    the command line answers that with exit status 1, bad data with 2.
    """

    def __init__(self, message: str, *, unreadable: bool = False) -> None:
        super().__init__(message)
        self.unreadable = unreadable


@dataclass(frozen=True, eq=False)
class Dataset:
    """Points (xᵢ, yᵢ), float64, at least two; where they came from in ``source``.

    Compared by identity (two datasets are the same data only if they are one object).
    """

    x: NDArray[np.float64] = field(repr=False)
    y: NDArray[np.float64] = field(repr=False)
    source: str = ""

    def __post_init__(self) -> None:
        x = np.ascontiguousarray(self.x, dtype=np.float64)
        y = np.ascontiguousarray(self.y, dtype=np.float64)
        if x.ndim != 1 or x.shape != y.shape:
            raise DataError("x and y must be two columns of the same length")
        if x.size < 2:
            raise DataError(f"need at least 2 points, got {x.size}")
        if x.size > MAX_POINTS:
            raise DataError(f"too many points: {x.size:,} (at most {MAX_POINTS:,})")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise DataError("every value must be a finite number")
        if not (_in_range(x) and _in_range(y)):
            raise DataError(_TOO_LARGE)
        if not _in_range(x, small=True):
            raise DataError(_TOO_SMALL)
        x.flags.writeable = False  # shared by runs, plots and session copies
        y.flags.writeable = False
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
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DataError("the seed must be a whole number ≥ 0")
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
    reading them (a FIFO would block). A file that cannot be opened raises OSError.
    """
    import os
    import stat

    from derivview.model.fileio import reason

    try:
        st = os.stat(path)
    except OSError as exc:
        raise OSError(f"cannot open {path}: {reason(exc)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise DataError(f"{path} is not a regular file", unreadable=True)
    if st.st_size > MAX_CSV_BYTES:
        raise DataError(
            f"{path} is too large ({st.st_size / 1e6:.1f} MB; at most {MAX_CSV_BYTES // 2**20} MB)"
        )
    try:  # non-blocking: a FIFO put in the file's place since the look above is refused
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise DataError(f"{path} is not a regular file", unreadable=True)
            raw = fh.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise OSError(f"cannot read {path}: {reason(exc)}") from None
    if len(raw) > MAX_CSV_BYTES:
        raise DataError(f"{path} is too large (at most {MAX_CSV_BYTES // 2**20} MB)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text (byte {exc.start + 1})") from None
    return parse_csv(text, source=path)


_BIG = f"1e{round(math.log10(MAX_ABS_DATA))}"
_TOO_LARGE = f"values must be at most {_BIG} in size (the loss squares them)"
_TOO_SMALL = f"x must be 0 or at least 1e-{_BIG[2:]} in size (the slope divides by it)"


def _in_range(a: NDArray[np.float64], small: bool = False) -> bool:
    """Every value at most MAX_ABS_DATA in size and, with ``small``, 0 or at least
    1/MAX_ABS_DATA: with x from 1e-300, least squares' slope Δy/Δx overflows."""
    size = np.abs(a)
    ok = size <= MAX_ABS_DATA
    if small:
        ok &= (size >= 1 / MAX_ABS_DATA) | (size == 0)
    return bool(np.all(ok))


def _shown(text: str) -> str:
    t = text.strip()
    return t if len(t) <= 20 else t[:19] + "…"


def _cell(text: str, row: int, col: int) -> float:
    t = text.strip()
    try:
        v = float(t)
    except ValueError:
        what = "an empty cell" if not t else f"'{_shown(t)}'"
        raise DataError(f"row {row}, column {col}: {what} is not a number") from None
    if not math.isfinite(v):
        raise DataError(f"row {row}, column {col}: '{t}' is not a finite number")
    if abs(v) > MAX_ABS_DATA:
        raise DataError(f"row {row}, column {col}: '{_shown(t)}' is too large: {_TOO_LARGE}")
    if col == 1 and 0 < abs(v) < 1 / MAX_ABS_DATA:
        raise DataError(f"row {row}, column {col}: '{_shown(t)}' is too small: {_TOO_SMALL}")
    return v


def parse_csv(text: str, source: str = "", *, fast: bool = True) -> Dataset:
    """Two numeric columns x, y; an optional header row; blank lines ignored.

    Rows and columns in messages are 1-based, as a spreadsheet shows them. A header is a
    first row in which neither cell is a number (``x,y``; a first row with one number
    and one word is a bad cell, named as such). Extra columns are an error (which column
    is x and which y would be a guess).

    A clean file is read by numpy (``fast``); anything else, and every file when ``fast``
    is False, by the csv module cell by cell — the same data, or the message.
    """
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    quick = _fast_parse(text, delimiter) if fast else None
    if quick is not None:
        return Dataset(*quick, source)
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
                if not any(_is_number(c) for c in cells):
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


def _fast_parse(
    text: str, delimiter: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """The columns of a clean file, read by numpy's C parser (~5× faster than the csv
    module: a 16 MB file in about a second rather than six); None for anything else —
    a bad cell, a quote, a blank cell, a non-finite value, too many rows — which the
    careful reader then reads again, to name the row and column."""
    start = 0
    while True:  # the first non-blank line: a header (no cell a number) is skipped
        end = text.find("\n", start)
        line = text[start : len(text) if end < 0 else end]
        if line.strip():
            break
        if end < 0:
            return None
        start = end + 1
    cells = line.split(delimiter)
    if not any(_is_number(c) for c in cells):
        if end < 0:
            return None
        start = end + 1
    if not text[start:].strip():
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "input contained no data" and the like
            table = np.loadtxt(
                io.StringIO(text[start:]), delimiter=delimiter, comments=None, ndmin=2, dtype=float
            )
    except (ValueError, UserWarning):
        return None
    if table.ndim != 2 or table.shape[1] != 2 or not 2 <= table.shape[0] <= MAX_POINTS:
        return None
    if not (np.all(np.isfinite(table)) and _in_range(table) and _in_range(table[:, 0], True)):
        return None  # the careful reader names the cell
    return np.ascontiguousarray(table[:, 0]), np.ascontiguousarray(table[:, 1])


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


def convergence_rate(data: Dataset, lr: float) -> float:
    """max |1 − η·λ| over H's eigenvalues: what each epoch multiplies the distance to
    the least-squares answer by, in the slowest direction (< 1: converges)."""
    lams = np.linalg.eigvalsh(hessian(data))
    return float(np.max(np.abs(1.0 - lr * lams)))


def epochs_to_shrink(rate: float, factor: float = 1e-6) -> float:
    """Epochs for a distance shrinking by ``rate`` per epoch to shrink by ``factor``
    (``inf`` if it does not shrink; 0 if one epoch lands exactly)."""
    if not 0 < factor < 1:
        raise ValueError("factor must be between 0 and 1")
    if rate >= 1 or not math.isfinite(rate):
        return math.inf
    if rate <= 0:
        return 1.0
    return math.log(factor) / math.log(rate)


@dataclass(frozen=True)
class LeastSquares:
    """The exact minimizer of L and the loss there."""

    m: float
    b: float
    loss: float


def least_squares(data: Dataset) -> LeastSquares | None:
    """m = Σ(x − x̄)(y − ȳ)/Σ(x − x̄)², b = ȳ − m·x̄ (centred, for accuracy); None when
    every x is the same (then the best line is not unique: any slope through (x̄, ȳ))."""
    # In units of the largest |x|: x in 1e-13 s is as good as x in seconds (the test
    # below is relative: every x the same to about 12 digits).
    scale = float(np.max(np.abs(data.x))) or 1.0
    xs = data.x / scale
    xm, ym = float(np.mean(xs)), float(np.mean(data.y))
    dx = xs - xm
    sxx = float(np.dot(dx, dx))
    if sxx == 0 or sxx <= 1e-24 * data.n * max(1.0, xm * xm):
        return None
    m_scaled = float(np.dot(dx, data.y - ym)) / sxx
    m, b = m_scaled / scale, ym - m_scaled * xm
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

    def to_scaled(self, m: float, b: float) -> tuple[float, float]:
        """The line m·x + b in the standardized x′ (the inverse of :meth:`to_original`)."""
        return m * self.std, b + m * self.mean


@dataclass(frozen=True, eq=False)
class Bowl:
    """L(m, b) as the quadratic it is: ``floor + dᵀ·A·d`` with d = (m, b) − ``center``.

    ``center`` is the least-squares answer (or, when every x is the same, the point
    (0, ȳ) of the valley of minimizers), ``floor`` the loss there, and A = H/2 =
    (1/n)·[[Σx², Σx], [Σx, n]]. Exact: L has no other terms. Its level sets are ellipses
    (:meth:`level`), the contours of the loss plot.
    """

    center: tuple[float, float]
    floor: float
    a: NDArray[np.float64] = field(repr=False)

    @classmethod
    def of(cls, data: Dataset) -> Bowl:
        """The bowl of ``data``'s loss."""
        ls = least_squares(data)
        if ls is not None:
            center, floor = (ls.m, ls.b), ls.loss
        else:
            ym = float(np.mean(data.y))
            center, floor = (0.0, ym), loss(data, 0.0, ym)
        return cls(center, floor, hessian(data) / 2.0)

    def value(
        self, m: NDArray[np.float64] | float, b: NDArray[np.float64] | float
    ) -> NDArray[np.float64]:
        """L at (m, b), vectorized: ``floor`` plus the quadratic form (no cancellation)."""
        dm = np.asarray(m, dtype=np.float64) - self.center[0]
        db = np.asarray(b, dtype=np.float64) - self.center[1]
        a = self.a
        return self.floor + a[0, 0] * dm * dm + 2.0 * a[0, 1] * dm * db + a[1, 1] * db * db

    def gap_at_corners(self, m_range: tuple[float, float], b_range: tuple[float, float]) -> float:
        """The largest L − floor over a rectangle (a convex function: at a corner)."""
        ms = np.array([m_range[0], m_range[0], m_range[1], m_range[1]])
        bs = np.array([b_range[0], b_range[1], b_range[0], b_range[1]])
        return float(np.max(self.value(ms, bs))) - self.floor

    def level(
        self, gap: float, samples: int = 181, reach: float = 1e6
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The points where L = floor + ``gap``: a closed ellipse of ``samples`` points.

        Where the bowl is a valley (every x the same: A is singular), the level set is
        two parallel lines, each ``2·reach`` long, separated by a NaN.
        """
        if not gap > 0:
            return np.array([]), np.array([])
        lams, vecs = np.linalg.eigh(self.a)
        cm, cb = self.center
        if lams[0] <= 1e-12 * max(lams[1], 1e-300):
            v_flat, v_steep = vecs[:, 0], vecs[:, 1]
            off = math.sqrt(gap / lams[1])
            t = np.array([-reach, reach, math.nan, -reach, reach])
            side = np.array([off, off, math.nan, -off, -off])
            return cm + t * v_flat[0] + side * v_steep[0], cb + t * v_flat[1] + side * v_steep[1]
        t = np.linspace(0.0, 2.0 * math.pi, samples)
        u = math.sqrt(gap / lams[0]) * np.cos(t)
        w = math.sqrt(gap / lams[1]) * np.sin(t)
        return cm + u * vecs[0, 0] + w * vecs[0, 1], cb + u * vecs[1, 0] + w * vecs[1, 1]


@dataclass(frozen=True)
class GradientCheck:
    """The analytic gradient beside central differences of L in m and in b."""

    m: float
    b: float
    h: float
    dm: float
    db: float
    numeric_dm: float | None
    numeric_db: float | None
    error_dm: float | None
    error_db: float | None

    @property
    def worst(self) -> float | None:
        """The larger relative error (None if a difference is undefined)."""
        if self.error_dm is None or self.error_db is None:
            return None
        return max(self.error_dm, self.error_db)


def gradient_check(data: Dataset, m: float, b: float, h: float = 1e-5) -> GradientCheck:
    """The seed's gradient check (§9.2) for ∂L/∂m and ∂L/∂b at (m, b).

    Central differences (L(m + h, b) − L(m − h, b))/(2h) and likewise in b, computed from
    the loss itself (not from the gradient's formula), beside the analytic gradient, with
    relative errors |a − n|/max(|a|, |n|).
    """
    from derivview.model.labs.numdiff import numerical_gradient, relative_error

    def along_m(ms: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.array([loss(data, float(v), b) for v in np.ravel(ms)]).reshape(np.shape(ms))

    def along_b(bs: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.array([loss(data, m, float(v)) for v in np.ravel(bs)]).reshape(np.shape(bs))

    dm, db = gradient(data, m, b)
    num_m = numerical_gradient(along_m, m, h)
    num_b = numerical_gradient(along_b, b, h)

    def err(a: float, n: float | None) -> float | None:
        if n is None or not math.isfinite(a):
            return None
        return float(relative_error(np.array([a]), np.array([n]))[0])

    return GradientCheck(m, b, h, dm, db, num_m, num_b, err(dm, num_m), err(db, num_b))


# --- a run --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Epoch:
    """The state after ``epoch`` updates, and the gradient there."""

    epoch: int
    m: float
    b: float
    loss: float
    dm: float
    db: float


_M, _B, _LOSS, _DM, _DB = range(5)


class RunHistory(Sequence[Epoch]):
    """Every state of a run, ``history[e]`` after e updates, kept in one float64 array.

    Views plot columns of it without copying (:attr:`m`, :attr:`b`, :attr:`loss`); a
    million epochs take 40 MB rather than the ~200 MB of as many objects.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._rows = np.empty((max(capacity, 1), 5), dtype=np.float64)
        self._count = 0

    def append(self, m: float, b: float, loss_: float, dm: float, db: float) -> None:
        """Add the next state."""
        if self._count == len(self._rows):
            grown = np.empty((2 * len(self._rows), 5), dtype=np.float64)
            grown[: self._count] = self._rows[: self._count]
            self._rows = grown
        self._rows[self._count] = (m, b, loss_, dm, db)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Epoch: ...

    @overload
    def __getitem__(self, index: slice) -> list[Epoch]: ...

    def __getitem__(self, index: int | slice) -> Epoch | list[Epoch]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        i = index + self._count if index < 0 else index
        if not 0 <= i < self._count:
            raise IndexError("epoch out of range")
        m, b, loss_, dm, db = (float(v) for v in self._rows[i])
        return Epoch(i, m, b, loss_, dm, db)

    def __iter__(self) -> Iterator[Epoch]:
        for i in range(self._count):
            yield self[i]

    def column(self, which: int) -> NDArray[np.float64]:
        """A read-only view of one column over the states so far."""
        view = self._rows[: self._count, which]
        view.flags.writeable = False
        return view

    @property
    def m(self) -> NDArray[np.float64]:
        """m after each epoch (a view)."""
        return self.column(_M)

    @property
    def b(self) -> NDArray[np.float64]:
        """b after each epoch (a view)."""
        return self.column(_B)

    @property
    def loss(self) -> NDArray[np.float64]:
        """L after each epoch (a view)."""
        return self.column(_LOSS)


class RegressionRun:
    """Training state, stepped one epoch at a time (the GUI) or to the end (the command).

    ``history[e]`` is the state after e updates; ``status`` is None while running, then
    ``converged``, ``max_epochs`` or ``diverged``, with ``message`` in words. Like the
    seed's loop, a run makes all its epochs (only divergence stops it early); it has
    ``converged`` if |∇L| < tol at the end. ``converged_at`` is the first epoch from
    which |∇L| stayed below tol (a GUI may stop playing there).
    """

    def __init__(
        self,
        data: Dataset,
        lr: float = DEFAULT_LR,
        epochs: int = DEFAULT_EPOCHS,
        m0: float = 0.0,
        b0: float = 0.0,
        tol: float = TOLERANCE,
    ) -> None:
        if isinstance(lr, bool) or not isinstance(lr, (int, float)):
            raise DataError(f"the learning rate must be a number, got {lr!r}")
        if not (math.isfinite(lr) and lr > 0):
            raise DataError(f"the learning rate must be a positive number, got {lr!r}")
        if isinstance(epochs, bool) or not isinstance(epochs, int):
            raise DataError("epochs must be a whole number")
        if not 1 <= epochs <= MAX_EPOCHS:
            raise DataError(f"epochs must be from 1 to {MAX_EPOCHS:,}, got {epochs}")
        if not (math.isfinite(m0) and math.isfinite(b0)):
            raise DataError("the start m, b must be finite numbers")
        self.data = data
        self.lr = float(lr)
        self.epochs = epochs
        self.m0 = float(m0)
        self.b0 = float(b0)
        self.tol = tol
        self.history = RunHistory(min(epochs + 1, 1024))
        self.status: str | None = None
        self.message = ""
        self.converged_at: int | None = None
        self._r = np.empty_like(data.x)  # the residuals, computed in place each epoch
        self._start_loss = 0.0
        self._evaluate(self.m0, self.b0)
        self._start_loss = self.history[0].loss
        self._judge()

    def _evaluate(self, m: float, b: float) -> None:
        """Append the state at (m, b): loss and gradient from one pass over the data.

        ŷ − y is computed as the seed writes it, (m·x + b) − y, element by element; the
        sums Σ(ŷ − y)·x and Σ(ŷ − y) are dot products (numpy's pairwise sums, so the
        result agrees with the seed's loop to rounding).
        """
        x, y, r = self.data.x, self.data.y, self._r
        n = self.data.n
        np.multiply(x, m, out=r)
        r += b
        r -= y
        dm = (2 / n) * float(np.dot(r, x))
        db = (2 / n) * float(r.sum())
        self.history.append(m, b, float(np.dot(r, r)) / n, dm, db)

    @property
    def last(self) -> Epoch:
        """The current state."""
        return self.history[-1]

    @property
    def epoch(self) -> int:
        """How many updates have been made."""
        return len(self.history) - 1

    @property
    def finished(self) -> bool:
        """True once a status is set."""
        return self.status is not None

    def step(self, n: int = 1) -> int:
        """Up to ``n`` epochs (fewer if the run ends); returns how many were made."""
        made = 0
        rows = self.history
        lr = self.lr
        with np.errstate(all="ignore"):
            while made < n and self.status is None:
                i = len(rows) - 1
                s = rows._rows[i]
                self._evaluate(float(s[_M] - lr * s[_DM]), float(s[_B] - lr * s[_DB]))
                made += 1
                self._judge()
        return made

    def run(self) -> RegressionRun:
        """Step to the end; returns self."""
        self.step(self.epochs + 1)
        return self

    def _judge(self) -> None:
        rows = self.history
        epoch = len(rows) - 1
        m, b, loss_, dm, db = (float(v) for v in rows._rows[epoch])
        finite = (
            math.isfinite(m)
            and math.isfinite(b)
            and math.isfinite(loss_)
            and math.isfinite(dm)
            and math.isfinite(db)
        )
        if not finite or loss_ > DIVERGENCE_FACTOR * max(self._start_loss, 1.0):
            bound = stability_bound(self.data)
            self.status = "diverged"
            self.message = (
                f"diverged after {epoch} epochs: η = {_n(self.lr)} is too large for this "
                f"data — gradient descent is stable only for η < 2/λ_max = {_n(bound)}"
            )
            return
        size = math.hypot(dm, db)
        if size < self.tol:
            if self.converged_at is None:
                self.converged_at = epoch
        else:
            self.converged_at = None
        if epoch < self.epochs:
            return
        if size < self.tol:
            self.status = "converged"
            self.message = (
                f"converged: |∇L| = {_n(size)} < {_n(self.tol)} after {epoch} epochs"
                f" (below it since epoch {self.converged_at})"
            )
        else:
            self.status = "max_epochs"
            self.message = (
                f"stopped after {epoch} epochs: |∇L| = {_n(size)} is not yet below {_n(self.tol)}"
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
