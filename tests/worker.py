"""A batch worker with stand-in models, run as its own process by the catalog tests (kill -9, concurrency).

    python -m tests.worker INBOX OUT DELAY_S

Prints one JSON line: the recordings this process analysed.
"""

from __future__ import annotations

import json
import sys
import time

from pipeline.batch import run_batch
from pipeline.engines import Engines, RunOptions
from pipeline.transcribe import TranscribeOptions

from .conftest import FakeChannelDiarizer, FakeDiarizer, FakeTranscriber


class SlowTranscriber(FakeTranscriber):
    """The stand-in, taking ``delay`` seconds a call: long enough to be killed in the middle of one."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay

    def transcribe(self, samples, clips=None, options=None):
        time.sleep(self.delay)
        return super().transcribe(samples, clips, options)


def fake_engines(options: RunOptions) -> Engines:
    """Stand-in models for the extra processes of ``run_batch(jobs=N)`` in tests (picklable: module level)."""
    return Engines(options, SlowTranscriber(0.3), FakeDiarizer(), FakeChannelDiarizer())


POISON_PEAK = 0.9  # a recording this loud kills the process that transcribes it (the stand-in calls peak at 0.3)


class PoisonTranscriber(FakeTranscriber):
    """The stand-in, except that one recording makes its process die (as a segfault or the OOM killer would)."""

    def transcribe(self, samples, clips=None, options=None):
        if len(samples) and float(abs(samples).max()) >= POISON_PEAK:
            import os

            os._exit(1)
        return super().transcribe(samples, clips, options)


def poison_engines(options: RunOptions) -> Engines:
    """Stand-in models for Ray workers in tests: every call works except one as loud as ``POISON_PEAK``."""
    return Engines(options, PoisonTranscriber(), FakeDiarizer(), FakeChannelDiarizer())


class DyingTranscriber(FakeTranscriber):
    def transcribe(self, samples, clips=None, options=None):
        import os

        os._exit(1)


def dying_engines(options: RunOptions) -> Engines:
    """Stand-in models whose process dies on its first call (a --jobs worker killed mid-call)."""
    return Engines(options, DyingTranscriber(), FakeDiarizer(), FakeChannelDiarizer())


def main() -> None:
    inbox, out, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])
    options = RunOptions(transcribe=TranscribeOptions(model="fake"), verbatim_rep=False)
    engines = Engines(options, SlowTranscriber(delay), FakeDiarizer(), FakeChannelDiarizer())
    results = run_batch(inbox, out, options, engines=engines, settle_s=0.0)
    print(json.dumps([r.source for r in results if r.status == "done"]))


if __name__ == "__main__":
    main()
