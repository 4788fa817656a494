from collections import Counter

from dialoguesynth.pipeline import Generator
from dialoguesynth.sampling.subtopics import CoverageLedger, Taxonomy


def test_same_config_and_seed_same_specs(cfg_factory):
    a = list(Generator(cfg_factory(seed=3), progress=False).specs(n=40))
    b = list(Generator(cfg_factory(seed=3), progress=False).specs(n=40))
    c = list(Generator(cfg_factory(seed=4), progress=False).specs(n=40))
    assert a == b
    assert [s.seed for s in a] != [s.seed for s in c]
    assert len({s.id for s in a}) == 40


def test_parallel_spec_sampling_gives_identical_lines(cfg_factory):
    """Forked workers with their own coverage ledgers write exactly what one process writes."""
    sampler = Generator(cfg_factory(seed=5), progress=False).spec_sampler()
    one = list(sampler.json_lines(230, workers=1))
    two = "".join(sampler.json_lines(230, workers=2, chunk=40))
    assert "".join(one) == two and len(one) == 230


def test_spec_contents(cfg_factory):
    spec = next(Generator(cfg_factory(), progress=False).specs(n=1))
    ctx = spec.context
    assert len(spec.personas) == 2 and len(ctx.age) == len(ctx.gender) == len(ctx.emotion) == 2
    assert [p.gender for p in spec.personas] == ctx.gender
    assert len(spec.exemplar_ids) == 3 and len(set(spec.exemplar_ids)) == 3
    assert 4 <= ctx.target_turns <= 16


def test_personas_can_be_switched_off(cfg_factory):
    spec = next(Generator(cfg_factory(personas__enabled=False), progress=False).specs(n=1))
    assert spec.personas is None


def test_ledger_fills_evenly():
    tax = Taxonomy(subtopics={"a": ["a1", "a2"], "b": ["b1", "b2"]}, weights={"a": 1, "b": 1})
    led = CoverageLedger(tax, seed=0)
    c = Counter(led.next() for _ in range(40))
    assert set(c.values()) == {10}


def test_ledger_follows_weights():
    tax = Taxonomy(subtopics={"a": ["a1"], "b": ["b1", "b2"]}, weights={"a": 3, "b": 1})
    led = CoverageLedger(tax, seed=0)
    c = Counter(led.next() for _ in range(80))
    assert c[("a", "a1")] == 60 and c[("b", "b1")] == c[("b", "b2")] == 10


def test_taxonomy_file(tmp_path, cfg_factory):
    f = tmp_path / "tax.yaml"
    f.write_text("cooking:\n  - baking bread\n  - a burnt dinner\n")
    specs = list(Generator(cfg_factory(topics__taxonomy_file=str(f)), progress=False).specs(n=4))
    assert Counter(s.context.subtopic for s in specs) == {"baking bread": 2, "a burnt dinner": 2}
