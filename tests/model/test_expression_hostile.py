"""Hostile input: text that tries to run code, and text that tries to exhaust resources.

Code must never run: a canary file must never appear, eval/exec/parse_expr must never be
called, and only whitelisted names may ever become symbols. Resource bombs
(tests/hostile_corpus.py) run in one child process with a per-input timeout that only
detects hangs (no timing assertions): the parser and the evaluation of the tree answer
every one, and the sympy bridge (printing only) answers or refuses.
"""

from __future__ import annotations

import builtins
import io
import json
import queue
import subprocess
import sys
import textwrap
import threading
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest
import sympy as sp
from hostile_corpus import BOMBS

import derivview.model.expr as expr_package
from derivview.model.expr.nodes import Param, Var, walk
from derivview.model.expr.sympy_bridge import X, to_sympy
from derivview.model.expression import ExpressionError, parse

_CODE_ATTEMPTS = [
    "__import__('os').system('touch {canary}')",
    '__import__("os").system("touch {canary}")',
    "(1).__class__.__bases__[0].__subclasses__()",
    "().__class__.__base__.__subclasses__()",
    "x.__class__",
    "x.__class__.__init__.__globals__",
    "sin.__globals__['__builtins__']['open']('{canary}', 'w')",
    "lambda: 0",
    "lambda x: open('{canary}', 'w')",
    "exec(\"open('{canary}', 'w')\")",
    "eval('1')",
    "eval(x)",
    "exec(x)",
    "compile('1', 'f', 'eval')",
    'getattr(x, "y")',
    "getattr(x)",
    "open('{canary}','w')",
    "open({canary})",
    '"string"',
    "'s'",
    "__builtins__",
    "__import__",
    "_",
    "__",
    "x;import os",
    "import os",
    "x; open('{canary}', 'w').write('1')",
    "`x`",
    "`touch {canary}`",
    'f"{{x}}"',
    'f\'{{open("{canary}", "w")}}\'',
    "\uff3f\uff3fimport\uff3f\uff3f('os')",  # fullwidth low lines: NFKC gives __import__
    "__\uff49\uff4d\uff50\uff4f\uff52\uff54__('os')",  # fullwidth letters
    "\U0001d62a\U0001d62e\U0001d631\U0001d630\U0001d633\U0001d635 os",  # math italic 'import'
    "ｘ.__class__",
    "x\x00",
    "\x00",
    "x + 1\x00; import os",
    "os.system('touch {canary}')",
    "sys.modules",
    "Symbol('x')",
    "sympify('x')",
    "parse_expr('x')",
    "S('x')",
    "Function('f')(x)",
    "x.evalf()",
    "sp.sin(x)",
    "x if x else 1",
    "[x for x in (1,)]",
    "{x: 1}",
    "x @ x",
    "x := 1",
    "x == 1",
    "x < 1",
    "not x",
    "x and 1",
    "\\u005f\\u005fimport\\u005f\\u005f",
    "x\\\nimport os",
    "# comment",
    "x # comment",
    "1_000",
    "0x10",
    "1j",
    "sin(x)[0]",
    "(x for x in x)",
    "x**x.__class__",
    "print(1)",
    "exit()",
    "help()",
]


@pytest.mark.parametrize("attempt", _CODE_ATTEMPTS)
def test_code_never_runs(attempt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    canary = tmp_path / "CANARY"
    text = attempt.replace("{canary}", str(canary)) if "{canary}" in attempt else attempt
    text = text.replace("{{", "{").replace("}}", "}")

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"evaluated: {args!r}")

    import sympy.parsing.sympy_parser as sympy_parser

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(sympy_parser, "parse_expr", forbidden)
    try:
        result = parse(text)
    except ExpressionError as err:
        assert err.message and err.column >= 1 and err.length >= 1
    else:
        # Harmless and valid (a product of letters, say): only allowed names as symbols.
        names = {n.name for n in walk(result.tree) if isinstance(n, (Var, Param))}
        assert all(len(n) == 1 and n.isascii() and n.isalpha() for n in names), names
        try:
            printed = to_sympy(result.tree, result.text)
        except Exception:  # refusing to print is fine; running code is not
            printed = None
        if printed is not None:
            assert not printed.atoms(sp.core.function.AppliedUndef)
    assert not canary.exists()
    assert list(tmp_path.iterdir()) == []


def test_symbols_are_only_x_and_single_letters() -> None:
    # sympy #24990: code can hide in a Symbol's name. Every name becomes a symbol only
    # after matching the whitelist.
    for text in ("a b c", "k x + m", "A x", "__x__", "x_1", "a1"):
        try:
            e = parse(text)
        except ExpressionError:
            continue
        for s in to_sympy(e.tree).free_symbols:
            assert s == X or (len(s.name) == 1 and s.name.isalpha() and s.name.isascii())


