"""The regression lab's state and its part of session files.

Truth: the seed's §5 loop written out in plain Python (lists and sum()), the generator's
documented draws, and hand-made session files.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from derivview.model import session_file as sf
from derivview.model.labs.regression import DataError, Dataset, synthetic
from derivview.model.labs.regression_config import MAX_KEPT_POINTS
from derivview.model.session import Session
from derivview.model.state.fields import Invalid


def seed_loop(X, y, epochs, lr, m=0.0, b=0.0):
    """The seed's §5 loop in plain Python."""
    n = len(X)
    for _ in range(epochs):
        y_pred = [m * xi + b for xi in X]
        dm = (2 / n) * sum((yp - yi) * xi for yp, yi, xi in zip(y_pred, y, X, strict=True))
        db = (2 / n) * sum(yp - yi for yp, yi in zip(y_pred, y, strict=True))
        m = m - lr * dm
        b = b - lr * db
    return m, b


def regression(s: Session):
    return s.state("regression")


class Recorder:
    def __init__(self, state) -> None:
        self.events: list[str] = []
        state.data_changed.connect(lambda: self.events.append("data"))
        state.changed.connect(lambda: self.events.append("changed"))
        state.settings_changed.connect(lambda: self.events.append("settings"))


def test_a_new_session_makes_no_data_and_imports_no_numpy():
    code = (
        "import sys\n"
        "from derivview.model.session import Session\n"
        "s = Session(); st = s.state('regression'); v = st.values()\n"
        "print('numpy' in sys.modules, v['n'], v['epoch'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "50", "0"]


def test_the_data_is_the_seeded_generators():
    st = regression(Session())
    st.update(n=30, slope=-1.5, intercept=4.0, noise=0.25, seed=9)
    rng = np.random.default_rng(9)
    x = rng.uniform(0.0, 5.0, 30)
    np.testing.assert_array_equal(st.data.x, x)
    np.testing.assert_array_equal(st.data.y, -1.5 * x + 4.0 + 0.25 * rng.standard_normal(30))


def test_stepping_is_the_seeds_loop():
    s = Session()
    st = regression(s)
    st.update(learning_rate=0.02, init=(0.5, -1.0))
    assert st.step(7) == 7 and st.step(5) == 5
    m, b = seed_loop(list(st.data.x), list(st.data.y), 12, 0.02, 0.5, -1.0)
    assert st.epoch == 12
    assert st.line() == pytest.approx((m, b), rel=1e-12)
    assert s.modified  # the run's epoch is saved state


def test_standardized_training_is_the_seeds_loop_on_standardized_x_mapped_back():
    st = regression(Session())
    st.update(standardize=True, learning_rate=0.1, init=(1.0, 2.0))
    x, y = list(st.data.x), list(st.data.y)
    mean = sum(x) / len(x)
    std = math.sqrt(sum((v - mean) ** 2 for v in x) / len(x))
    xs = [(v - mean) / std for v in x]
    # The start is the same line y = 1·x + 2, written in x′: m′ = m·s, b′ = b + m·x̄.
    mp, bp = seed_loop(xs, y, 25, 0.1, 1.0 * std, 2.0 + 1.0 * mean)
    st.step(25)
    assert st.line() == pytest.approx((mp / std, bp - mp * mean / std), rel=1e-10)
    # The bowl in x′ is round: the Hessian is 2·I.
    assert st.eigenvalues == pytest.approx((2.0, 2.0), rel=1e-12)
    assert st.bound == pytest.approx(1.0, rel=1e-12)


def test_a_setting_change_sends_the_run_back_to_the_start():
    st = regression(Session())
    st.step(10)
    rec = Recorder(st)
    st.update(learning_rate=0.03)
    assert st.epoch == 0 and st.runs == ()
    assert rec.events == ["changed", "settings"]
    st.step(2)
    rec.events.clear()
    st.update(seed=4)  # new data: the scatter and the bowl are new too
    assert rec.events == ["data", "changed", "settings"] and st.epoch == 0
    rec.events.clear()
    st.update(seed=4, learning_rate=0.03)  # nothing new: nothing announced
    assert rec.events == []
    st.step(3)
    st.reset()
    assert st.epoch == 0


def test_bad_settings_are_refused_and_change_nothing():
    st = regression(Session())
    st.step(4)
    before = st.values()
    for bad, words in (
        ({"learning_rate": 0.0}, "must be positive"),
        ({"learning_rate": math.nan}, "finite"),
        ({"epochs": 0}, "between 1 and"),
        ({"n": 1}, "between 2 and"),
        ({"noise": -1.0}, "between 0 and 1e6"),
        ({"init": (0.0, math.inf)}, "finite"),
        ({"source": "csv"}, "needs its data"),
        ({"epoch": 5000}, "beyond the run's 1000 epochs"),
        ({"colour": 1}, "unknown regression setting"),
        ({"learning_rate": 0.02, "seed": -1}, "seed"),
    ):
        with pytest.raises(Invalid, match=words):
            st.update(**bad)
    assert st.values() == before


def test_play_stops_at_convergence_but_step_goes_on():
    st = regression(Session())
    st.update(standardize=True, learning_rate=0.5, epochs=200)
    while not st.finished:
        st.step(1)
    run = st.run
    assert run.converged_at == st.epoch < 200 and run.status is None
    assert st.step(1) == 1  # Step continues to the run's epochs, as the seed's loop does


def test_open_csv_trains_on_it_and_a_bad_csv_changes_nothing(tmp_path: Path):
    s = Session()
    st = regression(s)
    st.step(3)
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n2,three\n", encoding="utf-8")
    before = st.values()
    rec = Recorder(st)
    with pytest.raises(DataError, match="row 3, column 2: 'three' is not a number"):
        st.open_csv(str(bad))
    assert st.values() == before and rec.events == []
    good = tmp_path / "good.csv"
    good.write_text("x,y\n0,1\n1,3\n2,5\n", encoding="utf-8")
    st.open_csv(str(good))
    assert st.get("source") == "csv" and st.get("csv_path") == str(good)
    np.testing.assert_array_equal(st.data.y, [1.0, 3.0, 5.0])
    assert st.answer is not None and (st.answer.m, st.answer.b) == pytest.approx((2.0, 1.0))


# -- session files ----------------------------------------------------------------------------


def reopen(s: Session, tmp_path: Path) -> Session:
    path = tmp_path / "s.derivview"
    sf.save(s, path)
    fresh = Session()
    sf.apply(sf.load(path), fresh)
    return fresh


def test_a_saved_run_reopens_at_the_same_epoch(tmp_path: Path):
    s = Session()
    st = regression(s)
    st.update(n=40, noise=0.3, seed=11, learning_rate=0.015, epochs=300, init=(-1.0, 0.5))
    st.step(37)
    fresh = reopen(s, tmp_path)
    again = regression(fresh)
    assert again.values()["epoch"] == 37
    assert again.line() == st.line()  # replayed: the same floats
    assert again.run.history.loss.tolist() == st.run.history.loss.tolist()


def test_a_csv_session_keeps_its_data_when_the_file_moves(tmp_path: Path):
    csv = tmp_path / "d.csv"
    csv.write_text("x,y\n1,2.5\n2,4.5\n4,9\n", encoding="utf-8")
    s = Session()
    regression(s).open_csv(str(csv))
    regression(s).step(5)
    path = tmp_path / "s.derivview"
    sf.save(s, path)
    saved = json.loads(path.read_text(encoding="utf-8"))["regression"]
    assert saved["data"] == {"x": [1.0, 2.0, 4.0], "y": [2.5, 4.5, 9.0]}
    assert saved["csv_path"] == str(csv)
    csv.unlink()  # moved away
    fresh = Session()
    sf.apply(sf.load(path), fresh)
    st = regression(fresh)
    np.testing.assert_array_equal(st.data.x, [1.0, 2.0, 4.0])
    assert st.epoch == 5 and st.line() == regression(s).line()


def test_a_large_csv_is_kept_by_its_path(tmp_path: Path):
    n = MAX_KEPT_POINTS + 1
    csv = tmp_path / "big.csv"
    csv.write_text("".join(f"{i},{2 * i + 1}\n" for i in range(n)), encoding="utf-8")
    s = Session()
    regression(s).open_csv(str(csv))
    path = tmp_path / "s.derivview"
    sf.save(s, path)
    assert json.loads(path.read_text(encoding="utf-8"))["regression"]["data"] is None
    fresh = Session()
    sf.apply(sf.load(path), fresh)
    assert regression(fresh).data.n == n
    csv.unlink()
    with pytest.raises(sf.SessionFileError, match=r"regression\.csv_path: .*cannot be used"):
        sf.load(path)


def _file_with(**changes) -> str:
    obj = json.loads(sf.dump(Session()))
    obj["regression"].update(changes)
    return json.dumps(obj)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"learning_rate": -0.1}, r"regression\.learning_rate must be positive"),
        ({"epochs": 2.5}, r"regression\.epochs must be a whole number"),
        ({"epoch": 2000}, r"regression\.epoch: 2000 is beyond the run's 1000 epochs"),
        ({"source": "csv"}, r"regression\.data: the CSV source needs its data"),
        ({"source": "csv", "data": {"x": [1, 2], "y": [1, "2"]}}, r"regression\.data\.y\[1\]"),
        ({"source": "csv", "data": {"x": [1, 2], "y": [1]}}, r"regression\.data: x and y"),
        ({"data": {"x": [1], "y": [1]}}, r"regression\.data: need at least 2 points"),
        ({"data": {"x": [1, 2], "y": [1, 2], "z": []}}, r"unknown key 'z' in regression\.data"),
        ({"init": [0]}, r"regression\.init must be a list of 2"),
        ({"standardize": "yes"}, r"regression\.standardize must be true or false"),
        ({"colour": 1}, r"unknown key 'colour' in regression"),
    ],
)
def test_bad_regression_parts_are_refused_naming_the_field(changes, words):
    with pytest.raises(sf.SessionFileError, match=words):
        sf.loads(_file_with(**changes))


