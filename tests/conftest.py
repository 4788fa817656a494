from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIALOGSUM = Path(os.environ.get("DIALOGSUM_DIR", ROOT.parent / "shared" / "data" / "dialogsum"))


@pytest.fixture(scope="session")
def dialogsum() -> Path:
    if not (DIALOGSUM / "train.jsonl").is_file():
        # CI has the data; a fresh machine without it runs every test that does not need it
        pytest.skip(f"DialogSum not found at {DIALOGSUM} (set DIALOGSUM_DIR to its folder)")
    return DIALOGSUM


@pytest.fixture
def cfg_factory(dialogsum):
    from dialoguesynth.config import load_config

    def make(**overrides):
        overrides.setdefault("reference__path", str(dialogsum / "train.jsonl"))
        return load_config(None, **overrides)

    return make
