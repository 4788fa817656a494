"""More retries as a throughput lever: the default config on the same specs at checks.max_retries 2, 4
and 2 again (the repeat shows the machine's drift within the run), one `dialoguesynth generate`
process per arm with every engine call recorded, and a matmul probe before each arm.

    cd /tmp/retries && PYTHONPATH=REPO/evaluations:REPO REPO/.venv/bin/python \
        REPO/evaluations/history/2026-12-06-retries/arms.py --n 128 --seed 13 --work /tmp/retries/work --out OUT
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench_throughput import matmul_probe, pipeline_arm
from provenance import provenance

REPO = Path(__file__).resolve().parents[3]
# the child imports this checkout's package, not whatever the venv's editable install points at
CHILD_ENV = {"PYTHONPATH": f"{REPO / 'evaluations'}:{REPO}"}
ARMS = [("A retries 2", 2), ("B retries 4", 4), ("A' retries 2 again", 2)]


def per_attempt(rec: list[dict]) -> list[dict]:
    """The dialogue stage's engine calls in order (guided by a regex), with their time and requests."""
    return [
        {"requests": len(c["requests"]), "engine_s": round(c["engine_s"], 1)}
        for c in rec[1:]
        if c["requests"] and c["requests"][0].get("regex") and c["requests"][0].get("max_tokens", 0) > 200
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=128, help="specs per arm (the same specs in every arm)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--work", type=Path, required=True, help="where the arms' corpora and call logs go")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    a.out.mkdir(parents=True, exist_ok=True)
    ds = str(Path(sys.executable).parent / "dialoguesynth")
    res: dict = {"command": " ".join(sys.argv), **provenance(), "n_specs": a.n, "seed": a.seed, "arms": {}}
    for name, retries in ARMS:
        print(f"{name} ...", flush=True)
        probe = matmul_probe("float32")
        raw_cfg = {
            "num_dialogues": a.n,
            "seed": a.seed,
            "model": {"backend": "bench_support:RecordingVLLM"},
            "checks": {"max_retries": retries},
            "summary": {"min_chars": 10},  # v31's key (= its default): main's code would refuse the config
        }
        slug = name.split()[0].replace("'", "2")
        arm, rec = pipeline_arm(ds, raw_cfg, a.work, slug, CHILD_ENV)
        arm["matmul_before_gflops"] = probe
        arm["accepted_per_min"] = round(arm["accepted"] / arm["steady_s"] * 60, 3)
        arm["accepted_per_min_per_100_gflops"] = round(arm["accepted_per_min"] / probe * 100, 4)
        arm["dialogue_calls"] = per_attempt(rec)
        arm["corpus"] = str(a.work / slug)
        res["arms"][name] = arm
        print(json.dumps(arm), flush=True)
        (a.out / "arms.json").write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
