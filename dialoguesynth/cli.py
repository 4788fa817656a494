"""Command line: ``dialoguesynth generate | specs | prepare-model``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from .config import DATA_DIR, Config, load_config
from .errors import DialoguesynthError
from .spec import RunSummary

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Generate realistic, diverse two-party dialogue corpora with local LLMs.",
)
console = Console(stderr=True, soft_wrap=True)  # messages stay one line, whatever the terminal width

ConfigOpt = typer.Option(None, "--config", "-c", help="YAML config (see README); defaults apply when omitted")


def _config(config: Path | None, **overrides) -> Config:
    return load_config(config, **overrides)


@app.command()
def generate(
    config: Path = ConfigOpt,
    output: Path = typer.Option(..., "--output", "-o", help="output folder (a datasets.load_from_disk folder)"),
    num_dialogues: int = typer.Option(
        None, "--num-dialogues", "-n", min=1, help="specs to render (with --accepted: the most specs tried)"
    ),
    accepted: int = typer.Option(
        None,
        "--accepted",
        min=1,
        help="generate until N dialogues pass the bar and export exactly N (budget: -n, default 3 x N specs)",
    ),
    seed: int = typer.Option(None, "--seed"),
    model: str = typer.Option(None, "--model", help="'embedded', an HF model folder, or an HF id"),
    fresh: bool = typer.Option(False, "--fresh", help="discard an earlier run in OUTPUT instead of resuming it"),
    push_to_hub: str = typer.Option(None, "--push-to-hub", help="also push the dataset to this hub repo"),
    no_personas: bool = typer.Option(False, "--no-personas", help="ablation: no Big Five personas"),
    no_subtopics: bool = typer.Option(False, "--no-subtopics", help="ablation: topics are not expanded"),
    no_plan: bool = typer.Option(False, "--no-plan", help="ablation: no chain-of-thought plan"),
    no_context: bool = typer.Option(False, "--no-context", help="ablation: no context characteristics in prompts"),
    fill_gaps: bool = typer.Option(
        False,
        "--fill-gaps",
        help="aim new specs at the emptiest cells of the coverage grid (extend a run: rerun with a larger -n)",
    ),
    model_mix: str = typer.Option(
        None, "--model-mix", help="NAME=WEIGHT,NAME=WEIGHT: each spec rendered by one of these models"
    ),
    engine: str = typer.Option(
        "local", "--engine", help="local: in this process | ray: render on Ray Data (scale out)"
    ),
    ray_address: str = typer.Option(None, "--ray-address", help="an existing Ray cluster (default: start a local one)"),
    ray_workers: int = typer.Option(1, "--ray-workers", min=1, help="engine actors (one model copy each)"),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
):
    """Generate a dialogue corpus into OUTPUT (reruns resume where a run stopped)."""
    from .pipeline import Generator

    cfg = _config(
        config,
        num_dialogues=num_dialogues or (3 * accepted if accepted else None),
        run__accepted=accepted,
        seed=seed,
        model__name=model,
        personas__enabled=False if no_personas else None,
        topics__expand=False if no_subtopics else None,
        plan__enabled=False if no_plan else None,
        context__enabled=False if no_context else None,
        coverage__fill_gaps=True if fill_gaps else None,
        model__mix=_mix(model_mix) if model_mix else None,
    )
    if engine not in ("local", "ray"):
        raise DialoguesynthError(f"--engine must be local or ray, not {engine!r}")
    gen = Generator(cfg, progress=progress) if engine == "local" else None
    try:
        if engine == "ray":
            from .scaleout import run_on_ray

            ds = run_on_ray(
                cfg,
                output,
                fresh=fresh,
                address=ray_address,
                workers=ray_workers,
                log=lambda m: console.print(m, highlight=False),
            )
        else:
            ds = gen.run(output, fresh=fresh)
    except KeyboardInterrupt:
        console.print(
            f"[yellow]interrupted[/]: finished records are saved in {output}/run; rerun the same command to resume"
        )
        raise typer.Exit(130) from None
    summary = RunSummary.load(output)
    for w in summary.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    reasons = ", ".join(f"{k} {v}" for k, v in summary.rejected_by_reason.items()) or "none"
    console.print(
        f"[bold green]dataset:[/] {output}  (datasets.load_from_disk('{output}'); "
        f"browse it: dialoguesynth view {output})"
    )
    console.print(
        f"accepted {summary.accepted}/{summary.requested} in {summary.wall_s} s "
        + (f"over every segment ({summary.this_segment_s} s this one) " if summary.resumed_from else "")
        + f"(model {summary.model}); rejected: {reasons}"
    )
    if len(ds):
        from .samples import pick, spec_line, spec_of

        row = ds[pick(len(ds), 1, cfg.seed)[0]]
        console.print(
            f"[dim]a random accepted dialogue (seed {cfg.seed}):[/] [italic]{spec_line(spec_of(row))}[/]",
            highlight=False,
        )
        console.print(row["dialogue"], highlight=False, markup=False)
        console.print(f"[dim]summary:[/] {row['summary']}", highlight=False)
    if push_to_hub:
        try:
            ds.push_to_hub(push_to_hub)
        except Exception as exc:  # hub client errors are many kinds; one line for the user
            raise DialoguesynthError(
                f"push to hub {push_to_hub} failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            ) from exc
        console.print(f"pushed to {push_to_hub}")


@app.command()
def specs(
    config: Path = ConfigOpt,
    num: int = typer.Option(10, "--num", "-n", min=1),
    seed: int = typer.Option(None, "--seed"),
    output: Path = typer.Option(None, "--output", "-o", help="write JSON lines here instead of stdout"),
    taxonomy_from: Path = typer.Option(
        None, "--taxonomy-from", help="reuse the LLM subtopics of an earlier run folder"
    ),
    workers: int = typer.Option(
        0, "--workers", min=0, help="processes (0 = all cores when n ≥ 20,000); output is identical"
    ),
):
    """Sample conversation specs without any model (topics are not LLM-expanded unless --taxonomy-from)."""
    from .pipeline import Generator
    from .sampling.subtopics import Taxonomy

    cfg = _config(config, seed=seed)
    taxonomy = None
    if taxonomy_from is not None:
        path = taxonomy_from / "run" / "taxonomy.json"
        if not path.is_file():
            raise DialoguesynthError(f"no subtopic taxonomy in {taxonomy_from} (expected {path})")
        taxonomy = Taxonomy.model_validate_json(path.read_text())
    if workers == 0:
        workers = (os.cpu_count() or 1) if num >= 20_000 else 1
    lines = Generator(cfg, progress=False).spec_sampler(taxonomy).json_lines(num, workers)
    if output is None:
        sys.stdout.writelines(lines)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as f:
        f.writelines(lines)
    console.print(f"wrote {num} specs to {output}")


@app.command()
def evaluate(
    dataset: Path = typer.Argument(
        ..., help="a dialoguesynth output folder, or a jsonl/json/csv/parquet with a 'dialogue' column"
    ),
    reference: Path = typer.Option(DATA_DIR / "dev.jsonl", "--reference", "-r", help="real in-domain dialogues"),
    out: Path = typer.Option(None, "--out", "-o", help="report folder (default: DATASET/eval or DATASET.eval)"),
    max_n: int = typer.Option(1000, "--max", min=10, help="dialogues evaluated at most (random sample)"),
    self_check: Path = typer.Option(
        DATA_DIR / "train.jsonl",
        "--self-check-data",
        help="real dialogues scored as if synthetic (sanity check of the realism metrics)",
    ),
    judge_config: Path = typer.Option(
        None, "--judge-config", help="also score with an LLM judge: the model/backend of this config"
    ),
    copy_reference: Path = typer.Option(
        DATA_DIR / "train.jsonl",
        "--copy-reference",
        help="the reference pool the corpus was generated from: copies of it are counted",
    ),
):
    """Score a corpus: quality, diversity among passing dialogues, realism vs REFERENCE, adherence."""
    from .evaluate.report import evaluate as run_eval

    if not dataset.exists():
        raise DialoguesynthError(f"dataset not found: {dataset}")
    out = out or (dataset / "eval" if dataset.is_dir() else dataset.with_suffix(".eval"))
    judge_backend = None
    if judge_config is not None:
        from .backends import make_backend

        judge_backend = make_backend(load_config(judge_config))
    try:
        r = run_eval(
            dataset,
            reference,
            out,
            max_n=max_n,
            self_check_path=self_check,
            judge_backend=judge_backend,
            copy_reference=copy_reference,
        )
    finally:
        if judge_backend is not None:
            judge_backend.close()
    q, d, rl = r["quality"], r["diversity_among_passing"], r["realism"]
    console.print(
        f"pass rate {q['pass_rate']:.1%} ({q['passed']}/{q['requested']}); "
        f"among passing: distinct-2 {d['distinct_2']}, "
        f"Vendi {d['vendi']}, self-BLEU {d['self_bleu']}; realism AUC {rl['c2st_auc']} (0.5 = real-like), "
        f"Fréchet {rl['frechet']} (floor {rl['frechet_floor_real_vs_real']})"
    )
    console.print(f"[bold green]report:[/] {out / 'report.md'} (also report.json, report.html)")


@app.command()
def benchmark(
    synthetic: list[str] = typer.Option(
        None, "--synthetic", "-s", help="generated dataset, as PATH or NAME=PATH; repeat for ablations"
    ),
    matrix: Path = typer.Option(
        None,
        "--matrix",
        help="generator config: generate the full corpus and each ablation "
        "(--no-personas/-subtopics/-plan/-context) from it, then benchmark them all",
    ),
    real: Path = typer.Option(DATA_DIR / "train.jsonl", "--real", help="in-domain training data"),
    test: Path = typer.Option(DATA_DIR / "test.jsonl", "--test", help="test data with summary1..3"),
    out: Path = typer.Option(Path("out/benchmark"), "--out", "-o"),
    model: str = typer.Option(
        "embedded",
        "--model",
        help="summarizer to fine-tune: 'embedded', or an HF causal-LM or seq2seq (BART/T5/LED) folder or id",
    ),
    n_train: int = typer.Option(
        128, "--n-train", min=1, help="pairs per condition (capped by the smallest synthetic corpus)"
    ),
    n_test: int = typer.Option(100, "--n-test", min=1),
    seeds: int = typer.Option(3, "--seeds", min=1),
    epochs: int = typer.Option(2, "--epochs", min=1),
    lr: float = typer.Option(1e-4, "--lr", help="CPU-scale default; the paper scale used 5e-5"),
    num_beams: int = typer.Option(1, "--num-beams", min=1),
    batch_size: int = typer.Option(8, "--batch-size", min=1),
    max_dialogue_tokens: int = typer.Option(
        192, "--max-dialogue-tokens", min=16, help="truncate dialogues (train and test)"
    ),
    lora_r: int = typer.Option(0, "--lora-r", min=0, help="0 = full fine-tune; > 0 = LoRA rank (peft)"),
    precision: str = typer.Option(
        "auto",
        "--precision",
        help="auto: bf16 autocast where the CPU computes bf16 natively (AVX-512 BF16, AMX), else fp32 | bf16 | fp32",
    ),
    task: str = typer.Option(
        "summary",
        "--task",
        help="summary: dialogue → summary (ROUGE vs the test set's references); response: dialogue so far → "
        "next turn (BLEU, ROUGE-L, MiniLM cosine vs the real turn, and the real turn's perplexity)",
    ),
):
    """Fine-tune a model on each synthetic corpus and on same-size real data; score on the test set."""
    if task not in ("summary", "response"):
        raise DialoguesynthError(f"--task must be summary or response, not {task!r}")
    from .benchmark.run import PRECISIONS, BenchmarkConfig, generate_matrix, run_benchmark

    if precision not in PRECISIONS:
        raise DialoguesynthError(f"--precision must be {', '.join(PRECISIONS)}, not {precision!r}")

    if not synthetic and matrix is None:
        raise DialoguesynthError("benchmark needs --synthetic DATASET (repeatable) or --matrix CONFIG")
    corpora = generate_matrix(matrix, out, log=lambda m: console.print(m, highlight=False)) if matrix else {}
    for item in synthetic or ():
        name, _, path = item.rpartition("=") if "=" in item else ("", "", item)
        corpora[name or Path(path).name] = Path(path)
    cfg = BenchmarkConfig(
        task=task,
        synthetic=corpora,
        real=real,
        test=test,
        model=model,
        n_train=n_train,
        n_test=n_test,
        seeds=seeds,
        epochs=epochs,
        lr=lr,
        num_beams=num_beams,
        batch_size=batch_size,
        max_dialogue_tokens=max_dialogue_tokens,
        lora_r=lora_r,
        precision=precision,
    )
    run_benchmark(cfg, out, log=lambda m: console.print(m, highlight=False))
    console.print((out / "benchmark.md").read_text(), highlight=False)
    console.print(f"[bold green]results:[/] {out / 'benchmark.json'}")


@app.command()
def sweep(
    config: Path = typer.Argument(..., help="sweep YAML: base config, grid of dials, quality bars"),
    out: Path = typer.Option(Path("out/sweep"), "--out", "-o"),
    num_dialogues: int = typer.Option(None, "--num-dialogues", "-n", min=2, help="specs per cell (overrides the file)"),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
):
    """Generate every cell of a dial grid with one engine, score each under each quality bar, plot."""
    from .sweep import load_sweep, run_sweep

    if not config.is_file():
        raise DialoguesynthError(f"sweep config {config} does not exist")
    sc = load_sweep(config)
    if num_dialogues:
        sc.num_dialogues = num_dialogues
    report = run_sweep(sc, out, progress=progress, log=lambda m: console.print(m, highlight=False))
    console.print((out / "sweep.md").read_text(), highlight=False)
    console.print(f"[bold green]results:[/] {out / 'sweep.json'}; plots: {', '.join(report['plots'])}")


def _mix(text: str) -> dict[str, float]:
    out = {}
    for item in text.split(","):
        name, sep, weight = item.strip().rpartition("=")
        try:
            out[name if sep else weight] = float(weight) if sep else 1.0
        except ValueError:
            raise DialoguesynthError(f"--model-mix: {item!r} is not NAME=WEIGHT") from None
    return out


@app.command()
def view(
    run: Path = typer.Argument(..., help="a generate output folder (it holds run/records.jsonl)"),
    out: Path = typer.Option(None, "--out", "-o", help="the page to write (default: RUN/view.html)"),
):
    """Write one self-contained page to browse a run: each record beside its spec, filterable."""
    from .view import view as write_view

    if not run.is_dir():
        raise DialoguesynthError(f"run folder not found: {run}")
    page = write_view(run, out)
    console.print(
        f"[bold green]page:[/] {page} ({page.stat().st_size / 1e6:.1f} MB; open it in a browser, no server needed)"
    )


@app.command("prepare-model")
def prepare_model(force: bool = typer.Option(False, "--force", help="convert again even if cached")):
    """Convert the embedded SmolLM2-135M-Instruct GGUF to an HF folder once and cache it."""
    from .models import prepare_embedded

    console.print(f"embedded model ready: {prepare_embedded(force=force)}")


def main() -> None:
    """Entry point: user errors become one line on stderr and a non-zero exit, never a traceback."""
    debug = bool(os.environ.get("DIALOGUESYNTH_DEBUG"))
    try:
        app(standalone_mode=True)
    except DialoguesynthError as exc:
        if debug:
            raise
        console.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        console.print(
            f"[bold red]error:[/] {type(exc).__name__}: {exc} (set DIALOGUESYNTH_DEBUG=1 for a traceback)",
            highlight=False,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
