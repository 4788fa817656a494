"""Chaos: SIGKILL `dialoguesynth generate` (its whole process tree) at random moments, rerun until
it completes, and compare with an uninterrupted run of the same config.

    .venv/bin/python evaluations/chaos.py --kills 20 [--config evaluations/configs/chaos.yaml]

Prints and saves "N/N resumes, 0 lost, 0 duplicated" (and whether the texts equal the reference).
tests/test_chaos.py runs the same driver on a few records with a fake engine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import datasets

HERE = Path(__file__).resolve().parent


def launch(cmd: list[str], env: dict | None = None, stderr=subprocess.PIPE) -> subprocess.Popen:
    # own session: the kill takes the engine's child processes too, like a crash of the machine
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, text=True, start_new_session=True, env=env)


def kill_tree(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def generate_cmd(config: Path, out: Path, extra: list[str] = ()) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dialoguesynth.cli",
        "generate",
        "-c",
        str(config),
        "-o",
        str(out),
        "--no-progress",
        *extra,
    ]


def outcome_ids(out: Path) -> tuple[list[str], list[str]]:
    """(ids in records.jsonl, ids in rejected.jsonl) as persisted, duplicates included."""

    def parsed(line):
        try:
            return json.loads(line)["spec"]["id"]
        except json.JSONDecodeError:  # a line cut by the kill: the next run quarantines it
            return None

    def ids(name):
        p = out / "run" / name
        lines = p.read_text().splitlines() if p.exists() else []
        return [i for i in map(parsed, lines) if i is not None]

    return ids("records.jsonl"), ids("rejected.jsonl")


def saved_lines(out: Path) -> int:
    """Complete lines in records.jsonl and rejected.jsonl (safe to read while a run writes them)."""
    files = [out / "run" / "records.jsonl", out / "run" / "rejected.jsonl"]
    return sum(f.read_text().count("\n") for f in files if f.exists())


def timed_reference_run(config: Path, ref: Path, env: dict | None, timeout_s: float) -> tuple[float, float]:
    """Run uninterrupted; return (seconds to its first saved outcome, seconds to the end)."""
    log = tempfile.TemporaryFile("w+")  # a file, not a pipe: a full pipe would stall a long run
    t = time.monotonic()
    p = launch(generate_cmd(config, ref), env, stderr=log)
    first_save = None
    while p.poll() is None:
        if first_save is None and saved_lines(ref):
            first_save = time.monotonic() - t
        if time.monotonic() - t > timeout_s:
            kill_tree(p)
            raise RuntimeError(f"reference run exceeded {timeout_s} s")
        time.sleep(0.05)
    total = time.monotonic() - t
    log.seek(0)
    assert p.returncode == 0, log.read()[-2000:]
    return (total if first_save is None else first_save), total


def run_chaos(
    config: Path,
    workdir: Path,
    kills: int,
    kill_window: tuple[float, float],
    seed: int = 0,
    env: dict | None = None,
    timeout_s: float = 3600,
    relative: bool = False,
) -> dict:
    """Kill each life at a moment drawn from kill_window: seconds after launch, or with relative=True
    fractions of the reference run's span from its first saved outcome to its end, counted from the
    moment this life saves its first outcome (so neither a slow machine's start-up nor a fast resume
    decides whether a kill can lose anything)."""
    rng = random.Random(seed)
    ref, out = workdir / "reference", workdir / "chaos"
    first_save_s, ref_s = timed_reference_run(config, ref, env, timeout_s)
    span = ref_s - first_save_s

    killed, per_kill = 0, []
    for _ in range(kills):
        started, before = time.time(), saved_lines(out)
        p = launch(generate_cmd(config, out), env)
        wait = rng.uniform(*kill_window)
        if relative:  # the clock starts at this life's first saved outcome
            while p.poll() is None and saved_lines(out) <= before:
                time.sleep(0.02)
            wait *= span
        try:
            p.wait(timeout=wait)
            if p.returncode != 0:
                raise RuntimeError(f"run failed instead of being killed: {p.stderr.read()[-2000:]}")
            break  # finished before the kill: the job is done
        except subprocess.TimeoutExpired:
            kill_tree(p)
            killed += 1
            # what this kill could lose: the outcomes on disk right after it must all survive to the end;
            # the seconds this life ran since it last saved (or since launch) are work the kill threw away
            rec, rej = outcome_ids(out)
            saved = [f.stat().st_mtime for f in (out / "run").glob("*.jsonl")]  # none before the first life saves
            unsaved = time.time() - max([started, *saved])
            after = time.time() - started
            per_kill.append({"after_s": round(after, 1), "on_disk": rec + rej, "unsaved_s": round(unsaved, 1)})
    resumes = 0
    while True:
        proc = subprocess.run(generate_cmd(config, out), capture_output=True, text=True, env=env, timeout=timeout_s)
        resumes += 1
        if proc.returncode == 0:
            break
        if resumes > 3:
            raise RuntimeError(f"resume keeps failing: {proc.stderr[-2000:]}")

    a, b = datasets.load_from_disk(str(ref)), datasets.load_from_disk(str(out))
    rec, rej = outcome_ids(out)
    ref_rec, ref_rej = outcome_ids(ref)
    expected = set(ref_rec) | set(ref_rej)
    persisted = rec + rej
    final = set(persisted)
    result = {
        "kills": killed,
        # per kill: seconds after launch, outcomes on disk then, and how many of those the end lacks
        "per_kill": [
            {
                "after_s": k["after_s"],
                "on_disk": len(set(k["on_disk"])),
                "lost": len(set(k["on_disk"]) - final),
                "unsaved_s": k["unsaved_s"],
            }
            for k in per_kill
        ],
        "max_unsaved_s": max((k["unsaved_s"] for k in per_kill), default=0.0),
        "kills_after_a_saved_batch": sum(bool(k["on_disk"]) for k in per_kill),
        "resumed_ok": killed if b["id"] == a["id"] else 0,
        "lost": len(expected - set(persisted)),
        "duplicated": len(persisted) - len(set(persisted)),
        "same_ids_and_order": b["id"] == a["id"],
        "same_texts": b["dialogue"] == a["dialogue"] and b["summary"] == a["summary"],
        "differing_rows": {c: sum(x != y for x, y in zip(a[c], b[c])) for c in ("dialogue", "summary", "plan")}
        if b["id"] == a["id"]
        else None,
        "same_rejections": sorted(rej) == sorted(ref_rej),
        "accepted": len(b),
        "rejected": len(set(rej)),
        "reference_run_s": round(ref_s, 1),
        "reference_first_save_s": round(first_save_s, 1),
        "corrupt_lines_quarantined": sum(1 for _ in (out / "run").glob("*.corrupt")),
    }
    result["line"] = (
        f"{result['resumed_ok']}/{killed} resumes ({result['kills_after_a_saved_batch']} after a saved batch), "
        f"{result['lost']} lost, {result['duplicated']} duplicated"
    )
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=str(HERE / "configs" / "chaos.yaml"))
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--min-s", type=float, default=20.0, help="earliest kill after launch")
    ap.add_argument("--max-s", type=float, default=90.0, help="latest kill after launch")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(HERE / "results" / f"{datetime.date.today()}-chaos"))
    args = ap.parse_args()

    sys.path.insert(0, str(HERE))
    from provenance import provenance

    prov = provenance()
    with tempfile.TemporaryDirectory() as tmp:
        result = run_chaos(Path(args.config), Path(tmp), args.kills, (args.min_s, args.max_s), args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result["command"] = (
        f".venv/bin/python evaluations/chaos.py --config {args.config} --kills {args.kills} "
        f"--min-s {args.min_s} --max-s {args.max_s} --seed {args.seed}"
    )
    result["provenance"] = prov
    (out / "chaos.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(result["line"])


if __name__ == "__main__":
    main()
