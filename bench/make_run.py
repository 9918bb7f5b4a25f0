"""How long `make run` takes on a fresh clone until the admin answers (not a test; prints a table).

    .venv/bin/python bench/make_run.py [--rounds N] [--warm-caches] [--demo-news N]

Each round clones this checkout's HEAD into a temporary folder (no `.venv`, no `var/`), runs `make run`
there on a free port and polls the admin's login page until it answers 200. Package caches are empty by
default, as on a new machine (uv's and pip's caches point into the round's folder); `--warm-caches`
keeps the machine's own. Each command `make` starts is stamped as it starts, so the table shows where the
time goes: the virtual environment and the pinned set, the Thai catalogue with the static files and migrate
(side by side), the demo (its news through the bulk importer) and the server's start.
"""

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.env import SHARED_DIR  # noqa: E402  (the one place that reads it)

PHASES = (  # (label, a pattern of the command line make echoes when the phase starts)
    ("virtual environment and pinned set", re.compile(r"-m venv|uv pip install|pip install")),
    ("Thai catalogue, static files and migrate, side by side", re.compile(r"--output-sync")),
    ("demo (agencies, users, order, history, news)", re.compile(r"load_demo")),
    ("server start", re.compile(r"runserver")),
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def one_round(demo_news, warm_caches, timeout):
    with tempfile.TemporaryDirectory(prefix="make-run-") as scratch:
        clone = Path(scratch) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DATABASE_URL", "SEARCH_INDEX_PATH")}
        # The clone sits in a temporary folder: the shared data is this checkout's (beside it, as in CI).
        env.setdefault("SHARED_DIR", str(SHARED_DIR.resolve()))
        if not warm_caches:
            env.update(UV_CACHE_DIR=str(Path(scratch) / "uv-cache"), PIP_CACHE_DIR=str(Path(scratch) / "pip-cache"))
        port = free_port()
        started = time.perf_counter()
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}", f"DEMO_NEWS={demo_news}"], cwd=clone, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        stamps, lines = [], []

        def read():
            for line in process.stdout:
                lines.append(line)
                for label, pattern in PHASES:
                    if pattern.search(line) and label not in (s[0] for s in stamps):
                        stamps.append((label, time.perf_counter() - started))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        url = f"http://127.0.0.1:{port}/admin/login/"
        try:
            while not answers(url):
                if process.poll() is not None:
                    raise SystemExit("make run stopped:\n" + "".join(lines[-30:]))
                if time.perf_counter() - started > timeout:
                    raise SystemExit(f"the admin did not answer within {timeout} s")
                time.sleep(0.25)
            total = time.perf_counter() - started
        finally:
            with contextlib.suppress(ProcessLookupError):  # make may have stopped by itself
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(clone, ignore_errors=True)
    phases = []
    for n, (label, at) in enumerate(stamps):
        end = stamps[n + 1][1] if n + 1 < len(stamps) else total
        phases.append((label, end - at))
    return total, phases


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--demo-news", type=int, default=300, help="DEMO_NEWS for make run (its default: 300)")
    parser.add_argument("--warm-caches", action="store_true", help="use the machine's uv and pip caches")
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()
    for n in range(args.rounds):
        load = os.getloadavg()[0]
        total, phases = one_round(args.demo_news, args.warm_caches, args.timeout)
        print(f"round {n + 1}: the admin answered {total:.1f} s after `make run` (load average {load:.1f} at start, "
              f"{os.getloadavg()[0]:.1f} at the end; caches {'warm' if args.warm_caches else 'empty'})")
        for label, seconds in phases:
            print(f"  {seconds:6.1f} s  {label}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
