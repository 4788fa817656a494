"""The contracts between stages: what a conversation should be (spec) and what came out."""

from __future__ import annotations

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
