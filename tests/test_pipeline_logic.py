"""Pipeline logic (batching, retries, dead-letter, dedup, resume, export) on a FAKE engine.
These are unit tests of our code around the engine; the real engine runs in test_e2e_vllm.py."""

import json

import datasets
import pytest
from fakes import FakeBackend

from dialoguesynth.errors import RunError
from dialoguesynth.pipeline import Generator


def gen(cfg, backend=None, **kw):
    return Generator(cfg, backend=backend or FakeBackend(**kw), progress=False)


def test_batched_calls_and_export(tmp_path, cfg_factory):
    cfg = cfg_factory(num_dialogues=10, run__batch_size=10, topics__sources=["llm"], plan__strategy="llm")
    fake = FakeBackend()
    ds = gen(cfg, fake).run(tmp_path / "o")
    # LLM subtopics, LLM plan, dialogue, summary (5 samples each): one engine call each for the whole batch
    assert fake.calls == [20, 10, 10, 50]
    assert len(ds) == 10
    again = datasets.load_from_disk(str(tmp_path / "o"))
    assert again["id"] == ds["id"]
    row = ds[0]
    assert row["plan"] and row["summary"] and row["subtopic"].startswith("talking about the ")
    assert {t["speaker"] for t in row["turns"]} == {"#Person1#", "#Person2#"}
    assert row["num_turns"] == row["target_turns"]
    assert 1 <= row["p1_openness"] <= 5 and row["p2_name"]
    assert row["model"] == "embedded:SmolLM2-135M-Instruct" and row["prompt_version"] == "v3"
    assert row["tokens_dialogue"] > 0 and json.loads(row["spec_json"])["id"] == row["id"]
    # the columns are ExportRow's fields (the LLM persona-line stage did not run: no tokens_persona)
    from dialoguesynth.spec import ExportRow

    assert ds.column_names == [f for f in ExportRow.model_fields if f != "tokens_persona"]
    assert ExportRow.model_validate(row).flat() == row
    for f in ("README.md", "dialogues.parquet", "dialogues.jsonl", "rejected.jsonl", "summary.json"):
        assert (tmp_path / "o" / f).is_file()
    card = (tmp_path / "o" / "README.md").read_text()
    assert card.startswith("---\n") and "accepted: 10" in card
    assert "## Two sample rows" in card and card.count("**Summary:**") == 2 and "| accepted / requested | 10 /" in card


def test_retries_then_dead_letter(tmp_path, cfg_factory):
    cfg = cfg_factory(num_dialogues=12, checks__max_retries=0)
    ds = gen(cfg, junk_every=3).run(tmp_path / "o")
    rejected = [json.loads(x) for x in (tmp_path / "o" / "rejected.jsonl").read_text().splitlines()]
    assert len(ds) + len(rejected) == 12
    assert rejected and all(r["reason"] == "repetitive" and r["raw"] and r["spec"]["id"] for r in rejected)
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["rejected_by_reason"] == {"dialogue:repetitive": len(rejected)}

    # with retries, junk is regenerated with a new seed and passes
    ds2 = gen(cfg_factory(num_dialogues=12, checks__max_retries=2), junk_every=3).run(tmp_path / "o2")
    assert len(ds2) > len(ds)
    assert max(ds2["attempts"]) > 1
    assert len(set(ds2["render_seed"])) == len(ds2)


def test_exact_duplicates_removed_with_twin(tmp_path, cfg_factory):
    cfg = cfg_factory(num_dialogues=6, topics__taxonomy_file=None, reference__exemplars=1)
    # the fake writes the same words for every record, but turn counts differ: duplicates share a count
    ds = gen(cfg, duplicate_all=True).run(tmp_path / "o")
    rejected = [json.loads(x) for x in (tmp_path / "o" / "rejected.jsonl").read_text().splitlines()]
    dups = [r for r in rejected if r["stage"] == "dedup"]
    assert len(ds) + len(rejected) == 6
    assert all(d["duplicate_of"] in ds["id"] for d in dups)
    assert len(set(ds["dialogue"])) == len(ds)


