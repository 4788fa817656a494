"""What a result records about how it was made: the commit, the exact command, the machine, the time."""

from __future__ import annotations

import datetime
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]  # the checkout, when the package runs from one


class Provenance(BaseModel):
    commit: str | None  # None when the package is not a git checkout (an installed wheel)
    dirty: bool  # tracked code or configs differ from the commit (published results being rewritten do not count)
    command: str
    machine: str
    date: str


def _git(*args: str) -> str | None:
    try:
        r = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def commit() -> str | None:
    """The dialoguesynth commit when it runs from a git checkout (None from a wheel)."""
    return _git("rev-parse", "HEAD")


def provenance() -> Provenance:
    dirty = _git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!evaluations/results")
    return Provenance(
        commit=commit(),
        dirty=bool(dirty),
        command=shlex.join(_command()),
        machine=f"{platform.machine()}, {os.cpu_count()} CPUs, {_mem_gb()} GB RAM, Python {platform.python_version()}",
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )


def _command() -> list[str]:
    """The command as typed: 'dialoguesynth sweep ...' for the CLI, 'python evaluations/x.py ...' for a script."""
    head = sys.argv[0] if sys.argv[0].endswith(".py") else Path(sys.argv[0]).name
    return ([Path(sys.executable).name] if head.endswith(".py") else []) + [head, *sys.argv[1:]]


def _mem_gb() -> float | str:
    try:
        with open("/proc/meminfo") as f:
            return round(int(f.readline().split()[1]) / 2**20, 1)
    except OSError:
        return "?"
