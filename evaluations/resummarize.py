"""Write a corpus's summaries again with another summary setting, dialogues untouched, so a summary
dial can be compared downstream on the very same dialogues (``benchmark -s a=RUN -s b=OUT``).

    .venv/bin/python evaluations/resummarize.py RUN_DIR --out OUT_DIR --set summary.best_of=3

Uses the run's own config (``RUN_DIR/run/config.yaml``) with the overrides, the pipeline's summary
stage and the same retries; a dialogue whose new summary fails the bar keeps no row (counted).
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import datasets
import yaml
from provenance import provenance
from pydantic import ValidationError

from dialoguesynth.config import Config, apply_overrides, format_validation_error
from dialoguesynth.defects import grounded_share
from dialoguesynth.pipeline import Generator
from dialoguesynth.runner import BatchRunner
from dialoguesynth.spec import ConversationSpec
from dialoguesynth.stages.summary import SummaryStage


def with_overrides(config: dict, sets: list[str]) -> Config:
    """The run's config with ``key=value`` overrides; a bad key or value exits with one line."""
    bad = [s for s in sets if "=" not in s]
    if bad:
        raise SystemExit(f"error: --set needs key=value, got {bad[0]!r}")
    apply_overrides(config, {k: yaml.safe_load(v) for k, _, v in (s.partition("=") for s in sets)}, sep=".")
    try:
        return Config.model_validate(config)
    except ValidationError as exc:
        raise SystemExit("error: " + format_validation_error(exc, "--set")) from None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--set", action="append", default=[], help="dotted config key=value (YAML value)")
    args = ap.parse_args()

    cfg = with_overrides(yaml.safe_load((args.run / "run" / "config.yaml").read_text()), args.set)
    ds = datasets.load_from_disk(str(args.run))
    rows = ds.to_list()
    gen = Generator(cfg)
    items = [(ConversationSpec.model_validate_json(r["spec_json"]), r["dialogue"]) for r in rows]
    started = time.monotonic()
    # the pipeline's own retries and resampling for the summary stage
    outcomes = BatchRunner(cfg, gen.pool, gen.backend).stages.run(SummaryStage(cfg, gen.pool), items)
    wall = time.monotonic() - started
    gen.backend.close()

    keep, failed = [], {}
    for r, o in zip(rows, outcomes):
        if o.reason is not None:
            failed[o.reason] = failed.get(o.reason, 0) + 1
            continue
        keep.append(r | {"summary": o.value, "tokens_summary": o.tokens})
    if args.out.exists():
        shutil.rmtree(args.out)
    datasets.Dataset.from_list(keep, features=ds.features).save_to_disk(str(args.out))
    share = lambda rs: round(sum(grounded_share(r["summary"], r["dialogue"]) for r in rs) / len(rs), 4)  # noqa: E731
    summary = json.loads((args.run / "summary.json").read_text()) | {
        "resummarized_from": str(args.run),
        "overrides": args.set,
        "summary_wall_s": round(wall, 1),
        "summary_failed": failed,
        "grounded_share": {"before": share(rows), "after": share(keep)},
        "provenance": provenance(),
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: summary[k] for k in ("summary_wall_s", "summary_failed", "grounded_share")}))


if __name__ == "__main__":
    main()
