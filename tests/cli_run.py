"""The CLI in a child process, as a user runs it."""

import subprocess
import sys
from pathlib import Path


def cli_cmd(*args: str) -> list[str]:
    """The command line of `dialoguesynth ARGS...`, run by this interpreter."""
    return [sys.executable, "-m", "dialoguesynth.cli", *args]


def generate_cmd(cfg: Path, out: Path, *extra: str) -> list[str]:
    """The command line of `dialoguesynth generate -c CFG -o OUT --no-progress EXTRA...`."""
    return cli_cmd("generate", "-c", str(cfg), "-o", str(out), "--no-progress", *extra)


def run_ok(cmd: list[str], timeout: float = 1200) -> subprocess.CompletedProcess:
    """Run ``cmd``; fail the test with the tail of its stderr unless it exits 0."""
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc
