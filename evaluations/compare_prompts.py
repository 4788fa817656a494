"""Compare render-prompt arms on identical specs with one shared vLLM engine.

First-attempt pass rate (no retries), rejection reasons, and simple shape statistics, per arm.
    .venv/bin/python evaluations/compare_prompts.py [--n 48] [--out evaluations/results/DATE-prompt-arms]
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from provenance import provenance

HERE = Path(__file__).resolve().parent

ARMS = {
    "v1 (multi-line header)": {"prompt_version": "v1", "render__label_free_starts": False},
    "v1 + label-free turn starts": {"prompt_version": "v1", "render__label_free_starts": True},
    "v2 (one-line header)": {"prompt_version": "v2", "render__label_free_starts": False},
    "v2 + template plan in prompt": {
        "prompt_version": "v2",
        "plan__enabled": True,
        "plan__strategy": "template",
        "plan__in_render_prompt": True,
        "render__label_free_starts": False,
    },
    # the previous default (random exemplars; persona and setting header; no turn-length bounds, real
    # openers, fillers, defect or copy checks; LLM subtopics and plans); turn shape is not a knob
    "old default (v1 + random exemplars)": {
        "prompt_version": "v1",
        "reference__match": False,
        "render__persona_turn_length": False,
        "render__real_openers": False,
        "render__realise_speech": False,
        "render__realise_context": False,
        "checks__defects": False,
        "checks__max_copied_fraction": None,
        "topics__sources": ["llm"],
        "plan__strategy": "llm",
    },
    "v3 (labelled header + matched exemplars)": {"prompt_version": "v3"},
    "v3, context fields not realised as phrases": {"prompt_version": "v3", "render__realise_context": False},
    "v3, subtopic not named in a turn": {"prompt_version": "v3", "render__realise_topic": False},
    "v3 + exemplars shared (4 sets per medium)": {"prompt_version": "v3", "reference__share": 4},
    "v3 + best of 2 (likeliest passing sample)": {"prompt_version": "v3", "render__best_of": 2},
    "v3 at temperature 0.6": {"prompt_version": "v3", "render__temperature": 0.6},
    "v3-lean (topic-only header + matched exemplars)": {"prompt_version": "v3-lean"},
    "v3 + repetition penalty 1.15": {"prompt_version": "v3", "render__repetition_penalty": 1.15},
    "v3-lean + repetition penalty 1.15": {"prompt_version": "v3-lean", "render__repetition_penalty": 1.15},
    "v3 on Gemma 3 270M base": {"prompt_version": "v3", "model__name": "embedded:gemma3-270m"},
    "v3 + shaped words": {"prompt_version": "v3", "render__word_shape": "shaped"},
    "v3 + apart words": {"prompt_version": "v3", "render__word_shape": "apart"},
    "v3 + token budget (2 tokens per word)": {"prompt_version": "v3", "render__tokens_per_word": 2.0},
    # the 135M model scatters numbers ('10 days, 200 pounds.', '? 11.'): 16.5 % of its turns hold a digit
    "v3, no digit bias": {"prompt_version": "v3", "render__digit_bias": 0.0},
    "v3 + digit bias -2": {"prompt_version": "v3", "render__digit_bias": -2.0},
    "v3 + digit bias -4": {"prompt_version": "v3", "render__digit_bias": -4.0},
    # the free word shape let a comma join two words ('it's,well,vazing') in 11.3 % of quality-v17's
    # dialogues, and its dialogues with an unknown word doubled beside the digit bias (8.25 -> 16.5 %).
    # From 2026-12-03 unglued is the default (evaluations/history/2026-12-03-unglued-words); the model
    # then puts the comma before a stop mark instead ('it's,...': 29 % of that A/B's unglued arm)
    "v3, free words": {"prompt_version": "v3", "render__word_shape": "free"},
    "v3 + unglued words": {"prompt_version": "v3", "render__word_shape": "unglued"},
    "v3 + unglued words, digit bias -2": {
        "prompt_version": "v3",
        "render__word_shape": "unglued",
        "render__digit_bias": -2.0,
    },
    # spaced: a comma inside a word only before a digit or a closing quote, and never before a stop mark;
    # the default from 2026-12-03 (evaluations/history/2026-12-03-spaced-words: 90 vs 78 of 128 accepted)
    "v3 + spaced words": {"prompt_version": "v3", "render__word_shape": "spaced"},
    # tidy: a comma inside a word only between digits, any other before a space, never two quotes side by
    # side; under spaced the model glued its commas to quotes and digits ('fly to,0.': 24 % of quality-v19's
    # dialogues) and ran quotes ('"""""': 11.3 %); the default from 2026-12-04 (history/2026-12-04-tidy-words: 92
    # vs 84 of 128 accepted)
    "v3 + tidy words": {"prompt_version": "v3", "render__word_shape": "tidy"},
    # what a smaller batch costs: a kill loses at most the batch in flight
    "v3, batches of 32": {"prompt_version": "v3", "run__batch_size": 32},
    # min-p sampling: quality-v26's 20 samples still hold pieces of words ("I was last ed", "thelandlord",
    # "familie"): the tail of the token distribution, which min_p cuts while the temperature keeps its spread
    "v3 + min_p 0.1": {"prompt_version": "v3", "render__min_p": 0.1},
    # min_p 0.1 at 0.8 removed every garbled word but looped (history/2026-12-05-min-p); min-p sampling is
    # meant to pair with a hotter temperature, which flattens what is left after the cut
    "v3 + min_p 0.1 at temperature 1.0": {"prompt_version": "v3", "render__min_p": 0.1, "render__temperature": 1.0},
    "v3 + min_p 0.1 at temperature 1.3": {"prompt_version": "v3", "render__min_p": 0.1, "render__temperature": 1.3},
    "v3, batches of 8": {"prompt_version": "v3", "run__batch_size": 8},
    # quality-v34's turns after a forced question opener follow the turn before least (opener_coherence.py)
    "v3, no question openers": {
        "prompt_version": "v3",
        "context__catalog_dir": str(HERE / "history" / "2026-12-07-question-openers-cost" / "contexts-no-questions"),
    },
}


