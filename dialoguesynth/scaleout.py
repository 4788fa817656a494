"""`generate --engine ray`: the render stages on Ray Data, so a multi-node Ray cluster scales a run
out unchanged. The driver samples the (index, subtopic) plan and exports; each Ray actor holds one
engine, builds its specs from their indices and renders them through the same stages as a local
run; results stream to parquet shards in the run folder, which also makes the run resumable.

Dedup across actors happens on the driver at export (each actor dedups within its own batches)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import datasets

from .config import Config
from .dedup import Deduper
from .errors import RunError
from .export import export
from .sampling.rng import derive_seed
from .sampling.specs import spec_id
from .sampling.subtopics import CoverageLedger, Taxonomy
from .spec import Record, Rejected
from .store import RunStore
from .taxonomy import build_taxonomy, cached_taxonomy, needs_llm


class RenderActor:
    """One engine per actor; a batch of (index, topic, subtopic) rows in, records and rejections out."""

    def __init__(self, config_json: str, taxonomy_json: str):
        from .pipeline import Generator
        from .runner import BatchRunner
        from .sampling.specs import SpecSampler

        cfg = Config.model_validate_json(config_json)
        gen = Generator(cfg, progress=False)
        self.sampler = SpecSampler(cfg, Taxonomy.model_validate_json(taxonomy_json), gen.pool)
        self.runner = BatchRunner(cfg, gen.pool, gen.backend)

    def __call__(self, batch: dict) -> dict:
        specs = [
            self.sampler.one(int(i), str(t), str(s))
            for i, t, s in zip(batch["index"], batch["topic"], batch["subtopic"])
        ]
        new, bad = self.runner.run(specs)
        return {
            "kind": ["record"] * len(new) + ["rejected"] * len(bad),
            "json": [r.model_dump_json() for r in new] + [r.model_dump_json() for r in bad],
        }


def _expand_taxonomy(config_json: str) -> str:
    """Runs as a Ray task when subtopics need the LLM, so the driver never loads an engine."""
    from .pipeline import Generator
    from .stages.base import StageRunner

    gen = Generator(Config.model_validate_json(config_json), progress=False)
    try:
        taxonomy, _ = build_taxonomy(gen.cfg, StageRunner(gen.backend, gen.cfg.topics.max_attempts))
    finally:
        gen.backend.close()
    return taxonomy.model_dump_json()


def _read_shards(shards: Path) -> tuple[list[Record], list[Rejected]]:
    import pyarrow.parquet as pq

    records, rejected = [], []
    for f in sorted(shards.glob("*.parquet")):
        try:
            table = pq.read_table(f).to_pydict()
        except Exception:  # a shard torn by a kill: its specs are simply rendered again
            f.unlink()
            continue
        for kind, js in zip(table["kind"], table["json"]):
            (records if kind == "record" else rejected).append(
                Record.model_validate_json(js) if kind == "record" else Rejected.model_validate_json(js)
            )
    return records, rejected


def run_on_ray(
    cfg: Config, out: Path, fresh: bool = False, address: str | None = None, workers: int = 1, log=print
) -> datasets.Dataset:
    try:
        import ray
    except ImportError:
        raise RunError("--engine ray needs Ray Data: pip install 'ray[data]'") from None
    if cfg.model.mix:
        raise RunError("--engine ray renders one model per run; run the models of a mix separately")
    if cfg.run.accepted:
        raise RunError("--accepted (run.accepted) works on --engine local only; on Ray, ask for a number of specs (-n)")
    if cfg.coverage.fill_gaps:
        raise RunError(
            "--fill-gaps (coverage.fill_gaps) works on --engine local only; Ray shards render specs in index order"
        )
    from .pipeline import Generator
    from .runner import grid_fill, run_summary
    from .sampling.specs import SpecSampler

    store = RunStore(out).open(cfg, fresh=fresh)
    started = time.monotonic()
    try:
        shards = store.dir / "ray-shards"
        if fresh:
            shutil.rmtree(shards, ignore_errors=True)
        done_records, done_rejected = _read_shards(shards) if shards.exists() else ([], [])
        done = {r.spec.id for r in done_records} | {r.spec.id for r in done_rejected}
        ray.init(
            address=address,
            ignore_reinit_error=True,
            include_dashboard=False,
            runtime_env={"env_vars": {"TOKENIZERS_PARALLELISM": "false"}},
        )
        taxonomy = cached_taxonomy(store)
        if taxonomy is None and needs_llm(cfg):
            log("expanding subtopics in a Ray task ...")
            taxonomy = Taxonomy.model_validate_json(
                ray.get(ray.remote(num_cpus=1)(_expand_taxonomy).remote(cfg.model_dump_json()))
            )
        elif taxonomy is None:
            taxonomy = build_taxonomy(cfg)[0]
        store.save_json("taxonomy.json", taxonomy.model_dump())
        ledger = CoverageLedger(taxonomy, derive_seed(cfg.seed, "ledger"))
        plan = [(i, *ledger.next()) for i in range(cfg.num_dialogues)]
        todo = [{"index": i, "topic": t, "subtopic": s} for i, t, s in plan if spec_id(cfg.seed, i) not in done]
        engine_started = time.monotonic()
        if todo:
            log(f"rendering {len(todo)} specs on Ray ({workers} engine actor(s)) ...")
            ray.data.from_items(todo).map_batches(
                RenderActor,
                fn_constructor_kwargs={
                    "config_json": cfg.model_dump_json(),
                    "taxonomy_json": taxonomy.model_dump_json(),
                },
                batch_size=cfg.run.batch_size,
                concurrency=workers,
                num_cpus=1,
            ).write_parquet(str(shards))
        engine_s = time.monotonic() - engine_started
        records, rejected = _read_shards(shards)
        # actors dedup within themselves; across actors, here, in index order
        records.sort(key=lambda r: r.spec.index)
        gen = Generator(cfg, progress=False)
        seen, kept = Deduper(cfg.checks.near_duplicate_threshold), []
        for r in records:
            if twin := seen.admit(r.spec, r.dialogue, r.attempts):
                rejected.append(twin)
            else:
                kept.append(r)
        rejected.sort(key=lambda r: r.spec.index)
        summary = run_summary(
            cfg,
            kept,
            rejected,
            resumed=len(done),
            segment_s=time.monotonic() - started,
            engine_s=engine_s,
            grid=grid_fill(SpecSampler(cfg, taxonomy, gen.pool), kept),
            subtopics={"source": taxonomy.source, "kept": taxonomy.subtopics, "rejected": taxonomy.rejected},
            warnings=store.warnings + gen.warnings,  # gen.warnings: the reference pool's, loaded above
        )
        summary.engine = {"kind": "ray", "address": address or "local", "workers": workers}
        store.save_json("summary.json", summary.model_dump(exclude_none=True))
        config = json.loads(cfg.model_dump_json())
        return export(out, kept, rejected, summary, config, cfg.run.export_formats, gen.speaker_style)
    finally:
        store.release()
