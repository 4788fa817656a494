"""dialoguesynth: realistic, diverse two-party dialogue corpora from local LLMs.

Public API::

    from dialoguesynth import Generator, load_config
    ds = Generator(load_config("config.yaml")).run("out/corpus")   # a datasets.Dataset
"""

from .config import Config, load_config
from .errors import ConfigError, DialoguesynthError, ModelError, RunError
from .spec import Context, ConversationSpec, Persona, Record, Rejected, Turn

__version__ = "0.1.0"


def __getattr__(name: str):
    # the pipeline pulls in datasets; keep `import dialoguesynth` light for config-only use
    if name == "Generator":
        from .pipeline import Generator

        return Generator
    raise AttributeError(name)


__all__ = [
    "Config",
    "ConfigError",
    "Context",
    "ConversationSpec",
    "DialoguesynthError",
    "Generator",
    "ModelError",
    "Persona",
    "Record",
    "Rejected",
    "RunError",
    "Turn",
    "load_config",
]
