"""Does each realised phrase land in the text? For every speech feature, Person1 mood and register of
contexts/realisation.yaml: the share of accepted dialogues that asked for it and contain one of its
phrases (case-insensitive), beside the share of those that did not ask and contain one anyway. A
reader who knows the phrases tells the value from the text to the degree the two shares differ.
For each question opener: the turns that open with it, and the share whose first sentence ends in a
'?' (a bare "Is it" went on as "Is it. It's 3am." in quality-v25).

    .venv/bin/python evaluations/phrase_presence.py out/quality-v16 --out <folder>/phrase_presence.json [--contexts DIR]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from corpus_vs_real import write
from provenance import provenance

from dialoguesynth.evaluate.data import load_rows, turns_of
from dialoguesynth.stages.realise import load_realisation


def phrase_pattern(phrases: list[str]) -> re.Pattern:
    """Any of the phrases as words of their own (case-insensitive): "Er," is not the end of "brother,"
    (a plain substring test counted 24 of 25 "unasked fillers" in quality-v28 so)."""

    def one(p: str) -> str:
        return r"(?<![a-z])" + re.escape(p) + (r"(?![a-z])" if p[-1:].isalpha() else "")

    return re.compile("|".join(one(p) for p in sorted(phrases, key=len, reverse=True)), re.IGNORECASE)


def shares(rows: list[dict], phrases: dict[str, list[str]], asked) -> dict:
    out = {}
    for value, ps in phrases.items():
        pattern = phrase_pattern(ps)
        hits = [bool(pattern.search(r["dialogue"])) for r in rows]
        yes = [h for r, h in zip(rows, hits) if asked(r, value)]
        no = [h for r, h in zip(rows, hits) if not asked(r, value)]
        out[value] = {
            "asked_with_phrase": round(sum(yes) / len(yes), 3) if yes else None,
            "not_asked_with_phrase": round(sum(no) / len(no), 3) if no else None,
            "n_asked": len(yes),
        }
    return out


_FIRST_SENTENCE = re.compile(r"[^.!?]*[.!?]")


def questions(rows: list[dict], openers: list[str]) -> dict:
    """Per opener (longest first, so "How much" is not counted as "How"): turns after the first that open
    with it, and the share whose first sentence ends in a question mark."""
    turns = [t for r in rows for t in turns_of(r["dialogue"])[1:]]
    ordered = sorted(openers, key=len, reverse=True)
    n = dict.fromkeys(openers, 0)
    asked = dict.fromkeys(openers, 0)
    for t in turns:
        o = next((o for o in ordered if re.match(rf"{re.escape(o)}\b", t)), None)
        if o:
            n[o] += 1
            m = _FIRST_SENTENCE.match(t)
            asked[o] += bool(m and m.group().endswith("?"))
    return {o: {"turns": n[o], "ends_in_question_mark": round(asked[o] / n[o], 3) if n[o] else None} for o in openers}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--contexts", type=Path, help="contexts catalog the corpus was made with (default: built-in)")
    a = ap.parse_args()
    rows, _ = load_rows(a.dataset)
    cat = load_realisation(a.contexts)

    def with_leads(own: str, lead: str, strip: str = "") -> dict[str, list[str]]:
        """Each value's phrases on a turn of its own or leading another's (`lead` lists)."""
        extra = cat.phrases.get(lead, {})
        return {v: sorted({p.rstrip(strip) for p in ps + extra.get(v, [])}) for v, ps in cat.phrases[own].items()}

    # a register phrase leads as "Certainly," and stands alone as "Certainly"
    speech, register = with_leads("speech_features", "speech_lead"), with_leads("formality", "formality_lead", ".,")
    res = {
        **provenance(),
        "n": len(rows),
        "speech_features": shares(rows, speech, lambda r, v: v in r["speech_features"]),
        "emotion_person1": shares(rows, cat.phrases["emotion"], lambda r, v: r["emotion"][0] == v),
        "formality": shares(rows, register, lambda r, v: r["formality"] == v),
        "question_openers": questions(rows, cat.phrases["question"]["*"]),
    }
    write(res, a.out, "speech_features", "emotion_person1", "formality", "question_openers")


if __name__ == "__main__":
    main()
