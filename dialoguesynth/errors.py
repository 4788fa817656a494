"""User-facing errors: one line, says what to fix. The CLI prints them without a traceback."""


class DialoguesynthError(Exception):
    """Base class for errors that are the user's to fix (bad config, missing file, ...)."""


class ConfigError(DialoguesynthError):
    """The config or a catalog is invalid."""


class ModelError(DialoguesynthError):
    """The model could not be found, converted or loaded."""


class RunError(DialoguesynthError):
    """The run directory or a run's state is unusable."""
