"""Find and validate the YAML catalogs the samplers draw from (personas/, contexts/).

An installed wheel carries copies under ``dialoguesynth/catalogs/``; a source checkout uses the
top-level folders. A config may point at a user's own edited copy instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .config import format_validation_error, read_yaml
from .errors import ConfigError
from .spec import TRAITS

_PACKAGE_DIR = Path(__file__).resolve().parent


def catalog_dir(name: str, override: Path | None = None) -> Path:
    """The folder of catalog ``name`` ('personas' or 'contexts')."""
    if override is not None:
        if not Path(override).is_dir():
            raise ConfigError(f"{name} catalog folder not found: {override}")
        return Path(override)
    for candidate in (_PACKAGE_DIR / "catalogs" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"built-in {name} catalog missing: reinstall dialoguesynth")


def load_catalog_file(model: type[BaseModel], path: Path, what: str):
    """One catalog YAML file validated as ``model``; errors name the file and the field."""
    raw = read_yaml(path, f"{what} catalog")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(
            format_validation_error(exc, str(path)).replace("invalid config", "invalid catalog")
        ) from None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- personas -------------------------------------------------------------------------------


class TraitTarget(Strict):
    mean: float
    sd: float = Field(gt=0)


class BigFiveCatalog(Strict):
    scale_min: float = 1.0
    scale_max: float = 5.0
    traits: dict[str, TraitTarget]
    correlations: dict[str, float] = Field(default_factory=dict)
    band: float = Field(0.5, ge=0)

    @model_validator(mode="after")
    def _check(self):
        if set(self.traits) != set(TRAITS):
            raise ValueError(f"traits must be exactly {', '.join(TRAITS)}")
        for pair, r in self.correlations.items():
            a, _, b = pair.partition("-")
            if a not in TRAITS or b not in TRAITS or a == b:
                raise ValueError(f"correlation key {pair!r} must be 'trait-trait' with two different Big Five traits")
            if not -1 < r < 1:
                raise ValueError(f"correlation {pair} = {r} must be strictly between -1 and 1")
        return self

    def correlation_matrix(self):
        import numpy as np

        m = np.eye(len(TRAITS))
        for pair, r in self.correlations.items():
            a, _, b = pair.partition("-")
            i, j = TRAITS.index(a), TRAITS.index(b)
            m[i, j] = m[j, i] = r
        if np.linalg.eigvalsh(m).min() <= 0:
            raise ConfigError(
                "personas catalog: the correlation matrix is not positive definite; soften the correlations"
            )
        return m


class DescriptorCatalog(Strict):
    per_trait: int = Field(1, ge=0)
    descriptors: dict[str, dict[Literal["high", "low"], list[str]]]

    @field_validator("descriptors")
    @classmethod
    def _all_traits(cls, v):
        missing = [t for t in TRAITS if t not in v or not v[t].get("high") or not v[t].get("low")]
        if missing:
            raise ValueError(f"needs non-empty high and low lists for {', '.join(missing)}")
        return v


class DemographicsCatalog(Strict):
    locales: dict[str, float]
    student_below: int = 23
    student_share: float = Field(0.7, ge=0, le=1)
    retired_from: int = 66
    retired_share: float = Field(0.8, ge=0, le=1)

    @field_validator("locales")
    @classmethod
    def _weights(cls, v):
        if not v or any(w <= 0 for w in v.values()):
            raise ValueError("needs at least one locale, every weight > 0")
        return v


class PersonaCatalog(Strict):
    big_five: BigFiveCatalog
    descriptors: DescriptorCatalog
    demographics: DemographicsCatalog


def load_persona_catalog(override: Path | None = None) -> PersonaCatalog:
    d = catalog_dir("personas", override)
    return PersonaCatalog(
        big_five=load_catalog_file(BigFiveCatalog, d / "big_five.yaml", "personas"),
        descriptors=load_catalog_file(DescriptorCatalog, d / "descriptors.yaml", "personas"),
        demographics=load_catalog_file(DemographicsCatalog, d / "demographics.yaml", "personas"),
    )


# ---- contexts -------------------------------------------------------------------------------

REQUIRED_CHARACTERISTICS = {
    "medium": "single",
    "location": "single",
    "familiarity": "single",
    "formality": "single",
    "age": "per_speaker",
    "gender": "per_speaker",
    "emotion": "per_speaker",
    "agreement": "single",
    "duration": "single",
    "speech_features": "multi",
}


class Value(Strict):
    weight: float | None = Field(None, gt=0)
    p: float | None = Field(None, ge=0, le=1)
    range: tuple[int, int] | None = None
    turns: tuple[int, int] | None = None


class Characteristic(Strict):
    kind: Literal["single", "per_speaker", "multi"]
    values: dict[str, Value]

    @field_validator("values", mode="before")
    @classmethod
    def _shorthand(cls, v):
        # `value: 0.3` is shorthand for `value: {weight: 0.3}`
        if isinstance(v, dict):
            return {k: ({"weight": w} if isinstance(w, (int, float)) else w) for k, w in v.items()}
        return v

    @model_validator(mode="after")
    def _check(self):
        if not self.values:
            raise ValueError("needs at least one value")
        for name, val in self.values.items():
            if self.kind == "multi" and val.p is None:
                raise ValueError(f"value {name!r} of a multi characteristic needs p (a probability)")
            if self.kind != "multi" and val.weight is None:
                raise ValueError(f"value {name!r} needs a weight > 0")
            for field in ("range", "turns"):
                lo_hi = getattr(val, field)
                if lo_hi is not None and lo_hi[0] > lo_hi[1]:
                    raise ValueError(f"value {name!r}: {field} [{lo_hi[0]}, {lo_hi[1]}] has min > max")
        return self


class Constraint(Strict):
    when: dict[str, str | list[str]]
    forbid: dict[str, list[str]] = Field(default_factory=dict)
    scale: dict[str, dict[str, float]] = Field(default_factory=dict)


class ContextCatalog(Strict):
    characteristics: dict[str, Characteristic]
    constraints: list[Constraint] = Field(default_factory=list)
    topics: dict[str, float]

    @model_validator(mode="after")
    def _check(self):
        order = list(self.characteristics)
        for name, kind in REQUIRED_CHARACTERISTICS.items():
            if name not in self.characteristics:
                raise ValueError(f"characteristic {name!r} is missing")
            if self.characteristics[name].kind != kind:
                raise ValueError(f"characteristic {name!r} must be of kind {kind}")
        for c in ("age",):
            if any(v.range is None for v in self.characteristics[c].values.values()):
                raise ValueError("every age value needs range: [min, max]")
        if any(v.turns is None for v in self.characteristics["duration"].values.values()):
            raise ValueError("every duration value needs turns: [min, max]")
        for i, rule in enumerate(self.constraints, 1):
            for cond, vals in rule.when.items():
                self._known(i, cond, [vals] if isinstance(vals, str) else vals)
            for target, vals in list(rule.forbid.items()) + [(k, list(v)) for k, v in rule.scale.items()]:
                self._known(i, target, vals)
                if any(order.index(c) >= order.index(target) for c in rule.when):
                    raise ValueError(
                        f"constraint {i}: {target!r} is sampled before {list(rule.when)}; "
                        "a rule may only condition on characteristics listed earlier"
                    )
        if not self.topics or any(w <= 0 for w in self.topics.values()):
            raise ValueError("topics: needs at least one topic, every weight > 0")
        return self

    def _known(self, i: int, name: str, values: list[str]) -> None:
        if name not in self.characteristics:
            raise ValueError(f"constraint {i}: unknown characteristic {name!r}")
        unknown = [v for v in values if v not in self.characteristics[name].values]
        if unknown:
            raise ValueError(f"constraint {i}: {name!r} has no value {unknown[0]!r}")


def load_context_catalog(override: Path | None = None) -> ContextCatalog:
    d = catalog_dir("contexts", override)
    raw = {}
    for fname, key in (
        ("characteristics.yaml", "characteristics"),
        ("constraints.yaml", "constraints"),
        ("topics.yaml", "topics"),
    ):
        data = read_yaml(d / fname, "contexts catalog") or {}
        if not isinstance(data, dict) or key not in data:
            raise ConfigError(f"invalid catalog {d / fname}: expected a top-level key {key!r}")
        raw[key] = data[key]
    try:
        return ContextCatalog.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(
            format_validation_error(exc, str(d)).replace("invalid config", "invalid contexts catalog")
        ) from None
