"""Shared fixtures. Tiers: unit tests use stand-in models; tests marked ``integration`` run the real ones."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pipeline.transcribe import TranscribeOptions
from pipeline.types import SAMPLE_RATE, Audio, Diarization, Segment, SpeakerTurn, Transcript, Word

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_calls"
SHARED = ROOT.parent / "shared" / "data" / "real"
EVAL_CALLS = ROOT / "eval_calls"
TEST_CALLS = ROOT / "test_calls"


def tone(seconds: float, freq: float = 220.0, amp: float = 0.3, rate: int = SAMPLE_RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * math.pi * freq * t)).astype(np.float32)


def energy_regions(x: np.ndarray, frame_s: float = 0.05, threshold: float = 0.01) -> list[tuple[float, float]]:
    """Loud stretches of a signal: what the stand-in diarizer calls speech."""
    n = int(frame_s * SAMPLE_RATE)
    frames = len(x) // n
    loud = [float(np.sqrt(np.mean(x[i * n:(i + 1) * n] ** 2))) > threshold for i in range(frames)]
    out, start = [], None
    for i, on in enumerate(loud + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            out.append((start * frame_s, i * frame_s))
            start = None
    return out


class FakeDiarizer:
    """Stand-in: loud stretches alternate between two speakers."""

    def diarize(self, audio: Audio, num_speakers=2, max_speakers=4) -> Diarization:
        regions = energy_regions(audio.mono())
        turns = tuple(SpeakerTurn(s, e, f"SPEAKER_0{i % 2}") for i, (s, e) in enumerate(regions))
        return Diarization(turns, "fake")


class FakeChannelDiarizer:
    def diarize(self, audio: Audio) -> Diarization:
        turns = []
        for ch in range(audio.channels):
            turns += [SpeakerTurn(s, e, f"CH{ch}") for s, e in energy_regions(audio.samples[ch])]
        turns.sort(key=lambda t: t.start)
        return Diarization(tuple(turns), "fake-channels", channel_of={f"CH{c}": c for c in range(audio.channels)})


class FakeTranscriber:
    """Stand-in: one word per 0.5 s of every loud stretch; the first stretch introduces a rep."""

    engine = "fake"
    model_name = "fake"

    SCRIPT = "hi this is Dana from Acme how are you today what do you use now".split()

    def __init__(self, script: list[str] | None = None):
        self.options = TranscribeOptions(model="fake")
        self.calls = 0
        self.script = script or self.SCRIPT

    def transcribe(self, samples: np.ndarray, clips=None, options=None) -> Transcript:
        self.calls += 1
        script = self.script
        segments = []
        k = 0
        for s, e in energy_regions(samples):
            words = []
            t = s
            while t + 0.4 <= e:
                words.append(Word(t, t + 0.4, " " + script[k % len(script)]))
                k += 1
                t += 0.5
            if words:
                segments.append(Segment(words[0].start, words[-1].end, "".join(w.text for w in words).strip(),
                                        tuple(words)))
        return Transcript(tuple(segments), "en", self.engine, self.model_name, {})


@pytest.fixture(autouse=True)
def _files_settle_at_once(monkeypatch):
    """Test recordings are written a moment before the batch runs: don't wait for them to "finish copying"
    (the tests of that waiting pass ``settle_s`` themselves)."""
    import pipeline.batch

    monkeypatch.setattr(pipeline.batch, "SETTLE_S", 0.0)


@pytest.fixture
def fake_engines():
    from pipeline.engines import Engines, RunOptions

    return Engines(RunOptions(transcribe=TranscribeOptions(model="fake")), transcriber=FakeTranscriber(),
                   diarizer=FakeDiarizer(), channel_diarizer=FakeChannelDiarizer())


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(reason=f"reference data missing: {path} (expected beside the project in ../shared)")
    return path


# --- the real models, loaded once per test session (integration tier) ---------------------------------------

@pytest.fixture(scope="session")
def base_engines():
    from pipeline.engines import Engines, RunOptions

    return Engines(RunOptions(redact="none"))  # words as transcribed: redaction has its own tests (test_redact.py)


@pytest.fixture(scope="session")
def eval_run(base_engines, tmp_path_factory):
    """The real pipeline over every corpus once: rows by file, and the output folder (reports included)."""
    from pipeline.evaluate import default_corpora, evaluate

    corpora = default_corpora()
    for c in corpora:
        need(c)
    out = tmp_path_factory.mktemp("eval")
    rows = evaluate(corpora, base_engines, out)
    for r in rows:
        print(r)
    assert not [r for r in rows if r.error], [r.error for r in rows if r.error]
    return {r.file: r for r in rows}, out
