"""One rule for parameter values (issue 14, item 4): within ±1e12 everywhere.

The command line (``info``, ``export``, the window's start-up options), the window's
sliders and session files refuse the same values with the same words, and never name a
Python exception; whatever one of them accepts, the others accept too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from derivview.cli import main
from derivview.model import session_file as sf
from derivview.model.session import Session

TOO_LARGE = ["a=1e13", "a=-1e13", "a=1.0000001e12"]
LARGEST = ["a=1e12", "a=-1e12"]


def _err(capsys: Any) -> str:
    return capsys.readouterr().err


@pytest.mark.parametrize("param", TOO_LARGE)
@pytest.mark.parametrize("command", [["info", "x^2"], ["export", "x^2", "-o", "p.png"], []])
def test_too_large_is_refused_by_every_command_alike(
    command: list[str], param: str, capsys: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    # Even when f has no parameter a: the value itself breaks the rule.
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--param", param]) == 2
    err = _err(capsys)
    assert "must be within ±1e12" in err
    assert "Error" not in err and "Traceback" not in err  # no Python exception named
    assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_the_largest_value_is_accepted_everywhere_and_saved_files_reopen(
    qapp: Any, capsys: Any, tmp_path: Path
) -> None:
    for param in LARGEST:
        assert main(["info", "a x^2", "--at", "1", "--param", param]) == 0
        out = tmp_path / "p.png"
        assert main(["export", "a x^2", "-o", str(out), "--size", "200x150", "--param", param]) == 0
        assert out.is_file()
        # The window's session takes it, and a file saved from it reopens.
        s = Session()
        s.set_text("a x^2")
        s.set_param("a", float(param.split("=")[1]))
        path = tmp_path / "big.derivview"
        sf.save(s, path)
        again = Session()
        sf.apply(sf.load(path), again)
        assert again.params == s.params


def test_the_window_refuses_a_too_large_value_like_the_commands(qapp: Any) -> None:
    from derivview.app import create_window
    from derivview.commands.common import UsageError

    with pytest.raises(UsageError, match="must be within ±1e12"):
        create_window(["--expr", "a x", "--param", "a=1e13"])
    s = Session()
    with pytest.raises(ValueError, match="must be within ±1e12"):
        s.set_param("a", 1e13)
    with pytest.raises(ValueError, match="within ±1e12"):
        s.set_param_range("a", -5.0, 1e13)


def test_a_file_with_a_too_large_value_is_refused_with_the_same_words(tmp_path: Path) -> None:
    obj = json.loads(sf.dump(Session()))
    obj["function"]["parameters"] = {"a": {"value": 1e13, "lo": -5.0, "hi": 1e13}}
    with pytest.raises(sf.SessionFileError, match="within ±1e12"):
        sf.loads(json.dumps(obj))
