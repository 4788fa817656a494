"""What every published result records: the commit, the exact command, the machine, the time."""

from __future__ import annotations

import datetime
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def provenance() -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    # dirty: tracked code or config changed since the commit (published outputs being rewritten do not count)
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!evaluations/results")
    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(dirty),
        "command": " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv]),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"{_mem_gb()} GB RAM, Python {platform.python_version()}",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def _mem_gb() -> float | str:
    try:
        with open("/proc/meminfo") as f:
            return round(int(f.readline().split()[1]) / 2**20, 1)
    except OSError:
        return "?"
