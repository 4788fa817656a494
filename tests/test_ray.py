"""`generate --engine ray` for REAL: a local Ray instance (2 CPUs), one actor holding vLLM on the
embedded model, specs rendered by Ray Data and written as parquet shards; a rerun resumes."""

import json

import datasets
import pytest
from cli_run import generate_cmd, run_ok

pytestmark = pytest.mark.engine


def test_generate_on_local_ray_and_resume(tmp_path, dialogsum):
    pytest.importorskip("ray")
    cfg = tmp_path / "ray.yaml"
    cfg.write_text(
        f"seed: 5\nnum_dialogues: 4\ntopics: {{expand: false, topics: [shopping, travel]}}\n"
        f"reference: {{path: {dialogsum / 'train.jsonl'}}}\nplan: {{strategy: template}}\nrun: {{batch_size: 2}}\n"
        # the machinery is under test, not the model: a lenient bar, so dialogues pass; one summary each
        "checks: {defects: false, max_repeated_trigram_fraction: 1.0}\nsummary: {best_of: 1}\n"
    )
    out = tmp_path / "out"
    cmd = generate_cmd(cfg, out, "--engine", "ray", "--ray-workers", "1")
    run_ok(cmd)
    ds = datasets.load_from_disk(str(out))
    rejected = (out / "rejected.jsonl").read_text().splitlines()
    # the machinery is under test, not the 135M model: one passing dialogue of four is enough
    assert len(ds) + len(rejected) == 4 and len(ds) >= 1
    assert list(ds["index"]) == sorted(ds["index"]) and all(r["summary"].strip() for r in ds)
    assert list((out / "run" / "ray-shards").glob("*.parquet"))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["engine"] == {"kind": "ray", "address": "local", "workers": 1}
    # the Ray path once wrote coverage_grid null and generation_s 0: the same summary as a local run now
    assert summary["coverage_grid"]["filled"] >= 1 and summary["generation_s"] > 0
    assert summary["subtopics"]["source"] == "topics"
    again = run_ok(cmd, timeout=600)
    assert "rendering" not in again.stderr + again.stdout  # everything was done: no actor, no engine
    assert datasets.load_from_disk(str(out))["id"] == ds["id"]
