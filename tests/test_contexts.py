from collections import Counter

import pytest

from dialoguesynth.catalogs import load_context_catalog
from dialoguesynth.errors import ConfigError
from dialoguesynth.sampling.contexts import ContextSampler
from dialoguesynth.sampling.rng import Draws


def _matches(rule, drawn) -> bool:
    """Independent of the sampler's compiled rules: does every condition of the rule hold?"""
    for name, wanted in rule.when.items():
        wanted = {wanted} if isinstance(wanted, str) else set(wanted)
        got = drawn.get(name)
        got = {got} if isinstance(got, str) else set(got or ())
        if not wanted & got:
            return False
    return True


@pytest.fixture(scope="module")
def drawn():
    cat = load_context_catalog()
    s = ContextSampler(cat)
    rng = Draws(0)
    return cat, [s.sample(rng) for _ in range(5000)]


def test_forbid_rules_never_violated(drawn):
    cat, rows = drawn
    checked = 0
    for row in rows:
        for rule in cat.constraints:
            if not _matches(rule, row):
                continue
            for name, banned in rule.forbid.items():
                got = row[name] if isinstance(row[name], list) else [row[name]]
                assert not set(got) & set(banned), (rule, row)
                checked += 1
    assert checked > 1000


def test_text_chat_has_no_audible_features(drawn):
    _, rows = drawn
    chats = [r for r in rows if r["medium"] == "text chat"]
    assert chats and all("pauses" not in r["speech_features"] for r in chats)


def test_scale_rules_shift_frequencies(drawn):
    _, rows = drawn

    def formal(rs):
        return sum(r["formality"] == "formal" for r in rs) / max(len(rs), 1)

    strangers = [r for r in rows if r["familiarity"] == "strangers"]
    close = [r for r in rows if r["familiarity"] in ("friends", "family", "partners")]
    assert formal(strangers) > 2 * formal(close)


def test_unconstrained_weights_become_frequencies(drawn):
    cat, rows = drawn
    c = Counter(g for r in rows for g in r["gender"])
    w = {k: v.weight for k, v in cat.characteristics["gender"].values.items()}
    total = sum(w.values())
    for k in w:
        assert abs(c[k] / (2 * len(rows)) - w[k] / total) < 0.02


def test_turns_within_duration(drawn):
    cat, rows = drawn
    for r in rows:
        lo, hi = cat.characteristics["duration"].values[r["duration"]].turns
        assert lo <= r["target_turns"] <= hi


def test_temperature_flattens():
    cat = load_context_catalog()
    rng = Draws(1)
    flat = ContextSampler(cat, temperature=50.0)
    c = Counter(flat.sample(rng)["medium"] for _ in range(4000))
    assert min(c.values()) / max(c.values()) > 0.6


def test_catalog_rule_on_later_characteristic_rejected(tmp_path):
    import shutil

    from dialoguesynth.catalogs import catalog_dir

    d = tmp_path / "contexts"
    shutil.copytree(catalog_dir("contexts"), d)
    (d / "constraints.yaml").write_text(
        "constraints:\n  - when: {formality: formal}\n    forbid: {medium: [text chat]}\n"
    )
    with pytest.raises(ConfigError, match="listed earlier"):
        load_context_catalog(d)
    (d / "constraints.yaml").write_text("constraints:\n  - when: {medium: fax}\n    forbid: {location: [home]}\n")
    with pytest.raises(ConfigError, match="no value 'fax'"):
        load_context_catalog(d)
