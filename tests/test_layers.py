"""The pieces that make each layer reach the text, and the figures that check it: the reference
labeller, spec-matched exemplars, the coherence figure (real passes, shuffled and spliced fail),
the text probes, and subtopic sources."""

import json
import random

import numpy as np
import pytest

from dialoguesynth.evaluate.layers import PROBES
from dialoguesynth.labels import load_labeller
from dialoguesynth.sampling.rng import Draws


def test_labeller_reads_the_cues():
    lab = load_labeller()
    phone = lab.label("#Person1#: Hello, this is Anna speaking. Who's calling?\n#Person2#: Hi, may I speak to Tom?")
    assert phone.medium == "phone call"
    casual = lab.label(
        "#Person1#: Hey dude, wanna grab a pizza? Yeah?\n#Person2#: Um, yeah, cool, I mean, sure thing, you know."
    )
    assert casual.formality == "casual" and "fillers" in casual.speech_features and casual.familiarity == "friends"
    formal = lab.label(
        "#Person1#: Good morning, sir. May I help you?\n#Person2#: Yes, I would like to open an account, madam."
    )
    assert formal.formality == "formal" and formal.medium == "face-to-face" and formal.turns == 2
    assert lab.label("#Person1#: I'm so worried about the exam.\n#Person2#: Don't be.").emotion == "worried"


@pytest.fixture(scope="module")
def generator(dialogsum):
    from dialoguesynth.config import load_config
    from dialoguesynth.pipeline import Generator

    return Generator(
        load_config(None, reference__path=str(dialogsum / "train.jsonl"), num_dialogues=60, seed=5), progress=False
    )


def test_exemplars_match_the_spec_and_are_deterministic(generator):
    specs = list(generator.specs())
    pool = generator.pool
    again = [s.exemplar_ids for s in generator.specs()]
    assert again == [s.exemplar_ids for s in specs]
    phone = [s for s in specs if s.context.medium == "phone call"]
    assert phone, "seed 5 draws some phone calls"
    for s in phone:  # the pool has hundreds of phone calls: every exemplar of a phone spec is one
        assert all(pool.labels[i].medium == "phone call" for i in s.exemplar_ids)
    fillers = [s for s in specs if "fillers" in s.context.speech_features]
    share = np.mean([("fillers" in pool.labels[i].speech_features) for s in fillers for i in s.exemplar_ids])
    base = np.mean([("fillers" in lab.speech_features) for lab in pool.labels.values()])
    assert share > 2 * base  # chosen for the feature, not at random
    assert len({i for s in specs for i in s.exemplar_ids}) > 0.8 * 3 * len(specs)  # matched, yet rarely reused


def test_shared_exemplars_give_few_prefixes_the_same_way_every_time():
    """reference.share: specs of one medium draw from N exemplar sets, so their prompts share
    a prefix the engine's prefix cache can reuse; N summary sets in all; nothing else moves."""
    from dialoguesynth.config import load_config
    from dialoguesynth.pipeline import Generator

    def specs(**kw):
        cfg = load_config(None, reference__path="embedded", num_dialogues=120, seed=5, **kw)
        return list(Generator(cfg, progress=False).specs())

    own, shared = specs(), specs(reference__share=3)
    assert [s.exemplar_ids for s in shared] == [s.exemplar_ids for s in specs(reference__share=3)]
    assert [s.context for s in shared] == [s.context for s in own]  # the same conversations asked for
    sets: dict[tuple, set] = {}
    for s in shared:
        sets.setdefault(s.context.medium, set()).add(tuple(s.exemplar_ids))
    assert max(len(v) for v in sets.values()) <= 3 and sum(len(v) for v in sets.values()) >= 2 * len(sets)
    assert len({tuple(s.summary_exemplar_ids) for s in shared}) <= 3
    assert len({tuple(s.exemplar_ids) for s in own}) > 60  # unshared: nearly every spec its own set


def test_unmatched_pool_draws_at_random(dialogsum):
    from dialoguesynth.labels import Labels
    from dialoguesynth.sampling.exemplars import ExemplarPool, load_reference

    pool = ExemplarPool(load_reference(dialogsum / "dev.jsonl"), 1100, 14)
    assert pool.match(Draws(1), 3, Labels(medium="phone call"), "x") == pool.draw(Draws(1), 3)


@pytest.fixture(scope="module")
def real_dialogues(dialogsum):
    with (dialogsum / "dev.jsonl").open() as f:
        return [json.loads(line)["dialogue"] for line in f][:150]


