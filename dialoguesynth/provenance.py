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
        machine=f"{platform.machine()}{_cpu()}, {os.cpu_count()} CPUs, {_mem_gb()} GB RAM, "
        f"Python {platform.python_version()}",
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )


def _command() -> list[str]:
    """The command as typed: 'dialoguesynth sweep ...' for the CLI, 'python evaluations/x.py ...' for a script."""
    head = sys.argv[0] if sys.argv[0].endswith(".py") else Path(sys.argv[0]).name
    return ([Path(sys.executable).name] if head.endswith(".py") else []) + [head, *sys.argv[1:]]


def _cpu() -> str:
    """' AMD EPYC (AVX2)': the CPU's name and its widest vector unit, which sets engine speed (bfloat16
    is 3x slower than float32 without AVX-512 BF16: evaluations/history/2026-12-03-dtype)."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""
    name = next((ln.split(":", 1)[1].strip() for ln in info.splitlines() if ln.startswith("model name")), "")
    flags = set(next((ln.split(":", 1)[1].split() for ln in info.splitlines() if ln.startswith("flags")), []))
    units = ("amx_bf16", "avx512_bf16", "avx512f", "avx2")
    unit = next((u.upper() for u in units if u in flags), "")
    return f" {name} ({unit})" if name or unit else ""


def _mem_gb() -> float | str:
    try:
        with open("/proc/meminfo") as f:
            return round(int(f.readline().split()[1]) / 2**20, 1)
    except OSError:
        return "?"