def test_resume_skips_finished_and_matches_uninterrupted(tmp_path, cfg_factory):
    full = gen(cfg_factory(num_dialogues=8)).run(tmp_path / "full")
    part = tmp_path / "part"
    gen(cfg_factory(num_dialogues=3, seed=1)).run(part, fresh=True)  # a different config: needs --fresh later
    with pytest.raises(RunError, match="different config"):
        gen(cfg_factory(num_dialogues=8)).run(part)
    gen(cfg_factory(num_dialogues=3)).run(part, fresh=True)
    grow = FakeBackend()
    gen(cfg_factory(num_dialogues=8), grow).run(part)  # a larger num_dialogues extends the run in place
    assert grow.calls[-1] == 5 * 5  # the last call: 5 summary samples for each of the 5 new specs
    fake = FakeBackend()
    again = gen(cfg_factory(num_dialogues=8), fake).run(part)
    assert fake.calls == []  # everything was done: the engine is never asked
    assert again["id"] == full["id"] and again["dialogue"] == full["dialogue"]


def test_resumed_run_summary_counts_every_segment(tmp_path, cfg_factory):
    """FAKE engine that sleeps: wall time, engine time and tokens cover both segments of a run."""
    import time

    class Slow(FakeBackend):
        def generate(self, requests, progress=None):
            time.sleep(0.3)
            return super().generate(requests, progress)

    out = tmp_path / "o"
    t = time.monotonic()
    gen(cfg_factory(num_dialogues=3, topics__expand=False), Slow()).run(out)
    first = time.monotonic() - t
    t = time.monotonic()
    ds = gen(cfg_factory(num_dialogues=8, topics__expand=False), Slow()).run(out)
    second = time.monotonic() - t
    s = json.loads((out / "summary.json").read_text())
    assert s["resumed_from"] == 3 and s["this_segment_s"] <= second + 0.1
    assert s["wall_s"] >= s["this_segment_s"] + 0.6 and s["wall_s"] <= first + second + 0.1  # two sleeps at least
    assert s["generation_s"] >= 1.2  # two engine calls per segment, each 0.3 s
    assert s["completion_tokens"] == sum(ds["tokens_dialogue"]) + sum(ds["tokens_summary"])


def test_resume_across_a_config_schema_change_and_refusal_names_the_key(tmp_path, cfg_factory):
    """A run written by a version with other config keys resumes when only those keys differ
    (at their defaults); a changed value is refused with the key named."""
    import yaml

    out = tmp_path / "o"
    gen(cfg_factory(num_dialogues=3, topics__expand=False)).run(out)
    stored = yaml.safe_load((out / "run" / "config.yaml").read_text())
    del stored["summary"]["best_of"]  # a key added since
    stored["render"]["length_unit"] = "words"  # a key removed since
    (out / "run" / "config.yaml").write_text(yaml.safe_dump(stored))
    (out / "run" / "config.hash").write_text("0123456789abcdef\n")
    with pytest.raises(RunError, match=r"different config \(summary\.best_of\)"):
        gen(cfg_factory(num_dialogues=6, topics__expand=False, summary__best_of=2)).run(out)  # not its default
    with pytest.raises(RunError, match=r"different config \(render\.temperature\)"):
        gen(cfg_factory(num_dialogues=6, topics__expand=False, render__temperature=0.5)).run(out)
    g = gen(cfg_factory(num_dialogues=6, topics__expand=False))
    assert len(g.run(out)) == 6
    assert any("render.length_unit, summary.best_of" in w for w in g.warnings)


