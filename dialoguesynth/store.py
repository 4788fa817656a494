"""The run directory: config and its hash, append-only record and dead-letter files, a lock.

Records are appended per batch (one write, then fsync), keyed by spec id, so a rerun of the same
command resumes: finished ids are skipped. A torn last line from a crash is set aside, not trusted.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import yaml
from pydantic import BaseModel

from .config import Config, config_changes, config_hash
from .errors import RunError
from .spec import Record, Rejected


def read_rows(path: Path, model: type[BaseModel]) -> tuple[list, int]:
    """The rows of a jsonl file of ``model`` records, and how many lines could not be read (a torn
    last line after a kill, a foreign line); a missing file has none."""
    if not path.exists():
        return [], 0
    rows, bad = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            rows.append(model.model_validate_json(line))
        except ValueError:
            bad += 1
    return rows, bad


class RunStore:
    def __init__(self, output_dir: str | Path):
        self.out = Path(output_dir)
        self.dir = self.out / "run"
        self.records_path = self.dir / "records.jsonl"
        self.rejected_path = self.dir / "rejected.jsonl"
        self.lock_path = self.dir / "lock"
        self.warnings: list[str] = []

    # -- lifecycle ---------------------------------------------------------------------------
    def open(self, cfg: Config, fresh: bool = False) -> RunStore:
        """Create or resume the run dir; refuse a different config unless ``fresh``."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            probe = self.dir / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise RunError(f"cannot write to output dir {self.out}: {exc.strerror or exc}") from None
        self._lock()
        h = config_hash(cfg)
        hash_file = self.dir / "config.hash"
        if hash_file.exists() and hash_file.read_text().strip() != h and not fresh:
            self._same_config(cfg)
        if fresh:
            for p in (self.records_path, self.rejected_path, self.dir / "taxonomy.json", self.dir / "time.json"):
                p.unlink(missing_ok=True)
        self._atomic_write("config.yaml", yaml.safe_dump(json.loads(cfg.model_dump_json()), sort_keys=False))
        self._atomic_write("config.hash", h + "\n")
        return self

    def _same_config(self, cfg: Config) -> None:
        """The hash differs: refuse, naming the keys, unless only keys a dialoguesynth upgrade added
        (at their defaults) or removed tell the two configs apart."""
        try:
            stored = yaml.safe_load((self.dir / "config.yaml").read_text()) or {}
        except (OSError, yaml.YAMLError):
            stored = {}
        differ, schema = config_changes(stored, cfg) if stored else (["(no readable run/config.yaml)"], [])
        if differ:
            self.release()
            shown = ", ".join(differ[:4]) + (f" and {len(differ) - 4} more" if len(differ) > 4 else "")
            raise RunError(
                f"{self.out} holds a run with a different config ({shown}); use another --output, "
                "or --fresh to discard it and start over"
            )
        if schema:
            self.warnings.append(
                "resuming a run made by another dialoguesynth version: config keys added or removed since "
                f"({', '.join(schema)}) keep their defaults"
            )

    def _lock(self) -> None:
        while True:
            try:
                fd = os.open(self.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                os.write(fd, str(os.getpid()).encode())
                os.close(fd)
                return
            except FileExistsError:
                try:
                    pid = int(self.lock_path.read_text().strip() or 0)
                except (OSError, ValueError):
                    pid = 0
                if pid and pid != os.getpid() and _alive(pid):
                    raise RunError(f"{self.out} is in use by another dialoguesynth process (pid {pid})") from None
                self.lock_path.unlink(missing_ok=True)  # stale: its process is gone

    def release(self) -> None:
        try:
            if self.lock_path.read_text().strip() == str(os.getpid()):
                self.lock_path.unlink()
        except OSError:
            pass

    # -- records -----------------------------------------------------------------------------
    def _read(self, path: Path, model, repair: bool = True):
        rows, bad = read_rows(path, model)
        if bad and not repair:  # a reader beside a live run must not rewrite its files
            self.warnings.append(f"{bad} unreadable line(s) in {path.name} skipped")
        elif bad:
            quarantine = path.with_suffix(path.suffix + ".corrupt")
            shutil.copyfile(path, quarantine)
            path.write_text("".join(r.model_dump_json() + "\n" for r in rows), encoding="utf-8")
            self.warnings.append(
                f"{bad} unreadable line(s) in {path.name} set aside in {quarantine.name}; those records are regenerated"
            )
        return rows

    def records(self, repair: bool = True) -> list[Record]:
        """Accepted records; ``repair``: set unreadable lines aside (writers only)."""
        return self._read(self.records_path, Record, repair)

    def rejected(self, repair: bool = True) -> list[Rejected]:
        return self._read(self.rejected_path, Rejected, repair)

    def append(self, records: list[Record], rejected: list[Rejected]) -> None:
        for path, rows in ((self.records_path, records), (self.rejected_path, rejected)):
            if not rows:
                continue
            data = "".join(r.model_dump_json() + "\n" for r in rows).encode()
            try:
                with path.open("ab") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
            except OSError as exc:
                raise RunError(
                    f"could not save results to {path}: {exc.strerror or exc}; "
                    "finished records so far are kept, rerun to resume"
                ) from None

    # -- small json side files ---------------------------------------------------------------
    def load_json(self, name: str):
        """The parsed file, or None when absent; a garbled file is set aside (with a warning) and None."""
        p = self.dir / name
        if not p.exists():
            return None
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            os.replace(p, p.with_suffix(p.suffix + ".corrupt"))
            self.warnings.append(f"{name} was unreadable; set aside as {name}.corrupt and rebuilt")
            return None

    def save_json(self, name: str, data) -> None:
        self._atomic_write(name, json.dumps(data, indent=2, ensure_ascii=False))

    def _atomic_write(self, name: str, text: str) -> None:
        """Temp file then rename: a kill leaves the old file or the new one, never half of one."""
        tmp = self.dir / (name + ".tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.dir / name)
        except OSError as exc:
            raise RunError(f"could not write {self.dir / name}: {exc.strerror or exc}") from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
