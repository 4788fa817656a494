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


def unknown_words(text: str) -> list[str]:
    """Lower-case words no English word list knows ('minzn', 'mobiie', but also real typos such as
    'tempreture'); capitalised words are names and are skipped."""
    return [w for w in _WORD.findall(text) if w[0].islower() and not known(w.lower())]


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
