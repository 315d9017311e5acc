"""Silencing stretches of the MP3 copy without encoding it again: its frames over each stretch are swapped for
frames of digital silence.

The playable copy (``encode_playable``) is constant-bitrate MPEG-2 Layer III at 16 kHz without the bit reservoir:
every frame is the same size and carries its own data, so one can stand in for another. A frame holds 576
samples; after the encoder's delay, measured (``tests/test_audio.py``), swapping frames k..m decodes to exact
zeros from sample 576*k - 49 to 576*(m - 0.89), and the decoder's overlap alters the audio about two frames before
and one after (still the call's sound, a few tens of milliseconds). The redacted copy so costs milliseconds
instead of a second encode of the whole call (which took most of redaction's time). Anything else (another frame
size, a damaged stream) returns None: the caller encodes the muted samples instead.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

import numpy as np

FRAME_SAMPLES = 576  # per MPEG-2 Layer III frame
ZEROS_FROM = 49 / FRAME_SAMPLES  # zeros begin this many frames before the first frame swapped
ZEROS_TO = 0.89  # and end this many frames before the last one ends
_BITRATES = {True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1, kbit/s
             False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}  # MPEG-2 and 2.5
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def frames(data: bytes) -> list[tuple[int, int]]:
    """(offset, length) of each Layer III frame in ``data`` (an ID3 tag before them is skipped)."""
    out, i = [], 0
    while i + 4 <= len(data):
        if data[i] == 0xFF and data[i + 1] & 0xE0 == 0xE0:
            version, layer = (data[i + 1] >> 3) & 3, (data[i + 1] >> 1) & 3
            bitrate, rate, padding = data[i + 2] >> 4, (data[i + 2] >> 2) & 3, (data[i + 2] >> 1) & 1
            if layer == 1 and version != 1 and bitrate not in (0, 15) and rate != 3:
                mpeg1 = version == 3
                n = (144 if mpeg1 else 72) * _BITRATES[mpeg1][bitrate] * 1000 // _RATES[version][rate] + padding
                out.append((i, n))
                i += n
                continue
        i += 1
    return out


@lru_cache(maxsize=4)
def silent_frame(channels: int, kbps_per_channel: int) -> bytes:
    """One frame of digital silence, encoded as the copy is."""
    from . import Audio, encode_playable
    from ..types import SAMPLE_RATE

    data = encode_playable(Audio(np.zeros((channels, SAMPLE_RATE), np.float32), channels, SAMPLE_RATE),
                           kbps_per_channel)
    found = frames(data)
    offset, n = found[len(found) // 2]
    return data[offset:offset + n]


def mute_frames(data: bytes, ranges: Sequence[Sequence[float]], channels: int, sample_rate: int,
                kbps_per_channel: int = 32) -> bytes | None:
    """``data`` (an ``encode_playable`` copy) silent over ``ranges`` (seconds, each padded by a frame), or None
    when its frames are not what ``encode_playable`` writes."""
    found = frames(data)
    if len(found) < 2:
        return None
    head = data[found[0][0]:found[0][0] + found[0][1]]
    body = found[1:] if b"Info" in head or b"Xing" in head else found  # the stream's header frame holds no sound
    silence = silent_frame(channels, kbps_per_channel)
    if any(n != len(silence) for _, n in body):
        return None
    out = bytearray(data)
    for a, b in ranges:
        first = max(0, math.floor(a * sample_rate / FRAME_SAMPLES - ZEROS_FROM) - 1)
        last = min(len(body) - 1, math.ceil(b * sample_rate / FRAME_SAMPLES + ZEROS_TO) + 1)
        for k in range(first, last + 1):
            offset, n = body[k]
            out[offset:offset + n] = silence
    return bytes(out)
