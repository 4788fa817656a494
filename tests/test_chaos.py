"""Fast chaos test: SIGKILL the real CLI at random moments, rerun, compare with an uninterrupted run.
The engine here is the FAKE (tests/fakes.py: SlowFakeBackend) loaded through the plugin seam: this
tests persistence and resume, not generation. evaluations/chaos.py runs it with the real engine."""

import importlib.util
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_driver():
    spec = importlib.util.spec_from_file_location("chaos", ROOT / "evaluations" / "chaos.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_kill_and_resume(tmp_path, dialogsum):
    cfg = tmp_path / "chaos.yaml"
    cfg.write_text(
        "seed: 5\nnum_dialogues: 60\nmodel: {backend: 'fakes:SlowFakeBackend'}\n"
        f"reference: {{path: {dialogsum / 'train.jsonl'}}}\nrun: {{batch_size: 3}}\n"
        "topics: {subtopics_per_topic: 2}\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    # each kill lands 5-25 % of the reference run's span (first save to end) after its life's first save:
    # with fixed seconds, CI's slower start-up (> 5 s) put all five kills before anything was saved, so
    # nothing could be lost; and no life runs long enough to finish the job alone
    result = load_driver().run_chaos(
        cfg, tmp_path, kills=5, kill_window=(0.05, 0.25), seed=1, env=env, timeout_s=300, relative=True
    )
    assert result["kills"] >= 3, result
    # the kills must be able to lose something: they land after a batch is on disk, and what was on
    # disk at each kill is still there at the end
    assert result["kills_after_a_saved_batch"] >= 2, result
    assert all(k["lost"] == 0 for k in result["per_kill"]), result
    # work thrown away per kill: at most the life's length, and each life saves before the kill ends it
    assert all(0 <= k["unsaved_s"] <= k["after_s"] + 1 for k in result["per_kill"]), result
    assert any(k["unsaved_s"] < k["after_s"] - 0.5 for k in result["per_kill"]), result
    assert result["lost"] == 0 and result["duplicated"] == 0, result
    assert result["same_ids_and_order"] and result["same_texts"] and result["same_rejections"], result
