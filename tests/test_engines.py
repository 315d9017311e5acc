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


class StandInBatched:
    """faster-whisper's batched pipeline: one segment per clip, the clip's offset as its seek; a clip starting
    at ``loop_at`` (on the clock of the audio it is given) loops (compression ratio 3), one at ``silent_at`` is
    unsure silence."""

    def __init__(self, loop_at=None, silent_at=None):
        self.calls = []
        self.model = SimpleNamespace(frames_per_second=100)
        self.loop_at, self.silent_at = loop_at, silent_at

    def transcribe(self, samples, **kwargs):
        self.calls.append((len(samples) / SAMPLE_RATE, kwargs))
        # faster-whisper logs the audio less the clips' total and asserts it is not negative
        assert len(samples) / SAMPLE_RATE >= sum(c["end"] - c["start"] for c in kwargs["clip_timestamps"])
        out = []
        for c in kwargs["clip_timestamps"]:
            s = int(c["start"] * SAMPLE_RATE) / SAMPLE_RATE
            w = SimpleNamespace(start=s + 0.1, end=s + 0.5, word=" b", probability=0.9)
            bad, silent = self.loop_at is not None and abs(c["start"] - self.loop_at) < 1e-6, \
                self.silent_at is not None and abs(c["start"] - self.silent_at) < 1e-6
            out.append(SimpleNamespace(seek=int(s * 100), text=" b", words=[w], temperature=0.0,
                                       avg_logprob=-2.0 if silent else -0.2, no_speech_prob=0.9 if silent else 0.1,
                                       compression_ratio=3.0 if bad else 1.2))
        return iter(out), None


def test_options_follow_the_openai_adapters():
    model = StandInModel()
    t = FasterWhisperTranscriber(TranscribeOptions(model="base"), model=model)
    out = t.transcribe(np.zeros(5 * SAMPLE_RATE, np.float32))
    kw = model.calls[0][1]
    assert kw["word_timestamps"] and kw["vad_filter"] is False and kw["beam_size"] == 1
    assert kw["condition_on_previous_text"] is False
    assert [w.text for w in out.words] == [" w0", " w1", " w2", " w3", " w4"] and out.engine == "faster-whisper"


def test_clips_are_decoded_batched_and_a_failed_window_again_with_the_fallback():
    model, batched = StandInModel(), StandInBatched(loop_at=10.0, silent_at=19.0)  # on the slice's clock
    t = FasterWhisperTranscriber(TranscribeOptions(model="base"), model=model, batched=batched)
    x = np.zeros(40 * SAMPLE_RATE, np.float32)
    out = t.transcribe(x, clips=[(20.0, 22.0), (1.0, 3.0), (11.0, 13.0)])
    assert len(batched.calls) == 1
    kw = batched.calls[0][1]
    assert kw["word_timestamps"] and kw["without_timestamps"] and kw["vad_filter"] is False
    assert [c["start"] for c in kw["clip_timestamps"]] == [0.0, 10.0, 19.0]  # on the clock of the slice from 1 s
    # the looping window (11-13 s) is decoded again on its own, with the temperature fallback; silence dropped
    assert len(model.calls) == 1 and model.calls[0][0] == 2.0 and "temperature" not in model.calls[0][1]
    assert [(w.text, round(w.start, 1)) for w in out.words] == [(" b", 1.1), (" w0", 11.0), (" w1", 12.0)]
    # without the fallback (the recovery pass), the greedy result stands
    model2, batched2 = StandInModel(), StandInBatched(loop_at=0.0)
    t2 = FasterWhisperTranscriber(TranscribeOptions(model="base"), model=model2, batched=batched2)
    got = t2.transcribe(x, clips=[(1.0, 3.0)], options=TranscribeOptions(model="base", temperature_fallback=False))
    assert model2.calls == [] and [w.text for w in got.words] == [" b"]


def test_many_clips_are_decoded_in_groups_of_bounded_audio():
    from pipeline.transcribe.faster_engine import GROUP

    batched = StandInBatched()
    t = FasterWhisperTranscriber(TranscribeOptions(model="base"), model=StandInModel(), batched=batched)
    clips = [(30.0 * i, 30.0 * i + 20.0) for i in range(GROUP + 5)]
    out = t.transcribe(np.zeros(int(clips[-1][1] + 1) * SAMPLE_RATE, np.float32), clips=clips)
    assert len(batched.calls) == 2 and all(d <= GROUP * 30.0 for d, _ in batched.calls)
    assert len(out.words) == len(clips) and abs(out.words[-1].start - (clips[-1][0] + 0.1)) < 1e-3


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


def test_a_prompt_not_carried_goes_before_the_first_window_only():
    batched = StandInBatched()
    t = FasterWhisperTranscriber(TranscribeOptions(model="base"), model=StandInModel(), batched=batched)
    x = np.zeros(40 * SAMPLE_RATE, np.float32)
    clips = [(1.0, 3.0), (5.0, 7.0), (9.0, 11.0)]
    t.transcribe(x, clips=clips, options=TranscribeOptions(model="base", initial_prompt="Um."))
    assert [(len(kw["clip_timestamps"]), kw["initial_prompt"]) for _, kw in batched.calls] == [(1, "Um."), (2, None)]
    carried = StandInBatched()
    t = FasterWhisperTranscriber(TranscribeOptions(model="base"), model=StandInModel(), batched=carried)
    t.transcribe(x, clips=clips, options=TranscribeOptions(model="base", initial_prompt="Um.", carry_initial_prompt=True))
    assert [(len(kw["clip_timestamps"]), kw["initial_prompt"]) for _, kw in carried.calls] == [(3, "Um.")]


def test_overlapping_clips_are_decoded_each_on_its_own():
    batched = StandInBatched()
    t = FasterWhisperTranscriber(TranscribeOptions(model="base"), model=StandInModel(), batched=batched)
    out = t.transcribe(np.zeros(10 * SAMPLE_RATE, np.float32), clips=[(0.0, 2.0), (1.5, 3.0), (2.5, 3.5)])
    assert len(out.words) == 3 and [round(w.start, 1) for w in out.words] == [0.1, 1.6, 2.6]