_GLUED = re.compile(r"[A-Za-z],[A-Za-z]")  # a comma joining two words: 0.8 % of DialogSum train's dialogues
_COMMA_ON = re.compile(r",[^\s0-9\"']")  # a comma before anything but a space, digit or quote: 0.88 % of them
# a 1-2 digit number as a whole sentence ('Certainly. 1.'), a whole turn too: 0.86 % of DialogSum train's
# dialogues ('35.', '3. 92'); broader than the check defects.lone_number, which spares a turn that is one
_NUMBER_SENTENCE = re.compile(r"(?:^|[.!?,]\s|: )\d{1,2}[.!?](?=\s|$)", re.M)


def _share(items, pred) -> float | None:
    return round(statistics.mean(map(pred, items)), 3) if len(items) else None


class _Counted:
    """The arm's engine, counting every completion's tokens and its token-limit stops (all stages,
    all attempts, rejected specs too): decode work per accepted dialogue, a figure that does not
    depend on what else the machine runs."""

    def __init__(self, backend):
        self.backend, self.tokens, self.length_stops = backend, 0, 0

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def generate(self, requests, progress=None):
        out = self.backend.generate(requests, progress)
        self.tokens += sum(c.completion_tokens for c in out)
        self.length_stops += sum(c.finish_reason == "length" for c in out)
        return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=48)
    ap.add_argument("--arms", default=";".join(ARMS), help="arm names to run, separated by ';'")
    ap.add_argument("--config", default=str(HERE / "configs" / "demo.yaml"))
    ap.add_argument("--out", default=str(HERE / "results" / f"{datetime.date.today()}-prompt-arms"))
    ap.add_argument("--keep", help="keep each arm's run folder under this directory (for evaluate)")
    ap.add_argument(
        "--full",
        action="store_true",
        help="the whole pipeline as configured (retries, plan, summary): "
        "accepted dialogues per minute, not first-attempt pass rates",
    )
    args = ap.parse_args()
    arms = [a.strip() for a in args.arms.split(";") if a.strip()]
    unknown = [a for a in arms if a not in ARMS]
    if unknown:
        ap.error(f"unknown arm(s) {unknown}; known: {list(ARMS)}")

    from dialoguesynth import Generator, load_config
    from dialoguesynth.backends import make_backend
    from dialoguesynth.defects import comma_before_stop, quote_run
    from dialoguesynth.spec import Turn
    from dialoguesynth.words import unknown_words

    base = (
        dict(num_dialogues=args.n)
        if args.full
        else dict(num_dialogues=args.n, checks__max_retries=0, plan__enabled=False, summary__enabled=False)
    )
    rows, backends = [], {}
    for name, overrides in ((a, ARMS[a]) for a in arms):
        cfg = load_config(args.config, **{**base, **overrides})
        if cfg.model.name not in backends:  # one engine per process on CPU: close the last before loading the next
            for b in backends.values():
                b.close()
            backends = {cfg.model.name: _Counted(make_backend(cfg))}
        backend = backends[cfg.model.name]
        backend.tokens = backend.length_stops = 0
        with tempfile.TemporaryDirectory() as tmp:
            run_dir = Path(args.keep) / re.sub(r"\W+", "-", name).strip("-") if args.keep else Path(tmp) / "o"
            t = time.monotonic()
            ds = Generator(cfg, backend=backend, progress=False).run(run_dir, fresh=True)
            wall = time.monotonic() - t
            rejected = [json.loads(x) for x in (run_dir / "rejected.jsonl").read_text().splitlines()]
        first = [t[0]["text"] for t in ds["turns"]] if len(ds) else []
        dialogues = list(ds["dialogue"]) if len(ds) else []
        turns = [t["text"] for d in ds["turns"] for t in d] if len(ds) else []
        turned = [[Turn(**t) for t in d] for d in ds["turns"]] if len(ds) else []
        rows.append(
            {
                "arm": name,
                "overrides": overrides,
                "n": args.n,
                "passed": len(ds),
                "pass_rate": round(len(ds) / args.n, 3),
                "rejections": dict(Counter(r["reason"] for r in rejected)),
                # a first turn like "firstname: Jack" echoes the header instead of speaking
                "first_turn_label_like": sum(bool(re.match(r"\s*[\w ]{1,20}:", f)) for f in first),
                "mean_words_per_turn": round(statistics.mean(len(t["text"].split()) for d in ds["turns"] for t in d), 1)
                if len(ds)
                else 0,
                "turns_with_digit": _share(turns, lambda t: bool(re.search("[0-9]", t))),
                "dialogues_with_glued_comma": _share(dialogues, lambda d: bool(_GLUED.search(d))),
                "dialogues_with_comma_before_stop": _share(turned, lambda d: any(map(comma_before_stop, d))),
                "dialogues_with_stray_comma": _share(dialogues, lambda d: bool(_COMMA_ON.search(d))),
                "dialogues_with_quote_run": _share(turned, lambda d: any(map(quote_run, d))),
                "dialogues_with_lone_number": _share(dialogues, lambda d: bool(_NUMBER_SENTENCE.search(d))),
                "dialogues_with_unknown_word": _share(dialogues, lambda d: bool(unknown_words(d))),
                "turns_with_a_question": _share(turns, lambda t: "?" in t),
                "turns_opening_with_im": _share(turns, lambda t: t.startswith("I'm")),
                "turns_on_target": sum(a == b for a, b in zip(ds["num_turns"], ds["target_turns"])) if len(ds) else 0,
                "wall_s": round(wall, 1),
                "accepted_per_min": round(60 * len(ds) / wall, 2),
                "completion_tokens": backend.tokens,
                "tokens_per_accepted": round(backend.tokens / len(ds)) if len(ds) else None,
                "token_limit_stops": backend.length_stops,
                "example": ds[0]["dialogue"][:400] if len(ds) else "",
            }
        )
        print(json.dumps({k: v for k, v in rows[-1].items() if k != "example"}), flush=True)
    for b in backends.values():
        b.close()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    prov = provenance()
    (out / "results.json").write_text(json.dumps({"provenance": prov, "arms": rows}, indent=2))
    passed = "accepted" if args.full else "pass (first attempt)"
    md = [
        f"| arm | {passed} | rejections | label-like first turns | "
        "words/turn | turns with a digit | dialogues with a glued comma | with a comma before a stop mark | "
        "with a comma before no space, digit or quote | with a quote run | with a lone number | "
        "dialogues with an unknown word | turns with a ? | turns opening with I'm | "
        "turns on target | wall (s) | accepted/min | decode tokens per accepted | token-limit stops |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    md += [
        f"| {r['arm']} | {r['passed']}/{r['n']} | {r['rejections'] or '-'} | {r['first_turn_label_like']} | "
        f"{r['mean_words_per_turn']} | {r['turns_with_digit']} | {r['dialogues_with_glued_comma']} | "
        f"{r['dialogues_with_comma_before_stop']} | {r['dialogues_with_stray_comma']} | "
        f"{r['dialogues_with_quote_run']} | {r['dialogues_with_lone_number']} | "
        f"{r['dialogues_with_unknown_word']} | {r['turns_with_a_question']} | {r['turns_opening_with_im']} | "
        f"{r['turns_on_target']}/{r['passed']} | {r['wall_s']} | "
        f"{r['accepted_per_min']} | {r['tokens_per_accepted']} | {r['token_limit_stops']} |"
        for r in rows
    ]
    how = "the whole pipeline as configured" if args.full else "retries 0, no plan, no summary"
    config = Path(args.config)
    config_name = config.relative_to(HERE.parent) if config.is_relative_to(HERE.parent) else args.config
    (out / "results.md").write_text(
        f"Command: `{prov['command']}` at commit "
        f"`{prov['commit']}`{' (dirty)' if prov['dirty'] else ''}; {prov['machine']}.\n"
        f"Config: `{config_name}` "
        f"with {how}; same specs in every arm, one process, arms one after another.\n\n" + "\n".join(md) + "\n"
    )
    print("\n".join(md))


if __name__ == "__main__":
    main()