def test_a_file_without_the_part_opens_with_the_defaults():
    obj = json.loads(sf.dump(Session()))
    del obj["regression"]
    s = Session()
    regression(s).step(3)
    sf.apply(sf.loads(json.dumps(obj)), s)
    assert regression(s).epoch == 0 and regression(s).get("learning_rate") == 0.01


def test_the_workspace_shown_is_saved_and_switching_is_not_an_edit(tmp_path: Path):
    s = Session()
    s.state("workspace").set(shown="regression")
    assert not s.modified
    assert sf.loads(sf.dump(s))["workspace"]["shown"] == "regression"
    with pytest.raises(sf.SessionFileError, match=r"workspace\.shown"):
        sf.loads(sf.dump(s).replace('"regression"\n', '"../x"\n'))


def test_a_copy_for_an_export_does_not_train(monkeypatch):
    from derivview.model.labs import regression as model

    s = Session()
    regression(s).step(50)
    epochs = []
    real = model.RegressionRun.step
    monkeypatch.setattr(
        model.RegressionRun, "step", lambda run, n=1: epochs.append(n) or real(run, n)
    )
    copy = Session()
    copy.mirror(s)
    st = regression(copy)
    assert st.values()["epoch"] == 50 and epochs == []  # nothing trained yet
    assert st.line() == regression(s).line() and epochs == [50]  # replayed when looked at


def test_synthetic_defaults_match_the_command():
    st = regression(Session())
    data = synthetic(50, seed=0)
    np.testing.assert_array_equal(st.data.x, data.x)


def test_the_most_data_a_session_keeps_fits_in_a_session_file(tmp_path: Path):
    # 10,000 points whose numbers take the most characters JSON can need for a float.
    n = MAX_KEPT_POINTS
    x = -1.2345678901234567e-100 * (1 + np.arange(n) / n)
    y = -9.876543210987654e-100 * (1 + np.arange(n) / n)  # (1e-100 … 1e100 in size)
    s = Session()
    regression(s).update(source="csv", data=Dataset(x, y))
    path = tmp_path / "big.derivview"
    sf.save(s, path)
    assert path.stat().st_size < sf.MAX_FILE_BYTES
    fresh = Session()
    sf.apply(sf.load(path), fresh)
    np.testing.assert_array_equal(regression(fresh).data.y, y)
