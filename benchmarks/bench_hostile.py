"""The hostile corpus through ``derivview info`` under load: ``python benchmarks/run.py hostile``.

Every entry of tests/hostile_corpus.py (inputs that try to exhaust time or memory) is run
as a fresh ``derivview info TEXT --at 0.5 --json`` process, two at a time, as a person's
scripts would on a 2-core machine: once as the machine is, and once beside a CPU hog (a
process spinning on one core). Each answer's wall time counts everything a person waits
for: Python's start, imports, parsing, numbers, and printing the formulas in the symbolic
engine (its start-up included).

Baseline in the same run and the same conditions: ``derivview --version`` (Python's start
and derivview's import: the floor of any command).

Target: every answer within 8 s (issue 14, item 9), in both conditions; every exit status
0 or 2 (an answer or a message; never 1, never a traceback). Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile_corpus import BOMBS  # noqa: E402

TARGET_S = 8.0
HANG_S = 120.0  # a hang detector for the benchmark itself


def _run(args: list[str]) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "derivview", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=HANG_S,
        )
    except subprocess.TimeoutExpired:
        return HANG_S, -1, "hung"
    return time.perf_counter() - t0, done.returncode, done.stderr


def _two_at_a_time(jobs: list[list[str]]) -> list[tuple[float, int, str]]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_run, jobs))


def _summary(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return (
        f"{label:<34} median {statistics.median(times):5.2f} s   p90 {p90:5.2f} s   "
        f"max {max(times):5.2f} s"
    )


def _measure(label: str, texts: list[str]) -> bool:
    base = _two_at_a_time([["--version"]] * 8)
    results = _two_at_a_time([["info", t, "--at", "0.5", "--json"] for t in texts])
    times = [r[0] for r in results]
    print(f"--- {label}")
    print(_summary("baseline: derivview --version", [r[0] for r in base]))
    print(_summary(f"derivview info ({len(texts)} inputs)", times))
    ratio = statistics.median(times) / statistics.median([r[0] for r in base])
    print(f"median ratio info / --version: {ratio:.2f}")
    slow = sorted(zip(times, texts, strict=True), reverse=True)[:3]
    for t, text in slow:
        shown = text if len(text) <= 50 else text[:49] + "…"
        print(f"    slowest: {t:5.2f} s  {shown!r}")
    ok = True
    over = [(t, text) for t, text in zip(times, texts, strict=True) if t > TARGET_S]
    if over:
        ok = False
        print(f"    {len(over)} answers over {TARGET_S:g} s")
    for (_t, rc, err), text in zip(results, texts, strict=True):
        if rc not in (0, 2) or "Traceback" in err:
            ok = False
            print(f"    exit {rc} for {text[:40]!r}: {err.strip()[-200:]}")
    print(f"    every answer within {TARGET_S:g} s: {'yes' if not over else 'NO'}")
    return ok


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the first 12 inputs only")
    args = parser.parse_args(argv)
    texts = BOMBS[:12] if args.quick else list(BOMBS)
    ok = _measure("two at a time", texts)
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        ok = _measure("two at a time, beside a CPU hog", texts) and ok
    finally:
        hog.kill()
        hog.wait()
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
