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
