"""Ctrl-C, disk full and garbled state: clear one-line outcome, nothing finished lost, rerun completes.
The engine is the FAKE (tests/fakes.py) via the plugin seam: these test persistence, not generation."""

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import datasets
import pytest
from cli_run import generate_cmd

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fake_cfg(tmp_path, dialogsum):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        # 80 specs in batches of 2 keep the run going ~12 s after its first save
        f"seed: 2\nnum_dialogues: 80\nmodel: {{backend: 'fakes:SlowFakeBackend'}}\n"
        f"reference: {{path: {dialogsum / 'train.jsonl'}}}\nrun: {{batch_size: 2}}\n"
    )
    return cfg


def env():
    return {**os.environ, "PYTHONPATH": str(ROOT / "tests") + os.pathsep + os.environ.get("PYTHONPATH", "")}


def test_ctrl_c_saves_and_exits_cleanly(tmp_path, fake_cfg):
    out = tmp_path / "o"
    p = subprocess.Popen(
        generate_cmd(fake_cfg, out),
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a suite started in the background (`cmd &`) passes SIGINT down as ignored: Ctrl-C needs it back
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    records = out / "run" / "records.jsonl"
    deadline = time.monotonic() + 60
    while not (records.exists() and records.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.1)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err and "rerun the same command to resume" in err
    assert not (out / "run" / "lock").exists()
    saved = [json.loads(x)["spec"]["id"] for x in records.read_text().splitlines()]
    assert saved
    done = subprocess.run(
        generate_cmd(fake_cfg, out),
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    ds = datasets.load_from_disk(str(out))
    assert set(saved) <= set(ds["id"])


def test_disk_full_is_one_line_and_keeps_work(tmp_path, fake_cfg, monkeypatch, capsys):
    import dialoguesynth.store as store
    from dialoguesynth.cli import main

    real_fsync, calls = os.fsync, []

    def full(fd):
        calls.append(fd)
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(store.os, "fsync", full)
    monkeypatch.setattr(sys, "path", [str(ROOT / "tests"), *sys.path])
    out = tmp_path / "o"
    monkeypatch.setattr(
        sys, "argv", ["dialoguesynth", "generate", "-c", str(fake_cfg), "-o", str(out), "--no-progress"]
    )
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0] and "rerun to resume" in err[0]
    kept = (out / "run" / "records.jsonl").read_text().splitlines()
    assert len(kept) >= 2 and not (out / "run" / "lock").exists()


def test_garbled_taxonomy_is_rebuilt(tmp_path, cfg_factory):
    from fakes import FakeBackend

    from dialoguesynth.pipeline import Generator

    cfg = cfg_factory(num_dialogues=4)
    Generator(cfg, backend=FakeBackend(), progress=False).run(tmp_path / "o")
    (tmp_path / "o" / "run" / "taxonomy.json").write_text('{"subtopics": {"shop')
    (tmp_path / "o" / "run" / "records.jsonl").write_text("")
    (tmp_path / "o" / "run" / "rejected.jsonl").write_text("")
    g = Generator(cfg, backend=FakeBackend(), progress=False)
    ds = g.run(tmp_path / "o")
    assert len(ds) == 4 and any("taxonomy.json" in w for w in g.warnings)
    assert (tmp_path / "o" / "run" / "taxonomy.json.corrupt").exists()
