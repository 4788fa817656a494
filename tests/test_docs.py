"""The docs match the code: the README's config block is the real config, and every published
result the docs cite exists where they say."""

import json
import re
from pathlib import Path

import yaml

from dialoguesynth.config import Config, load_config

ROOT = Path(__file__).resolve().parents[1]


def test_readme_config_block_is_the_default(tmp_path):
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(seed: 0.*?)```", readme, re.S).group(1)
    f = tmp_path / "c.yaml"
    f.write_text(block)
    documented = json.loads(load_config(f).model_dump_json())
    documented["reference"]["path"] = Config().reference.path.as_posix()  # resolved against the file's folder
    assert documented == json.loads(Config().model_dump_json())
    assert set(yaml.safe_load(block)) == set(Config.model_fields)


def test_demo_config_loads():
    cfg = load_config(ROOT / "evaluations" / "configs" / "demo.yaml")
    assert cfg.num_dialogues >= 32 and cfg.model.name == "embedded"


def test_provenance_names_the_machine():
    import sys

    sys.path.insert(0, str(ROOT / "evaluations"))
    from provenance import provenance

    p = provenance()
    assert "{" not in p["machine"] and "CPUs" in p["machine"] and "GB RAM" in p["machine"], p["machine"]
    assert len(p["commit"]) == 40


# a results/ or history/ folder or file named in the docs (relative to the repository or evaluations/)
_CITED = re.compile(r"(?:evaluations/)?((?:results|history)/[\w.-]+)")


def test_every_cited_result_exists():
    docs = [ROOT / "README.md", ROOT / "DEVELOPERS.md", ROOT / "evaluations" / "README.md"]
    docs += [ROOT / "evaluations" / "history" / "README.md"]
    cited = {m for d in docs for m in _CITED.findall(d.read_text())}
    assert any(c.startswith("results/") for c in cited) and any(c.startswith("history/") for c in cited)
    missing = sorted(c for c in cited if not (ROOT / "evaluations" / c).exists())
    assert not missing, missing


def test_realism_gap_counts_turn_shapes():
    import sys

    sys.path.insert(0, str(ROOT / "evaluations"))
    from realism_gap import shape

    from dialoguesynth.evaluate.data import turns_of

    dialogues = ["#Person1#: I'm here. Are you?\n#Person2#: Yes! I'm fine.", "#Person1#: Well.\n#Person2#: I'm ok."]
    turns = [turns_of(d) for d in dialogues]
    s = shape(turns)
    assert s["turns_per_dialogue"] == 2 and s["turns_with_a_question"] == 0.25
    assert s["turns_with_an_exclamation"] == 0.25 and s["turns_opening_with"]["i'm"] == 0.5


def test_phrase_presence_finds_phrases_as_words_only():
    import sys

    sys.path.insert(0, str(ROOT / "evaluations"))
    from phrase_presence import shares

    rows = [
        {"dialogue": "#Person1#: Ask my brother, he knows.", "asked": False},  # "er," ends a word: no filler
        {"dialogue": "#Person1#: Er, I think so.", "asked": True},
        {"dialogue": "#Person1#: I'm gonna go. GONNA!", "asked": True},
        {"dialogue": "#Person1#: The Gonnaville stop.", "asked": False},  # a phrase ending in a letter ends a word
    ]
    got = shares(rows, {"x": ["Er,", "Gonna"]}, lambda r, v: r["asked"])
    assert got["x"] == {"asked_with_phrase": 1.0, "not_asked_with_phrase": 0.0, "n_asked": 2}


def test_phrase_presence_counts_question_openers():
    import sys

    sys.path.insert(0, str(ROOT / "evaluations"))
    from phrase_presence import questions

    dialogue = "#Person1#: Hi.\n#Person2#: Is it. It's 3am.\n#Person1#: How much is it?\n#Person2#: How far?"
    rows = [{"dialogue": dialogue}]
    q = questions(rows, ["Is it", "How", "How much"])
    assert q["Is it"] == {"turns": 1, "ends_in_question_mark": 0.0}
    assert q["How much"] == {"turns": 1, "ends_in_question_mark": 1.0}  # the longer opener wins
    assert q["How"] == {"turns": 1, "ends_in_question_mark": 1.0}
