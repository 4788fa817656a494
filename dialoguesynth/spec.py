"""The contracts between stages: what a conversation should be (spec) and what came out."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TRAITS = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")
SPEAKERS = ("#Person1#", "#Person2#")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Persona(Model):
    """One speaker: explicit OCEAN scores (1-5), the behaviour they imply, and demographics."""

    name: str
    age: int
    gender: str
    occupation: str
    locale: str
    ocean: dict[str, float]
    descriptors: list[str] = Field(default_factory=list)
    description: str = Field("", description="optional LLM-written one-line persona")


class Context(Model):
    """The situation: 10 sampled characteristics plus the topic (the 11th)."""

    topic: str
    subtopic: str
    medium: str
    location: str
    familiarity: str
    formality: str
    age: list[str]
    gender: list[str]
    emotion: list[str]
    agreement: str
    duration: str
    target_turns: int
    speech_features: list[str] = Field(default_factory=list)
    extra: dict[str, str | list[str]] = Field(default_factory=dict, description="user-added characteristics")


class ConversationSpec(Model):
    """Everything sampled for one dialogue; same config + seed → identical specs."""

    id: str
    index: int
    seed: int
    prompt_version: str
    context: Context
    personas: list[Persona] | None = Field(None, description="two speakers, or None when personas are off")
    exemplar_ids: list[str] = Field(default_factory=list)
    summary_exemplar_ids: list[str] = Field(default_factory=list)
    model: str | None = Field(None, description="the model that renders it (model.mix); None: model.name")


class Turn(Model):
    speaker: str
    text: str


class StageOutput(Model):
    """Raw text a stage got back, with what it cost; kept for lineage and dead-letters."""

    text: str
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seed: int | None = None


class Record(Model):
    """An accepted dialogue with its lineage."""

    spec: ConversationSpec
    plan: str
    turns: list[Turn]
    dialogue: str
    summary: str
    model: str
    attempts: int
    render_seed: int
    tokens: dict[str, int]


class Rejected(Model):
    """A record that failed after retries (or was a duplicate): never silently dropped."""

    spec: ConversationSpec
    stage: Literal["plan", "dialogue", "summary", "dedup"]
    reason: str
    raw: str
    attempts: int
    duplicate_of: str | None = None

    @classmethod
    def of(cls, spec: ConversationSpec, stage: str, outcome) -> Rejected:
        """The rejection of a stage outcome (a ``stages.base.Outcome`` whose reason is set)."""
        return cls(spec=spec, stage=stage, reason=outcome.reason, raw=outcome.output.text, attempts=outcome.attempts)


class ExportRow(Model):
    """One row of the exported dataset: the dialogue, its summary and every sampled value that shaped
    it, flat (one column each). ``p1_*`` / ``p2_*``: the speakers (empty, -1 or NaN without personas);
    ``tokens_*``: completion tokens per stage (``tokens_prompt``: the render prompt), None when the
    stage did not run (left out of the row)."""

    id: str
    index: int
    dialogue: str
    turns: list[Turn]
    num_turns: int
    summary: str
    topic: str
    subtopic: str
    medium: str
    location: str
    familiarity: str
    formality: str
    age_group: list[str]
    gender: list[str]
    emotion: list[str]
    agreement: str
    duration: str
    target_turns: int
    speech_features: list[str]
    plan: str
    model: str
    seed: int
    render_seed: int
    prompt_version: str
    exemplar_ids: list[str]
    attempts: int
    p1_name: str = ""
    p1_age: int = -1
    p1_occupation: str = ""
    p1_locale: str = ""
    p1_descriptors: list[str] = Field(default_factory=list)
    p1_persona_line: str = ""
    p1_openness: float = float("nan")
    p1_conscientiousness: float = float("nan")
    p1_extraversion: float = float("nan")
    p1_agreeableness: float = float("nan")
    p1_neuroticism: float = float("nan")
    p2_name: str = ""
    p2_age: int = -1
    p2_occupation: str = ""
    p2_locale: str = ""
    p2_descriptors: list[str] = Field(default_factory=list)
    p2_persona_line: str = ""
    p2_openness: float = float("nan")
    p2_conscientiousness: float = float("nan")
    p2_extraversion: float = float("nan")
    p2_agreeableness: float = float("nan")
    p2_neuroticism: float = float("nan")
    tokens_persona: int | None = None
    tokens_plan: int | None = None
    tokens_dialogue: int | None = None
    tokens_prompt: int | None = None
    tokens_summary: int | None = None
    spec_json: str

    def flat(self) -> dict:
        """The row as the dataset stores it (stages that did not run left out)."""
        return self.model_dump(exclude_none=True)


class RunSummary(BaseModel):
    """``summary.json`` of a run: what was asked, what passed, why the rest did not, and the time."""

    # files written by earlier versions may carry fields since dropped: read them, do not fail
    model_config = ConfigDict(extra="ignore")

    model: str
    prompt_version: str
    seed: int
    requested: int
    accepted: int
    rejected: int = 0
    rejected_by_reason: dict[str, int] = Field(default_factory=dict)
    resumed_from: int = 0
    # over every segment of the run (resumed ones too); this_segment_s: this process alone
    wall_s: float = 0.0
    this_segment_s: float = 0.0
    generation_s: float = 0.0
    completion_tokens: int = 0  # of the accepted dialogues, every stage and attempt (not prompts)
    coverage: dict[str, int] = Field(default_factory=dict)  # accepted per "topic / subtopic"
    coverage_grid: dict | None = None
    subtopics: dict | None = None  # source, kept, and every candidate the subtopic check turned away
    dedup_removed: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    # run.accepted: the target; accepted and rejected specs after the target's last spec (kept in run/,
    # not in the corpus, its counts or its pass rate: wall and engine times still cover them); the budget
    accepted_target: int | None = None
    surplus_not_exported: int | None = None
    rejected_after_target: int | None = None
    spec_budget: int | None = None
    engine: dict | None = None  # --engine ray: kind, address, workers
    speaker_style: str | None = None

    @property
    def pass_rate(self) -> float:
        return self.accepted / max(self.requested, 1)

    @classmethod
    def load(cls, run: Path) -> RunSummary | None:
        """The summary in run folder ``run``, or None where there is none."""
        path = Path(run) / "summary.json"
        return cls.model_validate_json(path.read_text()) if path.is_file() else None

    def save(self, run: Path) -> None:
        (Path(run) / "summary.json").write_text(self.model_dump_json(indent=2, exclude_none=True))
