"""Where few-shot exemplars come from: the embedded pool (a fresh machine), a file, a dataset folder or
a hub id through `datasets` (tested on a local folder: no hub is reachable here)."""

import json

import pytest

from dialoguesynth.config import EMBEDDED_REFERENCE, hub_id, load_config
from dialoguesynth.errors import ConfigError
from dialoguesynth.labels import load_labeller
from dialoguesynth.sampling.exemplars import ExemplarPool, load_reference


def test_a_fresh_machine_falls_back_to_the_embedded_pool(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ../shared/data/dialogsum from here
    cfg = load_config(None)
    assert str(cfg.reference.path) == EMBEDDED_REFERENCE
    rows = load_reference(cfg.reference.path)
    assert len(rows) == 40 and all(r.summary and r.topic for r in rows)
    pool = ExemplarPool(rows, 1100, 14, load_labeller())
    assert len(pool.dialogue_ids) == 40 and len(pool.openers) >= 5  # a small pool still has varied openers
    # a path the user gives is never replaced: it must exist
    with pytest.raises(ConfigError, match="reference data not found"):
        load_reference(load_config(None, reference__path=str(tmp_path / "missing.jsonl")).reference.path)


def test_the_embedded_pool_is_original_and_well_formed():
    rows = load_reference(EMBEDDED_REFERENCE)
    for r in rows:
        lines = r.dialogue.splitlines()
        assert 6 <= len(lines) <= 12 and all(x.startswith(("#Person1#: ", "#Person2#: ")) for x in lines)
        assert r.summary.startswith("#Person") and "#Person1#" in r.summary
    assert len({r.dialogue for r in rows}) == 40


def test_a_dataset_folder_loads_through_datasets(tmp_path):
    folder = tmp_path / "my-corpus"
    folder.mkdir()
    rows = [
        {"id": f"d{i}", "dialogue": f"#Person1#: Hi {i}.\n#Person2#: Hello.", "summary": "Greetings."} for i in range(5)
    ]
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    got = load_reference(folder)
    assert [r.id for r in got] == [f"d{i}" for i in range(5)] and got[0].summary == "Greetings."


def test_hub_ids_are_told_from_paths_and_offline_fails_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub_id("hf:knkarthick/dialogsum") == "knkarthick/dialogsum"
    assert hub_id("knkarthick/dialogsum", tmp_path) == "knkarthick/dialogsum"
    assert hub_id("data/train.jsonl", tmp_path) is None  # a file name, not an id
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "corpus").mkdir()
    assert hub_id("local/corpus", tmp_path) is None  # a folder that exists is a folder
    cfg_file = tmp_path / "c.yaml"
    cfg_file.write_text("reference: {path: knkarthick/dialogsum}\n")
    assert str(load_config(cfg_file).reference.path) == "knkarthick/dialogsum"  # not made relative to the file
    with pytest.raises(ConfigError, match="Offline\\? On a connected machine") as err:
        load_reference("hf:no-such-owner/no-such-dataset")
    assert "\n" not in str(err.value)


CHAT = __import__("pathlib").Path(__file__).parent / "data" / "chat_corpus.jsonl"  # SAMSum-style, written for the tests


