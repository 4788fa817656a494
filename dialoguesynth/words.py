"""Word-level helpers shared by exemplar matching, subtopic sources and the defect checks."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from .catalogs import load_persona_catalog

_STOP = frozenset("a an the to of for in on at and or with about your my their his her our".split())


def stems(text: str) -> set[str]:
    """Crude content-word stems ('seeing'/'see', 'services'/'service' agree), to tell whether two
    topic phrases share a word."""
    return {_stem(w) for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2}


def _stem(w: str) -> str:
    for suffix, keep in (("ing", 3), ("es", 3), ("s", 3), ("ed", 3)):
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            w = w[: -len(suffix)]
            break
    return w.rstrip("e")[:5]


def vocabulary_of(dialogues: Iterable[str]) -> frozenset[str]:
    """Words used at least twice in ``dialogues`` (tells garbled openers from real words)."""
    counts = Counter(w for d in dialogues for w in re.findall(r"[a-z']+", d.lower()))
    return frozenset(w for w, n in counts.items() if n >= 2)


# a word as a reader sees one: letters, with an apostrophe suffix ("don't", "o'clock")
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


@cache
def known(word: str) -> bool:
    """Whether an English word list (wordfreq: web, books, subtitles) knows the lower-case word."""
    from wordfreq import zipf_frequency  # loads its list on first use: keep imports of this module light

    return zipf_frequency(word, "en") > 0


# contractions written without their apostrophe ('ive', 'dont'): web text has them, so the word list
# knows them, but a DialogSum transcript writes "I've"; forms that are words ('well', 'its', 'cant') are not here
BARE_CONTRACTIONS = frozenset(
    "im ive youre youve youll youd hes shes theyre theyve theyll weve dont doesnt didnt isnt arent wasnt "
    "werent havent hasnt hadnt wouldnt couldnt shouldnt mustnt thats whats theres whos".split()
)


def unknown_words(text: str) -> list[str]:
    """Words a reader does not know as written: lower-case words no English word list knows ('minzn',
    'mobiie', but also real typos such as 'tempreture'), contractions without their apostrophe ('ive',
    'dont'), and capitalised words whose ending after the apostrophe is no word ("I'mntt"); other
    capitalised words are names and are skipped."""
    out = []
    for w in _WORD.findall(text):
        low = w.lower()
        if w[0].islower():
            odd = low in BARE_CONTRACTIONS or not known(low)
        else:
            # an ending that is a word passes: clitics ("Jack's", "They'll") and DialogSum's quotes glued to a
            # word ("Say'cheese", "Hanks'performance")
            end = low.partition("'")[2]
            odd = bool(end) and not known(end) and not known(low)
        if odd:
            out.append(w)
    return out


@cache
def _common_words() -> tuple[str, ...]:
    """The 100,000 most frequent English words of the word list, letters only (what a typo is near)."""
    from wordfreq import top_n_list

    return tuple(w for w in top_n_list("en", 100_000) if w.isalpha())


def _common(piece: str) -> bool:
    from wordfreq import zipf_frequency

    return piece in ("a", "i") or (len(piece) > 1 and zipf_frequency(piece, "en") >= 3)


def _joined(word: str, parts: int = 3) -> bool:
    """Whether ``word`` is up to ``parts`` common words written together ('thelandlord', 'fullbodied')."""
    if parts == 1:
        return _common(word)
    return _common(word) or any(_common(word[:i]) and _joined(word[i:], parts - 1) for i in range(1, len(word)))


def nonwords(text: str) -> list[str]:
    """Unknown words (``unknown_words``) that are neither a typo of a common word ('aboslutely',
    'tempreture'; Damerau-Levenshtein) nor common words run together ("minutes'walk", 'thelandlord'):
    what is left reads as noise ('almiegfwrbn', 'laeop', 'wudnt')."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    out = []
    for w in unknown_words(text):
        low = w.lower()
        if low in BARE_CONTRACTIONS:
            continue
        if _joined(low.replace("'", "")):
            continue
        # a typo's reach as spelling search engines set it (Elasticsearch's AUTO fuzziness): one edit, two
        # from six letters on ('tempreture' is two from 'temperature')
        edits = 2 if len(low) >= 6 else 1
        if process.extractOne(low, _common_words(), scorer=DamerauLevenshtein.distance, score_cutoff=edits) is None:
            out.append(w)
    return out


# every English word of one or two lower-case letters a DialogSum transcript uses as a word (their
# counts in train: 'to' 43,380 ... 'oz' 1), units and interjections ('er', 'aw') included; anything else of that
# length is a piece of a word ('ud t help in dea', 'o a w ij o', 'ia ia a baby')
SHORT_WORDS = frozenset(
    "a i to it is of in do be me on my we at so go up or as an if he am by no us ok oh uh hi um ha ah eh "
    "ya yo mm hm er aw ow pm ad tv ex cm kg km ml mg lb oz ma pa".split()
)
# a one- or two-letter lower-case piece standing alone; not after an apostrophe or a full stop and a
# space, which is how DialogSum writes clitics and abbreviations apart ("it ' s", "a. m")
_PIECE = re.compile(r"(?<![A-Za-z0-9'.-])(?<!' )(?<!\. )[a-z]{1,2}(?![A-Za-z0-9'.-])")


def stray_pieces(text: str) -> list[str]:
    """One- and two-letter lower-case pieces that are no English word ('ud', 't', 'ij', 'ia')."""
    return [w for w in _PIECE.findall(text) if w not in SHORT_WORDS]


# interjections the word list counts as rare ('erm' 2.9): the model's own fillers, not pieces of words
INTERJECTIONS = frozenset("erm umm ummm hmm hmmm mmm ahh ooh uhh huh yay aww eek phew".split())
# a lower-case word standing alone, no apostrophe on either side
_BARE = re.compile(r"(?<![A-Za-z'])[a-z]+(?![A-Za-z'])")
RARE = 3.0  # Zipf frequency: under one use per million words of English


def rare_short_words(text: str, letters: int = 5) -> list[str]:
    """Lower-case words of up to ``letters`` letters that English uses under once per million words
    ('ith', 'edd', 'ika', 'sso', 'uop'): real words of the word list, so ``unknown_words`` passes them,
    but in a transcript they are mostly pieces of words."""
    from wordfreq import zipf_frequency

    return [
        w
        for w in _BARE.findall(text)
        if len(w) <= letters and w not in INTERJECTIONS and zipf_frequency(w, "en") < RARE
    ]


@cache
def given_names() -> frozenset[str]:
    """First names of the locales the shipped persona catalog draws from (faker's lists: 'Mark', 'Lucy')."""
    from importlib import import_module

    names: set[str] = set()
    for locale in load_persona_catalog().demographics.locales:
        try:
            provider = import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:  # a faker without this locale's list
            continue
        names |= set(getattr(provider, "first_names", ()))
    return frozenset(names)
