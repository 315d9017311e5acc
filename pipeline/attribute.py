"""Join a transcript and a diarization: every word gets the speaker of the turn it falls in.

Whisper's word times drift by a few tenths of a second, most at the first and last word of a segment, while
the diarization's turns (exact per channel on stereo recorders) say where each party's speech is. So a word
takes the speaker of the turn holding its midpoint (the one it overlaps most where turns overlap), its edges
are pulled inside that turn, and an utterance never runs across another speaker's turn: the transcript then
agrees with the RTTM, and a buyer's "yes" in the rep's pause is not inside a rep utterance.
"""

from __future__ import annotations

import re

import numpy as np

from .types import AttributedWord, Diarization, SpeakerTurn, Transcript, Utterance

UTTERANCE_GAP_S = 1.0  # a pause longer than this starts a new utterance of the same speaker
OTHER_TURN_S = 0.2  # another speaker's turn at least this long between two words splits the utterance
MIN_WORD_S = 0.05  # a word pulled inside its turn keeps at least this duration


def attribute_words(transcript: Transcript, diarization: Diarization) -> tuple[AttributedWord, ...]:
    """Speaker per word. A segment transcribed from one party's own channel belongs to that party."""
    by_channel = {ch: spk for spk, ch in diarization.channel_of.items()}
    turns = diarization.turns
    starts = np.array([t.start for t in turns], dtype=float)
    ends = np.array([t.end for t in turns], dtype=float)
    own_turns = {spk: [i for i, t in enumerate(turns) if t.speaker == spk] for spk in diarization.speakers}
    out: list[AttributedWord] = []
    for seg in transcript.segments:
        for w in seg.words:
            text = w.text.strip()
            if not text:
                continue
            if seg.channel is not None and seg.channel in by_channel:
                speaker = by_channel[seg.channel]
                idx = own_turns.get(speaker, [])
                i = _turn_of(w.start, w.end, starts[idx], ends[idx]) if idx else None
                turn = turns[idx[i]] if i is not None else None
            else:
                i = _turn_of(w.start, w.end, starts, ends) if len(turns) else None
                turn = turns[i] if i is not None else None
                speaker = turn.speaker if turn is not None else _nearest_speaker(w.start, w.end, turns, starts, ends)
            start, end = _inside(w.start, w.end, turn)
            out.append(AttributedWord(start, end, text, speaker, w.probability))
    out.sort(key=lambda w: (w.start, w.end))
    return tuple(out)


def _turn_of(start: float, end: float, starts: np.ndarray, ends: np.ndarray) -> int | None:
    """The turn holding the word's midpoint (the one overlapping it most, where several do), else the one it
    overlaps most; None when it overlaps none."""
    overlap = np.minimum(ends, end) - np.maximum(starts, start)
    mid = (start + end) / 2
    holding = (starts <= mid) & (mid <= ends)
    if holding.any():
        return int(np.argmax(np.where(holding, overlap, -np.inf)))
    i = int(np.argmax(overlap))
    return i if overlap[i] > 0 else None


def _nearest_speaker(start: float, end: float, turns, starts: np.ndarray, ends: np.ndarray) -> str:
    if not len(turns):
        return "SPEAKER_00"
    # No overlap (word timing drifted into a pause): the nearest turn's speaker.
    mid = (start + end) / 2
    dist = np.maximum(starts - mid, 0) + np.maximum(mid - ends, 0)
    return turns[int(np.argmin(dist))].speaker


def _inside(start: float, end: float, turn: SpeakerTurn | None) -> tuple[float, float]:
    """The word's edges pulled inside ``turn`` (a word over a turn edge began or ended in silence)."""
    if turn is None:
        return start, end
    s, e = max(start, turn.start), min(end, turn.end)
    if e - s < MIN_WORD_S:  # mostly outside: keep its length, moved just inside
        d = min(max(end - start, MIN_WORD_S), turn.end - turn.start)
        s = min(max(start, turn.start), turn.end - d)
        e = s + d
    return s, e


