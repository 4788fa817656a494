"""A causal-LM summarizer: prompt → summary. Fine-tuned with the loss on summary tokens only;
inference is batched greedy (or beam) decoding with left padding."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from .data import Pair

PROMPT = "Dialogue:\n{dialogue}\nSummary:"


class Summarizer:
    def __init__(self, model_path: str, max_dialogue_tokens: int = 384, threads: int | None = None):
        if threads:
            torch.set_num_threads(threads)
        self.tok = AutoTokenizer.from_pretrained(model_path)
        if self.tok.pad_token is None:
            self.tok.pad_token = self.tok.eos_token
        self.model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32)
        self.max_dialogue_tokens = max_dialogue_tokens

    def _prompt_ids(self, dialogue: str) -> list[int]:
        d = self.tok(dialogue, add_special_tokens=False)["input_ids"][: self.max_dialogue_tokens]
        return self.tok(PROMPT.format(dialogue=self.tok.decode(d)), add_special_tokens=False)["input_ids"]

    def train(self, pairs: list[Pair], epochs: int = 2, lr: float = 5e-5, batch_size: int = 8, seed: int = 0,
              on_step: Callable[[int, int, float], None] | None = None) -> list[float]:
        """Full fine-tune with AdamW; returns the loss per step."""
        torch.manual_seed(seed)
        rng = random.Random(seed)
        examples = []
        for p in pairs:
            prompt = self._prompt_ids(p.dialogue)
            target = self.tok(" " + p.summary.strip(), add_special_tokens=False)["input_ids"][:96] + [self.tok.eos_token_id]
            examples.append((prompt + target, [-100] * len(prompt) + target))
        opt = torch.optim.AdamW(self.model.parameters(), lr=lr, weight_decay=0.0)
        steps = epochs * math.ceil(len(examples) / batch_size)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / max(steps, 1)))
        self.model.train()
        losses, step = [], 0
        for _ in range(epochs):
            rng.shuffle(examples)
            for i in range(0, len(examples), batch_size):
                batch = examples[i:i + batch_size]
                width = max(len(x) for x, _ in batch)
                ids = torch.tensor([x + [self.tok.pad_token_id] * (width - len(x)) for x, _ in batch])
                labels = torch.tensor([y + [-100] * (width - len(y)) for _, y in batch])
                mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x, _ in batch])
                loss = self.model(input_ids=ids, attention_mask=mask, labels=labels).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                step += 1
                losses.append(float(loss))
                if on_step:
                    on_step(step, steps, float(loss))
        self.model.eval()
        return losses

    @torch.no_grad()
    def summarize(self, dialogues: list[str], batch_size: int = 16, max_new_tokens: int = 64, num_beams: int = 1,
                  on_batch: Callable[[int], None] | None = None) -> list[str]:
        self.model.eval()
        out = []
        for i in range(0, len(dialogues), batch_size):
            prompts = [self._prompt_ids(d) for d in dialogues[i:i + batch_size]]
            width = max(map(len, prompts))
            ids = torch.tensor([[self.tok.pad_token_id] * (width - len(p)) + p for p in prompts])
            mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
            gen = self.model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=max_new_tokens, do_sample=False,
                                      num_beams=num_beams, pad_token_id=self.tok.pad_token_id)
            for row in gen[:, width:]:
                out.append(self.tok.decode(row, skip_special_tokens=True).strip().split("\n")[0].strip())
            if on_batch:
                on_batch(len(out))
        return out
