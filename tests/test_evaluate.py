"""Evaluation metrics on inputs with known answers, the realism self-check on real data, and the
evaluate command on a plain jsonl corpus."""

import json
import random

import numpy as np
import pytest

from dialoguesynth.evaluate import adherence, diversity, realism
from dialoguesynth.evaluate.data import load_rows, strip_tags


def test_identical_texts_are_not_diverse():
    same = ["the cat sat on the mat today"] * 10
    assert diversity.distinct_n(same, 2) == pytest.approx(6 / 60)
    assert diversity.self_bleu(same) == pytest.approx(100.0)
    varied = [" ".join(random.Random(i).sample("a b c d e f g h i j k l m n o p".split(), 8)) for i in range(10)]
    assert diversity.distinct_n(varied, 2) > 0.5
    assert diversity.compression_ratio(same) > diversity.compression_ratio(varied)


def test_vendi_and_cosine_known_answers():
    same = np.tile([[1.0, 0.0, 0.0]], (5, 1))
    assert diversity.vendi_score(same) == pytest.approx(1.0)
    assert diversity.mean_pairwise_cosine(same) == pytest.approx(1.0)
    ortho = np.eye(6)
    assert diversity.vendi_score(ortho) == pytest.approx(6.0)
    assert diversity.mean_pairwise_cosine(ortho) == pytest.approx(0.0)


def test_diversity_at_equal_n_removes_the_size_effect():
    # 40 orthogonal directions: Vendi of all 40 is 40, of 10 is 10; at equal n the two sets compare alike
    emb = np.eye(40)
    texts = [f"text number {i} here" for i in range(40)]
    assert diversity.vendi_score(emb) == pytest.approx(40) and diversity.vendi_score(emb[:10]) == pytest.approx(10)
    big, small = diversity.at_equal_n(texts, emb, 8), diversity.at_equal_n(texts[:10], emb[:10], 8)
    assert big["vendi"] == pytest.approx(8) and small["vendi"] == pytest.approx(8)
    assert big["n"] == 8 and big["vendi_range"] == pytest.approx([8, 8])
    mixed = diversity.at_equal_n(texts, np.vstack([np.eye(20)] * 2), 10)
    assert mixed["vendi_range"][0] < mixed["vendi_range"][1] <= 10  # repeats in some subsets, not in all
    with pytest.raises(ValueError):
        diversity.at_equal_n(texts[:5], emb[:5], 8)


def test_entropy():
    assert diversity.entropy(["a", "b", "c", "d"]) == (pytest.approx(2.0), pytest.approx(1.0))
    assert diversity.entropy(["a"] * 5)[0] == 0


def test_frechet_and_c2st_known_answers():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(300, 8)), rng.normal(size=(300, 8))
    assert realism.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert realism.frechet_distance(a, b + 3) > 50 * realism.frechet_distance(a, b)
    assert 0.35 < realism.c2st_auc(a, b)[0] < 0.65
    assert realism.c2st_auc(a, b + 3)[0] > 0.99


def test_adherence_helpers():
    assert adherence.rate(adherence.FILLERS, "um I mean well, it is uh fine") > 30
    assert adherence.turns_spearman([4, 6, 8, 10], [5, 6, 9, 12]) == pytest.approx(1.0)
    emb = np.vstack([np.random.default_rng(1).normal(loc=m, size=(20, 4)) for m in (0, 5)])
    rec = adherence.recoverability(emb, ["x"] * 20 + ["y"] * 20)
    assert rec["accuracy"] > 0.95 and rec["chance"] == 0.5


def test_strip_tags():
    assert strip_tags("#Person1#: Hi.\n#Person2#: Hello there.") == "Hi.\nHello there."


def test_self_check_real_vs_real(dialogsum):
    """DialogSum train scored as if synthetic against DialogSum dev: indistinguishable."""
    from dialoguesynth.evaluate.embed import embed
    from dialoguesynth.evaluate.report import self_check

    ref = random.Random(0).sample(load_rows(dialogsum / "dev.jsonl")[0], 200)
    ref_emb = embed([strip_tags(r["dialogue"]) for r in ref])
    res = self_check(dialogsum / "train.jsonl", ref_emb, n=200)
    assert res["auc_in_0.40_0.60"], res
    assert res["frechet"] < 1.5 * res["frechet_floor_real_vs_real"], res


def test_evaluate_plain_jsonl(tmp_path, dialogsum):
    from typer.testing import CliRunner

    from dialoguesynth.cli import app

    rows = load_rows(dialogsum / "dev.jsonl")[0][:60]
    rows[0]["dialogue"] = "#Person1#: ok\n#Person1#: ok"  # fails the structural checks
    corpus = tmp_path / "other_tool.jsonl"
    corpus.write_text("".join(json.dumps({"dialogue": r["dialogue"]}) + "\n" for r in rows))
    res = CliRunner().invoke(
        app,
        [
            "evaluate",
            str(corpus),
            "--reference",
            str(dialogsum / "test.jsonl"),
            "--self-check-data",
            str(dialogsum / "train.jsonl"),
            "--out",
            str(tmp_path / "rep"),
        ],
    )
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    q = report["quality"]
    assert q["requested"] == 60 and 55 <= q["passed"] <= 59 and q["rejected_by_reason"]["wrong_speaker_count"] >= 1
    assert report["n_evaluated"] == q["passed"] and report["adherence"] is None
    assert 0.3 < report["realism"]["c2st_auc"] < 0.7  # real dev vs real test
    for f in ("report.md", "report.html", "shapes.png"):
        assert (tmp_path / "rep" / f).is_file()
    assert "<table" in (tmp_path / "rep" / "report.html").read_text()


def test_mauve_separates():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(200, 8)), rng.normal(size=(200, 8))
    same, far = realism.mauve_score(a, b), realism.mauve_score(a, b + 4)
    assert same > 0.8 and far < 0.2


def test_judge_wiring_on_fake_engine():
    """FAKE engine (tests/fakes.py): checks prompts, parsing and aggregation, not judgement."""
    from dialoguesynth.backends.base import Completion
    from dialoguesynth.evaluate.judge import judge

    class Judge:
        model_name = "fake-judge"

        def generate(self, requests, progress=None):
            assert all(r.regex == " [123]" for r in requests)
            return [
                Completion(text=" 3" if "Coherence" in r.prompt else " 2" if "traits" in r.prompt else " x")
                for r in requests
            ]

    rows = [{"dialogue": "#Person1#: hi\n#Person2#: hello", "p1_descriptors": ["blunt"], "p2_descriptors": []}] * 3
    res = judge(rows, Judge())
    assert res["coherence"] == {"mean": 3.0, "n": 3, "distribution": {3: 3}}
    assert res["persona_consistency"]["mean"] == 2.0
    assert "naturalness" not in res  # unparseable answers are not scored


def test_embeddings_are_computed_once_per_text(monkeypatch):
    from dialoguesynth.evaluate import embed

    model = embed._model()
    calls = []
    real = model.encode
    monkeypatch.setattr(model, "encode", lambda texts, **kw: calls.append(list(texts)) or real(texts, **kw))
    a = embed.embed(["a first text to embed", "a second one", "a first text to embed"])
    b = embed.embed(["a second one", "a third, new text"])
    assert calls == [["a first text to embed", "a second one"], ["a third, new text"]]
    assert np.allclose(a[1], b[0]) and np.allclose(a[0], a[2]) and a.shape == (3, 384)
    assert embed.embed([]).shape == (0, 384)
