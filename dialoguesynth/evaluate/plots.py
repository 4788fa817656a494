"""Report figures (matplotlib, PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_shapes(syn: dict, ref: dict, path: Path) -> Path:
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.2))
    for ax, key in zip(axes, ("turns", "words_per_turn", "words")):
        hi = max(max(syn[key], default=1), max(ref[key], default=1))
        bins = 20
        ax.hist(ref[key], bins=bins, range=(0, hi), alpha=0.5, density=True, label="reference")
        ax.hist(syn[key], bins=bins, range=(0, hi), alpha=0.5, density=True, label="synthetic")
        ax.set_title(key.replace("_", " "))
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def plot_ocean(ocean: dict, path: Path) -> Path:
    traits = list(ocean)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    x = range(len(traits))
    ax.bar(
        [i - 0.2 for i in x],
        [ocean[t]["target_mean"] for t in traits],
        0.4,
        yerr=[ocean[t]["target_sd"] for t in traits],
        label="target",
    )
    ax.bar(
        [i + 0.2 for i in x],
        [ocean[t]["mean"] for t in traits],
        0.4,
        yerr=[ocean[t]["sd"] for t in traits],
        label="achieved",
    )
    ax.set_xticks(list(x), [t[:5] for t in traits])
    ax.set_ylim(1, 5)
    ax.legend()
    ax.set_title("Big Five: achieved vs target (mean ± sd)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def plot_adherence(a: dict, path: Path) -> Path:
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    f = a["filler_rate_per_100_words"]
    axes[0].bar(["fillers asked", "not asked"], [f["asked"] or 0, f["not_asked"] or 0])
    axes[0].set_title("fillers per 100 words")
    levels = list(a["formality_markers_per_100_words"])
    vals = a["formality_markers_per_100_words"]
    axes[1].bar([i - 0.2 for i in range(len(levels))], [vals[k]["formal"] for k in levels], 0.4, label="formal markers")
    axes[1].bar(
        [i + 0.2 for i in range(len(levels))], [vals[k]["informal"] for k in levels], 0.4, label="informal markers"
    )
    axes[1].set_xticks(range(len(levels)), levels)
    axes[1].legend()
    axes[1].set_title("markers per 100 words by formality asked")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def plot_sweep(report: dict, out: Path) -> list[Path]:
    """Sweep figures: pass rate vs diversity among passing, realism vs diversity, coverage heatmaps."""
    cells = report["cells"]
    bars = list(cells[0]["bars"]) if cells else []
    markers = "os^Dv<>"
    paths = []

    def at_n(m: dict) -> tuple[float | None, tuple[float, float] | None]:
        e = m.get("equal_n") or {}
        return e.get("vendi"), (tuple(e["vendi_range"]) if "vendi_range" in e else None)

    def plain(key: str):
        return lambda m: (m.get(key), None)

    vendi = "Vendi among passing, at equal n"
    for name, (xget, xlabel), (yget, ylabel) in (
        ("sweep_pass_vs_diversity.png", (plain("pass_rate"), "pass rate"), (at_n, vendi)),
        (
            "sweep_realism_vs_diversity.png",
            (at_n, vendi),
            (plain("c2st_auc"), "C2ST AUC vs real (0.5 = indistinguishable)"),
        ),
    ):
        fig, ax = plt.subplots(figsize=(6.5, 4.5))
        for b, bar in enumerate(bars):
            pts = [(c["cell"], xget(c["bars"][bar]), yget(c["bars"][bar])) for c in cells]
            pts = [p for p in pts if p[1][0] is not None and p[2][0] is not None]
            for k, (x, xr), (y, yr) in pts:
                err = {"xerr": [[x - xr[0]], [xr[1] - x]]} if xr else {"yerr": [[y - yr[0]], [yr[1] - y]]} if yr else {}
                ax.errorbar([x], [y], fmt=markers[b % len(markers)], color=f"C{b}", capsize=3, **err)
                ax.annotate(str(k), (x, y), textcoords="offset points", xytext=(4, 3), fontsize=8)
            n = next((c["bars"][bar]["equal_n"]["n"] for c in cells if "equal_n" in c["bars"][bar]), None)
            label = f"bar: {bar}" + (f" (n = {n})" if n else "")
            ax.scatter([], [], marker=markers[b % len(markers)], color=f"C{b}", label=label)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
        ax.set_title(
            "each point: one cell (number) under one quality bar; bars: 2.5-97.5 % of Vendi over subsets", fontsize=9
        )
        fig.tight_layout()
        fig.savefig(out / name, dpi=90)
        plt.close(fig)
        paths.append(out / name)
    # coverage: per cell, passing dialogues per (subtopic) × (trait bin, context value) under the first bar
    if cells and bars:
        import numpy as np

        n = len(cells)
        cols = min(4, n)
        rows_n = (n + cols - 1) // cols
        fig, axes = plt.subplots(rows_n, cols, figsize=(4 * cols, 3.2 * rows_n), squeeze=False)
        for ax, c in zip(axes.flat, cells):
            counts = c["bars"][bars[0]]["grid_counts"]
            keys = [k.split(" | ") for k in counts]
            ys = sorted({k[1] for k in keys})
            xs = sorted({(k[2], k[3]) for k in keys})
            m = np.zeros((len(ys), len(xs)))
            for k, v in zip(keys, counts.values()):
                m[ys.index(k[1]), xs.index((k[2], k[3]))] += v
            ax.imshow(m, aspect="auto", cmap="viridis")
            ax.set_title(
                f"cell {c['cell']}: " + ", ".join(f"{k.split('.')[-1]}={v}" for k, v in c["dials"].items()), fontsize=7
            )
            ax.set_yticks(range(len(ys)), [y[:18] for y in ys], fontsize=5)
            ax.set_xticks(range(len(xs)), [f"{b[0]}/{b[1][:6]}" for b in xs], fontsize=4, rotation=90)
        for ax in list(axes.flat)[n:]:
            ax.axis("off")
        fig.suptitle(f"coverage among passing ({bars[0]} bar): subtopic × (trait bin / context value)", fontsize=9)
        fig.tight_layout()
        fig.savefig(out / "sweep_coverage.png", dpi=110)
        plt.close(fig)
        paths.append(out / "sweep_coverage.png")
    return paths