def utterances(words: tuple[AttributedWord, ...], gap_s: float = UTTERANCE_GAP_S,
               turns: tuple[SpeakerTurn, ...] = ()) -> tuple[Utterance, ...]:
    """Group words into utterances: a new one starts on a speaker change, a pause over ``gap_s``, or where
    another speaker's turn (``turns``, the diarization) lies between two of a speaker's words.

    Words are in start order; on overlapping speech each party's words are grouped per speaker, so two
    utterances may overlap in time.
    """
    out: list[Utterance] = []
    open_: dict[str, list[AttributedWord]] = {}
    last_speaker: str | None = None
    others = _other_turns(turns)

    def close(speaker: str) -> None:
        ws = open_.pop(speaker)
        out.append(Utterance(ws[0].start, ws[-1].end, speaker, _join(ws)))

    for w in words:
        cur = open_.get(w.speaker)
        if cur is not None and (w.start - cur[-1].end > gap_s
                                or last_speaker != w.speaker and _others_spoke(open_, w.speaker, cur[-1].end)
                                or others(w.speaker, cur[-1].end, w.start)):
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


def _other_turns(turns: tuple[SpeakerTurn, ...]):
    """``spoke(speaker, a, b)``: does a turn of another speaker begin in the pause (a, b) and cover at least
    ``OTHER_TURN_S`` of it? (A turn that began before ``a`` is the other party talking on under this one: an
    overlap, which does not end this speaker's utterance.)"""
    if not turns:
        return lambda speaker, a, b: False
    starts = np.array([t.start for t in turns])
    ends = np.array([t.end for t in turns])
    who = np.array([t.speaker for t in turns])

    def spoke(speaker: str, a: float, b: float) -> bool:
        if b - a < OTHER_TURN_S:
            return False
        covered = np.minimum(ends, b) - np.maximum(starts, a)
        return bool(((covered >= OTHER_TURN_S) & (who != speaker) & (starts >= a - 0.05)).any())

    return spoke


def _others_spoke(open_: dict[str, list[AttributedWord]], speaker: str, since: float) -> bool:
    """Did another speaker start talking after ``speaker``'s last word (a turn change, not a backchannel overlap)?"""
    return any(ws[0].start >= since for s, ws in open_.items() if s != speaker)


def _join(words: list[AttributedWord]) -> str:
    text = " ".join(w.text for w in words)
    for p in (",", ".", "?", "!", ":", ";"):
        text = text.replace(" " + p, p)
    return text


# --- stereo recorders: one party's voice heard on the other's channel ---------------------------------------

def _token(text: str) -> str:
    return re.sub(r"[^a-z0-9']", "", text.lower())


def drop_bleed(words: tuple[AttributedWord, ...], diarization: Diarization, level_db,
               near_s: float = 0.4, bleed_db: float = 10.0) -> tuple[AttributedWord, ...]:
    """Keep each word said once: for the party who said it.

    On a per-channel recording a loud voice leaks into the other party's microphone (echo, bleed, a
    speakerphone), and that channel's transcript then has the same word again. Of two words with the same
    text on different channels within ``near_s``, the copy is dropped that is not inside its own party's
    speech (the channel VAD's turns) while the other is, or else the quieter one. A word outside its own
    party's speech, inside another party's, and ``bleed_db`` quieter there than that party's channel is bleed
    even with no copy (the other transcript missed it) and is dropped too.

    ``level_db(speaker, start, end)``: the speaker's channel level over a span, in dB relative to that channel's
    own speech level.
    """
    if not diarization.channel_of or len(diarization.channel_of) < 2:
        return words
    turns = {spk: [(t.start, t.end) for t in diarization.turns if t.speaker == spk] for spk in diarization.speakers}

    def speaking(spk: str, w: AttributedWord) -> bool:
        mid = (w.start + w.end) / 2
        return any(s <= mid <= e for s, e in turns.get(spk, ()))

    drop: set[int] = set()
    toks = [_token(w.text) for w in words]
    for i, w in enumerate(words):
        for j in range(i + 1, len(words)):
            v = words[j]
            if v.start - w.start > near_s:
                break
            if v.speaker == w.speaker or not toks[i] or toks[i] != toks[j] or i in drop or j in drop:
                continue
            wi, vj = speaking(w.speaker, w), speaking(v.speaker, v)
            if wi != vj:
                drop.add(j if wi else i)
            else:
                lw, lv = level_db(w.speaker, w.start, w.end), level_db(v.speaker, v.start, v.end)
                drop.add(j if lw >= lv else i)
    for i, w in enumerate(words):
        if i in drop or speaking(w.speaker, w):
            continue
        louder = [s for s in turns if s != w.speaker and speaking(s, w)
                  and level_db(s, w.start, w.end) - level_db(w.speaker, w.start, w.end) >= bleed_db]
        if louder:
            drop.add(i)
    return tuple(w for i, w in enumerate(words) if i not in drop)
