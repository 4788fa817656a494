"""Rich progress bars per stage, with ETA and tokens/s."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class StageProgress:
    """Context manager; ``update(stage, done, total, tps)`` is the StageRunner callback."""

    def __init__(self, console: Console | None = None, enabled: bool = True):
        self.progress = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[tps]}"),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self.tasks: dict[str, int] = {}
        self.offsets: dict[str, tuple[int, int]] = {}  # stage → (done, total) of finished calls
        self.current: dict[str, tuple[int, int]] = {}

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def add(self, name: str, total: int) -> None:
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(name, total=total, tps="")
        else:
            self.progress.update(self.tasks[name], total=total)

    def advance(self, name: str, n: int = 1) -> None:
        self.progress.advance(self.tasks[name], n)

    def update(self, stage: str, done: int, total: int, tps: float) -> None:
        prev_done, prev_total = self.offsets.get(stage, (0, 0))
        cur_done, cur_total = self.current.get(stage, (0, 0))
        if done < cur_done:  # a new engine call for this stage began: bank the last one
            prev_done, prev_total = prev_done + cur_done, prev_total + cur_total
            self.offsets[stage] = (prev_done, prev_total)
        self.current[stage] = (done, total)
        self.add(stage, prev_total + total)
        # tps < 0 means "no new measurement": keep the rate shown
        fields = {} if tps < 0 else {"tps": f"{tps:,.0f} tok/s" if tps > 0 else ""}
        self.progress.update(self.tasks[stage], completed=prev_done + done, **fields)
