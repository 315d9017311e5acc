"""The faster-whisper adapter's logic with a stand-in model: options, word times, the carried prompt."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from pipeline.transcribe import TranscribeOptions, load_transcriber
from pipeline.transcribe import pieces as _pieces
from pipeline.transcribe.faster_engine import FasterWhisperTranscriber
from pipeline.types import SAMPLE_RATE


class StandInModel:
    """Records each decode and answers with one word a second."""

    def __init__(self):
        self.calls = []

    def transcribe(self, samples, **kwargs):
        self.calls.append((len(samples) / SAMPLE_RATE, kwargs))
        n = int(len(samples) / SAMPLE_RATE)
        words = [SimpleNamespace(start=float(i), end=i + 0.5, word=f" w{i}", probability=0.9) for i in range(n)]
        return iter([SimpleNamespace(text=" ".join(w.word for w in words), words=words)]), None


def test_options_follow_the_openai_adapters():
    model = StandInModel()
    t = FasterWhisperTranscriber(TranscribeOptions(model="base"), model=model)
    out = t.transcribe(np.zeros(5 * SAMPLE_RATE, np.float32), clips=[(1.0, 3.0)])
    kw = model.calls[0][1]
    assert kw["word_timestamps"] and kw["vad_filter"] is False and kw["beam_size"] == 1
    assert kw["condition_on_previous_text"] is False and kw["clip_timestamps"] == [1.0, 3.0]
    assert [w.text for w in out.words] == [" w0", " w1", " w2", " w3", " w4"] and out.engine == "faster-whisper"


def test_a_carried_prompt_is_given_to_every_window():
    model = StandInModel()
    t = FasterWhisperTranscriber(TranscribeOptions(model="base"), model=model)
    x = (0.1 * np.random.default_rng(0).standard_normal(75 * SAMPLE_RATE)).astype(np.float32)
    x[29 * SAMPLE_RATE:int(29.5 * SAMPLE_RATE)] = 0.0  # a pause near the first window's end
    out = t.transcribe(x, options=TranscribeOptions(model="base", initial_prompt="Um, uh.", carry_initial_prompt=True))
    assert len(model.calls) == 3 and all(kw["initial_prompt"] == "Um, uh." for _, kw in model.calls)
    assert all(d <= 30.0 for d, _ in model.calls)
    starts = [w.start for w in out.words]
    assert starts == sorted(starts) and starts[-1] > 70  # times are in the whole stream's clock


def test_pieces_cut_at_the_quietest_moment():
    x = np.ones(70 * SAMPLE_RATE, np.float32)
    x[int(27.0 * SAMPLE_RATE):int(27.3 * SAMPLE_RATE)] = 0.0
    pieces = _pieces(x)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(x)
    assert all(b - a <= 30 * SAMPLE_RATE for a, b in pieces)
    assert 27.0 <= pieces[0][1] / SAMPLE_RATE <= 27.3
    assert all(pieces[i][1] == pieces[i + 1][0] for i in range(len(pieces) - 1))


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine"):
        load_transcriber(TranscribeOptions(), "whisper.cpp")


def test_long_audio_is_decoded_in_bounded_pieces():
    model = StandInModel()
    t = FasterWhisperTranscriber(TranscribeOptions(model="base"), model=model)
    x = (0.1 * np.random.default_rng(1).standard_normal(700 * SAMPLE_RATE)).astype(np.float32)
    out = t.transcribe(x)
    assert len(model.calls) == 3 and all(d <= 300.0 for d, _ in model.calls)
    starts = [w.start for w in out.words]
    assert starts == sorted(starts) and starts[-1] > 690  # one clock for the whole call
