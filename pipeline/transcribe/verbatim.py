"""A verbatim second pass over the rep's speech: recover the fillers and restarts Whisper cleans away.

Whisper writes what a speaker meant: "Um, I, I could" comes out as "I could". Fillers and false starts are
exactly what a hesitancy review needs, so after the rep is known we transcribe the rep's utterances again, cut
out and packed into few windows (``transcribe.spans``), with a filler-bearing prompt before every window. That prompt
makes Whisper verbatim but can also make it skip or invent passages (measured: docs/EVALUATION.md), so the
second pass never replaces the transcript: only words it *inserts* between words both passes agree on are
kept, and only when they are fillers or repeats of a neighbouring word.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..types import AttributedWord, Utterance, Word
from .spans import transcribe_spans

if TYPE_CHECKING:
    import numpy as np

VERBATIM_PROMPT = "Um, uh, I, I mean, so, so, you know, er, like, hmm."
FILLER_TOKENS = frozenset({"um", "uh", "er", "erm", "hmm", "ah", "uhm", "mm"})
LEAD_S = 0.8  # audio kept before each utterance: Whisper's first word often starts after a dropped "um"
PAD_S = 0.2  # audio kept after each utterance
GAP_S = 0.5  # silence between utterances in the joined stream
EDGE_S = 0.3  # an inserted word may end this far after its utterance (and start LEAD_S before it)
# A repeat the verbatim pass inserts must be heard, not just written: the prompt ("I, I mean, so, so") invites
# Whisper to double words, and a doubled word that was said once gets squeezed into one word's time. So it is
# kept only when it is confident and its copies each take time of their own, one after the other.
REPEAT_MIN_PROB = 0.5
REPEAT_MIN_S = 0.06  # each copy lasts at least this long
REPEAT_MAX_OVERLAP_S = 0.05  # the copies overlap by at most this much
# Where the first pass shows that something was cleaned away (``evidence``), and how much audio around it the
# verbatim pass reads again: a pause between two words that the speech detector says holds speech (a dropped
# "um", or the time of a word said twice), speech before an utterance's first word, an unsure word, a cut-off
# word ("I-"), a short word stretched over the time of two.
EVIDENCE_GAP_S = 0.25
EVIDENCE_SPEECH_SHARE = 0.5  # ... of that pause covered by the speaker's speech
EVIDENCE_PROB = 0.5
EVIDENCE_STRETCH_S = 0.12  # a word longer than this per letter (and 0.45 s) took the time of more than one
WINDOW_S = 1.5  # audio read on each side of a piece of evidence (Whisper needs some context to write anything)


def _token(text: str) -> str:
    return re.sub(r"[^a-z']", "", text.lower())


def insertions(main: list[AttributedWord], verbatim: list[Word], speaker: str,
               span: tuple[float, float]) -> list[AttributedWord]:
    """Words the verbatim pass inserts into ``main`` that are fillers or repeats of a neighbouring word."""
    a = [_token(w.text) for w in main]
    b = [_token(w.text) for w in verbatim]
    out: list[AttributedWord] = []
    lo, hi = span[0] - LEAD_S, span[1] + EDGE_S
    for op, _i1, _i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "insert":
            continue
        for j in range(j1, j2):
            tok = b[j]
            twin = [k for k in (j - 1, j + 1) if 0 <= k < len(b) and bool(tok) and b[k] == tok]
            if not (tok in FILLER_TOKENS or twin):
                continue
            w = verbatim[j]
            if not (lo <= w.start and w.end <= hi):
                continue
            if tok not in FILLER_TOKENS and not _heard_twice(w, [verbatim[k] for k in twin]):
                continue
            out.append(AttributedWord(w.start, w.end, w.text.strip(), speaker, w.probability))
    return out


def _heard_twice(w: Word, twins: list[Word]) -> bool:
    """Evidence that an inserted repeat was said: confident, and it and its twin each with time of their own."""
    if w.probability < REPEAT_MIN_PROB:
        return False
    return all(x.end - x.start >= REPEAT_MIN_S for x in [w, *twins]) and all(
        min(w.end, t.end) - max(w.start, t.start) <= REPEAT_MAX_OVERLAP_S for t in twins)


def _covered(a: float, b: float, speech: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(e, b) - max(s, a)) for s, e in speech)


def evidence(words: list[AttributedWord], speech: list[tuple[float, float]]) -> list[float]:
    """Times among one utterance's ``words`` where the first pass shows signs of having cleaned something away (see
    ``EVIDENCE_GAP_S``); ``speech`` is the speaker's speech (the diarization's, without pauses)."""
    out: list[float] = []
    if words and _covered(words[0].start - LEAD_S, words[0].start, speech) >= EVIDENCE_GAP_S:
        out.append(words[0].start)  # speech just before the first word: a dropped "um" or a false start
    for w, nxt in zip(words, words[1:]):
        gap = nxt.start - w.end
        if gap >= EVIDENCE_GAP_S and _covered(w.end, nxt.start, speech) >= EVIDENCE_SPEECH_SHARE * gap:
            out.append((w.end + nxt.start) / 2)
    for w in words:
        letters = len(_token(w.text))
        dur = w.end - w.start
        if (w.probability < EVIDENCE_PROB or w.text.strip().endswith(("-", "\u2014"))
                or (dur >= 0.45 and dur >= EVIDENCE_STRETCH_S * max(letters, 1))):
            out.append((w.start + w.end) / 2)
    return sorted(set(out))


def evidence_spans(utts: list[Utterance], words: tuple[AttributedWord, ...], speaker: str,
                   speech: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of ``speaker``'s utterances the verbatim pass reads: ``WINDOW_S`` around each piece of
    evidence, inside the utterance, overlapping windows joined."""
    spans: list[tuple[float, float]] = []
    for u in utts:
        mine = [w for w in words if w.speaker == speaker and u.start <= w.start and w.end <= u.end]
        for t in evidence(mine, speech):
            a, b = max(u.start, t - WINDOW_S), min(u.end, t + WINDOW_S)
            # whole words only: a window edge through a word would make its two halves look inserted
            a = min([w.start for w in mine if w.end > a and w.start < a] + [a])
            b = max([w.end for w in mine if w.start < b and w.end > b] + [b])
            if spans and a - spans[-1][1] < LEAD_S + PAD_S:
                spans[-1] = (spans[-1][0], max(spans[-1][1], b))
            else:
                spans.append((a, b))
    return spans


