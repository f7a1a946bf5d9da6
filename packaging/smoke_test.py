#!/usr/bin/env python3
"""Smoke test of a built derivview bundle, run as a user would run it.

    python3 packaging/smoke_test.py PATH/TO/derivview

PATH/TO/derivview is the bundle's executable or the launcher that `build.sh install` puts
on PATH. Every run happens in a fresh temporary directory outside the checkout, with an
environment scrubbed of every Python and venv variable and a PATH of /usr/bin:/bin, so
neither the checkout nor a venv can stand in for what the bundle lacks. Standard library
only. Prints one line per check and "N passed, N failed"; exits 1 on any failure.

Checked against independent truth (closed forms written here, not derivview's output):
--version; `info` of an expression whose printed derivative comes from the symbolic worker
process, with the printed f′ fed back in and compared with the hand-derived f′; `descend`
against x_k = 3 − 3·0.8^k; `export` to PNG (size read from the file), SVG, PDF and an
animated GIF (frames counted from its blocks); the window started offscreen (alive, its
worker process gone once it is closed) and, when Xvfb and xdotool are installed, on a real
X server, closed with Ctrl+Q (exit 0).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# 13 nodes, nested functions: far beyond calculus.small_enough_in_process (≤ 8 nodes), so
# its printed f′ and f″ come from the sympy worker process (tests/test_packaging_bundle.py
# keeps it that way).
WORKER_EXPR = "x^3 sin(x) + exp(-x^2)"


def f(x: float) -> float:
    return x**3 * math.sin(x) + math.exp(-(x**2))


def df(x: float) -> float:  # by hand: product rule and chain rule
    return 3 * x**2 * math.sin(x) + x**3 * math.cos(x) - 2 * x * math.exp(-(x**2))


#: Lines Qt's offscreen platform prints by design; anything else on stderr is a failure.
BENIGN_STDERR = re.compile(r"^(This plugin does not support .*|QFont::.*)$")
FATAL = ("Traceback", "ModuleNotFoundError", "ImportError", "Could not load the Qt platform")


class Smoke:
    def __init__(self, exe: Path) -> None:
        self.exe = exe
        self.work = Path(tempfile.mkdtemp(prefix="derivview-smoke-"))
        home = self.work / "home"
        home.mkdir()
        # Only what a desktop session would have; no PYTHON*, VIRTUAL_ENV, venv on PATH.
        self.env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "XDG_RUNTIME_DIR": str(self.work),
            "XDG_CONFIG_HOME": str(home / ".config"),
        }
        self.passed = 0
        self.failed = 0

    def run(self, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.exe), *args], cwd=self.work, env={**self.env, **env},
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        )

    def check(self, name: str, fn: Callable[[], str | None]) -> None:
        started = time.monotonic()
        try:
            skipped = fn()
        except Exception as exc:  # report every check, then fail at the end
            self.failed += 1
            print(f"FAIL  {name}: {type(exc).__name__}: {exc}", flush=True)
            return
        took = time.monotonic() - started
        if skipped:
            print(f"skip  {name}: {skipped}", flush=True)
        else:
            self.passed += 1
            print(f"ok    {name} ({took:.1f} s)", flush=True)


def expect_ok(proc: subprocess.CompletedProcess) -> None:
    for marker in FATAL:
        assert marker not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def check_version(s: Smoke) -> None:
    text = (ROOT / "derivview" / "__init__.py").read_text(encoding="utf-8")
    version = re.search(r'__version__ = "([^"]+)"', text).group(1)
    proc = s.run("--version")
    expect_ok(proc)
    assert proc.stdout.strip() == f"derivview {version}", proc.stdout


def check_info_through_worker(s: Smoke) -> None:
    proc = s.run("info", WORKER_EXPR, "--at", "0.7", "--json")
    expect_ok(proc)
    data = json.loads(proc.stdout)
    point = data["points"][0]
    assert close(point["f"], f(0.7)), point
    assert close(point["df"], df(0.7)), point
    printed = data["df"]
    assert printed and "x" in printed, data
    # The printed formula is what a person reads: feed it back, compare with f′ by hand.
    for x in (0.7, -1.3, 2.5):
        back = s.run("info", printed, "--at", str(x), "--json")
        expect_ok(back)
        value = json.loads(back.stdout)["points"][0]["f"]
        assert close(value, df(x)), (printed, x, value, df(x))
    # The same formula in the human-readable output.
    plain = s.run("info", WORKER_EXPR, "--at", "0.7")
    expect_ok(plain)
    assert f"f′(x) = {printed}" in plain.stdout, plain.stdout


def check_descend(s: Smoke) -> None:
    proc = s.run("descend", "(x-3)^2", "--start", "0", "--lr", "0.1", "--json")
    expect_ok(proc)
    data = json.loads(proc.stdout)
    assert data["status"] == "converged", data["status"]
    for step in data["steps"]:  # x_k = 3 − 3·0.8^k for f = (x−3)², η = 0.1, x₀ = 0
        assert close(step["x"], 3 - 3 * 0.8 ** step["k"], rel=1e-12), step


def check_export(s: Smoke) -> None:
    for name, magic in (("plot.png", b"\x89PNG\r\n\x1a\n"), ("plot.svg", None),
                        ("plot.pdf", b"%PDF-")):
        proc = s.run("export", WORKER_EXPR, "-o", name, "--x0", "0.7", "--size", "800x500",
                     "--show", "f,tangent,df,legend")
        expect_ok(proc)
        data = (s.work / name).read_bytes()
        if magic:
            assert data.startswith(magic), (name, data[:16])
        else:
            assert b"<svg" in data[:2000], data[:200]
        if name.endswith(".png"):
            width, height = struct.unpack(">II", data[16:24])  # IHDR
            assert (width, height) == (800, 500), (width, height)
    # An animated GIF (Pillow, a dependency the bundle must carry) with a typeset title
    # (the math font): 6 frames of 320 × 200, each frame an image descriptor (0x2C).
    proc = s.run("export", "x^2", "-o", "sweep.gif", "--animate", "x0", "--frames", "6",
                 "--size", "320x200", "--title", "auto")
    expect_ok(proc)
    data = (s.work / "sweep.gif").read_bytes()
    assert data[:6] in (b"GIF87a", b"GIF89a"), data[:6]
    assert struct.unpack("<HH", data[6:10]) == (320, 200), data[6:10]
    assert _gif_frames(data) == 6, _gif_frames(data)


def _gif_frames(data: bytes) -> int:
    """The number of images in a GIF (walks its blocks: GIF89a, section 17-27)."""
    pos, flags = 13, data[10]
    if flags & 0x80:  # a global colour table
        pos += 3 * 2 ** ((flags & 7) + 1)
    frames = 0

    def skip_sub_blocks(p: int) -> int:
        while data[p]:
            p += data[p] + 1
        return p + 1

    while data[pos] != 0x3B:  # the trailer
        if data[pos] == 0x21:  # an extension: label, then sub-blocks
            pos = skip_sub_blocks(pos + 2)
        elif data[pos] == 0x2C:  # an image: descriptor, local table, LZW data
            frames += 1
            packed = data[pos + 9]
            pos += 10
            if packed & 0x80:
                pos += 3 * 2 ** ((packed & 7) + 1)
            pos = skip_sub_blocks(pos + 1)
        else:
            raise AssertionError(f"not a GIF block at {pos}: {data[pos]:#x}")
    return frames


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{pid}$", text, re.M):
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def check_window_offscreen(s: Smoke) -> None:
    """Started offscreen: it paints, starts its worker, stays up; closed, nothing remains.

    The offscreen platform takes no input, so "closed" is SIGTERM here (the X11 check
    below closes it with Ctrl+Q).
    """
    err = s.work / "offscreen.err"
    with err.open("w") as fh:
        app = subprocess.Popen(
            [str(s.exe), "--expr", WORKER_EXPR, "--x0", "0.7"], cwd=s.work,
            env={**s.env, "QT_QPA_PLATFORM": "offscreen"}, stdout=fh, stderr=fh,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 30
        while not _children(app.pid) and time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.2)
        assert app.poll() is None, f"exited {app.returncode}: {err.read_text()[-2000:]}"
        workers = _children(app.pid)
        assert workers, "no worker process started within 30 s"
        time.sleep(3)  # the window keeps running with its worker
        assert app.poll() is None, f"exited {app.returncode}: {err.read_text()[-2000:]}"
    finally:
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(w) for w in workers), f"worker processes left behind: {workers}"
    lines = [ln for ln in err.read_text().splitlines() if ln and not BENIGN_STDERR.match(ln)]
    assert not lines, "\n".join(lines[-20:])


def check_window_x11(s: Smoke) -> str | None:
    """On a real X server (Xvfb, the xcb platform plugin and its libraries): Ctrl+Q → exit 0."""
    xvfb, xdotool = shutil.which("Xvfb"), shutil.which("xdotool")
    if not (xvfb and xdotool):
        return "Xvfb or xdotool not installed (apt-get install xvfb xdotool)"
    display = f":{os.getpid() % 400 + 100}"
    server = subprocess.Popen([xvfb, display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**s.env, "DISPLAY": display}
    err = s.work / "x11.err"
    app = None
    try:
        time.sleep(1.5)
        assert server.poll() is None, "Xvfb did not start"
        with err.open("w") as fh:
            app = subprocess.Popen([str(s.exe), "--expr", WORKER_EXPR], cwd=s.work, env=env,
                                   stdout=fh, stderr=fh, stdin=subprocess.DEVNULL)
        found = subprocess.run([xdotool, "search", "--sync", "--onlyvisible", "--name",
                                "derivview"], env=env, capture_output=True, text=True,
                               timeout=60)
        window = found.stdout.split()[0] if found.stdout.split() else None
        assert window, f"no derivview window appeared: {err.read_text()[-2000:]}"
        time.sleep(3)  # let it paint and plot
        assert app.poll() is None, f"exited {app.returncode}: {err.read_text()[-2000:]}"
        subprocess.run([xdotool, "windowfocus", "--sync", window], env=env, timeout=20)
        subprocess.run([xdotool, "key", "--clearmodifiers", "ctrl+q"], env=env, timeout=20)
        status = app.wait(timeout=30)
        text = err.read_text()
        assert status == 0, f"exit {status}: {text[-2000:]}"
        for marker in FATAL:
            assert marker not in text, text[-2000:]
    finally:
        if app is not None and app.poll() is None:
            app.kill()
            app.wait()
        server.terminate()
        server.wait(timeout=10)
    return None


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    exe = Path(sys.argv[1]).absolute()
    if not os.access(exe, os.X_OK):
        print(f"not an executable: {exe}", file=sys.stderr)
        return 2
    s = Smoke(exe)
    print(f"smoke test of {exe} in {s.work}", flush=True)
    s.check("--version", lambda: check_version(s))
    s.check("info via the worker process, printed f′ correct", lambda: check_info_through_worker(s))
    s.check("descend (x-3)^2", lambda: check_descend(s))
    s.check("export PNG, SVG, PDF, GIF", lambda: check_export(s))
    s.check("window offscreen, worker, closed", lambda: check_window_offscreen(s))
    s.check("window on X11 (Xvfb), Ctrl+Q", lambda: check_window_x11(s))
    shutil.rmtree(s.work, ignore_errors=True)
    print(f"{s.passed} passed, {s.failed} failed", flush=True)
    return 1 if s.failed else 0


if __name__ == "__main__":
    sys.exit(main())
