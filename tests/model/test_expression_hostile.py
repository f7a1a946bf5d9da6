"""Hostile input: text that tries to run code, and text that tries to exhaust resources.

Code must never run: a canary file must never appear, eval/exec/parse_expr must never be
called, and only whitelisted names may ever become symbols. Resource bombs run in a
subprocess with a generous timeout that only detects hangs (no timing assertions): the
parser and the evaluation of the tree answer every one, and the sympy bridge (printing
only) answers or refuses.
"""

from __future__ import annotations

import builtins
import io
import subprocess
import sys
import textwrap
import tokenize
from pathlib import Path

import pytest
import sympy as sp

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

_BOMBS = [
    "9^9^9",
    "10^10^10",
    "2^2^2^2^2^2",
    "9**9**9",
    "(10^300)^(10^300)",
    "1e300^1e300",
    "(1+1e-300)^(10^300)",
    "(2x)^(10^6)",
    "(sqrt(2) x)^(10^6)",
    "((x^2)^(10^500))^(10^500)",
    "2^(10^6)",
    "e^(e^(e^(e^10)))",
    "exp(exp(exp(exp(10))))",
    "sinh(cosh(sinh(100)))",
    "floor(e^(e^(e^5)))",
    "sigmoid(10^999)",
    "sin(10^999)",
    "tan(10^999 + 1/3)",
    "asin(10^999)",
    "sqrt(10^300 + 1)",
    "cbrt(10^300 + 1)",
    "(10^300+1)^(1/3)",
    "999^0.999999",
    "10e^√0.51e300^10^9991e-300sqrt(0.5",
    "max(10^(1e-300), 1)",
    "∛sinh(x^0.51e-5^-10)asinh(/(1e-300|",  # exhausted memory in sympy's polys
    "cbrt(sinh(x^10000))",
    "10^-ceil(+10^999e)(1/3)|cbrt(",
    "softplus(1e300^floor(1e300/e^9(1/3))10^999",
    "max(sigmoid(exp(2floor(1e300e^(1/3)))",
    "1e300asin(sin(1e300)),^(pix^²e^sqrt(",
    "+".join(["softplus(2000)"] * 60),
    "+".join([f"floor(10^999pi+{i})" for i in range(50)]),
    "exp(10^999^-1e-300)",
    "(1/999)^(1e-5)",
    "6^0.999999 * 10^0.999999 * 15^0.999999",
    "sqrt(10^40+1)sqrt(10^40+3)sqrt(10^40+7)sqrt(10^40+9)",
    "1e300*" * 150 + "1",
    "(" * 10_000 + "x" + ")" * 10_000,
    "(" * 10_000,
    "x" * 100_000,
    "+" * 999 + "x",
    "|" * 999,
    "sin(" * 1000 + "x" + ")" * 1000,
    "x^" * 499 + "x",
    "-" * 999 + "x",
    "√" * 999 + "x",
    "".join(f"(x+{i})" for i in range(1, 31)),
    "+".join(["x"] * 300),
    "max(" + ",".join(["x"] * 300) + ")",
    "x¹²³⁴⁵⁶⁷⁸⁹",
    "2⁹⁹⁹⁹",
    "1" * 1000,
]


@pytest.mark.parametrize("text", _BOMBS, ids=lambda t: t[:40] + ("…" if len(t) > 40 else ""))
def test_resource_bombs_are_answered(text: str) -> None:
    code = textwrap.dedent(
        """
        import sys
        import numpy as np
        from derivview.model.calculus import analyze
        from derivview.model.errors import UnsupportedExpression
        from derivview.model.expr.sympy_bridge import to_sympy, to_text
        from derivview.model.expression import ExpressionError, parse
        text = sys.stdin.read()
        try:
            e = parse(text)
        except ExpressionError as err:
            print("error", err.column, err.length, err.message)
        else:
            fn = analyze(text)
            fn.evaluate(np.linspace(-3, 3, 101), {"a": 1.5})
            fn.point(0.5)
            try:
                printed = len(to_text(to_sympy(e.tree, e.text)))
            except UnsupportedExpression as err:
                printed = str(err)
            print("ok", printed)
        """
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=20,  # a hang detector only; typical runs take well under a second
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"parse did not answer within 20 s: {text[:60]!r}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(("ok", "error")), done.stdout
    assert "cannot handle" not in done.stdout, done.stdout  # the last-resort net
    assert "Traceback" not in done.stderr


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
