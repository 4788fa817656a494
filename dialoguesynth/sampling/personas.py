"""Big Five persona sampler: OCEAN scores from a multivariate normal with target marginals and
inter-trait correlations, behaviour descriptors from the catalog, demographics from faker."""

from __future__ import annotations

import numpy as np

from ..catalogs import PersonaCatalog
from ..spec import TRAITS, Persona
from .rng import Draws, Weighted

# Faker draws are slow (~50 µs each, weights rebuilt per call), so each locale's names and jobs
# are drawn once from a fixed-seed faker into pools that keep faker's frequencies; records then
# index the pools with their own draws.
POOL_SIZE = 1024


class _FakerPools:
    def __init__(self, locale: str):
        from faker import Faker

        fake = Faker(locale)
        fake.seed_instance(0)
        self.first = {
            g: [f() for _ in range(POOL_SIZE)]
            for g, f in (
                ("female", fake.first_name_female),
                ("male", fake.first_name_male),
                ("other", fake.first_name_nonbinary),
            )
        }
        self.last = [fake.last_name() for _ in range(POOL_SIZE)]
        self.jobs = [fake.job() for _ in range(POOL_SIZE)]


def trait_bin(persona: Persona | None, trait: str, catalog: PersonaCatalog) -> str:
    """'low', 'mid' or 'high': the persona's trait z-score against the catalog, outside ± its band."""
    if persona is None:
        return "mid"
    bf = catalog.big_five
    t = bf.traits[trait]
    z = (persona.ocean[trait] - t.mean) / t.sd
    return "low" if z < -bf.band else "high" if z > bf.band else "mid"


class PersonaSampler:
    def __init__(self, catalog: PersonaCatalog, sd_scale: float = 1.0):
        bf = catalog.big_five
        self.catalog = catalog
        self.mean = np.array([bf.traits[t].mean for t in TRAITS])
        self.sd = np.array([bf.traits[t].sd for t in TRAITS])
        sd = self.sd * sd_scale
        chol = np.linalg.cholesky(catalog.big_five.correlation_matrix() * np.outer(sd, sd))
        # plain lists: 5×5 products per persona are cheaper in Python than a NumPy call
        self._chol = chol.tolist()
        self._mean = self.mean.tolist()
        self._sd = self.sd.tolist()
        self._locales = Weighted(catalog.demographics.locales)
        self._pools: dict[str, _FakerPools] = {}

    def ocean(self, draws: Draws) -> list[float]:
        bf = self.catalog.big_five
        z = [draws.normal() for _ in TRAITS]
        return [
            min(max(m + sum(c * x for c, x in zip(row, z)), bf.scale_min), bf.scale_max)
            for m, row in zip(self._mean, self._chol)
        ]

    def descriptors(self, scores: list[float], draws: Draws) -> list[str]:
        """Descriptors for every trait whose z-score is outside ±band (z against the catalog's SD)."""
        band = self.catalog.big_five.band
        cat = self.catalog.descriptors
        out: list[str] = []
        if cat.per_trait == 0:
            return out
        for trait, s, m, sd in zip(TRAITS, scores, self._mean, self._sd):
            z = (s - m) / sd
            if abs(z) <= band:
                continue
            pool = cat.descriptors[trait]["high" if z > 0 else "low"]
            out.extend(pool[i] for i in draws.sample(len(pool), cat.per_trait))
        return out

    def warm(self) -> None:
        """Build every locale's pools now (before forking workers, so they are built once)."""
        for locale in self._locales.names:
            self._faker(locale)

    def _faker(self, locale: str) -> _FakerPools:
        if locale not in self._pools:
            self._pools[locale] = _FakerPools(locale)
        return self._pools[locale]

    def sample(self, draws: Draws, age_range: tuple[int, int], gender: str) -> Persona:
        """One speaker whose age falls in ``age_range`` and whose name fits ``gender``."""
        scores = self.ocean(draws)
        demo = self.catalog.demographics
        locale = draws.pick(self._locales)
        pools = self._faker(locale)
        first = pools.first.get(gender, pools.first["other"])
        age = draws.integer(*age_range)
        if age < demo.student_below and draws.uniform() < demo.student_share:
            occupation = "student"
        elif age >= demo.retired_from and draws.uniform() < demo.retired_share:
            occupation = "retired"
        else:
            occupation = pools.jobs[draws.index(POOL_SIZE)]
        return Persona(
            name=f"{first[draws.index(POOL_SIZE)]} {pools.last[draws.index(POOL_SIZE)]}",
            age=age,
            gender=gender,
            occupation=occupation,
            locale=locale,
            ocean={t: round(s, 3) for t, s in zip(TRAITS, scores)},
            descriptors=self.descriptors(scores, draws),
        )
