"""The backend seam: a batch of requests in, one completion per request out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pydantic import BaseModel, Field


class GenRequest(BaseModel):
    prompt: str
    max_tokens: int
    temperature: float = 0.8
    top_p: float = 1.0
    min_p: float = Field(
        0.0, ge=0.0, lt=1.0, description="drop tokens under min_p times the likeliest token's probability; 0: off"
    )
    repetition_penalty: float = Field(
        1.0, description="> 1 discourages tokens already in prompt or output (vLLM's meaning)"
    )
    stop: list[str] = Field(default_factory=list)
    seed: int | None = None
    regex: str | None = Field(None, description="constrain the output to this regex (guided decoding)")
    digit_bias: float = Field(0.0, le=0.0, description="added to the logit of every token holding a digit")
    json_schema: dict | None = Field(None, description="constrain the output to JSON matching this schema")
    logprobs: bool = Field(False, description="return the mean token log-probability (best-of-k rendering)")


class Completion(BaseModel):
    text: str
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    logprob: float | None = Field(None, description="mean log-probability per generated token, when asked for")


# Called with the number of requests finished so far and the output tokens/s so far.
ProgressFn = Callable[[int, float], None]


class Backend(Protocol):
    """Anything that can complete a batch of raw prompts. Implementations: vllm, openai."""

    model_name: str

    def generate(self, requests: list[GenRequest], progress: ProgressFn | None = None) -> list[Completion]:
        """One completion per request, in order. Must send the whole batch to the engine at once."""
        ...

    def close(self) -> None: ...

    # Optional: ``use(model: str) -> None`` switches the model a passed-in backend serves; a config
    # with ``model.mix`` is refused on a backend without it (Generator._use_model).
