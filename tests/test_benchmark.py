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
    res = CliRunner().invoke(
        app,
        [
            "benchmark",
            "-s",
            f"tiny={corpus}",
            "--real",
            str(dialogsum / "train.jsonl"),
            "--test",
            str(dialogsum / "test.jsonl"),
            "--out",
            str(tmp_path / "b"),
            "--n-train",
            "8",
            "--n-test",
            "4",
            "--seeds",
            "1",
            "--epochs",
            "1",
            "--lr",
            "1e-4",
        ],
    )
    assert res.exit_code == 0, res.output
    r = json.loads((tmp_path / "b" / "benchmark.json").read_text())
    assert set(r["table"]) == {"zero-shot", "in-domain (real)", "synthetic: tiny"}
    assert r["n_train"] == 8 and r["n_test"] == 4
    for row in r["table"].values():
        assert (
            0 <= row["rougeL"]["mean"] <= 100
            and row["rougeL"]["ci95"][0] <= row["rougeL"]["mean"] <= row["rougeL"]["ci95"][1]
        )
    assert "ratio_to_in_domain_rougeL" in r["table"]["synthetic: tiny"]
    assert all(isinstance(e["zero-shot"], str) for e in r["examples"])
    assert "| synthetic: tiny |" in (tmp_path / "b" / "benchmark.md").read_text()
    preds = [json.loads(x) for x in (tmp_path / "b" / "predictions.jsonl").read_text().splitlines()]
    assert len(preds) == 4 * (1 + 2 * r["config"]["seeds"])  # every test output of every condition and seed
    shapes = {k: row["outputs"] for k, row in r["table"].items()}
    zero = [p["prediction"] for p in preds if p["condition"] == "zero-shot"]
    assert shapes["zero-shot"]["words"] == round(sum(len(z.split()) for z in zero) / len(zero), 1)
    assert len(r["commit"]) == 40  # the checkout the result came from (tests run from one)


def test_seq2seq_summarizer_trains_and_decodes(tmp_path, dialogsum):
    """The paper-scale path (BART/T5/LED) wired with a tiny randomly initialised BART built from a config
    (no weights to download), using the embedded model's tokenizer: loss falls, decoding returns text."""
    from transformers import AutoTokenizer, BartConfig, BartForConditionalGeneration

    from dialoguesynth.benchmark.data import pairs_from
    from dialoguesynth.benchmark.summarizer import Summarizer
    from dialoguesynth.models import resolve_model

    tok = AutoTokenizer.from_pretrained(resolve_model("embedded"))
    cfg = BartConfig(
        vocab_size=len(tok),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=512,
        pad_token_id=tok.eos_token_id,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        decoder_start_token_id=tok.eos_token_id,
        forced_eos_token_id=None,
    )
    BartForConditionalGeneration(cfg).save_pretrained(tmp_path / "bart")
    tok.save_pretrained(tmp_path / "bart")
    s = Summarizer(str(tmp_path / "bart"), max_dialogue_tokens=64)
    assert s.seq2seq
    pairs = pairs_from(dialogsum / "dev.jsonl", 8)
    losses = s.train(pairs, epochs=6, lr=3e-3, batch_size=4)
    assert losses[-1] < losses[0]
    out = s.summarize([p.dialogue for p in pairs[:3]], max_new_tokens=8, num_beams=2)
    assert len(out) == 3 and all(isinstance(x, str) for x in out)


def test_response_pairs_cut_a_dialogue_before_a_turn():
    import random

    from dialoguesynth.benchmark.response import cut

    d = "#Person1#: Hi, Tom.\n#Person2#: Hello! How are you?\n#Person1#: Fine, thanks.\n#Person2#: Good."
    seen = set()
    for s in range(40):
        p = cut(d, random.Random(s))
        k = p.dialogue.count("\n")  # turns of context before the next speaker's tag
        assert d.splitlines()[k] == f"{p.dialogue.splitlines()[-1]} {p.summary}"  # the target is the real next turn
        assert p.dialogue.splitlines()[:-1] == d.splitlines()[:k]
        seen.add(k)
    assert seen == {1, 2, 3}  # any turn after the first
    assert cut("#Person1#: Alone.", random.Random(0)) is None


def test_tiny_response_benchmark(tmp_path, dialogsum):
    """`benchmark --task response` end to end on the REAL embedded model (tiny): a named-speaker corpus
    (the SAMSum-style fixture) stands in for a synthetic one; the table has BLEU and perplexity."""
    from typer.testing import CliRunner

    from dialoguesynth.cli import app

    chat = __import__("pathlib").Path(__file__).parent / "data" / "chat_corpus.jsonl"
    res = CliRunner().invoke(
        app,
        ["benchmark", "--task", "response", "-s", f"chat={chat}", "--real", str(dialogsum / "train.jsonl"),
         "--test", str(dialogsum / "test.jsonl"), "--out", str(tmp_path / "b"), "--n-train", "16", "--n-test", "6",
         "--seeds", "1", "--epochs", "2"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    r = json.loads((tmp_path / "b" / "benchmark.json").read_text())
    assert r["task"] == "response" and r["n_test"] == 6
    for row in r["table"].values():
        assert 0 <= row["bleu"]["mean"] <= 100 and 0 <= row["rougeL"]["mean"] <= 100
        assert 1 < row["perplexity"]["ci95"][0] <= row["perplexity"]["mean"] <= row["perplexity"]["ci95"][1]
    # fine-tuning on real next turns makes the real test turns likelier than the untuned model finds them
    assert r["table"]["in-domain (real)"]["perplexity"]["mean"] < r["table"]["zero-shot"]["perplexity"]["mean"]
    assert "| BLEU |" in (tmp_path / "b" / "benchmark.md").read_text()


def test_output_shape_counts_looping_outputs():
    from dialoguesynth.benchmark.run import output_shape

    looped = "#Person1# is a little girl Maria. She's a little girl Maria. She's a little girl Maria. She's a girl"
    shape = output_shape([looped, "Sara helps Tom take care of his son while Tom takes his daughter to hospital."])
    assert shape["looping"] == 0.5 and shape["words"] == round((19 + 15) / 2, 1)
    assert output_shape(["a b c d a b c d"])["looping"] == 0.0  # twice is not a loop
