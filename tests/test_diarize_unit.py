"""Diarization stage: unit tests with stand-in VAD/encoder/pipeline objects, plus two short real-model tests."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from pipeline.diarize import (
    ChannelDiarizer,
    ChannelOptions,
    Diarizer,
    EmbeddedDiarizer,
    EmbeddedOptions,
    PyannoteDiarizer,
    PyannoteUnavailable,
    channels_are_distinct,
    load_diarizer,
)
from pipeline.diarize._vad import FRAME, VadOptions, hysteresis
from pipeline.diarize.embedded import _finalise
from pipeline.errors import ConfigError, ModelError
from pipeline.types import SAMPLE_RATE, Audio, Diarization, SpeakerTurn

from .conftest import SHARED, need

SR = SAMPLE_RATE
F_S = FRAME / SR  # 32 ms, the VAD frame


# --------------------------------------------------------------------------- stand-ins

class EnergyVAD:
    """Stand-in for silero-vad: 'speech' wherever a 512-sample frame is louder than ``threshold_db`` dBFS."""

    def __init__(self, threshold_db: float = -50.0):
        self.threshold_db = threshold_db

    def probs(self, x: np.ndarray) -> np.ndarray:
        xs = np.atleast_2d(x).astype(np.float64)
        n = -(-xs.shape[1] // FRAME)
        pad = np.zeros((xs.shape[0], n * FRAME))
        pad[:, : xs.shape[1]] = xs
        db = 10 * np.log10((pad.reshape(xs.shape[0], n, FRAME) ** 2).mean(-1) + 1e-12)
        p = np.where(db > self.threshold_db, 0.95, 0.02).astype(np.float32)
        return p[0] if x.ndim == 1 else p


def mel_profile_encoder(mels):
    """Stand-in for resemblyzer: the L2-normalised mean log-mel profile (a tone's 'voice' is its pitch)."""
    import torch

    prof = torch.log(mels.mean(1) + 1e-6)
    prof = prof - prof.mean(1, keepdim=True)
    return torch.nn.functional.normalize(prof, dim=1)


def tone_at(n: int, spans: list[tuple[float, float]], freq: float, amp: float = 0.3) -> np.ndarray:
    t = np.arange(n) / SR
    x = np.zeros(n, np.float32)
    for s, e in spans:
        m = (t >= s) & (t < e)
        x[m] = amp * np.sin(2 * np.pi * freq * t[m])
    return x


def audio(*channels: np.ndarray) -> Audio:
    return Audio(np.stack(channels).astype(np.float32), SR, len(channels))


@pytest.fixture(scope="module")
def fake_embedded() -> EmbeddedDiarizer:
    return EmbeddedDiarizer(vad=EnergyVAD(), encoder=mel_profile_encoder)


# --------------------------------------------------------------------------- embedded diarizer (stand-ins)

@pytest.mark.parametrize("samples", [
    np.zeros(0, np.float32),  # empty
    np.zeros(10, np.float32),  # a few samples
    np.zeros(5 * SR, np.float32),  # digital silence
    (0.2 * np.random.default_rng(0).standard_normal(int(0.3 * SR))).astype(np.float32),  # a 0.3 s clip
    np.full(SR, np.nan, np.float32),  # garbage
])
def test_embedded_empty_inputs_give_empty_diarization(fake_embedded, samples):
    d = fake_embedded.diarize(Audio(samples[None], SR, 1))
    assert isinstance(d, Diarization)
    assert d.turns == () and d.speakers == ()
    assert d.method == "embedded:silero-vad+resemblyzer"
    assert d.options["num_speakers"] == 2 and "window_s" in d.options


def test_embedded_two_voices_labelled_by_first_appearance(fake_embedded):
    # "voice" B (1200 Hz) talks first, then A (300 Hz), then B again: B must be SPEAKER_00
    n = 14 * SR
    b = tone_at(n, [(0.5, 4.0), (9.5, 13.0)], 1200.0)
    a = tone_at(n, [(5.0, 8.5)], 300.0)
    d = fake_embedded.diarize(audio(a + b))
    assert d.speakers == ("SPEAKER_00", "SPEAKER_01")
    assert [t.speaker for t in d.turns] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00"]
    for turn, (s, e) in zip(d.turns, [(0.5, 4.0), (5.0, 8.5), (9.5, 13.0)]):
        assert abs(turn.start - s) < 0.1 and abs(turn.end - e) < 0.1
    assert d.options["estimated_speakers"] == 2


def test_embedded_estimates_three_voices(fake_embedded):
    n = 20 * SR
    x = (tone_at(n, [(0.5, 3.5), (12.5, 15.5)], 250.0) + tone_at(n, [(4.5, 7.5), (16.5, 19.5)], 900.0)
         + tone_at(n, [(8.5, 11.5)], 3000.0))
    d = fake_embedded.diarize(audio(x), num_speakers=None, max_speakers=4)
    assert len(d.speakers) == 3
    assert [t.speaker for t in d.turns] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_00", "SPEAKER_01"]


def test_embedded_bounded_clustering_assigns_the_rest():
    # more windows than max_cluster_windows: a sample is clustered, every window still gets a speaker
    diarizer = EmbeddedDiarizer(vad=EnergyVAD(), encoder=mel_profile_encoder, max_cluster_windows=12)
    spans_a = [(0.5 + 6 * i, 3.0 + 6 * i) for i in range(5)]
    spans_b = [(3.5 + 6 * i, 6.0 + 6 * i) for i in range(5)]
    n = 31 * SR
    d = diarizer.diarize(audio(tone_at(n, spans_a, 300.0) + tone_at(n, spans_b, 1500.0)))
    assert len(d.turns) == 10
    assert [t.speaker for t in d.turns] == ["SPEAKER_00", "SPEAKER_01"] * 5


def test_finalise_orders_labels_fills_pauses_and_bridges_interjections():
    raw = [(5.0, 6.0, 7), (0.0, 2.0, 3), (2.5, 4.0, 3), (4.0, 4.5, 7), (4.5, 8.0, 3)]
    turns = _finalise(raw, fill_gap_s=1.0, interjection_s=0.0, min_turn_s=0.0)
    # cluster 3 speaks first -> SPEAKER_00; its 0.5 s pause is filled; cluster 7's talk is kept apart
    assert turns[0] == SpeakerTurn(0.0, 4.0, "SPEAKER_00")
    assert {t.speaker for t in turns} == {"SPEAKER_00", "SPEAKER_01"}
    bridged = _finalise(raw, fill_gap_s=1.0, interjection_s=1.0, min_turn_s=0.0)
    # with interjection bridging, SPEAKER_00's turn runs on under the 0.5 s interjection -> overlap
    assert SpeakerTurn(0.0, 8.0, "SPEAKER_00") in bridged


def test_hysteresis_bridges_and_drops():
    p = np.zeros(100, np.float32)
    p[10:20] = 0.9  # 0.32 s
    p[21:30] = 0.9  # after a 1-frame (32 ms) dip: bridged
    p[50:52] = 0.9  # 64 ms: dropped
    regions = hysteresis(p, VadOptions(0.5, 0.35, min_speech_s=0.2, min_silence_s=0.1, pad_s=0.0), 100 * F_S)
    assert regions == [(10 * F_S, 30 * F_S)]


# --------------------------------------------------------------------------- channel diarizer

def test_channel_diarizer_exact_turns_with_overlap_and_bleed():
    n = 400 * FRAME  # 12.8 s
    f = lambda i: i * F_S  # noqa: E731  (frame-aligned times make the expected turns exact)
    ch0_spans = [(f(20), f(120)), (f(250), f(330))]
    ch1_spans = [(f(100), f(200)), (f(360), f(390))]  # overlaps ch0 on frames 100-120
    a0 = tone_at(n, ch0_spans, 220.0)
    a1 = tone_at(n, ch1_spans, 330.0)
    bleed = 10 ** (-30 / 20)  # each line faintly hears the other (30 dB down): above the stand-in VAD threshold
    x = audio(a0 + bleed * a1, a1 + bleed * a0)
    opts = ChannelOptions(vad_pad_s=0.0, fill_gap_s=0.0)
    d = ChannelDiarizer(opts, vad=EnergyVAD(threshold_db=-60)).diarize(x)
    expected = sorted([SpeakerTurn(round(s, 3), round(e, 3), "CH0") for s, e in ch0_spans]
                      + [SpeakerTurn(round(s, 3), round(e, 3), "CH1") for s, e in ch1_spans],
                      key=lambda t: t.start)
    assert list(d.turns) == expected
    assert d.channel_of == {"CH0": 0, "CH1": 1}
    assert d.method == "channels:silero-vad"
    # the overlap is kept: both speakers between frames 100 and 120
    assert d.to_annotation().get_overlap().duration() == pytest.approx(20 * F_S, abs=1e-6)


def test_channel_diarizer_silent_input():
    x = audio(np.zeros(2 * SR, np.float32), np.zeros(2 * SR, np.float32))
    d = ChannelDiarizer(vad=EnergyVAD()).diarize(x)
    assert d.turns == () and d.channel_of == {"CH0": 0, "CH1": 1}


def test_channels_are_distinct_on_duplicated_mono_and_mixes():
    n = 8 * SR
    rng = np.random.default_rng(1)
    voice_a = tone_at(n, [(0.5, 2.5), (5.0, 6.0)], 200.0) * (1 + 0.1 * rng.standard_normal(n)).astype(np.float32)
    voice_b = tone_at(n, [(3.0, 4.5), (6.5, 7.5)], 500.0)
    mono = voice_a + voice_b
    assert not channels_are_distinct(audio(mono))  # one channel
    assert not channels_are_distinct(audio(mono, mono))  # duplicated mono
    assert not channels_are_distinct(audio(mono, 0.5 * mono))  # duplicated at another gain
    assert not channels_are_distinct(audio(voice_a + 0.8 * voice_b, 0.8 * voice_a + voice_b))  # near-identical mix
    assert not channels_are_distinct(audio(mono, np.zeros(n, np.float32)))  # a dead channel
    assert channels_are_distinct(audio(voice_a + 0.03 * voice_b, voice_b + 0.03 * voice_a))  # one party each


def test_channels_are_distinct_on_real_stereo():
    from pipeline.audio import decode

    stereo = decode(need(SHARED / "faster-whisper-stereo" / "stereo_diarization.wav"))
    assert stereo.channels == 2
    assert channels_are_distinct(stereo)
    left = stereo.samples[0]
    assert not channels_are_distinct(audio(left, left))


# --------------------------------------------------------------------------- pyannote adapter

class StandInPipeline:
    """Behaves like a pyannote.audio pipeline: records its call, returns a pyannote.core Annotation."""

    def __init__(self, wrap: bool = False):
        self.calls: list[tuple[dict, dict]] = []
        self.wrap = wrap

    def __call__(self, file, **kwargs):
        from pyannote.core import Annotation, Segment

        self.calls.append((file, kwargs))
        ann = Annotation(uri="x")
        ann[Segment(3.0, 4.0), "a"] = "SPEAKER_01"
        ann[Segment(0.5, 2.0), "b"] = "SPEAKER_07"
        ann[Segment(1.5, 2.5), "c"] = "SPEAKER_01"
        if self.wrap:  # pyannote.audio 4 returns an output object
            return type("DiarizeOutput", (), {"speaker_diarization": ann})()
        return ann


@pytest.mark.parametrize("wrap", [False, True])
def test_pyannote_adapter_with_stand_in_pipeline(wrap):
    pipe = StandInPipeline(wrap)
    diarizer = PyannoteDiarizer(pipe)
    x = audio(np.zeros(SR, np.float32), 0.1 * np.ones(SR, np.float32))
    d = diarizer.diarize(x, num_speakers=2)
    file, kwargs = pipe.calls[0]
    assert kwargs == {"num_speakers": 2}
    assert file["sample_rate"] == 16000 and tuple(file["waveform"].shape) == (1, SR)
    assert float(file["waveform"][0, 0]) == pytest.approx(0.05)  # the mono mix-down
    # first to speak (pyannote's SPEAKER_07 at 0.5 s) becomes SPEAKER_00
    assert d.turns == (SpeakerTurn(0.5, 2.0, "SPEAKER_00"), SpeakerTurn(1.5, 2.5, "SPEAKER_01"),
                       SpeakerTurn(3.0, 4.0, "SPEAKER_01"))
    assert d.method.startswith("pyannote:")
    diarizer.diarize(x, num_speakers=None, max_speakers=3)
    assert pipe.calls[1][1] == {"max_speakers": 3}


def test_pyannote_missing_extra_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyannote.audio", None)  # import fails as if not installed
    with pytest.raises(PyannoteUnavailable) as err:
        PyannoteDiarizer("pyannote/speaker-diarization-3.1", token="hf_x")
    assert "pyannote.audio is not installed: pip install 'callreview[pyannote]'" in str(err.value)
    assert isinstance(err.value, RuntimeError) and isinstance(err.value, ModelError)
    with pytest.raises(PyannoteUnavailable):
        load_diarizer("pyannote")


def test_load_diarizer_names_and_protocol(monkeypatch):
    assert isinstance(load_diarizer("pyannote", pipeline=StandInPipeline()), Diarizer)
    with pytest.raises(ConfigError, match="accepted: embedded, pyannote"):
        load_diarizer("kaldi")
    with pytest.raises(ValueError):
        PyannoteDiarizer(pipeline=None)


def test_options_are_frozen_and_documented_defaults():
    o = EmbeddedOptions()
    with pytest.raises(Exception):
        o.hop_s = 1.0  # type: ignore[misc]
    assert o.window_s[0] == max(o.window_s) and 0 < o.hop_s < min(o.window_s)


# --------------------------------------------------------------------------- real models, short

@pytest.mark.integration
def test_real_embedded_on_telephone_excerpt():
    import soundfile as sf

    x, sr = sf.read(need(SHARED / "pyannote-sample" / "sample.wav"), dtype="float32")
    assert sr == SR
    diarizer = load_diarizer("embedded")
    assert diarizer.diarize(Audio(np.zeros((1, SR), np.float32), SR, 1)).turns == ()
    d = diarizer.diarize(Audio(x[None, 6 * SR:22 * SR].copy(), SR, 1))  # 16 s, both parties talk
    assert d.speakers == ("SPEAKER_00", "SPEAKER_01")
    assert d.turns[0].speaker == "SPEAKER_00"
    assert all(a.start <= b.start for a, b in zip(d.turns, d.turns[1:]))
    assert 8.0 < sum(t.end - t.start for t in d.turns) < 20.0


@pytest.mark.integration
def test_real_channel_diarizer_on_stereo_file():
    from pipeline.audio import decode

    stereo = decode(need(SHARED / "faster-whisper-stereo" / "stereo_diarization.wav"))
    d = ChannelDiarizer().diarize(stereo)
    assert set(d.speakers) == {"CH0", "CH1"}
    talk = {s: d.talk_s(s) for s in d.speakers}
    assert talk["CH0"] > 3.5 and 1.5 < talk["CH1"] < 3.0  # left reads a long sentence, right a short one


def test_a_change_of_speaker_with_both_voices_at_once_is_recorded_as_overlap():
    from pipeline.diarize.embedded import EmbeddedOptions, switch_overlaps
    from pipeline.types import SpeakerTurn

    rng = np.random.default_rng(0)
    sr = 16000
    a = 0.1 * rng.standard_normal(sr * 6)
    b = 0.1 * rng.standard_normal(sr * 6)
    a[int(3.5 * sr):] = 0  # A talks 0-3.5 s, B from 2.5 s: a second of both
    b[: int(2.5 * sr)] = 0
    x = (a + b).astype(np.float32)
    turns = (SpeakerTurn(0.0, 3.0, "A"), SpeakerTurn(3.0, 6.0, "B"))
    [ov] = switch_overlaps(x, turns, [(0.0, 6.0)], EmbeddedOptions())
    assert ov.speaker == "B" and ov.start < 3.0 < ov.end
    # the same change with a pause between the voices is a plain turn change
    y = x.copy()
    y[int(2.5 * sr):int(3.5 * sr)] = 0
    assert switch_overlaps(y, turns, [(0.0, 2.5), (3.5, 6.0)], EmbeddedOptions()) == ()
    # ... also when the VAD joined that pause into one region: the signal itself goes quiet for 0.3 s
    a2, b2 = 0.1 * rng.standard_normal(sr * 6), 0.1 * rng.standard_normal(sr * 6)
    a2[4 * sr:] = 0  # both voices 2-4 s this time
    b2[: 2 * sr] = 0
    w = (a2 + b2).astype(np.float32)
    w[int(2.9 * sr):int(3.1 * sr)] = 0
    assert switch_overlaps(w, turns, [(0.0, 6.0)], EmbeddedOptions(switch_overlap_db=1.0)) == ()
    assert switch_overlaps(w, turns, [(0.0, 6.0)], EmbeddedOptions(switch_overlap_db=1.0, switch_dip_db=0)) != ()
    # latching without overlap: no pause, but no more energy than one voice
    z = np.concatenate([a[: 3 * sr], b[3 * sr:] * 0 + 0.1 * rng.standard_normal(3 * sr)]).astype(np.float32)
    assert switch_overlaps(z, turns, [(0.0, 6.0)], EmbeddedOptions()) == ()