def verbatim_additions(transcriber, samples: np.ndarray, utts: tuple[Utterance, ...],
                       words: tuple[AttributedWord, ...], speaker: str,
                       speech: list[tuple[float, float]] | None = None) -> list[AttributedWord]:
    """Fillers and restarts of ``speaker`` that the first pass dropped, with their times in the recording.

    With ``speech`` (the speaker's speech regions), only the windows around the first pass's ``evidence`` are
    read again; without, every utterance of the speaker."""
    mine = [u for u in utts if u.speaker == speaker]
    if not mine:
        return []
    if speech is not None:  # the evidence windows stand in for the utterances from here on
        mine = [Utterance(a, b, speaker, "") for a, b in evidence_spans(mine, words, speaker, speech)]
        if not mine:
            return []
    options = replace(transcriber.options, initial_prompt=VERBATIM_PROMPT, carry_initial_prompt=True)
    [result] = transcribe_spans(transcriber, [samples], [[(u.start, u.end) for u in mine]], options,
                                lead_s=LEAD_S, pad_s=PAD_S, gap_s=GAP_S)
    verbatim = list(result.words)
    out: list[AttributedWord] = []
    for u in mine:
        main = [w for w in words if w.speaker == speaker and u.start <= w.start and w.end <= u.end]
        ver = [w for w in verbatim if u.start - LEAD_S <= w.start and w.end <= u.end + PAD_S]
        out += insertions(main, ver, speaker, (u.start, u.end))
    return out
