"""Bad input → one line on stderr naming the problem, exit != 0, no traceback."""

import subprocess

import pytest
from cli_run import cli_cmd

from dialoguesynth.config import load_config
from dialoguesynth.errors import ConfigError


def run_cli(*args, cwd=None):
    return subprocess.run(cli_cmd(*args), capture_output=True, text=True, cwd=cwd, timeout=120)


def assert_one_line_error(proc, *needles):
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    for n in needles:
        assert n in lines[0], lines[0]


CASES = {
    "unknown key": ("seed: 1\nnum_dialogue: 3\n", ["num_dialogue", "unknown key"]),
    "wrong type": ("num_dialogues: many\n", ["num_dialogues", "integer"]),
    "nested wrong value": ("model:\n  dtype: int3\n", ["model.dtype"]),
    "zero topic weight": ("topics:\n  topics: {shopping: 1, weather: 0}\n", ["topics.topics", "weather"]),
    "negative exemplars": ("reference:\n  exemplars: -1\n", ["reference.exemplars"]),
    "malformed yaml": ("seed: [1, 2\nmodel: {\n", ["not valid YAML", "line"]),
    "not a mapping": ("- a\n- b\n", ["top level must be a mapping"]),
    "deterministic on a server": (
        "model: {backend: openai}\nrun: {deterministic: true}\n",
        ["run.deterministic needs the in-process engine"],
    ),
    "digit bias on a server": (
        "model: {backend: openai}\nrender: {digit_bias: -2}\n",
        ["render.digit_bias needs the in-process engine"],
    ),
    "positive digit bias": ("render: {digit_bias: 1}\n", ["render.digit_bias"]),
    # the plan and summary restate their defaults: the restated field keeps the base's bound
    "negative plan temperature": ("plan: {temperature: -0.5}\n", ["plan.temperature"]),
    "negative summary temperature": ("summary: {temperature: -1}\n", ["summary.temperature"]),
    "zero summary tokens": ("summary: {max_tokens: 0}\n", ["summary.max_tokens"]),
    "unknown summary openers": ("summary: {openers: verbs}\n", ["summary.openers"]),
}


def test_the_digit_bias_reaches_the_sampling_parameters():
    from dialoguesynth.backends.base import GenRequest
    from dialoguesynth.backends.vllm_backend import sampling_params

    r = GenRequest(prompt="p", max_tokens=4, digit_bias=-2.0)
    assert sampling_params(r, [15, 16]).logit_bias == {15: -2.0, 16: -2.0}
    assert sampling_params(r.model_copy(update={"digit_bias": 0.0}), [15, 16]).logit_bias is None


def test_min_p_reaches_the_request_and_the_sampling_parameters():
    """min_p goes from a request on to vLLM (0 stays off); on by default in the dialogue render only,
    paired with a hot temperature (history/2026-12-06-min-p-temperature)."""
    from dialoguesynth.backends.base import GenRequest
    from dialoguesynth.backends.vllm_backend import sampling_params

    cfg = load_config(None)
    assert (cfg.render.min_p, cfg.render.temperature) == (0.1, 1.3)
    assert cfg.plan.min_p == cfg.summary.min_p == 0.0
    assert sampling_params(GenRequest(prompt="p", max_tokens=4, min_p=0.1)).min_p == 0.1
    assert sampling_params(GenRequest(prompt="p", max_tokens=4)).min_p == 0.0


def test_deterministic_engine_computes_each_request_alone():
    """run.deterministic reaches the engine: no prefix cache, one sequence at a time."""
    from dialoguesynth.backends.vllm_backend import engine_args

    cfg = load_config(None).model
    assert engine_args("m", cfg, 0)["enable_prefix_caching"] is True and "max_num_seqs" not in engine_args("m", cfg, 0)
    det = engine_args("m", cfg, 0, deterministic=True)
    assert det["enable_prefix_caching"] is False and det["max_num_seqs"] == 1
    assert det["enable_chunked_prefill"] is False and det["seed"] == 0


@pytest.mark.parametrize("name", list(CASES))
def test_bad_config(tmp_path, name):
    text, needles = CASES[name]
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text)
    proc = run_cli("generate", "--config", str(cfg), "--output", str(tmp_path / "out"))
    assert_one_line_error(proc, *needles)
    assert not (tmp_path / "out").exists()


def test_missing_config_file(tmp_path):
    assert_one_line_error(
        run_cli("specs", "--config", str(tmp_path / "nope.yaml")), "config file not found", "nope.yaml"
    )


def test_missing_reference_file(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("reference:\n  path: missing.jsonl\n")
    assert_one_line_error(run_cli("specs", "--config", str(cfg)), "reference data not found", "missing.jsonl")


def test_missing_taxonomy_and_catalog(tmp_path, dialogsum):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"reference: {{path: {dialogsum / 'train.jsonl'}}}\ntopics: {{taxonomy_file: tax.yaml}}\n")
    assert_one_line_error(run_cli("specs", "--config", str(cfg)), "taxonomy file not found")
    cfg.write_text(f"reference: {{path: {dialogsum / 'train.jsonl'}}}\npersonas: {{catalog_dir: nowhere}}\n")
    assert_one_line_error(run_cli("specs", "--config", str(cfg)), "personas catalog folder not found")


def test_missing_model_path(tmp_path, dialogsum):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        f"reference: {{path: {dialogsum / 'train.jsonl'}}}\nmodel: "
        f"{{name: ./no/such/model}}\ntopics: {{expand: false}}\n"
    )
    proc = run_cli("generate", "--config", str(cfg), "--output", str(tmp_path / "out"), "--no-progress")
    assert_one_line_error(proc, "model path", "does not exist")


def test_unwritable_output(tmp_path, dialogsum):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"reference: {{path: {dialogsum / 'train.jsonl'}}}\n")
    proc = run_cli("generate", "--config", str(cfg), "--output", str(blocker / "out"), "--no-progress")
    assert_one_line_error(proc, "cannot write to output dir")


def test_errors_name_every_problem():
    with pytest.raises(ConfigError) as e:
        load_config(None, num_dialogues=0, checks__max_retries=-1)
    assert "num_dialogues" in str(e.value) and "checks.max_retries" in str(e.value)


def test_specs_command_prints_jsonl(tmp_path, dialogsum):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"reference: {{path: {dialogsum / 'train.jsonl'}}}\nseed: 9\n")
    a = run_cli("specs", "--config", str(cfg), "--num", "5")
    b = run_cli("specs", "--config", str(cfg), "--num", "5", "--output", str(tmp_path / "s.jsonl"))
    assert a.returncode == 0 and b.returncode == 0
    assert a.stdout == (tmp_path / "s.jsonl").read_text()
    assert len(a.stdout.splitlines()) == 5


def test_benchmark_precision_is_checked_and_auto_follows_the_cpu(monkeypatch):
    import torch

    from dialoguesynth.benchmark.summarizer import resolve_precision

    assert_one_line_error(run_cli("benchmark", "-s", "x=missing", "--precision", "half"), "--precision", "'half'")
    caps = torch.cpu.get_capabilities()
    for flags, want in (({"avx512_bf16": False, "amx_bf16": False}, "fp32"), ({"avx512_bf16": True}, "bf16")):
        monkeypatch.setattr(torch.cpu, "get_capabilities", lambda flags=flags: {**caps, **flags})
        assert resolve_precision("auto") == want
        assert resolve_precision("fp32") == "fp32" and resolve_precision("bf16") == "bf16"
