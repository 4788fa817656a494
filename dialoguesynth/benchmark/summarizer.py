"""Summarizers for the downstream benchmark: a causal LM (prompt → summary, loss on summary tokens
only) or a seq2seq model (BART/T5/LED: dialogue → summary), chosen from the model's config.

On a CPU with native bf16 (AVX-512 BF16 or AMX), bf16 autocast cuts step time ~40 % (8.85 s vs 14.15 s
per 8×300-token step of the 135M model, `evaluations/bench_finetune_step.py`); on one without, torch
emulates it and it costs time instead, so precision "auto" takes bf16 only where the CPU has it. Weights
and optimizer state stay fp32 either way."""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Callable

import torch
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    StoppingCriteria,
    StoppingCriteriaList,
)

from .data import Pair


def native_bf16() -> bool:
    """Whether this CPU computes bf16 in hardware (AVX-512 BF16 or AMX-BF16)."""
    caps = torch.cpu.get_capabilities()
    return bool(caps.get("avx512_bf16") or caps.get("amx_bf16"))


def resolve_precision(precision: str) -> str:
    """ "auto" → "bf16" on a CPU with native bf16, else "fp32"; "bf16" and "fp32" as given."""
    return ("bf16" if native_bf16() else "fp32") if precision == "auto" else precision


PROMPT = "Dialogue:\n{dialogue}\nSummary:"
MAX_SUMMARY_TOKENS = 96


class _FirstLineDone(StoppingCriteria):
    """A causal LM's summary is its first non-empty line: stop each row once that line has ended,
    instead of decoding every row to max_new_tokens."""

    def __init__(self, tok, prompt_width: int):
        self.tok, self.width = tok, prompt_width

    def __call__(self, input_ids: torch.Tensor, scores, **kwargs) -> torch.Tensor:
        texts = self.tok.batch_decode(input_ids[:, self.width :], skip_special_tokens=True)
        return torch.tensor([bool(t.strip()) and "\n" in t.lstrip() for t in texts], device=input_ids.device)


