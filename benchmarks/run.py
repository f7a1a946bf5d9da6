"""Run every benchmark: ``python benchmarks/run.py [NAME ...]``.

Each ``bench_*.py`` beside this file is a standalone script that measures derivview
beside a baseline in the same run and prints medians and the ratio. They run one after
another, each in a fresh process, so one's imports and caches do not flatter another.
Exit status: 0 when every script exits 0 (a script exits 1 when it misses a target).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(name in s.stem for name in argv)]
    failed = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)])
        print(f"--- {script.stem}: exit {rc}, {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failed.append(script.stem)
    print(f"\n{len(scripts) - len(failed)} of {len(scripts)} benchmarks met their targets")
    if failed:
        print("missed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
