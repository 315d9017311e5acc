"""Our own exceptions. The CLI turns each into one stderr line and a non-zero exit."""


class CallReviewError(Exception):
    """Base class: the message is a complete, one-line explanation with what to do."""


class ModelError(CallReviewError):
    """A model is missing, corrupt or unknown. The message names the package to install."""


class AudioError(CallReviewError):
    """A recording could not be decoded, or holds no usable audio."""


class ConfigError(CallReviewError):
    """Bad options or a bad sidecar/override file."""