def test_a_run_with_nothing_accepted_still_loads(tmp_path, cfg_factory):
    """FAKE engine, every dialogue junk: the output folder holds an empty dataset that loads."""
    cfg = cfg_factory(num_dialogues=3, topics__expand=False, checks__max_retries=0)
    ds = gen(cfg, FakeBackend(junk_every=1)).run(tmp_path / "o")
    assert len(ds) == 0
    assert len(datasets.load_from_disk(str(tmp_path / "o"))) == 0
    assert len((tmp_path / "o" / "rejected.jsonl").read_text().splitlines()) == 3


def test_resume_after_partial_records(tmp_path, cfg_factory):
    out = tmp_path / "o"
    full = gen(cfg_factory(num_dialogues=8)).run(tmp_path / "ref")
    gen(cfg_factory(num_dialogues=8)).run(out)
    rec = out / "run" / "records.jsonl"
    lines = rec.read_text().splitlines(keepends=True)
    rec.write_text("".join(lines[:5]) + lines[5][:40])  # a crash mid-append: torn last line
    g = gen(cfg_factory(num_dialogues=8))
    ds = g.run(out)
    assert ds["id"] == full["id"] and ds["dialogue"] == full["dialogue"]
    assert any("set aside" in w for w in g.warnings)
    assert (out / "run" / "records.jsonl.corrupt").exists()


def test_run_lock(tmp_path, cfg_factory):
    import os

    from dialoguesynth.store import RunStore

    cfg = cfg_factory()
    a = RunStore(tmp_path / "o").open(cfg)
    (tmp_path / "o" / "run" / "lock").write_text(str(os.getppid()))  # held by a live process
    with pytest.raises(RunError, match="in use"):
        RunStore(tmp_path / "o").open(cfg)
    (tmp_path / "o" / "run" / "lock").write_text("999999999")  # stale: no such process
    RunStore(tmp_path / "o").open(cfg).release()
    a.release()


def test_template_plan_and_ablations(tmp_path, cfg_factory):
    fake = FakeBackend()
    ds = gen(
        cfg_factory(num_dialogues=4, plan__strategy="template", personas__enabled=False, topics__expand=False), fake
    ).run(tmp_path / "o")
    assert fake.calls == [4, 20]  # no subtopic or plan calls; 5 summary samples per dialogue
    assert "Person1 (Person1)" in ds[0]["plan"] and ds[0]["p1_name"] == ""
    assert ds[0]["subtopic"] == ds[0]["topic"]


