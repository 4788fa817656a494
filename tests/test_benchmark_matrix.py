"""The benchmark's ablation matrix: one config → full + ablation corpora (generation on the real
engine is exercised by test_e2e_vllm.py; here only the planning and its errors)."""

import pytest
from typer.testing import CliRunner

from dialoguesynth.benchmark.run import ABLATIONS, generate_matrix
from dialoguesynth.cli import app
from dialoguesynth.config import load_config
from dialoguesynth.errors import ConfigError


def test_each_ablation_switches_off_exactly_one_layer():
    full = load_config(None)
    for name, over in ABLATIONS.items():
        cfg = load_config(None, **over)
        diff = {k for k in ("personas", "topics", "plan", "context") if getattr(cfg, k) != getattr(full, k)}
        assert len(diff) == (0 if name == "full" else 1), name


def test_unknown_ablation_and_missing_input_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="unknown ablation"):
        generate_matrix(None, tmp_path, ["no humour"])
    res = CliRunner().invoke(app, ["benchmark", "--out", str(tmp_path)])
    assert res.exit_code != 0 and "--matrix" in str(res.exception)  # main() prints it as one line
