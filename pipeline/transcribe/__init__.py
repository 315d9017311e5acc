"""Transcription: audio in, a word-timed ``Transcript`` out.

The engine sits behind the small ``Transcriber`` protocol so that tests pass a stand-in and the pipeline
loads the real model once per process. Whisper's dicts never leave ``whisper_engine``.
"""

from __future__ import annotations

import dataclasses

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..types import SAMPLE_RATE, Segment, Transcript, Word

# A short filler-bearing prompt nudges Whisper to write the "um"/"uh" it otherwise drops. Measured on our
# sample calls (scripts/filler_prompt_experiment.py, docs/EVALUATION.md) it cost whole passages (WER 6% -> 24%
# on the phone call) for 1 of 9 fillers, so it is off by default and available as --filler-prompt.
FILLER_PROMPT = "Um, uh, hmm."


@dataclass(frozen=True)
class TranscribeOptions:
    """Whisper decoding options. Defaults favour faithful, loop-free transcripts of two-party calls."""

    model: str = "base"  # see pipeline.models.MODELS; tiny.en is faster but drops passages on phone audio
    language: str = "en"
    initial_prompt: str | None = None  # FILLER_PROMPT: measured worse, see above
    carry_initial_prompt: bool = False  # repeat the prompt before every 30 s window (the verbatim pass does)
    beam_size: int | None = None  # None: greedy with temperature fallback, Whisper's CLI default is 5
    # Not conditioning on the previous window is Whisper's own remedy for repetition loops.
    condition_on_previous_text: bool = False
    # a window whose greedy decode fails the two checks below is decoded again, sampling at rising temperatures
    temperature_fallback: bool = True
    compression_ratio_threshold: float = 2.4  # above: a repetitive (looping) decode, retried hotter
    logprob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    # Whisper's own word-level hallucination guard (skip silences longer than this, s). Off: it dropped real
    # speech on the phone sample (WER 6% -> 9%); words outside the VAD's speech are dropped instead.
    hallucination_silence_threshold: float | None = None
    device: str = "cpu"


class Transcriber(Protocol):
    engine: str
    model_name: str
    options: TranscribeOptions

    def transcribe(self, samples: np.ndarray, clips: list[tuple[float, float]] | None = None,
                   options: TranscribeOptions | None = None) -> Transcript:
        """``samples``: float32 mono at 16 kHz, shape (n,). ``clips``: optional (start, end) s to decode, each (at
        most 30 s) as a window of its own (``spans`` packs speech into such windows); without, the whole input.
        ``options``: this call's decoding options (same model), e.g. the verbatim pass's prompt."""
        ...


def drop_outside(transcript: Transcript, regions: list[tuple[float, float]], tolerance_s: float = 0.5) -> Transcript:
    """Drop words whose midpoint lies outside every speech region (by more than ``tolerance_s``).

    Whisper invents words over silence, hold music and line noise; the VAD does not. Segments left with no
    words are dropped.
    """
    regions = sorted(regions)
    starts = np.array([r[0] for r in regions]) - tolerance_s
    ends = np.array([r[1] for r in regions]) + tolerance_s

    def inside(w: Word) -> bool:
        if not regions:
            return False
        mid = (w.start + w.end) / 2
        i = int(np.searchsorted(starts, mid, side="right")) - 1
        return i >= 0 and mid <= ends[i]

    segments = []
    for seg in transcript.segments:
        words = tuple(w for w in seg.words if inside(w))
        if not words:
            continue
        if len(words) != len(seg.words):
            seg = dataclasses.replace(seg, start=words[0].start, end=words[-1].end,
                                      text="".join(w.text for w in words).strip(), words=words)
        segments.append(seg)
    return Transcript(tuple(segments), transcript.language, transcript.engine, transcript.model, transcript.options)


def drop_repeats(transcript: Transcript, max_repeats: int = 2) -> Transcript:
    """Collapse runs of identical segment texts longer than ``max_repeats`` (a looping decode)."""
    out: list[Segment] = []
    run = 0
    for seg in transcript.segments:
        key = seg.text.strip().lower()
        if out and key and key == out[-1].text.strip().lower():
            run += 1
            if run >= max_repeats:
                continue
        else:
            run = 0
        out.append(seg)
    return Transcript(tuple(out), transcript.language, transcript.engine, transcript.model, transcript.options)


WINDOW_S = 30.0  # Whisper's window: a prompt carried "before every window" means before every 30 s
CHUNK_S = 300.0  # longer inputs are decoded in pieces of at most this, cut at a quiet moment: memory stays flat


def pieces(x: np.ndarray, window_s: float = WINDOW_S, search_s: float = 5.0) -> list[tuple[int, int]]:
    """Cut a long stream into pieces of at most a window, each cut at the quietest 0.1 s before the limit."""
    n, w, frame = len(x), int(window_s * SAMPLE_RATE), SAMPLE_RATE // 10
    out, a = [], 0
    while n - a > w:
        lo = a + w - int(search_s * SAMPLE_RATE)
        frames = (x[lo:a + w][: (a + w - lo) // frame * frame]).reshape(-1, frame)
        cut = lo + int(np.argmin((frames ** 2).mean(1))) * frame + frame // 2
        out.append((a, cut))
        a = cut
    out.append((a, n))
    return out


def shift_segment(s: Segment, dt: float) -> Segment:
    words = tuple(dataclasses.replace(w, start=w.start + dt, end=w.end + dt) for w in s.words)
    return dataclasses.replace(s, start=s.start + dt, end=s.end + dt, words=words)


def decode_in_pieces(samples: np.ndarray, decode, window_s: float = CHUNK_S, search_s: float = 20.0) -> list[Segment]:
    """``decode(piece) -> segments`` over ``samples`` cut into ``pieces`` at quiet moments, the segments' times
    moved back onto the whole input's clock (a short input is one piece)."""
    segments: list[Segment] = []
    for a, b in pieces(samples, window_s, search_s):
        segments += [shift_segment(s, a / SAMPLE_RATE) for s in decode(samples[a:b])]
    return segments


def prepare_input(transcriber, samples: np.ndarray, options: "TranscribeOptions | None"):
    """What every engine does first: the options in force, float32 samples, the options recorded in the
    transcript, and an empty transcript when the input is too short to read (under 0.1 s), else None."""
    o = options or transcriber.options
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    opts = {k: v for k, v in dataclasses.asdict(o).items() if k not in ("device", "model")}
    too_short = samples.shape[-1] < SAMPLE_RATE // 10
    return o, samples, opts, Transcript((), o.language, transcriber.engine, transcriber.model_name, opts) if too_short else None


# how Whisper decoded a segment, kept on our ``Segment`` (the recovery pass reads them)
DECODE_FIELDS = ("temperature", "avg_logprob", "no_speech_prob", "compression_ratio")


def num_or_none(x) -> float | None:
    return None if x is None else float(x)


ENGINES = ("openai", "faster")


def load_transcriber(options: TranscribeOptions | None = None, engine: str = "faster") -> Transcriber:
    """``engine``: "openai" (openai-whisper on the converted checkpoint) or "faster" (faster-whisper on the
    package's own CTranslate2 files)."""
    options = options or TranscribeOptions()
    if engine == "faster":
        from .faster_engine import FasterWhisperTranscriber

        return FasterWhisperTranscriber(options)
    if engine != "openai":
        raise ValueError(f"unknown engine {engine!r}; available: {', '.join(ENGINES)}")
    from .whisper_engine import WhisperTranscriber

    return WhisperTranscriber(options)