def test_coherence_passes_real_and_fails_shuffled_and_spliced(real_dialogues):
    from dialoguesynth.evaluate.layers import coherence

    rng = random.Random(0)
    lines = [d.splitlines() for d in real_dialogues]
    shuffled = []
    for ls in lines:
        texts = [x.split(":", 1)[1] for x in ls]
        rng.shuffle(texts)
        shuffled.append("\n".join(f"{x.split(':', 1)[0]}:{t}" for x, t in zip(ls, texts)))
    spliced = [
        "\n".join(
            x if k % 2 == 0 else lines[(i + 1) % len(lines)][k % len(lines[(i + 1) % len(lines)])]
            for k, x in enumerate(ls)
        )
        for i, ls in enumerate(lines)
    ]
    real, shuf, spl = coherence(real_dialogues), coherence(shuffled), coherence(spliced)
    assert real["adjacency_gap"] > 0.04 and real["ci95"][0] > 0.02
    assert shuf["ci95"][0] < 0.02 and shuf["adjacency_gap"] < real["adjacency_gap"] - 0.04
    assert spl["adjacency_gap"] < -0.03


@pytest.mark.parametrize("probe", list(PROBES))
def test_text_probe_finds_a_signal_and_not_noise(probe):
    from dialoguesynth.evaluate.layers import text_probe

    rng = random.Random(0)
    words = "table coffee train ticket doctor weekend money garden window music".split()
    texts, labels = [], []
    for _ in range(200):
        y = rng.choice(["phone", "face"])
        cue = "hello who is calling" if y == "phone" else "nice to see you here"
        texts.append(" ".join(rng.choice(words) for _ in range(12)) + (" " + cue if rng.random() < 0.8 else ""))
        labels.append(y)
    assert text_probe(texts, labels, probe=probe)["above_chance"] > 0.25
    noise = [rng.choice(["a", "b"]) for _ in labels]
    assert text_probe(texts, noise, probe=probe)["above_chance"] < 0.1


def test_an_unknown_text_probe_is_named_in_the_error():
    from dialoguesynth.evaluate.layers import text_probe

    with pytest.raises(ValueError, match="unknown text probe 'bag'; known: tfidf"):
        text_probe(["a b", "c d"] * 5, ["x", "y"] * 5, probe="bag")


def test_a_report_probe_leaves_out_the_rows_its_field_does_not_label():
    # the mood probe without neutral rows: a neutral row is not a class, it is left out
    from dialoguesynth.evaluate.report import PROBE_FIELDS, _probe

    rng = random.Random(1)
    moods = ["neutral", "happy", "worried"]
    rows = [{"emotion": [moods[i % 3], "neutral"]} for i in range(60)]
    cue = {"happy": "so glad", "worried": "so worried", "neutral": "okay"}
    texts = [cue[r["emotion"][0]] + " " + " ".join(rng.choice("abcdef") * 2 for _ in range(8)) for r in rows]
    without = _probe(rows, texts, PROBE_FIELDS["emotion_person1_not_neutral"], 0, "tfidf")
    assert (without["n"], without["classes"]) == (40, 2)
    assert without["above_chance"] > 0.3
    assert _probe(rows, texts, PROBE_FIELDS["emotion_person1"], 0, "tfidf")["n"] == 60


def test_subtopic_sources_mix_and_report_rejections(cfg_factory):
    from dialoguesynth.taxonomy import build_taxonomy

    tax, warnings = build_taxonomy(cfg_factory(topics__sources=["catalog", "reference"], topics__subtopics_per_topic=3))
    assert not warnings
    assert tax.source == "catalog+reference"
    assert tax.subtopics["seeing a doctor"][:3] == [
        "a persistent cough that will not go away",
        "a yearly check-up",
        "a sprained ankle after football",
    ]
    assert "see a doctor" in tax.subtopics["seeing a doctor"]  # DialogSum's own label, under its topic
    assert ("job interview", "the topic itself") in tax.rejected["job interview"]


def test_summary_grounding_is_high_for_own_summaries_and_low_for_others(dialogsum):
    """Real DialogSum dev: a summary against its own dialogue vs against the next dialogue."""
    from dialoguesynth.evaluate.layers import summary_grounding

    with (dialogsum / "dev.jsonl").open() as f:
        rows = [json.loads(line) for line in f][:200]
    own = summary_grounding(rows)
    other = summary_grounding([r | {"summary": rows[(i + 1) % len(rows)]["summary"]} for i, r in enumerate(rows)])
    assert own["mean"] > 0.6 and own["share_under_a_third"] < 0.1
    assert other["mean"] < 0.4 and other["share_under_a_third"] > 0.4
    assert summary_grounding([{"dialogue": "#Person1#: Hi.", "summary": ""}]) is None
