"""End to end with the REAL engine: vLLM (CPU) on the embedded SmolLM2-135M, through the CLI."""

import json
import subprocess
import sys
import time

import datasets
import pytest

pytestmark = pytest.mark.engine

N = 6


@pytest.fixture(scope="module")
def run(tmp_path_factory, dialogsum):
    tmp = tmp_path_factory.mktemp("e2e")
    cfg = tmp / "e2e.yaml"
    cfg.write_text(
        f"seed: 11\nnum_dialogues: {N}\n"
        "topics:\n  topics: [shopping, job interview, the weather]\n  subtopics_per_topic: 2\n"
        f"reference:\n  path: {dialogsum / 'train.jsonl'}\n"
    )
    out = tmp / "out"
    cmd = [sys.executable, "-m", "dialoguesynth.cli", "generate", "-c", str(cfg), "-o", str(out), "--no-progress"]
    t = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    first_s = time.monotonic() - t
    assert proc.returncode == 0, proc.stderr[-3000:]
    return cmd, out, proc, first_s


def test_dataset_schema_and_contents(run):
    _, out, proc, _ = run
    ds = datasets.load_from_disk(str(out))
    rejected = (out / "rejected.jsonl").read_text().splitlines()
    assert len(ds) + len(rejected) == N
    assert len(ds) >= N // 2, f"only {len(ds)}/{N} passed checks: {rejected}"
    for row in ds:
        assert row["turns"] and all(t["text"].strip() for t in row["turns"])
        assert {t["speaker"] for t in row["turns"]} == {"#Person1#", "#Person2#"}
        assert row["dialogue"].startswith("#Person1#: ")
        assert row["summary"].strip() and row["plan"].strip()
        assert row["model"] == "embedded:SmolLM2-135M-Instruct"
        assert row["subtopic"] and row["topic"] in ("shopping", "job interview", "the weather")
        assert row["render_seed"] > 0 and row["seed"] > 0 and row["prompt_version"] == "v1"
        for col in ("medium", "location", "familiarity", "formality", "agreement", "duration"):
            assert row[col]
        assert len(row["age_group"]) == len(row["gender"]) == len(row["emotion"]) == 2
        assert all(1 <= row[f"p{i}_{t}"] <= 5 for i in (1, 2) for t in ("openness", "neuroticism"))
        assert row["tokens_dialogue"] > 0 and row["tokens_prompt"] > 0
    tax = json.loads((out / "run" / "taxonomy.json").read_text())
    assert tax["source"] == "llm" and all(len(v) >= 1 for v in tax["subtopics"].values())
    assert "dataset:" in proc.stderr and "accepted" in proc.stderr


def test_rerun_resumes_without_engine(run):
    cmd, out, _, first_s = run
    before = datasets.load_from_disk(str(out))["dialogue"]
    t = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert time.monotonic() - t < first_s / 2  # nothing left to do: vLLM is never started
    assert datasets.load_from_disk(str(out))["dialogue"] == before