class Summarizer:
    """Fine-tune and decode one summarizer. ``lora_r > 0`` trains LoRA adapters (peft) instead of all weights."""

    def __init__(
        self,
        model_path: str,
        max_dialogue_tokens: int = 256,
        bf16: bool = True,
        lora_r: int = 0,
        prompt: str = PROMPT,
        keep_end: bool = False,
    ):
        """``prompt`` wraps the input (``{dialogue}``); ``keep_end`` truncates an input from its start, so
        a long context keeps its last turns (the response task) instead of its first ones."""
        self.prompt, self.keep_end = prompt, keep_end
        self.tok = AutoTokenizer.from_pretrained(model_path)
        if self.tok.pad_token is None:
            self.tok.pad_token = self.tok.eos_token
        self.seq2seq = bool(getattr(AutoConfig.from_pretrained(model_path), "is_encoder_decoder", False))
        cls = AutoModelForSeq2SeqLM if self.seq2seq else AutoModelForCausalLM
        self.model = cls.from_pretrained(model_path, dtype=torch.float32)
        if lora_r:
            from peft import LoraConfig, get_peft_model

            self.model = get_peft_model(
                self.model,
                LoraConfig(
                    r=lora_r,
                    lora_alpha=2 * lora_r,
                    lora_dropout=0.0,
                    target_modules="all-linear",
                    task_type="SEQ_2_SEQ_LM" if self.seq2seq else "CAUSAL_LM",
                ),
            )
        self.max_dialogue_tokens = max_dialogue_tokens
        self.bf16 = bf16

    def _autocast(self):
        return torch.autocast("cpu", dtype=torch.bfloat16) if self.bf16 else contextlib.nullcontext()

    def _dialogue_ids(self, dialogue: str) -> list[int]:
        d = self.tok(dialogue, add_special_tokens=False)["input_ids"]
        d = d[-self.max_dialogue_tokens :] if self.keep_end else d[: self.max_dialogue_tokens]
        if self.seq2seq:
            return d + ([self.tok.eos_token_id] if self.tok.eos_token_id is not None else [])
        return self.tok(self.prompt.format(dialogue=self.tok.decode(d)), add_special_tokens=False)["input_ids"]

    def _summary_ids(self, summary: str) -> list[int]:
        return self.tok(" " + summary.strip(), add_special_tokens=False)["input_ids"][:MAX_SUMMARY_TOKENS] + [
            self.tok.eos_token_id
        ]

    def _batch(self, batch: list[tuple[list[int], list[int]]]) -> dict[str, torch.Tensor]:
        pad = self.tok.pad_token_id
        if self.seq2seq:
            src_w, tgt_w = max(len(s) for s, _ in batch), max(len(t) for _, t in batch)
            return {
                "input_ids": torch.tensor([s + [pad] * (src_w - len(s)) for s, _ in batch]),
                "attention_mask": torch.tensor([[1] * len(s) + [0] * (src_w - len(s)) for s, _ in batch]),
                "labels": torch.tensor([t + [-100] * (tgt_w - len(t)) for _, t in batch]),
            }
        # Left-padded so every row's summary sits in the last k positions: the model then computes
        # logits for those positions only (logits_to_keep), not for all ~300 × 49k-vocab positions.
        seqs = [s + t for s, t in batch]
        width, k = max(map(len, seqs)), max(len(t) for _, t in batch)
        mask = torch.tensor([[0] * (width - len(x)) + [1] * len(x) for x in seqs])
        return {
            "input_ids": torch.tensor([[pad] * (width - len(x)) + x for x in seqs]),
            "attention_mask": mask,
            "position_ids": (mask.cumsum(1) - 1).clamp(min=0),
            "logits_to_keep": k + 1,
            "targets": torch.tensor([[-100] * (k - len(t)) + t for _, t in batch]),
        }

    def _loss(self, batch: dict[str, torch.Tensor], reduction: str = "mean") -> torch.Tensor:
        """Cross-entropy of the target tokens; ``reduction="none"``: per row, the mean over its tokens."""
        if self.seq2seq and reduction == "mean":
            return self.model(**batch).loss
        if self.seq2seq:  # the model shifts labels into decoder inputs: logits line up with labels
            labels = batch["labels"]
            logits = self.model(**batch).logits.float()
        else:
            labels = batch.pop("targets")
            logits = self.model(**batch).logits[:, :-1].float()  # position p predicts token p + 1
        if reduction == "mean":
            return torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100
            )
        tokens = torch.nn.functional.cross_entropy(logits.transpose(1, 2), labels, ignore_index=-100, reduction="none")
        return tokens.sum(1) / (labels != -100).sum(1).clamp(min=1)

    @torch.no_grad()
    def target_nll(self, pairs: list[Pair], batch_size: int = 16) -> list[float]:
        """Per pair, the mean negative log-likelihood of its target tokens given its input (exp: perplexity)."""
        self.model.eval()
        out: list[float] = []
        for i in range(0, len(pairs), batch_size):
            chunk = [(self._dialogue_ids(p.dialogue), self._summary_ids(p.summary)) for p in pairs[i : i + batch_size]]
            with self._autocast():
                out += self._loss(self._batch(chunk), reduction="none").tolist()
        return out

    def train(
        self,
        pairs: list[Pair],
        epochs: int = 2,
        lr: float = 5e-5,
        batch_size: int = 8,
        seed: int = 0,
        on_step: Callable[[int, int, float], None] | None = None,
    ) -> list[float]:
        """AdamW with linear decay; returns the loss per step."""
        torch.manual_seed(seed)
        rng = random.Random(seed)
        examples = [(self._dialogue_ids(p.dialogue), self._summary_ids(p.summary)) for p in pairs]
        params = [p for p in self.model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
        steps = epochs * math.ceil(len(examples) / batch_size)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / max(steps, 1)))
        self.model.train()
        losses, step = [], 0
        for _ in range(epochs):
            rng.shuffle(examples)
            for i in range(0, len(examples), batch_size):
                with self._autocast():
                    loss = self._loss(self._batch(examples[i : i + batch_size]))
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                step += 1
                losses.append(loss.item())
                if on_step:
                    on_step(step, steps, losses[-1])
        self.model.eval()
        return losses

    @torch.no_grad()
    def summarize(
        self,
        dialogues: list[str],
        batch_size: int = 16,
        max_new_tokens: int = 64,
        num_beams: int = 1,
        on_batch: Callable[[int], None] | None = None,
    ) -> list[str]:
        """Greedy (or beam) decoding in batches; a causal LM's output is cut at its first line."""
        self.model.eval()
        out = []
        pad = self.tok.pad_token_id
        for i in range(0, len(dialogues), batch_size):
            prompts = [self._dialogue_ids(d) for d in dialogues[i : i + batch_size]]
            width = max(map(len, prompts))
            if self.seq2seq:  # encoder inputs pad on the right, decoder prompts on the left
                ids = torch.tensor([p + [pad] * (width - len(p)) for p in prompts])
                mask = torch.tensor([[1] * len(p) + [0] * (width - len(p)) for p in prompts])
            else:
                ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts])
                mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
            stop = (
                {} if self.seq2seq else {"stopping_criteria": StoppingCriteriaList([_FirstLineDone(self.tok, width)])}
            )
            with self._autocast():
                gen = self.model.generate(
                    input_ids=ids,
                    attention_mask=mask,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    num_beams=num_beams,
                    pad_token_id=pad,
                    **stop,
                )
            for row in gen if self.seq2seq else gen[:, width:]:
                text = self.tok.decode(row, skip_special_tokens=True).strip()
                out.append(text if self.seq2seq else text.split("\n")[0].strip())
            if on_batch:
                on_batch(len(out))
        return out
