"""Decoding: every accepted container/codec, channels kept, and bad input turned into one-line errors."""

from __future__ import annotations

import av
import numpy as np
import pytest

from pipeline.audio import decode, write_wav
from pipeline.errors import AudioError

from .conftest import tone


def _encode(path, samples: np.ndarray, rate: int, codec: str, container_format: str | None = None):
    """Encode (channels, n) float samples with PyAV (the same FFmpeg the product decodes with)."""
    layout = "stereo" if samples.shape[0] == 2 else "mono"
    with av.open(str(path), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        fmt = stream.codec_context.codec.audio_formats[0].name
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples, dtype=np.float32), format="fltp",
                                           layout=layout)
        frame.sample_rate = rate
        resampler = av.AudioResampler(format=fmt, layout=layout, rate=rate)
        for f in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def _stereo(seconds=2.0, rate=16000):
    left = tone(seconds, 220, rate=rate)
    right = tone(seconds, 330, amp=0.1, rate=rate)
    return np.stack([left, right])


@pytest.mark.parametrize("name,codec,fmt,rate", [
    ("call.mp3", "libmp3lame", None, 44100),
    ("call.m4a", "aac", "ipod", 44100),
    ("call.ogg", "libopus", "ogg", 48000),
    ("call.opus", "libopus", "ogg", 48000),
    ("call.flac", "flac", None, 16000),
    ("call.webm", "libopus", "webm", 48000),
    ("call.wav", "pcm_mulaw", "wav", 8000),
])
def test_decodes_every_accepted_format_keeping_stereo(tmp_path, name, codec, fmt, rate):
    path = tmp_path / name
    _encode(path, _stereo(2.0, rate), rate, codec, fmt)
    audio = decode(path)
    assert audio.sample_rate == 16000 and audio.channels == 2 and audio.source_channels == 2
    assert audio.source_sample_rate == rate
    assert abs(audio.duration_s - 2.0) < 0.15
    # the loud tone stays on the left, the quiet one on the right: channels were not mixed or swapped
    rms = np.sqrt((audio.samples[:, 4000:-4000] ** 2).mean(axis=1))
    assert rms[0] > 2 * rms[1]


def test_mono_8k_mulaw_phone_recording(tmp_path):
    path = tmp_path / "phone.wav"
    _encode(path, tone(1.5, 440, rate=8000)[None, :], 8000, "pcm_mulaw", "wav")
    audio = decode(path)
    assert audio.channels == 1 and audio.source_sample_rate == 8000 and audio.codec == "pcm_mulaw"
    assert abs(audio.duration_s - 1.5) < 0.05


def test_real_shared_recordings_decode():
    from .conftest import SAMPLES

    for f in ("cold_call_phone.wav", "discovery_stereo.flac", "pushy_close_mono.mp3"):
        a = decode(SAMPLES / f)
        assert a.duration_s > 30 and np.abs(a.samples).max() > 0.05


def test_zero_byte_file(tmp_path):
    p = tmp_path / "empty.wav"
    p.write_bytes(b"")
    with pytest.raises(AudioError, match="empty file"):
        decode(p)


def test_text_file_named_mp3(tmp_path):
    p = tmp_path / "notes.mp3"
    p.write_text("these are meeting notes, not audio\n" * 20)
    with pytest.raises(AudioError, match="not a readable recording|could not be decoded|no audio"):
        decode(p)


def test_truncated_wav_keeps_what_decodes(tmp_path):
    p = tmp_path / "cut.wav"
    write_wav(p, tone(3.0))
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    audio = decode(p)
    assert 1.2 < audio.duration_s < 1.8


def test_error_messages_are_one_line(tmp_path):
    p = tmp_path / "bad.flac"
    p.write_bytes(b"\x00\x01garbage" * 100)
    with pytest.raises(AudioError) as e:
        decode(p)
    assert "\n" not in str(e.value) and "bad.flac" in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(AudioError, match="cannot read"):
        decode(tmp_path / "nope.wav")


@pytest.mark.parametrize("channels", [1, 2])
def test_the_mp3_copy_is_silenced_by_swapping_frames_exactly_where_asked(tmp_path, channels):
    """``mp3.mute_frames``: digital silence over each range (padded by about a frame), the copy unchanged a frame
    or two away from it, the same length and still a stream any decoder reads; as a fresh encode of the muted
    samples would be, in milliseconds."""
    import io

    from pipeline.audio import Audio, encode_playable
    from pipeline.audio.mp3 import FRAME_SAMPLES, mute_frames

    rate = 16000
    t = np.arange(8 * rate) / rate
    x = np.stack([0.3 * np.sin(2 * np.pi * f * t) for f in (440, 660)][:channels]).astype(np.float32)
    copy = encode_playable(Audio(x, channels, rate))
    ranges = [[1.234, 2.5], [5.0, 5.3]]
    muted = mute_frames(copy, ranges, channels, rate)
    assert muted is not None and len(muted) == len(copy)

    def decoded(data: bytes) -> np.ndarray:
        with av.open(io.BytesIO(data)) as c:
            return np.concatenate([f.to_ndarray() for f in c.decode(audio=0)], axis=1)

    before, after = decoded(copy), decoded(muted)
    assert after.shape == before.shape
    for a, b in ranges:
        assert np.all(after[:, int(a * rate):int(b * rate)] == 0), (a, b)
    near = np.zeros(after.shape[1], bool)
    for a, b in ranges:
        near[max(0, int(a * rate) - 4 * FRAME_SAMPLES):int(b * rate) + 4 * FRAME_SAMPLES] = True
    assert np.array_equal(after[:, ~near], before[:, ~near])
    assert np.sqrt(np.mean(after[:, ~near] ** 2)) > 0.1  # the rest still sounds
    assert mute_frames(b"not an mp3", ranges, channels, rate) is None
