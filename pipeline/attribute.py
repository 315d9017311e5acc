"""Join a transcript and a diarization: every word gets the speaker whose turn it overlaps most."""

from __future__ import annotations

import numpy as np

from .types import AttributedWord, Diarization, Transcript, Utterance

UTTERANCE_GAP_S = 1.0  # a pause longer than this starts a new utterance of the same speaker


def attribute_words(transcript: Transcript, diarization: Diarization) -> tuple[AttributedWord, ...]:
    """Speaker per word. A segment transcribed from one party's own channel belongs to that party."""
    by_channel = {ch: spk for spk, ch in diarization.channel_of.items()}
    turns = diarization.turns
    starts = np.array([t.start for t in turns], dtype=float)
    ends = np.array([t.end for t in turns], dtype=float)
    out: list[AttributedWord] = []
    for seg in transcript.segments:
        for w in seg.words:
            text = w.text.strip()
            if not text:
                continue
            if seg.channel is not None and seg.channel in by_channel:
                speaker = by_channel[seg.channel]
            else:
                speaker = _best_speaker(w.start, w.end, turns, starts, ends)
            out.append(AttributedWord(w.start, w.end, text, speaker, w.probability))
    out.sort(key=lambda w: (w.start, w.end))
    return tuple(out)


def _best_speaker(start: float, end: float, turns, starts: np.ndarray, ends: np.ndarray) -> str:
    if not len(turns):
        return "SPEAKER_00"
    overlap = np.minimum(ends, end) - np.maximum(starts, start)
    i = int(np.argmax(overlap))
    if overlap[i] > 0:
        return turns[i].speaker
    # No overlap (word timing drifted into a pause): the nearest turn's speaker.
    mid = (start + end) / 2
    dist = np.maximum(starts - mid, 0) + np.maximum(mid - ends, 0)
    return turns[int(np.argmin(dist))].speaker


def utterances(words: tuple[AttributedWord, ...], gap_s: float = UTTERANCE_GAP_S) -> tuple[Utterance, ...]:
    """Group words into utterances: a new one starts on a speaker change or a pause over ``gap_s``.

    Words are in start order; on overlapping speech each party's words are grouped per speaker, so two
    utterances may overlap in time.
    """
    out: list[Utterance] = []
    open_: dict[str, list[AttributedWord]] = {}
    last_speaker: str | None = None

    def close(speaker: str) -> None:
        ws = open_.pop(speaker)
        out.append(Utterance(ws[0].start, ws[-1].end, speaker, _join(ws)))

    for w in words:
        cur = open_.get(w.speaker)
        if cur is not None and (w.start - cur[-1].end > gap_s or last_speaker != w.speaker and _others_spoke(
                open_, w.speaker, cur[-1].end)):
            close(w.speaker)
            cur = None
        if cur is None:
            open_[w.speaker] = [w]
        else:
            cur.append(w)
        last_speaker = w.speaker
    for speaker in list(open_):
        close(speaker)
    out.sort(key=lambda u: (u.start, u.end))
    return tuple(out)


def _others_spoke(open_: dict[str, list[AttributedWord]], speaker: str, since: float) -> bool:
    """Did another speaker start talking after ``speaker``'s last word (a turn change, not a backchannel overlap)?"""
    return any(ws[0].start >= since for s, ws in open_.items() if s != speaker)


def _join(words: list[AttributedWord]) -> str:
    text = " ".join(w.text for w in words)
    for p in (",", ".", "?", "!", ":", ";"):
        text = text.replace(" " + p, p)
    return text
