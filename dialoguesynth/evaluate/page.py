"""`report.html`: the evaluation as one self-contained page a person would share — headline figures
beside the real reference, plots inline, seeded-random dialogues with their specs, a rejected
example per reason, then every figure."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from ..samples import pick, spec_line, spec_of
from ..spec import Rejected

_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d232b;max-width:64em;margin:0 auto;
  padding:16px 24px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #d9dee4;padding-bottom:4px}
h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #d9dee4;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f6}.muted{color:#5d6773}.spec{color:#5d6773;font-style:italic}
pre{white-space:pre-wrap;background:#f6f7f9;border:1px solid #d9dee4;border-radius:6px;padding:8px;font-size:13px}
code{background:#f1f3f6;padding:0 3px;border-radius:3px}img{max-width:100%;border:1px solid #d9dee4;margin:6px 0}
.why{color:#b3261e;font-weight:600}
"""


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _headline(r: dict) -> list[tuple[str, str, str, str]]:
    """(figure, this corpus, real reference, what it tells) rows."""
    q, d, rd, rl = r["quality"], r["diversity_among_passing"], r["reference_diversity"], r["realism"]
    sc, coh = r.get("self_check") or {}, r["coherence"]
    rows = [
        (
            "pass rate",
            f"{q['passed']}/{q['requested']} ({q['pass_rate']:.1%})",
            "—",
            "share of requested dialogues that met the quality bar",
        ),
        (
            "distinct-2",
            _fmt(d["distinct_2"]),
            _fmt(rd.get("distinct_2")),
            "share of word pairs that are unique; higher = more varied wording",
        ),
        (
            "Vendi score",
            _fmt(d["vendi"]),
            _fmt(rd.get("vendi")),
            "effective number of different dialogues (MiniLM); compare at equal n only",
        ),
        (
            "self-BLEU",
            _fmt(d["self_bleu"]),
            _fmt(rd.get("self_bleu")),
            "how much dialogues repeat each other; lower = more varied",
        ),
        (
            "classifier AUC vs reference",
            f"{rl['c2st_auc']:.3f} ± {rl['c2st_auc_sd']:.3f}",
            f"{sc['c2st_auc']:.3f} (real vs real)" if sc else "0.5 ideal",
            "how easily a classifier tells these from real ones; 0.5 = indistinguishable",
        ),
        (
            "Fréchet distance (MiniLM)",
            _fmt(rl["frechet"]),
            f"{_fmt(rl['frechet_floor_real_vs_real'])} (floor)",
            "distance between embedding distributions; the floor is real vs real at this size",
        ),
        (
            "coherence (adjacency gap)",
            _fmt(coh["synthetic"]["adjacency_gap"]),
            _fmt(coh["reference"]["adjacency_gap"]),
            "replies closer to the turn they answer than to far turns; shuffled turns score ~0",
        ),
        (
            "defects among passing",
            f"{r['defects_among_passing']['rate']:.1%}",
            "—",
            "header echoes, ALL-CAPS, loops, summaries that are a turn",
        ),
    ]
    if r.get("copies"):
        rows.append(
            (
                "copies of the reference",
                f"{r['copies']['rate']:.1%}",
                "—",
                "dialogues with > 10 % of 8-grams found in the reference pool",
            )
        )
    ly = r.get("layers")
    if ly:
        ot = ly["on_topic"]
        rows.append(
            (
                "on-topic cosine",
                _fmt(ot["own_subtopic"]),
                f"{_fmt(ot['mismatched'])} (mismatched pairs)",
                "dialogue vs its own subtopic, beside a random other subtopic",
            )
        )
        nn = ly.get("on_topic_without_naming")
        if nn:
            rows.append(
                (
                    "on-topic, subtopic words deleted",
                    _fmt(nn["own_subtopic"]),
                    f"{_fmt(nn['mismatched'])} (mismatched pairs)",
                    f"the topic a dialogue carries beyond naming it ({nn['share_naming_subtopic']:.0%} name it)",
                )
            )
        for field, p in ly["probes"].items():
            if p:
                rows.append(
                    (
                        f"{field} read from the text",
                        f"{p['accuracy']:.3f}",
                        f"{p['chance']:.3f} (chance)",
                        f"5-fold text probe ({ly['probe']}): does the spec field show in the words?",
                    )
                )
    return rows


