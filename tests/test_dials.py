"""Coverage and spread dials on a FAKE engine (pipeline logic only): fill-gaps, model mix, resample.
The real engine renders a model mix in test_e2e_vllm.py."""

import json

from fakes import FakeBackend

from dialoguesynth.pipeline import Generator
from dialoguesynth.sampling.specs import SpecSampler
from dialoguesynth.sampling.subtopics import Taxonomy


def run(cfg, out):
    fake = FakeBackend()
    return Generator(cfg, backend=fake, progress=False).run(out), fake


def test_fill_gaps_covers_more_of_the_grid(tmp_path, cfg_factory):
    base = dict(topics__expand=False, topics__topics=["shopping", "travel"], coverage__context="formality")
    plain, _ = run(cfg_factory(num_dialogues=24, **base), tmp_path / "plain")
    filled, _ = run(cfg_factory(num_dialogues=24, coverage__fill_gaps=True, **base), tmp_path / "filled")
    g_plain = json.loads((tmp_path / "plain" / "summary.json").read_text())["coverage_grid"]
    g_fill = json.loads((tmp_path / "filled" / "summary.json").read_text())["coverage_grid"]
    assert g_fill["cells"] == g_plain["cells"] == 2 * 3 * 3  # topics × trait bins × formality values
    assert g_fill["filled"] == 18 and g_fill["filled"] > g_plain["filled"]
    assert g_fill["max"] - g_fill["min"] <= 1


def test_fill_gaps_extends_a_run_in_place(tmp_path, cfg_factory):
    base = dict(topics__expand=False, topics__topics=["shopping", "travel"], coverage__context="formality")
    first, _ = run(cfg_factory(num_dialogues=10, **base), tmp_path / "o")
    more, _ = run(cfg_factory(num_dialogues=28, coverage__fill_gaps=True, **base), tmp_path / "o")
    assert more["id"][:10] == first["id"] and len(more) == 28
    grid = json.loads((tmp_path / "o" / "summary.json").read_text())["coverage_grid"]
    assert grid["filled"] == 18


def test_model_mix_assigns_by_seed_and_records_model(tmp_path, cfg_factory):
    cfg = cfg_factory(num_dialogues=20, model__mix={"modelA": 1.0, "modelB": 1.0}, topics__expand=False)
    ds, fake = run(cfg, tmp_path / "o")
    models = ds["model"]
    assert set(models) == {"modelA", "modelB"}
    specs = [json.loads(s) for s in ds["spec_json"]]
    assert all(s["model"] == m for s, m in zip(specs, models))
    # the engine was switched to each model before rendering its specs (rows name who rendered them)
    assert {"modelA", "modelB"} <= set(fake.served) and fake.served.index("modelB") > fake.served.index("modelA")
    # the mix draws last: every other spec value is unchanged by it
    plain = {
        s.id: s for s in Generator(cfg_factory(num_dialogues=20, topics__expand=False), progress=False).specs(n=20)
    }
    assert all(plain[s["id"]].context.model_dump() == s["context"] for s in specs)


def test_resample_changes_render_seeds_not_specs(tmp_path, cfg_factory):
    a, _ = run(cfg_factory(num_dialogues=6, topics__expand=False), tmp_path / "a")
    b, _ = run(cfg_factory(num_dialogues=6, topics__expand=False, render__resample=1), tmp_path / "b")
    assert a["spec_json"] == b["spec_json"]
    assert all(x != y for x, y in zip(a["render_seed"], b["render_seed"]))


def test_coverage_context_must_be_single(cfg_factory):
    import pytest

    from dialoguesynth.errors import ConfigError

    cfg = cfg_factory(coverage__context="emotion")
    with pytest.raises(ConfigError, match="coverage.context"):
        SpecSampler(cfg, Taxonomy.from_topics({"x": 1.0}), None)