@pytest.mark.parametrize(
    "module", sorted(p.name for p in Path(expr_package.__file__).parent.glob("*.py"))
)
def test_the_modules_call_no_evaluator(module: str) -> None:
    path = Path(expr_package.__file__).parent / module
    source = path.read_text(encoding="utf-8")
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for prev, tok, nxt in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if tok.type != tokenize.NAME:
            continue
        # Never mentioned at all: sympy's string parsers and code generation.
        assert tok.string not in {"sympify", "parse_expr", "lambdify"}, tok.start
        # The builtins, called bare (re.compile is a method, and fine; so is defining
        # sympy's Function.eval hook, which is not the builtin).
        if tok.string in {"eval", "exec", "compile", "__import__"}:
            assert prev.string in (".", "def"), tok.start
        # sympy.S("...") parses its argument; S.Half and friends are fine.
        assert not (tok.string == "S" and nxt.string == "("), tok.start


# --- resource bombs -------------------------------------------------------------------

#: The child that answers the bombs: one process for all of them (a fresh Python per input
#: cost ~1 s each), reading one JSON text per line and answering one JSON line.
_ANSWERER = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from derivview.model.calculus import analyze
    from derivview.model.errors import UnsupportedExpression
    from derivview.model.expr.sympy_bridge import to_sympy, to_text
    from derivview.model.expression import ExpressionError, parse

    def answer(text):
        try:
            e = parse(text)
        except ExpressionError as err:
            return ["error", err.column, err.length, err.message]
        fn = analyze(text)
        fn.evaluate(np.linspace(-3, 3, 101), {"a": 1.5})
        fn.point(0.5)
        try:
            printed = len(to_text(to_sympy(e.tree, e.text)))
        except UnsupportedExpression as err:
            printed = str(err)
        return ["ok", printed]

    print("ready", flush=True)
    for line in sys.stdin:
        print(json.dumps(answer(json.loads(line))), flush=True)
    """
)
#: A hang detector per input, not a speed target: typical answers take milliseconds (the
#: slowest, sympy building 50 floors of 10^999π, ~15 s on a loaded machine).
_ANSWER_TIMEOUT_S = 60.0


class _Answerer:
    """One child Python answering texts; restarted after a hang or a crash."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.lines: queue.Queue[str | None] = queue.Queue()

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _ANSWERER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines = queue.Queue()
        out = self.process.stdout
        assert out is not None

        def read(lines: queue.Queue[str | None] = self.lines) -> None:
            for line in out:
                lines.put(line)
            lines.put(None)  # the child ended

        threading.Thread(target=read, daemon=True).start()
        assert self._next(120.0) == "ready\n", "the answering child did not start"

    def _next(self, timeout: float) -> str | None:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return ""

    def ask(self, text: str) -> list[object]:
        if self.process is None or self.process.poll() is not None:
            self._start()
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(json.dumps(text) + "\n")
        self.process.stdin.flush()
        line = self._next(_ANSWER_TIMEOUT_S)
        if line:
            return json.loads(line)
        stderr = self.stop()
        if line == "":
            pytest.fail(f"no answer within {_ANSWER_TIMEOUT_S:g} s: {text[:60]!r}")
        pytest.fail(f"the child died on {text[:60]!r}: {stderr[-2000:]}")

    def stop(self) -> str:
        process, self.process = self.process, None
        if process is None:
            return ""
        process.kill()
        _, err = process.communicate(timeout=30)
        return err or ""


@pytest.fixture(scope="module")
def answerer() -> Iterator[_Answerer]:
    a = _Answerer()
    yield a
    a.stop()


@pytest.mark.parametrize("text", BOMBS, ids=lambda t: t[:40] + ("…" if len(t) > 40 else ""))
def test_resource_bombs_are_answered(text: str, answerer: _Answerer) -> None:
    reply = answerer.ask(text)
    assert reply[0] in ("ok", "error"), reply
    if reply[0] == "error":
        _, column, length, message = reply
        assert isinstance(column, int) and column >= 1 and isinstance(length, int) and length >= 1
        assert message
    else:
        assert "cannot handle" not in str(reply[1]), reply  # the last-resort net


@pytest.mark.parametrize(
    "text",
    ["9^9^9", "10^10^10", "2^2^2^2^2^2", "2^(10^6)", "(10^300)^(10^300)", "exp(10^5)"],
)
def test_huge_numeric_powers_are_answered_and_never_computed_exactly(text: str) -> None:
    from derivview.model.calculus import analyze
    from derivview.model.errors import UnsupportedExpression

    info = analyze(text).point(1.0)  # too large to represent: an answer
    assert info.f is None and info.overflow[:1] == ("f",)
    with pytest.raises(UnsupportedExpression, match="digits"):
        to_sympy(parse(text).tree, text)  # sympy would compute it digit by digit


def test_thirty_factor_product_parses_and_deep_nesting_is_refused() -> None:
    product = "".join(f"(x+{i})" for i in range(1, 31))
    assert to_sympy(parse(product).tree) == sp.Mul(*[X + i for i in range(1, 31)])
    with pytest.raises(ExpressionError, match="too long"):
        parse("sin(" * 1000 + "x" + ")" * 1000)
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("(" * 200 + "x" + ")" * 200)
