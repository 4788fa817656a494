"""Open the corpus viewer and the report page of a run in headless Chromium as a person would:
screenshots, console errors, and the viewer at 10,000 records (page weight and load time).

    python evaluations/screenshots.py out/demo --out evaluations/results/pages

RUN is a `generate` output folder; its report is made with `dialoguesynth evaluate` first if missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from provenance import provenance

from dialoguesynth.pagecheck import check_page
from dialoguesynth.store import RunStore
from dialoguesynth.view import build_page, page_rows, view


def scaled_page(run: Path, n: int, path: Path) -> Path:
    """The viewer with the run's records repeated (ids renumbered) up to ``n``: what a large run weighs."""
    store = RunStore(run)
    rows = page_rows(store.records(repair=False), store.rejected(repair=False))
    big = [{**rows[i % len(rows)], "id": f"{rows[i % len(rows)]['id']}-{i // len(rows)}"} for i in range(n)]
    path.write_text(build_page(big, f"dialoguesynth: {run.name} x{n}"), encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--scale", type=int, default=10_000, help="records in the scaled viewer")
    args = ap.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    report = args.run / "eval" / "report.html"
    if not report.exists():
        subprocess.run([sys.executable, "-m", "dialoguesynth.cli", "evaluate", str(args.run)], check=True)
    results = {}
    page = view(args.run, out / "view.html")
    for name, p, size, fragment in (
        ("view", page, (1400, 900), ""),
        ("view-rejected", page, (1400, 900), "status=rejected"),
        ("report", report, (1200, 3000), ""),
    ):
        seen = check_page(p, screenshot=out / f"{name}.png", size=size, fragment=fragment)
        results[name] = {"bytes": p.stat().st_size, **seen.model_dump()}
    shutil.copy(report, out / "report.html")
    big = scaled_page(args.run, args.scale, out / f"view-{args.scale}.html")
    seen = check_page(big, screenshot=out / f"view-{args.scale}.png")
    results[f"view_{args.scale}_records"] = {"bytes": big.stat().st_size, **seen.model_dump()}
    big.unlink()  # tens of MB of repeated records: the figures are what is published
    ok = all(r["page_error"] is None and not r["console_errors"] and r["ready"] for r in results.values())
    (out / "pages.json").write_text(
        json.dumps({**provenance(), "run": str(args.run), "all_clean": ok, "pages": results}, indent=2)
    )
    for name, r in results.items():
        print(
            f"{name}: {r['bytes'] / 1e6:.2f} MB, ready in {r['page_ms']} ms "
            f"(Chromium start to DOM {r['seconds']} s), ready={r['ready']}, "
            f"errors={r['console_errors'] or r['page_error'] or 'none'}"
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
