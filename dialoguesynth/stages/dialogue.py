"""Stage 4, render: the dialogue as raw few-shot continuation of real dialogues, optionally
regex-guided to exactly the target number of turns (what works for tiny models, measured)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import NamedTuple

from ..backends import Completion, GenRequest
from ..catalogs import PersonaCatalog, load_persona_catalog
from ..checks import check_dialogue
from ..config import Config, WordShape
from ..parsing import flatten, parse_dialogue
from ..prompts import render
from ..sampling.exemplars import ExemplarPool
from ..sampling.personas import trait_bin
from ..spec import ConversationSpec
from . import realise
from .base import Stage, sampled_request
from .fields import exemplar_fields, spec_fields

TURN_CHARS = 240  # a turn longer than this (~50 words) is never DialogSum-like


PHRASE_ROOM = 40  # characters a turn keeps after its opening phrase, however long the phrase
CHARS_PER_WORD = 5.2  # DialogSum train turns: characters per word, its space included (measured)
JOINED_PIECES = 4  # pieces a word may join in the "apart" shape: 'U.S.A.', 'mother-in-law'
LABEL_TOKENS = 8  # '\n#Person2#: ' is 6 tokens of SmolLM2's tokenizer; 2 more for a turn's end
LABEL_FREE_WORDS = 4  # no ':' in a turn's first words: tiny models echo header labels ("firstname: Jack")


# The shape of a real turn (DialogSum train: 96.5 % start with a capital or a quote, 99.3 % end in
# . ! or ?, 99.6 % use only these characters): no URLs, markup, numbered lists or cut-off turns.
# Lengths are bounded as words, not characters: the engine compiles each request's regex into token
# masks, and bounded runs of characters ({1,160} per turn) cost it far more (xgrammar: 17.8 s against
# 0.45 s per default spec; end to end 11.5 against 15.3 accepted dialogues per minute on the same specs,
# evaluations/history/2026-12-01-length-unit).
_FIRST = "[A-Z\"']"
_END = "[.!?]"
_WORD = "[A-Za-z0-9,.'\"?!$%&()\\-;]+"  # a word with its marks; no space, no ':'
_WORD_COLON = "[A-Za-z0-9,.'\"?!$%&()\\-;:]+"


def _unglued(colon: bool) -> tuple[str, str]:
    """(first word, word) of render.word_shape "unglued": a free word in which no letter follows a comma
    ('1,000' and '"Well,"' stay), so a comma never joins two words ('it's,well,vazing', 'no,no,no': in
    11.3 % of quality-v17's dialogues, 0.8 % of DialogSum train's); a word may be commas alone."""
    mark = "0-9.'\"?!$%&()\\-;" + (":" if colon else "")
    w = f"[A-Za-z{mark}]"
    rest = f"(?:,+[{mark}]{w}*)*,*"
    return f"{_FIRST}{w}*{rest}", f"(?:{w}+{rest}|,+)"


def _spaced(colon: bool) -> tuple[str, str]:
    """(first word, word) of render.word_shape "spaced": the unglued words, but a comma inside a word
    stands only before a digit ('1,000') or a closing quote ('"Well,"'); a comma that ends a word goes
    in the separator (', '), so no comma stands before a stop mark: under unglued the model moved its
    commas there ('it's,...', 'that,.': 21 % of quality-v18's dialogues, 0.02 % of DialogSum train's)."""
    mark = "0-9.'\"?!$%&()\\-;" + (":" if colon else "")
    w = f"[A-Za-z{mark}]"
    rest = f"(?:,[0-9]{w}*)*(?:,[\"']+)?"
    return f"{_FIRST}{w}*{rest}", f"{w}+{rest}"


def _tidy(colon: bool) -> tuple[str, str]:
    """(first word, word) of render.word_shape "tidy": a comma inside a word only between digits
    ('1,000'); any other comma goes in the separator, a closing quote after it ('"Well," she'), so a
    space always follows it; never two quote marks side by side. Under spaced the model moved its commas
    to a word's end before quotes and digits ('phones,\'\'\'.', 'fly to,0.': 24 % of quality-v19's
    dialogues, 0 of DialogSum train's 12,460) and ran quotes ('\"\"\"\"\"': 11.3 %, DialogSum 0). A word
    alternates maximal runs of non-digits and of digit groups, and a run of non-digits maximal runs of
    other marks and one quote: one way to match (Python's re backtracks exponentially otherwise)."""
    other = "[A-Za-z.?!$%&()\\-;" + (":" if colon else "") + "]+"
    quote = "['\"]"
    marks = f"(?:{quote}(?:{other}{quote})*(?:{other})?|{other}(?:{quote}{other})*(?:{quote})?)"
    digits = "[0-9]+(?:,[0-9]+)*"
    word = f"(?:{marks}(?:{digits}{marks})*(?:{digits})?|{digits}(?:{marks}{digits})*(?:{marks})?)"
    return f"{quote}?[A-Z]{word}?", word


# render.word_shape "shaped": a word is letters (digits after them: 'mp3', 'T107') joined by ' . - & /',
# '--' or '...', or a number of at most 10 digits (a phone number) with one or two groups ('1,000',
# '626-555-1739', '8th'), or one mark, with up to four marks around it. A "free" word is any run of
# those characters, and the 135M model ran some to the token limit ('444...', ',u,m,l,f,...': 1 in 8
# specs of a 256-spec batch, each 512 tokens wasted). DialogSum train: 94.8 % of turns fit the shaped
# words, 95.1 % the free ones. Every repetition is spelled out as nested options: one way to match
# (Python's re backtracks exponentially otherwise; the engine compiles the same text).
def _joined(piece: str, sep: str, n: int) -> str:
    """One to ``n`` pieces joined by ``sep``, as nested options (one way to match)."""
    s = piece
    for _ in range(n - 1):
        s = f"{piece}(?:{sep}{s})?"
    return s


def _digits(n: int) -> str:
    return _joined("[0-9]", "", n)


_SEP = "(?:['.\\-&/]|--|---|\\.\\.\\.)"  # what joins the pieces of a word: ' . - & / -- ... '


def _num(c: str) -> str:
    """A number of at most 10 digits with one or two groups ('1,000', '626-555-1739', '8th'); c: ':' or ''."""
    return f"{_digits(10)}(?:[a-z][a-z]?)?(?:[\\-,./{c}]{_digits(4)})?(?:[\\-/]{_digits(4)})?"


def _close(c: str) -> str:
    """Up to four marks after a word; c: ':' or ''."""
    mark = f"[,.;?!)\"'%\\-{c}]"
    return f"(?:{_joined(mark, '', 4)})?"


def _shaped(colon: bool) -> tuple[str, str]:
    """(first word, word) of the shaped form; colon: ':' allowed (a time, 'Note:')."""
    c = ":" if colon else ""
    alnum = f"[A-Za-z]+(?:{_digits(4)})?"
    alpha = f"{alnum}(?:{_SEP}{alnum})*"
    num, close = _num(c), _close(c)
    core = f"(?:{alpha}(?:-{num})?|{num}(?:-{alpha})?|[;.,%'\"!?&$()\\-{c}]|--|\\.\\.\\.)"
    first = f"[\"']?[A-Z][A-Za-z]*(?:{_digits(4)})?(?:{_SEP}{alnum})*{close}"
    return first, f"[\"'($]?{core}{close}"


def _apart(colon: bool) -> tuple[str, str, str]:
    """(first word, word without a digit, word with a digit) of the "apart" form: the shaped words,
    with at most JOINED_PIECES pieces joined in a word ('U.S.A.', 'mother-in-law', not '.e.l.l.t.r...')."""
    c = ":" if colon else ""
    letters = _joined("[A-Za-z]+", _SEP, JOINED_PIECES)
    with_digits = f"(?:[A-Za-z]+{_SEP})?[A-Za-z]+{_digits(4)}(?:{_SEP}[A-Za-z]+)?"  # 'mp3', 'T107', 'MP3-player'
    num, close = _num(c), _close(c)
    plain = f"(?:{letters}|[;.,%'\"!?&$()\\-{c}]|--|\\.\\.\\.)"
    digit = f"(?:{with_digits}(?:-{num})?|{letters}-{num}|{num}(?:-{letters})?)"
    first = f"[\"']?[A-Z][A-Za-z]*(?:{_digits(4)})?(?:{_SEP}[A-Za-z]+(?:{_SEP}[A-Za-z]+)?)?{close}"
    return first, f"[\"'($]?{plain}{close}", f"[\"'($]?{digit}{close}"


class _Words(NamedTuple):
    first: str  # the turn's first word (a capital or a quote first)
    first_colon: str  # the same where ':' is allowed (label_free off)
    word: str
    word_colon: str
    tail: str = ""  # what may stand between the last word and the turn's final mark
    sep: str = " "  # what stands between two words


def _apart_words() -> _Words:
    # a word with a digit is always followed by one without, or ends the turn: a position is 'plain' or
    # 'digit plain', so two numbers never stand side by side ('2222 2222', '12,000, 12,000, ...', '2pm,
    # 3pm, 4pm': the runs that reached the token limit in quality-v9); 0.5 % of DialogSum train turns
    # have two such words side by side ('$ 35. 50', '8357688 8')
    first, plain, digit = _apart(False)
    _, plain_c, digit_c = _apart(True)
    return _Words(first, first, f"(?:{plain}|{digit} {plain})", f"(?:{plain_c}|{digit_c} {plain_c})", f"(?: {digit})?")


def _words_of(make: Callable[[bool], tuple[str, str]], sep: str = " ") -> _Words:
    """A word shape from its (first word, word) maker, without and with ':' allowed."""
    (first, word), (first_colon, word_colon) = make(False), make(True)
    return _Words(first, first_colon, word, word_colon, sep=sep)


_SHAPED = _words_of(_shaped)
WORD_SHAPES = {
    "free": _Words(f"{_FIRST}{_WORD[:-1]}*", f"{_FIRST}{_WORD_COLON[:-1]}*", _WORD, _WORD_COLON),
    "shaped": _SHAPED._replace(first_colon=_SHAPED.first),  # the shaped first word allows no ':' either way
    "apart": _apart_words(),
    "unglued": _words_of(_unglued),
    "spaced": _words_of(_spaced, sep=",? "),
    "tidy": _words_of(_tidy, sep="(?:,[\"']?)? "),
}


def _escape(phrase: str) -> str:
    # re.escape also escapes spaces, which the engine's regex compiler warns about once per turn
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", phrase)


def _head(phrases: list[str]) -> str:
    """Any one of the phrases; one ending in a word may take a mark ('Good morning,')."""
    return "(?:" + "|".join(_escape(p) + ("[,.!?]?" if p[-1].isalnum() else "") for p in phrases) + ")"


def _words(chars: int) -> int:
    return max(1, round(chars / CHARS_PER_WORD))


def _word_bounds(lo: int, hi: int, phrases: list[str] | None) -> tuple[int, int]:
    """Words a turn of ``lo``..``hi`` characters may have: after its opening phrase, when it has one."""
    if not phrases:
        return _words(lo), max(_words(hi), _words(lo))
    w_lo = max(_words(lo) - _words(min(len(p) for p in phrases)), 1)
    return w_lo, max(_words(hi) - _words(max(len(p) for p in phrases)), _words(min(hi, PHRASE_ROOM)), w_lo)


def max_turn_words(lo: int, hi: int, phrases: list[str] | None) -> int:
    """The most words a turn ``line_regex`` allows may have, its opening phrase included."""
    return _word_bounds(lo, hi, phrases)[1] + max((len(p.split()) for p in phrases or []), default=0)


def line_regex(
    lo: int = 1,
    hi: int = TURN_CHARS,
    label_free: bool = True,
    phrases: list[str] | None = None,
    shape: WordShape = "free",
) -> str:
    """One turn of about ``lo``..``hi`` characters (bounded as words) shaped like a real turn;
    label-free: no ':' in its first words; phrases: it opens with one of these (a word, 'Um,',
    'Hello, this is') and has no ':' after it; shape: what a word may be (see _shaped)."""
    first, first_colon, word, word_colon, tail, sep = WORD_SHAPES[shape]
    if phrases:
        # a phrase is always continued: 'Well... I', 'Good morning, sir.', 'Hello, this is Tom.'; a phrase
        # ending in a word may take one mark first; no ':' after it (the phrase is the head). A long phrase
        # ('I'm here about returning a jacket that does not fit') still leaves room to finish the sentence:
        # squeezed into a short speaker's bound, the model stopped on 'You're going to.'
        w_lo, w_hi = _word_bounds(lo, hi, phrases)
        return f"{_head(phrases)} {word}(?:{sep}{word}){{{w_lo - 1},{w_hi - 1}}}{tail}{_END}"
    w_lo, w_hi = _word_bounds(lo, hi, None)
    a, b = w_lo - 1, w_hi - 1  # a..b words after the first
    if not label_free:
        return f"{first_colon}(?:{sep}{word_colon}){{{a},{b}}}{tail}{_END}"
    free = LABEL_FREE_WORDS - 1  # words after the first that may not hold a ':'
    forms = []
    if a <= free:
        forms.append(f"(?:{sep}{word}){{{a},{min(b, free)}}}")
    if b > free:
        forms.append(f"(?:{sep}{word}){{{free}}}(?:{sep}{word_colon}){{{max(a - free, 0)},{b - free}}}")
    return f"{first}(?:{'|'.join(forms)}){tail}{_END}"


def turns_regex(
    n: int,
    label_free: bool = True,
    lengths: tuple[tuple[int, int], tuple[int, int]] | None = None,
    openers: dict[int, list[str]] | None = None,
    shape: WordShape = "free",
) -> str:
    """Exactly ``n`` alternating turns after the prompt's ``#Person1#:``, ending in a newline;
    ``lengths`` bounds each speaker's turn in characters (Person1, Person2), counted as words;
    ``openers`` maps a turn index to the phrases it may open with (see ``realise.py``); ``shape``:
    what a word may be."""

    def line(k: int) -> str:
        lo, hi, phrases = _turn_bounds(k, lengths, openers)
        return line_regex(lo, hi, label_free=label_free, phrases=phrases, shape=shape)

    rest = "".join(f"\\n#Person{2 if k % 2 else 1}#: {line(k)}" for k in range(1, n))
    return f" {line(0)}{rest}\\n"


def _turn_bounds(
    k: int, lengths: tuple[tuple[int, int], tuple[int, int]] | None, openers: dict[int, list[str]] | None
) -> tuple[int, int, list[str] | None]:
    """Turn ``k``'s characters [lo, hi] and the phrases it may open with."""
    lo, hi = lengths[k % 2] if lengths else (1, TURN_CHARS)
    return lo, hi, (openers or {}).get(k)


def token_budget(
    n: int,
    tokens_per_word: float,
    lengths: tuple[tuple[int, int], tuple[int, int]] | None = None,
    openers: dict[int, list[str]] | None = None,
) -> int:
    """Tokens a guided render of ``n`` turns needs when every turn has its most words and every word
    ``tokens_per_word`` tokens (DialogSum train turns: 1.92 at the 99th percentile, SmolLM2's
    tokenizer), plus each turn's label and end. A render that needs more has words longer than real
    ones ('4444...'). Stopping it there instead of at render.max_tokens saved nothing net (the attempts
    cut sooner are retried: evaluations/history/2026-12-01-token-budget), so render.tokens_per_word
    is off by default."""
    words = sum(max_turn_words(*_turn_bounds(k, lengths, openers)) for k in range(n))
    return math.ceil(words * tokens_per_word) + LABEL_TOKENS * n


def turn_openers(spec: ConversationSpec, cfg: Config, pool: ExemplarPool) -> dict[int, list[str]]:
    """What each turn opens with: realised context and speech phrases, else for the first turn a
    word real dialogues open with (render.real_openers)."""
    r, layer = cfg.render, cfg.context.enabled  # context.enabled false (the ablation): no context reaches the text
    openers = realise.turn_openers(
        spec,
        realise.load_realisation(cfg.context.catalog_dir),
        context=r.realise_context and layer,
        speech=r.realise_speech and layer,
        topic=r.realise_topic,
    )
    if r.real_openers and 0 not in openers:
        openers[0] = list(pool.openers)
    return openers


def turn_lengths(
    spec: ConversationSpec, cfg: Config, catalog: PersonaCatalog
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Each speaker's turn-length bounds from their extraversion bin (render.turn_chars), so the
    trait reaches the text even through a model too small to follow a description of it."""
    if not spec.personas or not cfg.render.persona_turn_length:
        return None
    return tuple(tuple(cfg.render.turn_chars[trait_bin(p, "extraversion", catalog)]) for p in spec.personas)


class DialogueStage(Stage[tuple[ConversationSpec, str | None]]):
    name = "dialogue"

    def __init__(self, cfg: Config, pool: ExemplarPool):
        self.cfg = cfg
        self.candidates = cfg.render.best_of
        self.pool = pool
        self.personas = load_persona_catalog(cfg.personas.catalog_dir)

    def key(self, item) -> int:
        return item[0].seed

    def prompt(self, spec: ConversationSpec, plan: str | None) -> str:
        v = self.cfg.prompt_version
        exemplars = "".join(
            render(v, "exemplar", **exemplar_fields(self.pool[i], self.pool.labels.get(i))) for i in spec.exemplar_ids
        )
        use_plan = plan if self.cfg.plan.in_render_prompt else None
        header = render(v, "spec_header", **spec_fields(spec, self.cfg, plan=use_plan))
        return render(v, "dialogue", exemplars=exemplars, header=header)

    def request(self, item, seed: int) -> GenRequest:
        spec, plan = item
        r, n = self.cfg.render, spec.context.target_turns
        lengths = turn_lengths(spec, self.cfg, self.personas)
        openers = turn_openers(spec, self.cfg, self.pool)
        budget = r.max_tokens
        if r.guided and r.tokens_per_word is not None:
            budget = min(budget, token_budget(n, r.tokens_per_word, lengths, openers))
        return sampled_request(
            r,
            prompt=self.prompt(spec, plan),
            max_tokens=budget,
            repetition_penalty=r.repetition_penalty,
            digit_bias=r.digit_bias,
            seed=seed,
            stop=["\n\n", "\nTopic:"],
            regex=turns_regex(n, r.label_free_starts, lengths, openers, r.word_shape) if r.guided else None,
        )

    def parse(self, item, completion: Completion):
        spec, _ = item
        checks = self.cfg.checks
        turns, reason = parse_dialogue(completion.text)
        reason = reason or check_dialogue(turns, completion.finish_reason, spec, checks, self.pool.vocabulary)
        if reason is None and checks.max_copied_fraction is not None:
            source, share = self.pool.copied(flatten(turns), spec.exemplar_ids)
            if share > checks.max_copied_fraction:
                reason = f"copied_{source}"
        return turns, reason
