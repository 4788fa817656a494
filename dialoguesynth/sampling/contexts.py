"""Context sampler: the characteristics in catalog order, each from its weights after applying
the constraint rules whose conditions hold on what was already drawn."""

from __future__ import annotations

import numpy as np

from ..catalogs import Characteristic, Constraint, ContextCatalog
from ..errors import ConfigError


def _matches(rule: Constraint, drawn: dict[str, str | list[str]]) -> bool:
    for name, wanted in rule.when.items():
        wanted = {wanted} if isinstance(wanted, str) else set(wanted)
        got = drawn.get(name)
        got = {got} if isinstance(got, str) else set(got or ())
        if not wanted & got:
            return False
    return True


class ContextSampler:
    def __init__(self, catalog: ContextCatalog, temperature: float = 1.0):
        self.catalog = catalog
        self.temperature = temperature

    def _weights(self, name: str, ch: Characteristic, rules: list[Constraint]) -> dict[str, float]:
        if ch.kind == "multi":
            w = {v: val.p for v, val in ch.values.items()}
        else:
            w = {v: val.weight ** (1.0 / self.temperature) for v, val in ch.values.items()}
        for rule in rules:
            for v, factor in rule.scale.get(name, {}).items():
                w[v] *= factor
            for v in rule.forbid.get(name, ()):
                w[v] = 0.0
        return w

    def sample(self, rng: np.random.Generator) -> dict[str, str | list[str] | int]:
        """All characteristics (not the topic) plus ``target_turns``."""
        drawn: dict[str, str | list[str]] = {}
        for name, ch in self.catalog.characteristics.items():
            rules = [r for r in self.catalog.constraints if _matches(r, drawn)]
            w = self._weights(name, ch, rules)
            if ch.kind == "multi":
                drawn[name] = [v for v, p in w.items() if rng.random() < min(p, 1.0)]
                continue
            names = [v for v in w if w[v] > 0]
            if not names:
                raise ConfigError(f"contexts catalog: the constraints forbid every value of {name!r} when {drawn}")
            p = np.array([w[v] for v in names])
            p /= p.sum()
            k = 2 if ch.kind == "per_speaker" else 1
            picks = [names[int(i)] for i in rng.choice(len(names), size=k, p=p)]
            drawn[name] = picks if ch.kind == "per_speaker" else picks[0]
        lo, hi = self.catalog.characteristics["duration"].values[drawn["duration"]].turns
        return {**drawn, "target_turns": int(rng.integers(lo, hi + 1))}

    def age_range(self, group: str) -> tuple[int, int]:
        return self.catalog.characteristics["age"].values[group].range