def test_named_and_turn_list_corpora_read_into_tags(tmp_path):
    from dialoguesynth.speakers import names_to_tags, normalise, tags_to_names

    rows = load_reference(CHAT)
    assert len(rows) == 18 and rows.multi_party == 2 and rows.unreadable == 0
    first = rows[0]  # 'Amanda: ...\r\nJerry: ...'
    assert first.names == ["Amanda", "Jerry"]
    assert first.dialogue.splitlines()[0] == "#Person1#: I baked cookies. Do you want some?"
    assert first.summary == "#Person1# baked cookies and will bring #Person2# some tomorrow."
    clarke = next(r for r in rows if r.names and r.names[0] == "Mr. Clarke")
    assert clarke.summary.startswith("#Person2# will send #Person1# the report")
    pool = ExemplarPool(rows, 1100, 14, load_labeller())
    assert pool.style == "named" and len(pool.dialogue_ids) == 16  # the two three-party chats are never exemplars
    # the same corpus as lists of {speaker, text} turns reads the same
    raw = [json.loads(line) for line in CHAT.read_text().splitlines()]
    listed = tmp_path / "turns.jsonl"
    listed.write_text(
        "".join(
            json.dumps(
                {
                    "id": r["id"],
                    "turns": [
                        {"speaker": line.split(":", 1)[0], "text": line.split(":", 1)[1].strip()}
                        for line in r["dialogue"].replace("\r\n", "\n").splitlines()
                    ],
                    "summary": r["summary"],
                }
            )
            + "\n"
            for r in raw
        )
    )
    again = load_reference(listed)
    assert [r.dialogue for r in again] == [r.dialogue for r in rows] and [r.summary for r in again] == [
        r.summary for r in rows
    ]
    # a line without a name continues its turn; names round-trip through tags
    n = normalise("Ann Lee: Hi,\nhow are you?\nBob: Fine. Ann, and you?")
    assert n.dialogue == "#Person1#: Hi, how are you?\n#Person2#: Fine. Ann, and you?" and n.names == ["Ann Lee", "Bob"]
    assert names_to_tags("Ann asks Bob how he is.", n.names) == "#Person1# asks #Person2# how he is."
    assert tags_to_names(n.dialogue, n.names).startswith("Ann Lee: Hi, how are you?\nBob: ")
    assert normalise("no speakers here at all") is None


def test_a_named_reference_round_trips_through_generate_evaluate_and_benchmark(tmp_path):
    """FAKE engine (pipeline logic): a named reference gives a corpus written in names, which evaluate
    and benchmark read back into tags."""
    from fakes import FakeBackend

    from dialoguesynth.benchmark.data import pairs_from
    from dialoguesynth.evaluate.data import load_rows
    from dialoguesynth.evaluate.report import evaluate
    from dialoguesynth.pipeline import Generator

    cfg = load_config(None, reference__path=str(CHAT), num_dialogues=8, seed=3, topics__expand=False)
    gen = Generator(cfg, backend=FakeBackend(), progress=False)
    ds = gen.run(tmp_path / "out")
    assert len(ds) >= 6 and gen.speaker_style == "named"
    assert any("2 reference dialogues have more than two speakers" in w for w in gen.warnings)
    for row in ds:
        a, b = row["p1_name"].split()[0], row["p2_name"].split()[0]
        lines = row["dialogue"].splitlines()
        assert lines[0].startswith(f"{a}: ") and lines[1].startswith(f"{b}: ") or a == b
        assert "#Person" not in row["dialogue"] + row["summary"]
        assert [t["speaker"] for t in row["turns"][:2]] == [a, b] or a == b
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["speaker_style"] == "named"
    rows, _ = load_rows(tmp_path / "out")
    assert all(r["dialogue"].startswith("#Person1#: ") and "#Person" in r["summary"] for r in rows)
    assert all(p.dialogue.startswith("#Person1#: ") for p in pairs_from(tmp_path / "out"))
    report = evaluate(tmp_path / "out", CHAT, tmp_path / "rep")
    assert report["n_evaluated"] == len(ds) and report["quality"]["passed"] == len(ds)
    # asked for tags, a named reference still gives tags
    tagged = Generator(
        cfg.model_copy(update={"reference": cfg.reference.model_copy(update={"speaker_style": "tagged"})}),
        backend=FakeBackend(),
        progress=False,
    ).run(tmp_path / "tagged")
    assert all(r["dialogue"].startswith("#Person1#: ") for r in tagged)


def test_lower_case_chat_handles_are_speakers_only_where_names_are_not():
    from dialoguesynth.speakers import normalise

    handles = normalise("mary jane: hi, are you in?\r\nbob_12: yes, at the door\nmary jane: coming")
    assert handles.names == ["mary jane", "bob_12"] and handles.parties == 2
    assert handles.dialogue.splitlines()[1] == "#Person2#: yes, at the door"
    # among capitalised names a lower-case 'note:' line continues a turn, it is not a third speaker
    named = normalise("Amanda: I baked cookies\nnote: chocolate ones\nJerry: Great")
    assert named.names == ["Amanda", "Jerry"] and named.dialogue.startswith("#Person1#: I baked cookies note:")
    assert normalise("just a line\nand another") is None
