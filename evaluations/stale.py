"""Which published results were made by the code on HEAD, and which by code that has changed since.

A result depends on what its recorded commands run: the evaluation scripts they name and every
module those import (followed through the package), the data files those modules read (catalogs,
prompts, the reference pool), the configs the commands name, and `pyproject.toml`. A result that
runs the `dialoguesynth` command depends on the CLI and all it imports; one that holds a corpus's
run summary depends on the generator (the pipeline and all it imports, and the CLI's own file).
Commits are read from every 40-hex value a result's JSON records (`commit`, `generated_at`, ...), but
not from an arm that records the `tree` it ran (a checkout of other code, measured as a baseline);
a JSON file that records its command is judged by that command's dependencies, so a corpus generated
at one commit and scored at another is judged from each: the generation commit by the generator, the
scoring commit by the scoring script. A result is current when none of that changed between the
commits it records and HEAD. A Python file whose change touches only comments, docstrings or
formatting (the same syntax tree) does not count.
    .venv/bin/python evaluations/stale.py [--strict]    # --strict: exit 1 if any result is stale
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "evaluations" / "results"
PACKAGE = "dialoguesynth"
CLI = f"{PACKAGE}/cli.py"
GENERATOR = f"{PACKAGE}/pipeline.py"
_SHA = re.compile(r"[0-9a-f]{40}")
# data files and the module that reads them (tests check every data file has a reader here)
DATA = {
    f"{PACKAGE}/catalogs.py": ["personas", "contexts"],
    f"{PACKAGE}/prompts/__init__.py": [f"{PACKAGE}/prompts"],
    f"{PACKAGE}/config.py": [f"{PACKAGE}/reference"],
    f"{PACKAGE}/view.py": [f"{PACKAGE}/view.html"],
}
_CORPUS_SUMMARY = re.compile(r"(^run_summary|-summary)\.json$")
# "dialoguesynth" / "dialoguesynth.cli" / ".venv/bin/dialoguesynth" in an argv
_RUNS_CLI = re.compile(rf"[\"'/]{PACKAGE}(\.cli)?[\"']")
_CLI_COMMAND = re.compile(rf"(^|[\s/]){PACKAGE}\s|-m {PACKAGE}\b")


def _module_file(name: str, search: Path) -> str | None:
    """The repository path of a dotted module name under search (a package's __init__.py or a .py)."""
    base = search / name.replace(".", "/")
    for f in (base.with_suffix(".py"), base / "__init__.py"):
        if f.is_file():
            return f.relative_to(ROOT).as_posix()
    return None


def _import_names(nodes, pkg: str, here: Path) -> list[tuple[str, Path, list[str]]]:
    """(module name, where to look it up, names imported from it) of the import statements in nodes."""
    out = []
    for node in nodes:
        if isinstance(node, ast.Import):
            out += [(a.name, ROOT if a.name.split(".")[0] == PACKAGE else here, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                mod, search = ".".join(p for p in [*parts, node.module or ""] if p), ROOT
            else:
                mod = node.module or ""
                search = ROOT if mod.split(".")[0] == PACKAGE else here
            out.append((mod, search, [a.name for a in node.names]))
    return out


@cache  # every result walks the same modules: parse each once
def _imports(path: str, lazy: bool = False) -> frozenset[str]:
    """Repository files the module at path imports: package modules (absolute or relative, with the
    packages they sit in) and, for an evaluation script, its sibling scripts. A package's lazy
    attributes (PEP 562 ``__getattr__``) load only when named: ``lazy`` gives those imports instead."""
    file = ROOT / path
    pkg = ".".join(Path(path).with_suffix("").parts[:-1]) if path.startswith(PACKAGE) else ""
    tree = ast.parse(file.read_text())
    getattr_nodes = {
        id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name == "__getattr__" for n in ast.walk(f)
    }
    nodes = [n for n in ast.walk(tree) if (id(n) in getattr_nodes) == lazy]
    found: set[str] = set()
    for mod, search, names in _import_names(nodes, pkg, file.parent):
        parts = mod.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
            if f := _module_file(".".join(parts[:i]), search):
                found.add(f)
        for name in names:  # 'from . import x' may name a module; 'from pkg import X' a lazy attribute
            if f := _module_file(f"{mod}.{name}", search):
                found.add(f)
            elif (init := _module_file(mod, search)) and init.endswith("__init__.py"):
                found |= _imports(init, lazy=True)
    return frozenset(found)


def closure(files: set[str]) -> set[str]:
    """Files plus every repository module they import, transitively, plus the data those read."""
    seen, todo = set(), list(files)
    while todo:
        f = todo.pop()
        if f in seen or not (ROOT / f).is_file():
            continue
        seen.add(f)
        if f.endswith(".py"):
            todo.extend(_imports(f) - seen)
    return seen | {d for f in seen for d in DATA.get(f, [])}


def dependencies(folder: Path) -> tuple[set[str], list[str]]:
    """(commits, repository paths the result depends on) from what its JSON records."""
    commits, commands, corpus = _recorded(folder)
    return commits, _deps(commands, corpus)


def _deps(commands: set[str], corpus: bool) -> list[str]:
    """Repository paths that commands (and, for a corpus, the generator) depend on."""
    roots = {"pyproject.toml"}
    for c in commands:
        roots |= {f"evaluations/{m}" for m in re.findall(r"(\w+\.py)\b", c) if (ROOT / "evaluations" / m).is_file()}
        roots |= {t for t in re.findall(r"(\S+\.ya?ml)\b", c) if (ROOT / t).is_file()}
        if _CLI_COMMAND.search(c):
            roots.add(CLI)
    # a script that runs the CLI in a child process (chaos.py, bench_throughput.py) imports none of it
    if any(_RUNS_CLI.search((ROOT / r).read_text()) for r in roots if r.endswith(".py")):
        roots.add(CLI)
    deps = closure(roots)
    if corpus:
        deps |= closure({GENERATOR}) | {CLI}
    return sorted(deps)


def _recorded(folder: Path) -> tuple[set[str], set[str], bool]:
    """(commits, commands, holds a corpus run summary) of a result folder's JSON files."""
    return _union(_recorded_by_file(folder))


def _union(files: list[tuple[set[str], set[str], bool]]) -> tuple[set[str], set[str], bool]:
    """What several files record, together: (commits, commands, any of them a corpus run summary)."""
    return (
        {c for found, _, _ in files for c in found},
        {c for _, cmds, _ in files for c in cmds},
        any(summary for _, _, summary in files),
    )


def _recorded_by_file(folder: Path) -> list[tuple[set[str], set[str], bool]]:
    """(commits, commands, is a corpus run summary) of each JSON file of a result folder."""
    out = []
    for f in [folder] if folder.is_file() else sorted(folder.rglob("*.json")):
        try:
            data = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        found, commands, stack = set(), set(), [data]
        while stack:
            x = stack.pop()
            if isinstance(x, dict) and "tree" in x:
                continue  # an arm that ran another checkout's code (a baseline): what was measured, not what made it
            if isinstance(x, dict):
                found |= {v for v in x.values() if isinstance(v, str) and _SHA.fullmatch(v)}
                if isinstance(x.get("command"), str):
                    commands.add(x["command"])
                stack.extend(x.values())
            elif isinstance(x, list):
                stack.extend(x)
        out.append((found, commands, bool(_CORPUS_SUMMARY.search(f.name))))
    return out


def _changed(commit: str, paths: list[str]) -> list[str] | None:
    """Files of paths changed from commit to HEAD; None when the commit is unknown here. A file added
    since the commit is not counted: what was made at that commit cannot have used it (a result whose
    parts were made at several commits names a later script for a later part)."""
    r = subprocess.run(
        ["git", "diff", "--name-only", "--diff-filter=a", commit, "HEAD", "--", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        return None
    return [f for f in r.stdout.split() if not (f.endswith((".py", ".yaml", ".yml")) and _same_code(commit, f))]


def _same_code(commit: str, path: str) -> bool:
    """The file's syntax tree, docstrings aside (Python), or its parsed data (YAML), is the same at
    commit and HEAD: comments and formatting are in neither."""
    trees = []
    for rev in (commit, "HEAD"):
        r = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            return False  # added or removed
        try:
            trees.append(_parsed(path, r.stdout))
        except (SyntaxError, yaml.YAMLError):
            return False
    return trees[0] == trees[1]


def _parsed(path: str, source: str):
    """What a file means to the code that reads it: a Python syntax tree or YAML data."""
    return _code(source) if path.endswith(".py") else yaml.safe_load(source)


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
    """A file that records both its commit(s) and its command is judged by that command's dependencies
    (a corpus generated at one commit by `dialoguesynth generate` is not stale because a scoring script
    changed before it was scored); a file that records commits and no command, by the whole folder's."""
    files = _recorded_by_file(folder)
    commits, commands, corpus = _union(files)
    if not commits:
        return "unknown", "records no commit"
    # the generator counts for every commit unless a file that ran the CLI records its own
    generated = any(found and any(_CLI_COMMAND.search(c) for c in cmds) for found, cmds, _ in files)
    folder_deps = _deps(commands, corpus)
    changed = set()
    for found, cmds, _ in files:
        deps = _deps(cmds, corpus and not generated) if cmds else folder_deps
        for c in found:
            changed_files = _changed(c, deps)
            if changed_files is None:
                return "unknown", f"commit {c[:7]} is not in this repository"
            changed.update(changed_files)
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
