"""The ``Executor`` protocol and the executor that runs every call in this process.

The CLI's flags choose the executor (``--jobs``: ``pipeline.batch.jobs``, ``--ray``: ``pipeline.cluster``) and
``run_batch`` drives it; an executor only analyses what the batch claims, the batch records the outcomes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from . import Batch, CallResult, Progress


class Executor(Protocol):
    """Where a batch's claimed calls are analysed: in this process (``LocalExecutor``), in ``--jobs`` processes
    (``pipeline.batch.jobs.JobsExecutor``) or on a Ray cluster (``pipeline.cluster.RayExecutor``).
    ``run_batch`` opens it before anything is written, calls ``work`` after each scan of the inbox and closes
    it at the end, also when the run failed."""

    label: str  # the command the catalog records for the run

    def open(self) -> None:
        """Fail now (an optional extra missing) rather than after the batch has written anything."""

    def work(self, batch: Batch, progress: Progress | None, force: bool) -> list[CallResult]:
        """Process ``batch``'s queued calls until none is left; each one's outcome."""

    def close(self) -> None:
        """Stop what it started (processes, actors)."""


class LocalExecutor:
    """Every call in this process, one at a time (``run`` without ``--jobs`` or ``--ray``)."""

    label = "run"

    def open(self) -> None:
        pass

    def work(self, batch: Batch, progress: Progress | None = None, force: bool = False) -> list[CallResult]:
        return batch.work(progress, force)

    def close(self) -> None:
        pass
