"""The shape every LLM stage shares: build one request per item, send the whole batch to the
backend in one call, parse each output into a value or a reason, retry failures with new seeds."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..backends import Backend, Completion, GenRequest
from ..config import StageSampling
from ..sampling.rng import derive_seed
from ..spec import StageOutput

Item = TypeVar("Item")


def sampled_request(sampling: StageSampling, **fields: Any) -> GenRequest:
    """A request carrying a config section's sampling settings (temperature, top_p, min_p): one place,
    so a new setting reaches the plan, render and summary stages alike."""
    return GenRequest(temperature=sampling.temperature, top_p=sampling.top_p, min_p=sampling.min_p, **fields)


@dataclass
class Outcome:
    """What happened to one item in a stage."""

    value: Any = None
    reason: str | None = None
    output: StageOutput | None = None
    attempts: int = 0
    tokens: int = 0  # completion tokens over all attempts


class Stage(ABC, Generic[Item]):
    name: str
    # best-of-k: k samples per item; the passing one with the best score() is kept, ties (and stages
    # without a score) go to the highest mean token log-probability
    candidates: int = 1

    @abstractmethod
    def key(self, item: Item) -> int:
        """The item's base seed (its spec seed)."""

    @abstractmethod
    def request(self, item: Item, seed: int) -> GenRequest: ...

    @abstractmethod
    def parse(self, item: Item, completion: Completion) -> tuple[Any, str | None]:
        """(value, None) when usable, else (anything, reason)."""

    def attempt_request(self, item: Item, seed: int, final_retry: bool) -> GenRequest:
        """The request of one attempt; a stage may loosen its last retry (final_retry: a retry, the last)."""
        return self.request(item, seed)

    def score(self, item: Item, value: Any) -> float:
        """How good a passing sample is for best-of-k, before likelihood (higher is better)."""
        return 0.0

    def seed(self, item: Item, attempt: int, resample: int = 0) -> int:
        return derive_seed(self.key(item), self.name, attempt, *([resample] if resample else []))


@dataclass
class StageRunner:
    backend: Backend
    max_attempts: int = 1
    on_progress: Callable[[str, int, int, float], None] | None = None
    log: list = field(default_factory=list)
    resample: int = 0  # render.resample: new seeds for the same specs

    def run(self, stage: Stage, items: list) -> list[Outcome]:
        outcomes = [Outcome() for _ in items]
        pending = list(range(len(items)))
        total = len(items)
        done_before = 0
        if self.on_progress:
            self.on_progress(stage.name, 0, total, 0.0)  # marks the start of a new call for progress bars
        for attempt in range(self.max_attempts):
            if not pending:
                break
            k = max(stage.candidates, 1)
            seeds = [candidate_seeds(stage.seed(items[i], attempt, self.resample), k) for i in pending]
            final_retry = 0 < attempt == self.max_attempts - 1
            requests = [
                stage.attempt_request(items[i], s, final_retry) for i, group in zip(pending, seeds) for s in group
            ]
            if k > 1:
                requests = [r.model_copy(update={"logprobs": True}) for r in requests]

            def progress(n: int, tps: float, _base=done_before, _total=total, _k=k) -> None:
                if self.on_progress:
                    self.on_progress(stage.name, _base + n // _k, _total, tps)

            completions = self.backend.generate(requests, progress)
            still = []
            for n, (i, group) in enumerate(zip(pending, seeds)):
                tried = [(stage.parse(items[i], c), c, s) for c, s in zip(completions[n * k : (n + 1) * k], group)]
                (value, reason), comp, seed = _best(tried, lambda v, _i=items[i]: stage.score(_i, v))
                o = outcomes[i]
                o.value, o.reason, o.attempts = value, reason, attempt + 1
                o.tokens += sum(c.completion_tokens for _, c, _ in tried)
                o.output = StageOutput(
                    text=comp.text,
                    finish_reason=comp.finish_reason,
                    prompt_tokens=comp.prompt_tokens,
                    completion_tokens=comp.completion_tokens,
                    seed=seed,
                )
                if reason is not None:
                    still.append(i)
            done_before += len(pending)
            if still and attempt + 1 < self.max_attempts:
                total += len(still)
            pending = still
        if self.on_progress:
            self.on_progress(stage.name, done_before, total, -1.0)  # every request sent is finished
        return outcomes


def candidate_seeds(seed: int, k: int) -> list[int]:
    """The seeds of k samples of one item; the first is the item's own seed, so k = 1 changes nothing."""
    return [seed] + [derive_seed(seed, "candidate", j) for j in range(1, k)]


def _best(tried: list[tuple[tuple[Any, str | None], Completion, int]], score: Callable[[Any], float]):
    """Among samples that pass, the best scored, then the one the model finds likeliest per token
    (first on ties or without log-probabilities); when none passes, the first sample and its reason."""
    passing = [t for t in tried if t[0][1] is None]
    if not passing:
        return tried[0]
    if len(passing) == 1:
        return passing[0]
    return max(passing, key=lambda t: (score(t[0][0]), t[1].logprob if t[1].logprob is not None else float("-inf")))