def test_push_to_hub_reaches_the_call(tmp_path, cfg_factory, monkeypatch):
    from typer.testing import CliRunner

    import dialoguesynth.backends as backends
    from dialoguesynth.cli import app

    pushed = []
    monkeypatch.setattr(backends, "make_backend", lambda cfg: FakeBackend())
    monkeypatch.setattr(datasets.Dataset, "push_to_hub", lambda self, repo, **kw: pushed.append((repo, len(self))))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"num_dialogues: 3\nreference: {{path: {cfg_factory().reference.path}}}\n")
    res = CliRunner().invoke(
        app, ["generate", "-c", str(cfg), "-o", str(tmp_path / "o"), "--push-to-hub", "me/corpus", "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    assert pushed == [("me/corpus", 3)]


def test_llm_persona_lines(tmp_path, cfg_factory):
    fake = FakeBackend()
    ds = gen(cfg_factory(num_dialogues=3, personas__llm_description=True, topics__expand=False), fake).run(
        tmp_path / "o"
    )
    assert fake.calls[0] == 6  # two speakers per spec, one batched call
    assert ds[0]["p1_persona_line"] and ds[0]["p2_persona_line"]
    assert json.loads(ds[0]["spec_json"])["personas"][0]["description"] == ds[0]["p1_persona_line"]


def test_a_model_mix_on_a_passed_backend_is_refused(tmp_path, cfg_factory):
    """A passed engine serves one model: a mix rendered on it would name the wrong model in every row."""
    from dialoguesynth.errors import ConfigError

    class OneModel(FakeBackend):
        use = None

    cfg = cfg_factory(num_dialogues=4, topics__expand=False, model__mix={"embedded": 1.0, "other-model": 1.0})
    with pytest.raises(ConfigError, match="model.mix"):
        gen(cfg, OneModel()).run(tmp_path / "o")


def test_fill_gaps_on_ray_is_refused_not_ignored(tmp_path, cfg_factory):
    pytest.importorskip("ray")
    from dialoguesynth.scaleout import run_on_ray

    with pytest.raises(RunError, match="fill-gaps"):
        run_on_ray(cfg_factory(num_dialogues=4, coverage__fill_gaps=True), tmp_path / "o")


def test_best_of_k_keeps_the_likeliest_passing_sample(tmp_path, cfg_factory):
    """FAKE engine: its log-probabilities are made up from the seed; what is tested is the choice."""
    import random

    from dialoguesynth.stages.base import candidate_seeds

    def lp(seed):
        return -random.Random(f"lp{seed}").random()

    one = gen(cfg_factory(num_dialogues=6, topics__expand=False)).run(tmp_path / "one")
    three = gen(cfg_factory(num_dialogues=6, topics__expand=False, render__best_of=3)).run(tmp_path / "three")
    assert one["spec_json"] == three["spec_json"]  # the dial changes renders, never specs
    for r, base in zip(three, one):
        seeds = candidate_seeds(base["render_seed"], 3)
        assert seeds[0] == base["render_seed"] and r["render_seed"] == max(seeds, key=lp)  # the likeliest kept
    assert sum(three["tokens_dialogue"]) > 2 * sum(one["tokens_dialogue"])  # every sample's tokens are counted
    # samples that fail the checks are never kept, however likely
    junk = gen(cfg_factory(num_dialogues=6, topics__expand=False, render__best_of=3), FakeBackend(junk_every=2))
    ds = junk.run(tmp_path / "junk")
    assert len(ds) and not any("see you there very soon" in d for d in ds["dialogue"])


def test_summary_best_of_k_keeps_the_summary_its_dialogue_grounds(tmp_path, cfg_factory):
    """FAKE engine for summaries: the likeliest sample is made up, a less likely one uses the
    dialogue's words; best-of-3 keeps the grounded one; with none among the three, the made-up one
    (one content word of five in the dialogue) is rejected as ungrounded."""
    from dialoguesynth.backends import Completion
    from dialoguesynth.stages.base import StageRunner, candidate_seeds
    from dialoguesynth.stages.summary import SummaryStage

    class Summaries(FakeBackend):
        def _one(self, r):
            grounded = r.seed % 3 == 0
            text = (
                " #Person1# asks #Person2# about the parcel and the post office.\n"
                if grounded
                else " #Person1# is a Russian pilot flying a parcel to Lisbon.\n"
            )
            return Completion(text=text, finish_reason="stop", completion_tokens=12, logprob=-2.0 if grounded else -0.1)

    cfg = cfg_factory(num_dialogues=4, topics__expand=False, summary__best_of=3)
    g = gen(cfg, Summaries())
    specs = list(g.specs(n=6))
    dialogue = "#Person1#: Where is the post office?\n#Person2#: Two blocks away. Is the parcel heavy?"
    items = [(s, dialogue) for s in specs]
    kept = StageRunner(g.backend).run(SummaryStage(cfg, g.pool), items)
    seeds = [candidate_seeds(SummaryStage(cfg, g.pool).seed(i, 0), 3) for i in items]
    assert any(any(s % 3 == 0 for s in group) for group in seeds)
    assert not all(any(s % 3 == 0 for s in group) for group in seeds)
    for o, group in zip(kept, seeds):
        if any(s % 3 == 0 for s in group):
            assert o.reason is None and "post office" in o.value  # grounded beats likelier
        else:
            assert o.reason == "summary_ungrounded"
    assert sum("post office" in o.value for o in kept) >= 3  # the case is exercised, not vacuous
    one = cfg_factory(num_dialogues=4, topics__expand=False, summary__best_of=1)
    first = StageRunner(g.backend).run(SummaryStage(one, g.pool), items)
    assert [("post office" in o.value) for o in first] == [g_[0] % 3 == 0 for g_ in seeds]


def test_accepted_n_generates_until_n_pass_and_exports_exactly_n(tmp_path, cfg_factory):
    """FAKE engine, every third dialogue junk: `--accepted 10` tries more specs until 10 pass."""
    base = dict(topics__expand=False, checks__max_retries=0)
    cfg = cfg_factory(num_dialogues=30, run__accepted=10, run__batch_size=8, **base)
    fake = FakeBackend(junk_every=3)
    ds = gen(cfg, fake).run(tmp_path / "o")
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert len(ds) == 10 and summary["accepted"] == 10 and summary["accepted_target"] == 10
    tried = summary["accepted"] + summary["rejected"]
    assert 10 < tried < 30 and summary["requested"] == tried and summary["spec_budget"] == 30
    assert ds["index"] == sorted(ds["index"])
    # the counts are of the specs up to the 10th accepted: the rest of the last batch is not in them
    last = max(ds["index"])
    dead = [json.loads(x) for x in (tmp_path / "o" / "rejected.jsonl").read_text().splitlines()]
    assert dead and max(d["spec"]["index"] for d in dead) < last and len(dead) == summary["rejected"]
    # asking for more extends the same run: the first ten stay, in place
    more = gen(cfg_factory(num_dialogues=30, run__accepted=14, **base), FakeBackend(junk_every=3))
    ds14 = more.run(tmp_path / "o")
    assert len(ds14) == 14 and ds14["id"][:10] == ds["id"]
    # and asking the larger run for fewer again counts only the specs up to the 10th accepted
    again = gen(cfg_factory(num_dialogues=30, run__accepted=10, **base), FakeBackend(junk_every=3)).run(tmp_path / "o")
    s10 = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert list(again["id"]) == list(ds["id"]) and s10["rejected"] == summary["rejected"] and s10["requested"] == tried
    assert s10["surplus_not_exported"] >= 4 and s10["rejected_after_target"] >= 1


def test_accepted_n_says_when_the_budget_runs_out(tmp_path, cfg_factory):
    from dialoguesynth.errors import ConfigError

    g = gen(cfg_factory(num_dialogues=10, run__accepted=10, checks__max_retries=0), FakeBackend(junk_every=2))
    ds = g.run(tmp_path / "o")
    assert len(ds) < 10 and any("of 10 dialogues passed within the budget" in w for w in g.warnings)
    with pytest.raises(ConfigError, match="budget"):
        cfg_factory(num_dialogues=5, run__accepted=10)


def test_vllm_backend_sends_shared_prefixes_together_and_answers_in_order():
    """FAKE engine object inside the real VLLMBackend.generate: requests go to the engine sorted by
    prompt (shared prefixes adjacent), and each completion comes back at its own request's place."""
    from types import SimpleNamespace

    from dialoguesynth.backends.base import GenRequest
    from dialoguesynth.backends.vllm_backend import VLLMBackend

    sent = []

    def generate(prompts, params, use_tqdm=False):
        sent.extend(prompts)
        out = lambda p: SimpleNamespace(text=f"re:{p}", finish_reason="stop", token_ids=[1], cumulative_logprob=None)  # noqa: E731
        return [SimpleNamespace(outputs=[out(p)], prompt_token_ids=[0]) for p in prompts]

    backend = VLLMBackend.__new__(VLLMBackend)
    backend.llm = SimpleNamespace(generate=generate)
    backend.digit_ids = []  # what __init__ reads from the tokenizer
    prompts = ["B exemplars|x", "A exemplars|y", "B exemplars|z", "A exemplars|w"]
    done = backend.generate([GenRequest(prompt=p, max_tokens=5) for p in prompts])
    assert [c.text for c in done] == [f"re:{p}" for p in prompts]
    assert sent == sorted(prompts)


@pytest.mark.parametrize("passed", [False, True], ids=["own engine", "passed lazy engine (sweep)"])
def test_a_model_mix_renders_each_row_with_the_model_it_names(tmp_path, cfg_factory, passed):
    """FAKE engines, one built per model: a row's `model` column names the engine that served its render
    (a passed-in engine once rendered every spec while the rows named the mix)."""
    from fakes import NamedFakeBackend

    from dialoguesynth.backends.lazy import LazyBackend

    NamedFakeBackend.built.clear()
    cfg = cfg_factory(
        num_dialogues=12,
        topics__expand=False,
        model__backend="fakes:NamedFakeBackend",
        model__mix={"modelA": 1.0, "modelB": 1.0},
    )
    ds = Generator(cfg, backend=LazyBackend(cfg) if passed else None, progress=False).run(tmp_path / "o")
    built = {e.model_name: e for e in NamedFakeBackend.built}
    assert [e.model_name for e in NamedFakeBackend.built] == ["modelA", "modelB"]  # one engine each, in turn
    assert NamedFakeBackend.built[0].closed  # closed before the next loaded (one engine per process on CPU)
    assert set(ds["model"]) == {"modelA", "modelB"}
    for row in ds:
        assert row["render_seed"] in built[row["model"]].seeds
        assert all(row["render_seed"] not in e.seeds for m, e in built.items() if m != row["model"])


def test_summary_openers_constrain_how_a_summary_starts(cfg_factory):
    """summary.openers: free leaves the old grammar; real makes a summary open with a speaker and a word
    the pool's summaries follow their first tag with; acts drops 'is'/'has' (no engine: the request's
    regex is checked against strings)."""
    import re

    from dialoguesynth.stages.summary import SUMMARY_REGEX, SummaryStage

    acts_line = " #Person1# asks #Person2# about the parcel and the post office.\n"
    state_line = " #Person1# is a Russian pilot flying a parcel to Lisbon.\n"
    regex = {}
    for mode in ("free", "real", "acts"):
        cfg = cfg_factory(num_dialogues=2, topics__expand=False, summary__openers=mode)
        g = gen(cfg)
        item = (next(iter(g.specs(n=1))), "#Person1#: Where is the post office?\n#Person2#: Two blocks away.")
        regex[mode] = SummaryStage(cfg, g.pool).request(item, seed=1).regex
    assert {"and", "asks", "tells", "is"} <= set(g.pool.summary_openers)  # the embedded pool's
    assert regex["free"] == SUMMARY_REGEX
    assert re.fullmatch(regex["real"], acts_line) and re.fullmatch(regex["real"], state_line)
    assert re.fullmatch(regex["acts"], acts_line) and not re.fullmatch(regex["acts"], state_line)
    assert re.fullmatch(regex["acts"], " Amanda tells Tom the bus leaves at noon.\n")  # named speakers
    assert not re.fullmatch(regex["acts"], " The parcel is lost, says the clerk.\n")
    # a pair is followed by what the pool's pairs do, without be/have ('and #Person2# are' is the same habit)
    assert {"talk", "are"} <= set(g.pool.summary_pair_openers)
    assert re.fullmatch(regex["acts"], " #Person1# and #Person2# talk about the parcel and the post.\n")
    assert not re.fullmatch(regex["acts"], " #Person1# and #Person2# are at the post office with a parcel.\n")
    assert re.fullmatch(regex["real"], " #Person1# and #Person2# are at the post office with a parcel.\n")


def test_summary_acts_each_opens_every_sentence_with_an_act(cfg_factory):
    """summary.openers acts_each: a later sentence opens as the first does (He/She for a speaker, They
    for a pair), so '#Person2# is a delivery person.' cannot follow (no engine: regex vs strings)."""
    import re

    from dialoguesynth.stages.summary import SummaryStage

    cfg = cfg_factory(num_dialogues=2, topics__expand=False, summary__openers="acts_each")
    g = gen(cfg)
    item = (next(iter(g.specs(n=1))), "#Person1#: Where is the post office?\n#Person2#: Closed today.")
    regex = SummaryStage(cfg, g.pool).request(item, seed=1).regex
    first = " #Person1# asks #Person2# about the post office."
    assert re.fullmatch(regex, first + "\n")
    assert re.fullmatch(regex, first + " #Person2# tells #Person1# it is closed today.\n")
    assert re.fullmatch(regex, first + " She says it is closed. They decide to go tomorrow.\n")
    assert not re.fullmatch(regex, first + " #Person2# is a delivery person.\n")
    assert not re.fullmatch(regex, first + " They are both very interested.\n")
    assert not re.fullmatch(regex, first + " The office is closed.\n")


def test_summary_min_chars_is_a_floor_after_the_opening_words(cfg_factory):
    """summary.min_chars: the guided summary writes at least that many characters after its opening
    words (no engine: the request's regex is checked against strings); the default keeps 10."""
    import re

    from dialoguesynth.stages.summary import SummaryStage

    short = " #Person1# asks #Person2# about the parcel.\n"  # 27 characters after 'asks '
    longer = " #Person1# asks #Person2# about the parcel, and #Person2# says the post office is closed.\n"
    regex = {}
    for floor in (10, 60):
        cfg = cfg_factory(num_dialogues=2, topics__expand=False, summary__min_chars=floor)
        g = gen(cfg)
        item = (next(iter(g.specs(n=1))), "#Person1#: Where is the post office?\n#Person2#: Closed today.")
        regex[floor] = SummaryStage(cfg, g.pool).request(item, seed=1).regex
    assert re.fullmatch(regex[10], short) and re.fullmatch(regex[10], longer)
    assert not re.fullmatch(regex[60], short) and re.fullmatch(regex[60], longer)


def test_the_last_retry_of_a_summary_is_free_of_its_opener_words(cfg_factory):
    """FAKE engine that can write a grounded summary only when the grammar is free (as a 135M model
    sometimes cannot open with an act): acts is asked first, and only the last of three attempts is
    free, so the dialogue keeps a summary; with no retries nothing is loosened."""
    from dialoguesynth.backends import Completion
    from dialoguesynth.stages.base import StageRunner
    from dialoguesynth.stages.summary import SUMMARY_REGEX, SummaryStage

    class StateOnly(FakeBackend):
        def _one(self, r):
            self.regexes.append(r.regex)
            grounded = " #Person1# is at the post office with a parcel.\n"
            made_up = " #Person1# tells a story about a Russian pilot in Lisbon.\n"
            text = grounded if r.regex == SUMMARY_REGEX else made_up
            return Completion(text=text, finish_reason="stop", completion_tokens=12)

    cfg = cfg_factory(num_dialogues=4, topics__expand=False)
    assert cfg.summary.openers == "acts"
    fake = StateOnly()
    fake.regexes = []
    g = gen(cfg, fake)
    dialogue = "#Person1#: Where is the post office?\n#Person2#: Two blocks away. Is the parcel heavy?"
    items = [(s, dialogue) for s in g.specs(n=3)]
    kept = StageRunner(fake, max_attempts=3).run(SummaryStage(cfg, g.pool), items)
    assert [(o.reason, o.attempts) for o in kept] == [(None, 3)] * 3 and all("post office" in o.value for o in kept)
    k = cfg.summary.best_of
    assert fake.regexes.count(SUMMARY_REGEX) == 3 * k and fake.regexes[-3 * k :] == [SUMMARY_REGEX] * 3 * k
    fake.regexes = []
    once = StageRunner(fake, max_attempts=1).run(SummaryStage(cfg, g.pool), items)
    assert {o.reason for o in once} == {"summary_off_dialogue"} and SUMMARY_REGEX not in fake.regexes
