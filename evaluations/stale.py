"""Which published results were made by the code on HEAD, and which by code that has changed since.

A result is current when nothing that makes corpora or scores them (the package, its catalogs and
prompts, the evaluation configs, and the scripts its commands name) changed between the commit it
records and HEAD. A Python file whose change touches only comments, docstrings or formatting (the
same syntax tree) does not count.
    .venv/bin/python evaluations/stale.py [--strict]    # --strict: exit 1 if any result is stale
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "evaluations" / "results"
# what every result depends on, besides the scripts its commands name
CODE = ["dialoguesynth", "personas", "contexts", "evaluations/configs", "pyproject.toml"]


def _recorded(folder: Path) -> tuple[set[str], set[str]]:
    """(commits, evaluation scripts) a result folder's JSON records (provenance.json, results.json, ...)."""
    found, scripts = set(), set()
    for f in [folder] if folder.is_file() else folder.rglob("*.json"):
        try:
            data = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        stack = [data]
        while stack:
            x = stack.pop()
            if isinstance(x, dict):
                if isinstance(x.get("commit"), str) and len(x["commit"]) == 40:
                    found.add(x["commit"])
                if isinstance(x.get("command"), str):
                    scripts |= {f"evaluations/{m}" for m in re.findall(r"(\w+\.py)\b", x["command"])}
                stack.extend(x.values())
            elif isinstance(x, list):
                stack.extend(x)
    return found, {s for s in scripts if (ROOT / s).is_file()}


def _changed(commit: str, paths: list[str]) -> list[str] | None:
    """Files of paths changed from commit to HEAD; None when the commit is unknown here."""
    r = subprocess.run(
        ["git", "diff", "--name-only", commit, "HEAD", "--", *paths], cwd=ROOT, capture_output=True, text=True
    )
    if r.returncode != 0:
        return None
    return [f for f in r.stdout.split() if not (f.endswith(".py") and _same_code(commit, f))]


def _same_code(commit: str, path: str) -> bool:
    """The file's syntax tree, docstrings aside, is the same at commit and HEAD (comments and
    formatting are not in the tree)."""
    trees = []
    for rev in (commit, "HEAD"):
        r = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            return False  # added or removed
        try:
            trees.append(_code(r.stdout))
        except SyntaxError:
            return False
    return trees[0] == trees[1]


def _code(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def status(folder: Path) -> tuple[str, str]:
    commits, scripts = _recorded(folder)
    if not commits:
        return "unknown", "records no commit"
    changed = set()
    for c in commits:
        files = _changed(c, CODE + sorted(scripts))
        if files is None:
            return "unknown", f"commit {c[:7]} is not in this repository"
        changed.update(files)
    at = ", ".join(sorted(c[:7] for c in commits))
    if not changed:
        return "current", f"made at {at}"
    shown = ", ".join(sorted(changed)[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return "stale", f"made at {at}; changed since: {shown}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--strict", action="store_true", help="exit 1 if any result is stale or records no commit")
    args = ap.parse_args()
    rows = [(p.name, *status(p)) for p in sorted(RESULTS.iterdir()) if not p.name.startswith(".")]
    width = max(len(n) for n, _, _ in rows)
    for name, state, why in rows:
        print(f"{name:<{width}}  {state:<8} {why}")
    if args.strict and any(state != "current" for _, state, _ in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