def _table(head: list[str], rows: list[tuple]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def _markdown(md: str) -> str:
    """The markdown report's lines as HTML (headings, bullets, tables, inline code)."""
    out, table = [], []

    def inline(text: str) -> str:
        return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))

    def flush():
        if table:
            out.append("<table>" + "".join(table) + "</table>")
            table.clear()

    for line in md.splitlines():
        if line.startswith("|"):
            if not set(line) <= set("|- "):
                table.append(
                    "<tr>" + "".join(f"<td>{inline(c.strip())}</td>" for c in line.strip("|").split("|")) + "</tr>"
                )
            continue
        flush()
        if line.startswith("![") or line.startswith("# "):
            continue
        if line.startswith("#"):
            level = min(len(line) - len(line.lstrip("#")) + 1, 4)
            out.append(f"<h{level}>{inline(line.lstrip('# '))}</h{level}>")
        elif line.strip():
            out.append(f"<p>{inline(line.lstrip('- '))}</p>")
    flush()
    return "\n".join(out)


def _dialogue(spec_text: str, dialogue: str, summary: str | None) -> str:
    s = f"<p class='spec'>{html.escape(spec_text)}</p><pre>{html.escape(dialogue)}</pre>"
    return s + (f"<p><b>Summary:</b> {html.escape(summary)}</p>" if summary else "")


def report_page(
    r: dict, md: str, out: Path, rows: list[dict], rejected: list[Rejected], seed: int = 0, samples: int = 5
) -> str:
    """The page; ``rows`` are the evaluated (passing) rows, ``rejected`` the run's rejections."""
    parts = [
        f"<h1>Evaluation of <code>{html.escape(r['dataset'])}</code></h1>",
        f"<p class='muted'>{r['n_evaluated']} passing dialogues evaluated against {r['n_reference']} real dialogues of "
        f"<code>{html.escape(r['reference'])}</code>.</p>",
        "<h2>Headline figures</h2>",
        _table(["figure", "this corpus", "real reference", "what it tells"], _headline(r)),
        "<p><b>Realism</b> asks whether the corpus could pass for "
        "real dialogue: a classifier and an embedding distance, "
        "each beside real-vs-real. <b>Adherence</b> asks whether what each spec asked for (subtopic, medium, mood, "
        "speech features, personality) can be read back from the text alone.</p>",
    ]
    plots = [p for p in r.get("plots", []) if (out / p).exists()]
    if plots:
        parts.append("<h2>Plots</h2>")
        parts += [
            f"<img alt='{html.escape(p)}' "
            f"src='data:image/png;base64,{base64.b64encode((out / p).read_bytes()).decode()}'>"
            for p in plots
        ]
    if rows:
        chosen = [rows[i] for i in pick(len(rows), samples, seed)]
        parts.append(f"<h2>{len(chosen)} random passing dialogues (seed {seed}), unedited</h2>")
        parts += [
            f"<h3>{html.escape(str(x.get('id', '')))}</h3>"
            + _dialogue(spec_line(spec_of(x)), x["dialogue"], x.get("summary"))
            for x in chosen
        ]
    if rejected:
        by_reason: dict[str, Rejected] = {}
        for x in rejected:
            by_reason.setdefault(f"{x.stage}: {x.reason}", x)
        parts.append(f"<h2>Rejected: one example per reason ({len(rejected)} rejected in all)</h2>")
        for why, x in sorted(by_reason.items()):
            raw = x.raw if len(x.raw) <= 800 else x.raw[:800] + " …"
            parts.append(
                f"<p class='why'>{html.escape(why)}</p>" + _dialogue(spec_line(x.spec), raw or "(empty output)", None)
            )
    parts += ["<h2>Every figure</h2>", _markdown(md)]
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
        f"<title>dialoguesynth report: {html.escape(r['dataset'])}</title><style>{_STYLE}</style></head><body>"
        + "\n".join(parts)
        + "<script>document.body.dataset.ready='1'</script></body></html>"
    )
