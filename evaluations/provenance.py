"""What every published result records: the commit, the exact command, the machine, the time
(``dialoguesynth.provenance``, as a dict to spread into a result's JSON)."""

from __future__ import annotations

from dialoguesynth.provenance import provenance as _provenance


def provenance() -> dict:
    return _provenance().model_dump()
