"""evaluations/stale.py: each published result is judged by its own dependencies (what its commands
import, the data those read, the configs they name), not by every file of the repository."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("stale", ROOT / "evaluations" / "stale.py")
stale = importlib.util.module_from_spec(spec)
spec.loader.exec_module(stale)
HEAD = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def result(tmp_path, command, *, name="results.json", commit=HEAD):
    (tmp_path / name).write_text(json.dumps({"commit": commit, "command": command}))
    return tmp_path


def test_every_data_file_has_a_reader():
    readers = [Path(p) for paths in stale.DATA.values() for p in paths]
    data = [
        f.relative_to(ROOT)
        for top in ("dialoguesynth", "personas", "contexts")
        for f in (ROOT / top).rglob("*")
        if f.is_file() and f.suffix not in {".py", ".pyc"} and "__pycache__" not in f.parts
    ]
    assert data
    unclaimed = [f for f in data if not any(f == r or r in f.parents for r in readers)]
    assert not unclaimed


def test_a_script_depends_on_what_it_imports_not_on_everything(tmp_path):
    _, deps = stale.dependencies(result(tmp_path, "python evaluations/calibrate_checks.py"))
    assert {"evaluations/calibrate_checks.py", "evaluations/provenance.py", "dialoguesynth/defects.py"} <= set(deps)
    assert "dialoguesynth/parsing.py" in deps  # imported by calibrate_checks
    assert "contexts" in deps  # read by catalogs.py, which config.py imports
    assert "dialoguesynth/pipeline.py" not in deps and "dialoguesynth/benchmark/run.py" not in deps


def test_a_lazy_package_attribute_is_followed_when_named(tmp_path):
    _, deps = stale.dependencies(result(tmp_path, "python evaluations/determinism.py --n 24"))
    assert "dialoguesynth/pipeline.py" in deps  # 'from dialoguesynth import Generator'


def test_a_corpus_or_the_cli_brings_in_the_generator(tmp_path):
    _, deps = stale.dependencies(result(tmp_path, "dialoguesynth benchmark -s a=out/a"))
    assert {"dialoguesynth/cli.py", "dialoguesynth/pipeline.py", "dialoguesynth/benchmark/run.py"} <= set(deps)
    (tmp_path / "b").mkdir()
    result(tmp_path / "b", "python evaluations/quality_report.py out/q")
    _, scored = stale.dependencies(tmp_path / "b")
    assert "dialoguesynth/pipeline.py" not in scored
    (tmp_path / "b" / "run_summary.json").write_text("{}")
    _, generated = stale.dependencies(tmp_path / "b")
    assert {"dialoguesynth/pipeline.py", "dialoguesynth/cli.py"} <= set(generated)
    assert "dialoguesynth/sweep.py" not in generated  # the CLI's other commands are not the generator


def test_a_script_that_runs_the_cli_in_a_child_depends_on_the_generator(tmp_path):
    # chaos.py starts `python -m dialoguesynth.cli generate` and imports nothing of the generator: its
    # result was reported current after a change to the quality bar
    _, deps = stale.dependencies(result(tmp_path, "python evaluations/chaos.py --kills 20"))
    assert {"dialoguesynth/cli.py", "dialoguesynth/pipeline.py", "dialoguesynth/defects.py"} <= set(deps)
    (tmp_path / "c").mkdir()
    _, deps = stale.dependencies(result(tmp_path / "c", "python evaluations/calibrate_checks.py"))
    assert "dialoguesynth/pipeline.py" not in deps


def test_comments_of_a_catalog_do_not_make_a_result_stale():
    before = "# phrases\nemotion:\n  sad: [I'm so sad, I feel so down]\n"
    assert stale._parsed("contexts/x.yaml", before) == stale._parsed(
        "contexts/x.yaml", "emotion:  # moods\n  sad:\n    - I'm so sad\n    - I feel so down\n"
    )
    assert stale._parsed("contexts/x.yaml", before) != stale._parsed("contexts/x.yaml", before.replace("down", "low"))


def test_every_recorded_commit_counts(tmp_path):
    old = "1" * 40
    (tmp_path / "provenance.json").write_text(json.dumps({"commit": HEAD, "generated_at": old}))
    assert stale.dependencies(tmp_path)[0] == {HEAD, old}


def test_a_baseline_arm_is_measured_not_made_by(tmp_path):
    old = "1" * 40
    arm = {"tree": "/work/base", "commit": old}
    (tmp_path / "cost.json").write_text(json.dumps({"commit": HEAD, "arms": {"baseline": arm}}))
    assert stale.dependencies(tmp_path)[0] == {HEAD}


def test_a_script_that_runs_the_console_script_by_path_depends_on_the_cli(tmp_path):
    _, deps = stale.dependencies(result(tmp_path, "python evaluations/cost_in_one_run.py --baseline b"))
    assert {"dialoguesynth/cli.py", "dialoguesynth/pipeline.py"} <= set(deps)


def test_a_named_config_is_a_dependency(tmp_path):
    cmd = "python evaluations/chaos.py --config evaluations/configs/chaos-deterministic.yaml"
    _, deps = stale.dependencies(result(tmp_path, cmd))
    assert "evaluations/configs/chaos-deterministic.yaml" in deps


def test_status(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "c").mkdir()
    assert stale.status(result(tmp_path / "a", "python evaluations/calibrate_checks.py"))[0] == "current"
    assert stale.status(result(tmp_path / "b", "x", commit="0" * 40))[0] == "unknown"
    assert stale.status(tmp_path / "c")[0] == "unknown"


def test_a_file_added_after_a_commit_does_not_make_that_commit_stale():
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", "evaluations/stale.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    before = subprocess.run(["git", "rev-parse", f"{added[-1]}^"], cwd=ROOT, capture_output=True, text=True)
    if before.returncode != 0:
        pytest.skip("a shallow clone without the commit before stale.py was added")
    assert stale._changed(before.stdout.strip(), ["evaluations/stale.py"]) == []


def test_each_file_is_judged_by_its_own_command(tmp_path, monkeypatch):
    # a corpus generated at an old commit and scored at HEAD with a script changed in between is current;
    # the same script's result recorded at the old commit is stale, and so is the corpus once the generator
    # changed (a fake history: only the files in `since` changed after `old`)
    old, since = "2" * 40, {"evaluations/phrase_presence.py"}
    monkeypatch.setattr(stale, "_changed", lambda c, paths: sorted(since & set(paths)) if c == old else [])
    generated = {"generated_at": old, "command": "dialoguesynth generate -o x"}
    (tmp_path / "generated.json").write_text(json.dumps(generated))
    (tmp_path / "run_summary.json").write_text("{}")
    result(tmp_path, "python evaluations/phrase_presence.py out/x --out f", name="phrase_presence.json")
    assert stale.status(tmp_path)[0] == "current"
    since.add("dialoguesynth/pipeline.py")
    state, why = stale.status(tmp_path)
    assert state == "stale" and why.endswith("changed since: dialoguesynth/pipeline.py")
    since.discard("dialoguesynth/pipeline.py")
    result(tmp_path, "python evaluations/phrase_presence.py out/x --out f", name="phrase_presence.json", commit=old)
    assert stale.status(tmp_path) == ("stale", f"made at {old[:7]}; changed since: evaluations/phrase_presence.py")
