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
    ax.bar([i - 0.2 for i in x], [ocean[t]["target_mean"] for t in traits], 0.4, yerr=[ocean[t]["target_sd"] for t in traits], label="target")
    ax.bar([i + 0.2 for i in x], [ocean[t]["mean"] for t in traits], 0.4, yerr=[ocean[t]["sd"] for t in traits], label="achieved")
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
    axes[1].bar([i + 0.2 for i in range(len(levels))], [vals[k]["informal"] for k in levels], 0.4, label="informal markers")
    axes[1].set_xticks(range(len(levels)), levels)
    axes[1].legend()
    axes[1].set_title("markers per 100 words by formality asked")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
