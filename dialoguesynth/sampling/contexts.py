"""Context sampler: the characteristics in catalog order, each from its weights after applying
the constraint rules whose conditions hold on what was already drawn.

The catalog is compiled once: per characteristic, only the rules that touch it are checked, and
the weights for each combination of matching rules are built on first use and cached."""

from __future__ import annotations

from ..catalogs import ContextCatalog
from ..errors import ConfigError
from .rng import Draws, Weighted


class _Rule:
    __slots__ = ("factors", "when")

    def __init__(self, when: dict[str, str | list[str]], factors: dict[str, float]):
        self.when = [(name, frozenset([w] if isinstance(w, str) else w)) for name, w in when.items()]
        self.factors = factors  # value → multiplier (0 = forbidden)

    def matches(self, drawn: dict[str, str | list[str]]) -> bool:
        for name, wanted in self.when:
            got = drawn.get(name)
            if isinstance(got, str):
                if got not in wanted:
                    return False
            elif not wanted.intersection(got or ()):
                return False
        return True


class _Characteristic:
    def __init__(self, name: str, kind: str, base: dict[str, float], rules: list[_Rule]):
        self.name, self.kind, self.base, self.rules = name, kind, base, rules
        self._cache: dict[tuple[int, ...], Weighted | list[tuple[str, float]]] = {}

    def distribution(self, drawn: dict[str, str | list[str]]):
        key = tuple(i for i, r in enumerate(self.rules) if r.matches(drawn))
        dist = self._cache.get(key)
        if dist is None:
            w = dict(self.base)
            for i in key:
                for v, f in self.rules[i].factors.items():
                    w[v] *= f
            if self.kind == "multi":
                dist = [(v, min(p, 1.0)) for v, p in w.items()]
            else:
                dist = Weighted(w)
                if not dist:
                    raise ConfigError(
                        f"contexts catalog: the constraints forbid every value of {self.name!r} when {drawn}"
                    )
            self._cache[key] = dist
        return dist


class ContextSampler:
    def __init__(self, catalog: ContextCatalog, temperature: float = 1.0):
        self.catalog = catalog
        self.temperature = temperature
        self._chars = []
        for name, ch in catalog.characteristics.items():
            if ch.kind == "multi":
                base = {v: val.p for v, val in ch.values.items()}
            else:  # temperature flattens (> 1) or sharpens (< 1) the catalog weights
                base = {v: val.weight ** (1.0 / temperature) for v, val in ch.values.items()}
            rules = []
            for rule in catalog.constraints:
                factors = dict(rule.scale.get(name, {}))
                factors.update({v: 0.0 for v in rule.forbid.get(name, ())})
                if factors:
                    rules.append(_Rule(rule.when, factors))
            self._chars.append(_Characteristic(name, ch.kind, base, rules))
        self._turns = {v: val.turns for v, val in catalog.characteristics["duration"].values.items()}

    def sample(self, draws: Draws) -> dict[str, str | list[str] | int]:
        """All characteristics (not the topic) plus ``target_turns``."""
        drawn: dict[str, str | list[str]] = {}
        for ch in self._chars:
            dist = ch.distribution(drawn)
            if ch.kind == "multi":
                drawn[ch.name] = [v for v, p in dist if draws.uniform() < p]
            elif ch.kind == "per_speaker":
                drawn[ch.name] = [draws.pick(dist), draws.pick(dist)]
            else:
                drawn[ch.name] = draws.pick(dist)
        lo, hi = self._turns[drawn["duration"]]
        return {**drawn, "target_turns": draws.integer(lo, hi)}

    def age_range(self, group: str) -> tuple[int, int]:
        return self.catalog.characteristics["age"].values[group].range
