"""Big Five persona sampler: OCEAN scores from a multivariate normal with target marginals and
inter-trait correlations, behaviour descriptors from the catalog, demographics from faker."""

from __future__ import annotations

import numpy as np
from faker import Faker

from ..catalogs import PersonaCatalog
from ..spec import TRAITS, Persona
from .rng import weighted_choice


class PersonaSampler:
    def __init__(self, catalog: PersonaCatalog, sd_scale: float = 1.0):
        bf = catalog.big_five
        self.catalog = catalog
        self.mean = np.array([bf.traits[t].mean for t in TRAITS])
        self.sd = np.array([bf.traits[t].sd for t in TRAITS])
        sd = self.sd * sd_scale
        self._chol = np.linalg.cholesky(catalog.big_five.correlation_matrix() * np.outer(sd, sd))
        self._fakers: dict[str, Faker] = {}

    def ocean(self, rng: np.random.Generator) -> np.ndarray:
        bf = self.catalog.big_five
        return np.clip(self.mean + self._chol @ rng.standard_normal(len(TRAITS)), bf.scale_min, bf.scale_max)

    def descriptors(self, scores: np.ndarray, rng: np.random.Generator) -> list[str]:
        """Descriptors for every trait whose z-score is outside ±band (z against the catalog's SD)."""
        band = self.catalog.big_five.band
        cat = self.catalog.descriptors
        out: list[str] = []
        for trait, z in zip(TRAITS, (scores - self.mean) / self.sd):
            if abs(z) <= band or cat.per_trait == 0:
                continue
            pool = cat.descriptors[trait]["high" if z > 0 else "low"]
            picks = rng.choice(len(pool), size=min(cat.per_trait, len(pool)), replace=False)
            out.extend(pool[int(i)] for i in picks)
        return out

    def _faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            self._fakers[locale] = Faker(locale)
        return self._fakers[locale]

    def sample(self, rng: np.random.Generator, age_range: tuple[int, int], gender: str) -> Persona:
        """One speaker whose age falls in ``age_range`` and whose name fits ``gender``."""
        scores = self.ocean(rng)
        demo = self.catalog.demographics
        locale = weighted_choice(rng, demo.locales)
        fake = self._faker(locale)
        fake.seed_instance(int(rng.integers(2**31)))
        first = {"female": fake.first_name_female, "male": fake.first_name_male}.get(gender, fake.first_name_nonbinary)
        age = int(rng.integers(age_range[0], age_range[1] + 1))
        if age < demo.student_below and rng.random() < demo.student_share:
            occupation = "student"
        elif age >= demo.retired_from and rng.random() < demo.retired_share:
            occupation = "retired"
        else:
            occupation = fake.job()
        return Persona(
            name=f"{first()} {fake.last_name()}",
            age=age,
            gender=gender,
            occupation=occupation,
            locale=locale,
            ocean={t: round(float(s), 3) for t, s in zip(TRAITS, scores)},
            descriptors=self.descriptors(scores, rng),
        )
