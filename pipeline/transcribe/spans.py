"""Speech spans packed into as few Whisper windows as they fill, decoded together, mapped back.

Whisper reads 30 s windows; its encoder costs the same for a window of one word as for a full one. A party's own
channel is silent about half the call, the verbatim pass wants a few seconds around each hesitation, and a call
with many short turns has many short stretches of speech: read one by one, each pays for a whole window. So the
stretches (from one or more sources: both channels of a stereo call) are cut out with a little audio around
them, joined with short silences into one stream, and that stream is cut into windows of at most ``MAX_S``,
only between stretches. The engine decodes the windows as clips, batched where it can
(``FasterWhisperTranscriber``); the words come back onto each source's own clock.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..types import SAMPLE_RATE, Segment, Transcript, Word

Span = tuple[float, float]
MAX_S = 29.0  # one window, with room for the timestamp tokens' rounding


@dataclass(frozen=True)
class Piece:
    """One stretch of one source's audio inside the joined stream."""

    start: float  # in the joined stream, s
    end: float
    source_start: float  # where ``start`` lies in its source, s
    source: int


@dataclass(frozen=True)
class Packed:
    samples: np.ndarray  # the joined stream, float32 at 16 kHz
    pieces: tuple[Piece, ...]
    windows: tuple[Span, ...]  # in the joined stream, each at most ``MAX_S``, cut only between pieces


def merge(spans: Sequence[Span], join_s: float) -> list[Span]:
    """Spans closer than ``join_s`` joined into one; sorted."""
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s - out[-1][1] < join_s:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def split_long(samples: np.ndarray, spans: Sequence[Span], max_s: float) -> list[Span]:
    """Spans longer than ``max_s`` cut at their quietest moments into parts of at most ``max_s``."""
    from . import pieces

    out: list[Span] = []
    for s, e in spans:
        if e - s <= max_s:
            out.append((s, e))
            continue
        a = int(s * SAMPLE_RATE)
        x = samples[a:int(e * SAMPLE_RATE)]
        out += [((a + i) / SAMPLE_RATE, (a + j) / SAMPLE_RATE) for i, j in pieces(x, max_s, min(5.0, max_s / 3))]
    return out


def pack(sources: Sequence[np.ndarray], spans: Sequence[Sequence[Span]], lead_s: float = 0.2, pad_s: float = 0.2,
         gap_s: float = 0.4, max_s: float = MAX_S) -> Packed:
    """``spans[i]`` (s, on ``sources[i]``'s clock; ones closer than ``lead_s + pad_s`` are joined) cut out with
    ``lead_s`` before and ``pad_s`` after, joined with ``gap_s`` of silence, and the windows to decode (a window may hold the end of one source
    and the start of the next: both channels' speech fills as few windows as it can)."""
    chunks: list[np.ndarray] = []
    pieces: list[Piece] = []
    windows: list[Span] = []
    gap = np.zeros(int(gap_s * SAMPLE_RATE), np.float32)
    t = 0.0
    for k, (samples, own) in enumerate(zip(sources, spans)):
        n = samples.shape[-1]
        read_to = 0  # no audio is read twice: margins never reach into the piece before
        for span in merge(own, lead_s + pad_s):
            parts = split_long(samples, [span], max_s - lead_s - pad_s)
            for j, (s, e) in enumerate(parts):
                # margins at the stretch's own edges only: the parts of a cut stretch meet at the cut
                a = int((s - (lead_s if j == 0 else 0.0)) * SAMPLE_RATE)
                b = int((e + (pad_s if j == len(parts) - 1 else 0.0)) * SAMPLE_RATE)
                a, b = max(0, a, read_to), min(n, b)
                if b <= a:
                    continue
                read_to = b
                piece = Piece(t, t + (b - a) / SAMPLE_RATE, a / SAMPLE_RATE, k)
                if windows and piece.end - windows[-1][0] <= max_s:
                    windows[-1] = (windows[-1][0], piece.end)
                else:
                    windows.append((piece.start, piece.end))
                pieces.append(piece)
                chunks += [samples[a:b].astype(np.float32, copy=False), gap]
                t = piece.end + gap_s
    joined = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    return Packed(joined, tuple(pieces), tuple(windows))


GAP_TOLERANCE_S = 0.3  # past a source's last piece, a word this far into the silence still belongs to it


def to_source(words: Sequence[Word], packed: Packed) -> list[tuple[int, Word]]:
    """Words of the joined stream as (source, word on that source's clock).

    A word whose middle lies in a joining silence belongs to the nearer piece of the same source: word times in
    a window drift by a few tenths of a second, and a short reply between two gaps would otherwise be lost; its
    times are moved inside that piece. Words before the first piece or in a silence between two sources go."""
    pieces = packed.pieces
    starts = np.array([p.start for p in pieces])
    out = []
    for w in words:
        mid = (w.start + w.end) / 2
        i = int(np.searchsorted(starts, mid, side="right")) - 1
        if i < 0:
            continue
        if mid > pieces[i].end:
            after = i + 1 < len(pieces) and pieces[i + 1].source == pieces[i].source
            if after and pieces[i + 1].start - mid < mid - pieces[i].end:
                i += 1
            elif i + 1 < len(pieces) and not after and mid > pieces[i].end + GAP_TOLERANCE_S:
                continue
        p = pieces[i]
        dur = min(w.end - w.start, p.end - p.start)  # moved inside its piece, its length kept
        start = min(max(w.start, p.start), p.end - dur)
        end = start + dur
        shift = p.source_start - p.start
        out.append((p.source, dataclasses.replace(w, start=start + shift, end=end + shift)))
    return out


def unpack(transcript: Transcript, packed: Packed, n_sources: int) -> list[Transcript]:
    """The joined stream's transcript as one transcript per source, each on its source's clock. A segment whose
    words come from two pieces stays one segment when they are of one source."""
    per: list[list[Segment]] = [[] for _ in range(n_sources)]
    for seg in transcript.segments:
        by: dict[int, list[Word]] = {}
        for k, w in to_source(seg.words, packed):
            by.setdefault(k, []).append(w)
        for k, words in by.items():
            per[k].append(dataclasses.replace(seg, start=words[0].start, end=words[-1].end, words=tuple(words),
                                              text="".join(w.text for w in words).strip()))
    return [dataclasses.replace(transcript, segments=tuple(sorted(s, key=lambda x: (x.start, x.end)))) for s in per]


def transcribe_spans(transcriber, sources: Sequence[np.ndarray], spans: Sequence[Sequence[Span]], options=None,
                     **pack_options) -> list[Transcript]:
    """Transcribe only ``spans`` of each source in one call of the engine: one transcript per source."""
    packed = pack(sources, spans, **pack_options)
    if not packed.windows:
        o = options or transcriber.options
        empty = Transcript((), o.language, transcriber.engine, transcriber.model_name, {})
        return [empty for _ in sources]
    result = transcriber.transcribe(packed.samples, clips=list(packed.windows), options=options)
    return unpack(result, packed, len(sources))
