"""Open a generated page in headless Chromium as a person would: the DOM after scripts ran, console
errors, and a screenshot (tests and ``evaluations/screenshots.py`` use it)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel

from .errors import DialoguesynthError

_CONSOLE = re.compile(r":CONSOLE\(\d+\)\] \"(.*?)\", source: (.*)$|Uncaught .*", re.M)
_ERROR_ATTR = re.compile(r'<body[^>]*\bdata-error="([^"]*)"')
_READY_ATTR = re.compile(r'<body[^>]*\bdata-ready="([^"]*)"')
_MS_ATTR = re.compile(r'<body[^>]*\bdata-ms="([^"]*)"')


class PageCheck(BaseModel):
    """What Chromium saw: console messages that are errors, the page's own error/ready marks, load time."""

    console_errors: list[str]
    page_error: str | None
    ready: str | None
    dom_chars: int
    seconds: float  # Chromium start to DOM dump
    page_ms: int | None = None  # the page's own navigation-to-ready time, where it records one


def chromium() -> str | None:
    return next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)


def _run(args: list[str], timeout: int) -> subprocess.CompletedProcess:
    exe = chromium()
    if exe is None:
        raise DialoguesynthError("Chromium not found: install Debian's `chromium` package (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=20000",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def check_page(
    page: Path,
    screenshot: Path | None = None,
    size: tuple[int, int] = (1400, 900),
    timeout: int = 120,
    fragment: str = "",
) -> PageCheck:
    """Load ``page`` (a local file; ``fragment`` after '#'), let its scripts finish, read the DOM;
    optionally save a PNG."""
    url = Path(page).resolve().as_uri() + (f"#{fragment}" if fragment else "")
    t0 = time.perf_counter()
    dom = _run(["--dump-dom", url], timeout)
    seconds = time.perf_counter() - t0
    errors = [
        m.group(0)
        for m in _CONSOLE.finditer(dom.stderr)
        if "Uncaught" in m.group(0) or "Error" in m.group(0) or "error" in (m.group(1) or "")
    ]
    if screenshot is not None:
        Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
        _run([f"--screenshot={Path(screenshot).resolve()}", f"--window-size={size[0]},{size[1]}", url], timeout)
    err, ready, ms = (p.search(dom.stdout) for p in (_ERROR_ATTR, _READY_ATTR, _MS_ATTR))
    return PageCheck(
        console_errors=errors,
        page_error=err.group(1) if err else None,
        ready=ready.group(1) if ready else None,
        dom_chars=len(dom.stdout),
        seconds=round(seconds, 2),
        page_ms=int(ms.group(1)) if ms else None,
    )
