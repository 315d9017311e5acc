"""Our own exceptions. The CLI turns each into one stderr line and a non-zero exit."""


class CallReviewError(Exception):
    """Base class: the message is a complete, one-line explanation with what to do."""


class ModelError(CallReviewError):
    """A model is missing, corrupt or unknown. The message names the package to install."""


class AudioError(CallReviewError):
    """A recording could not be decoded, or holds no usable audio."""


class ConfigError(CallReviewError):
    """Bad options or a bad sidecar/override file."""


class StorageError(CallReviewError):
    """The output folder cannot be written (disk full, read-only) or its catalog is damaged: every later call
    would fail the same way, so the command ends with this one line, naming the fix."""


def disk_full_message(out: object, detail: str) -> str:
    return (f"the disk holding {out} is full ({detail}); free space, then `callreview retry {out}` and run again: "
            "nothing finished is lost")


def storage_message(e: OSError, out: object) -> str:
    """One line for a file-system error met while writing under ``out``: the problem and what to do."""
    import errno

    where = e.filename or out
    if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return disk_full_message(out, f"writing {where}: {e.strerror}")
    if e.errno == errno.EROFS:
        return f"{out} is on a read-only file system (writing {where}); choose an --out on a writable disk"
    if e.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied writing {where}; choose an --out you may write to"
    return f"cannot write {where}: {e.strerror or e}"
