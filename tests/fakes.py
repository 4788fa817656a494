"""A FAKE engine for unit tests of pipeline logic only (retries, dead-letter, dedup, resume, export).
It is not a model: it writes deterministic canned text. The real engine is tested in test_e2e_vllm.py."""

from __future__ import annotations

import json
import random

from dialoguesynth.backends.base import Completion, GenRequest

WORDS = (
    "table coffee train ticket doctor weekend money garden window music salary meeting apartment "
    "weather dinner holiday bicycle office market phone"
).split()


class FakeBackend:
    model_name = "fake"

    def __init__(self, junk_every: int = 0, duplicate_all: bool = False):
        self.junk_every = junk_every  # every k-th dialogue request returns repetitive junk
        self.duplicate_all = duplicate_all
        self.calls: list[int] = []  # batch sizes, to check batching
        self.served: list[str] = []  # the model each request was served as (model.mix)
        self.n = 0
        self.closed = False

    def _dialogue(self, r: GenRequest) -> str:
        n = r.regex.count("#Person") + 1 if r.regex else 6  # the regex fixes the turn count
        rng = random.Random(0 if self.duplicate_all else r.seed)
        self.n += 1
        if self.junk_every and self.n % self.junk_every == 0:
            junk = "I will see you there very soon then."
            return f" {junk}\n" + "\n".join(f"#Person{2 if k % 2 else 1}#: {junk}" for k in range(1, n)) + "\n"
        lines = [" " + " ".join(rng.choice(WORDS) for _ in range(8)) + "."]
        lines += [
            f"#Person{2 if k % 2 else 1}#: " + " ".join(rng.choice(WORDS) for _ in range(8)) + "." for k in range(1, n)
        ]
        return "\n".join(lines) + "\n"

    def _one(self, r: GenRequest) -> Completion:
        if r.json_schema is not None:
            m = r.json_schema["minItems"]
            rng = random.Random(r.seed)  # phrases the subtopic check accepts
            text = json.dumps([f"talking about the {rng.choice(WORDS)} {w}" for w in rng.sample(WORDS, m)])
        elif r.prompt.endswith("#Person1#:\n") or r.prompt.rstrip().endswith("#Person1#:"):
            text = self._dialogue(r)
        elif r.prompt.rstrip().endswith("Plan:"):
            text = " Person1 leads and Person2 follows politely until they agree.\n"
        else:  # a summary naming a word of the dialogue it follows, as real summaries do
            said = [w.strip(".") for w in r.prompt.rsplit("Summary:", 1)[0].split()[-12:]]
            text = f" #Person1# and #Person2# talk about the {next((w for w in said if w in WORDS), 'plans')}.\n"
        # a made-up log-probability, fixed by the seed, when asked (best-of-k picks by it)
        logprob = -random.Random(f"lp{r.seed}").random() if r.logprobs else None
        return Completion(
            text=text,
            finish_reason="stop",
            prompt_tokens=len(r.prompt) // 4,
            completion_tokens=len(text) // 4,
            logprob=logprob,
        )

    def generate(self, requests, progress=None):
        self.calls.append(len(requests))
        self.served += [self.model_name] * len(requests)
        out = [self._one(r) for r in requests]
        if progress:
            progress(len(out), 100.0)
        return out

    def use(self, model: str) -> None:
        """Switch the model it stands for (model.mix); later requests are served as it."""
        self.model_name = model

    def close(self):
        self.closed = True


class SlowFakeBackend(FakeBackend):
    """FAKE engine for the chaos test: built from a Config like a plugin backend, slow enough to be
    killed mid-run. Used via `model.backend: fakes:SlowFakeBackend` with tests/ on PYTHONPATH."""

    def __init__(self, cfg=None, delay_s: float = 0.15):
        super().__init__()
        self.delay_s = delay_s

    def generate(self, requests, progress=None):
        import time

        time.sleep(self.delay_s)
        return super().generate(requests, progress)


class NamedFakeBackend(FakeBackend):
    """FAKE engine built from a Config like a plugin backend (``model.backend: fakes:NamedFakeBackend``):
    it serves the config's model name and logs every engine built and the seeds each one served."""

    built: list[NamedFakeBackend] = []

    def __init__(self, cfg):
        super().__init__()
        self.model_name = cfg.model.name
        self.seeds: set[int] = set()
        NamedFakeBackend.built.append(self)

    def generate(self, requests, progress=None):
        assert not self.closed, "a closed engine was asked to generate"
        self.seeds |= {r.seed for r in requests}
        return super().generate(requests, progress)

    use = None  # switching is the lazy backend's job: it builds a new engine per model
