"""Duplicate removal in the generation loop: exact (normalised-text hash) and near (MinHash LSH)."""

from __future__ import annotations

import re

from datasketch import MinHash, MinHashLSH

from .checks import fingerprint
from .parsing import strip_tags
from .spec import ConversationSpec, Rejected

_WORD = re.compile(r"[a-z0-9']+")


def shingles(dialogue: str, n: int = 3) -> set[str]:
    """Word n-grams of the text without speaker tags (tags would make every dialogue look alike)."""
    words = _WORD.findall(strip_tags(dialogue).lower())
    return {" ".join(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))} if words else set()


class Deduper:
    """Remembers accepted dialogues; ``twin(id, text)`` returns the id of an earlier (near-)copy or None."""

    def __init__(self, threshold: float | None = 0.8, num_perm: int = 128):
        self.exact: dict[str, str] = {}
        self.threshold = threshold
        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm) if threshold else None

    def _minhash(self, text: str) -> MinHash:
        m = MinHash(num_perm=self.num_perm, seed=1)
        m.update_batch([s.encode() for s in shingles(text)])
        return m

    def twin(self, text: str) -> tuple[str | None, str | None]:
        """(id of the earlier copy, 'exact_duplicate' | 'near_duplicate') or (None, None)."""
        fp = fingerprint(text)
        if fp in self.exact:
            return self.exact[fp], "exact_duplicate"
        if self.lsh is not None:
            hits = sorted(self.lsh.query(self._minhash(text)))
            if hits:
                return hits[0], "near_duplicate"
        return None, None

    def add(self, record_id: str, text: str) -> None:
        self.exact[fingerprint(text)] = record_id
        if self.lsh is not None and record_id not in self.lsh:
            self.lsh.insert(record_id, self._minhash(text))

    def remove(self, record_id: str, text: str) -> None:
        self.exact.pop(fingerprint(text), None)
        if self.lsh is not None and record_id in self.lsh:
            self.lsh.remove(record_id)

    def admit(self, spec: ConversationSpec, text: str, attempts: int) -> Rejected | None:
        """Remember ``text`` as accepted, or return its dedup rejection if it (nearly) copies an earlier one."""
        twin, reason = self.twin(text)
        if twin is not None:
            return Rejected(spec=spec, stage="dedup", reason=reason, raw=text, attempts=attempts, duplicate_of=twin)
        self.add(spec.id, text)
        return None
