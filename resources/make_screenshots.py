#!/usr/bin/env python3
"""Remake the README screenshots with derivview's own ``derivview export``.

    python resources/make_screenshots.py [--out resources/screenshots]

Each picture is one command line (printed as it runs), so anyone can reproduce or
change it. Needs derivview installed (``pip install -e .``); no display is needed.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = "1280x800"

#: name -> arguments of ``derivview export`` (after the expression).
SHOTS: dict[str, list[str]] = {
    "tangent-cubic": [
        "x^3 - 3x",
        "--x0",
        "1.5",
        "--show",
        "f,tangent,df,d2f,markers,legend,grid",
    ],
    "chain-rule-secant": [
        "sin(x^2)",
        "--xrange",
        "-3",
        "3",
        "--x0",
        "1.2",
        "--show",
        "f,df,tangent,secant,legend,grid",
    ],
    "relu-no-derivative": [
        "relu(x)",
        "--xrange",
        "-3",
        "3",
        "--yrange",
        "-1.5",
        "3",
        "--x0",
        "0",
        "--show",
        "f,tangent,markers,legend,grid",
    ],
    "sigmoid-dark": [
        "sigmoid(x)",
        "--xrange",
        "-8",
        "8",
        "--yrange",
        "-0.3",
        "1.2",
        "--x0",
        "1",
        "--show",
        "f,df,d2f,tangent,markers,legend,grid",
        "--theme",
        "dark",
    ],
    "descent-framed": [
        "(x-3)^2",
        "--start",
        "0",
        "--lr",
        "0.1",
        "--show",
        "f,tangent,descent,markers,legend,grid",
        "--title",
        "auto",
    ],
    "presentation-title": [
        "x^3 - 3x",
        "--x0",
        "1.5",
        "--show",
        "f,tangent,df,markers,legend,grid",
        "--title",
        "auto",
        "--style",
        "presentation",
    ],
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=HERE / "screenshots")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name, shot in SHOTS.items():
        target = args.out / f"{name}.png"
        options = [*shot, "--size", SIZE]
        cmd = [sys.executable, "-m", "derivview", "export", *options, "-o", str(target)]
        shown = ["derivview", "export", *options, "-o", f"{name}.png"]
        print(shlex.join(shown), flush=True)
        rc = subprocess.call(cmd)
        if rc != 0:
            print(f"  failed with exit status {rc}", file=sys.stderr)
            failed += 1
        else:
            print(f"  {target.stat().st_size / 1024:.0f} kB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
