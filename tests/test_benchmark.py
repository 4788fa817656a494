"""The downstream benchmark wired end to end on a tiny setting with the REAL embedded model
(HF transformers fine-tune + generate). A DialogSum dev slice stands in for a synthetic corpus."""

import json

import pytest

pytestmark = pytest.mark.engine


def test_tiny_benchmark(tmp_path, dialogsum):
    from typer.testing import CliRunner

    from dialoguesynth.cli import app

    rows = [json.loads(x) for x in (dialogsum / "dev.jsonl").read_text().splitlines()[:12]]
    corpus = tmp_path / "synthetic.jsonl"
    corpus.write_text("".join(json.dumps({"dialogue": r["dialogue"], "summary": r["summary"]}) + "\n" for r in rows))
    res = CliRunner().invoke(app, ["benchmark", "-s", f"tiny={corpus}", "--real", str(dialogsum / "train.jsonl"),
                                   "--test", str(dialogsum / "test.jsonl"), "--out", str(tmp_path / "b"),
                                   "--n-train", "8", "--n-test", "4", "--seeds", "1", "--epochs", "1", "--lr", "1e-4"])
    assert res.exit_code == 0, res.output
    r = json.loads((tmp_path / "b" / "benchmark.json").read_text())
    assert set(r["table"]) == {"zero-shot", "in-domain (real)", "synthetic: tiny"}
    assert r["n_train"] == 8 and r["n_test"] == 4
    for row in r["table"].values():
        assert 0 <= row["rougeL"]["mean"] <= 100 and row["rougeL"]["ci95"][0] <= row["rougeL"]["mean"] <= row["rougeL"]["ci95"][1]
    assert "ratio_to_in_domain_rougeL" in r["table"]["synthetic: tiny"]
    assert all(isinstance(e["zero-shot"], str) for e in r["examples"])
    assert "| synthetic: tiny |" in (tmp_path / "b" / "benchmark.md").read_text()
