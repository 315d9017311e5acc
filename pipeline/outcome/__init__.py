"""What a recording is: a conversation, a voicemail, no answer, or a machine menu first (issue 14).

Most dials never reach a person (3-13% of cold dials do; about a third hit voicemail), so most recordings a rep
makes are voicemails and unanswered rings. This stage decides which, after the fact, from the recording itself,
with signal and text together:

- tones: ring-back (narrow-band energy at 350-480 Hz: 440+480 in North America, 400+450 in the UK, 425 in most of
  Europe) and beeps (one narrow tone of 0.15-2.5 s at 600-2500 Hz, the voicemail "record after the tone");
- who spoke: words of the rep and of the other party, after any tone;
- the other party's words: a voicemail greeting ("leave a message", "is not available", "after the tone") or a
  menu ("press one", "please hold", "your call is important").

``classify`` is pure: arrays and words in, an ``Outcome`` out. Tone frames are found with an FFT over 50 ms
frames in blocks, so an hour of audio costs a fraction of a second.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from ..types import SAMPLE_RATE, AttributedWord

KINDS = ("conversation", "voicemail", "no_answer", "ivr", "unclear")

FRAME_S = 0.05
_N = int(FRAME_S * SAMPLE_RATE)
_FFT = 2048  # 7.8 Hz bins: 440 and 480 Hz apart
_FREQS = np.fft.rfftfreq(_FFT, 1 / SAMPLE_RATE)
_BAND = (_FREQS >= 250) & (_FREQS <= 3400)  # what a phone line carries
TONAL_SHARE = 0.75  # a frame is a tone when this share of its phone-band energy lies in its two strongest peaks
MIN_RMS = 0.003  # quieter frames are silence
STEADY_SHARE = 0.9  # ... and a tone's frames have this share at the median: a voice's harmonics spread wider
MAX_DRIFT_HZ = 2.0  # a generated tone holds its frequency; a voice's pitch moves its harmonics
RING_HZ = (330.0, 500.0)
BEEP_HZ = (600.0, 2500.0)
RING_MIN_S = 0.3
BEEP_S = (0.15, 2.5)

# The other party's words that say what answered. Kept short and general: a greeting or menu says these in
# many ways, so each pattern is a phrase most of them share, never one recording's wording.
GREETING = tuple(re.compile(p) for p in (
    r"\b(leave|record) (a|your|me a|us a) (brief |short |detailed )?(message|name|number)",
    r"\bafter the (tone|beep)", r"\bat the (tone|beep)", r"\b(not|isn't|is not) available", r"\bunavailable\b",
    r"\bvoice ?mail", r"\bmail ?box", r"\byou(ve| have) reached\b",
    r"\b(can't|cannot|can not|unable to|not able to) (take|answer|come to|get to) (your|the|my) (call|phone)",
    r"\bget back to you\b", r"\b(away from|not at) (my|the|his|her) (desk|phone)", r"\bplease leave\b",
    r"\bthe (person|number|party) you (are calling|have dialed|dialed)",
))
MENU = tuple(re.compile(p) for p in (
    r"\bpress (one|two|three|four|five|six|seven|eight|nine|zero|star|pound|\d)\b",
    r"\b(say|dial) or press\b", r"\bplease hold\b", r"\byour call is (very )?important",
    r"\b(menu|options) (has|have) (recently )?changed", r"\bplease (listen carefully|select|choose)\b",
    r"\bfor [a-z ]{2,40},? (press|say|dial)\b", r"\b(will|i'll|let me|going to) (transfer|connect|put) you\b",
    r"\bcall (may|might) be (recorded|monitored)", r"\bnext available\b",
))
CONVERSATION_WORDS = 6  # each party at least this many words, the other party in two turns or more
OPENING_WORDS = 60  # a greeting or a menu is looked for in the recording's first words only
MESSAGE_WORDS = 8  # a rep's voicemail message has at least this many words after the greeting or beep
TURN_PAUSE_S = 0.5  # after a greeting or beep, a change of voice is a turn at a sentence's end or after this pause


@dataclass(frozen=True)
class Tone:
    start: float
    end: float
    kind: str  # "ring" or "beep"
    hz: float

    def to_dict(self) -> dict[str, Any]:
        return {"start": round(self.start, 3), "end": round(self.end, 3), "kind": self.kind, "hz": round(self.hz)}


@dataclass(frozen=True)
class Outcome:
    kind: str
    confidence: float
    evidence: tuple[str, ...] = ()
    tones: tuple[Tone, ...] = ()
    message_start: float | None = None  # voicemail: when the rep's message begins
    answered_at: float | None = None  # when the other party (person, machine or menu) first spoke
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "confidence": round(self.confidence, 2), "evidence": list(self.evidence),
                "tones": [t.to_dict() for t in self.tones], "message_start": _r(self.message_start),
                "answered_at": _r(self.answered_at), **self.details}


def _r(t: float | None) -> float | None:
    return None if t is None else round(t, 3)


# --- tones ------------------------------------------------------------------------------------------------------

def tonal_frames(samples: np.ndarray, block: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Per 50 ms frame of 16 kHz ``samples`` (mono, or (channels, n) mixed block by block, so no whole-call mix
    is made): the main peak's frequency, refined between bins (0 when the
    frame is no tone), and the share of the phone-band energy in its two strongest peaks."""
    samples = samples if samples.ndim == 2 else samples[None, :]  # (channels, n): mixed a block at a time
    n = samples.shape[1] // _N
    freq = np.zeros(n, np.float32)
    shares = np.zeros(n, np.float32)
    window = np.hanning(_N).astype(np.float32)
    for a in range(0, n, block):
        frames = samples[:, a * _N:min(n, a + block) * _N].mean(axis=0).reshape(-1, _N).astype(np.float32)
        loud = np.sqrt((frames ** 2).mean(axis=1)) >= MIN_RMS
        if not loud.any():
            continue
        spec = np.abs(np.fft.rfft(frames * window, _FFT, axis=1)) ** 2
        spec[:, ~_BAND] = 0.0
        total = spec.sum(axis=1) + 1e-12
        top = spec.argmax(axis=1)
        idx = np.arange(len(frames))
        near = lambda k: sum(spec[idx, np.clip(k + d, 0, spec.shape[1] - 1)] for d in range(-2, 3))  # noqa: E731
        first = near(top)
        masked = spec.copy()
        for d in range(-3, 4):
            masked[idx, np.clip(top + d, 0, spec.shape[1] - 1)] = 0.0
        second_bin = masked.argmax(axis=1)
        second = near(second_bin)
        share = (first + np.where(second > 0.05 * first, second, 0.0)) / total
        tonal = loud & (share >= TONAL_SHARE)
        lo, hi = spec[idx, np.maximum(top - 1, 0)], spec[idx, np.minimum(top + 1, spec.shape[1] - 1)]
        mid = spec[idx, top]
        shift = np.where(lo + hi > 0, 0.5 * (lo - hi) / (lo - 2 * mid + hi - 1e-12), 0.0)  # parabolic peak
        f1 = _FREQS[top] + np.clip(shift, -0.5, 0.5) * (_FREQS[1] - _FREQS[0])
        # a dual tone's two peaks are equally strong and trade places from frame to frame: name it by its lower one
        f2 = _FREQS[second_bin]
        paired = second >= 0.3 * first
        f1 = np.where(paired & (f2 < f1), _FREQS[second_bin], np.where(paired, _FREQS[top], f1))
        freq[a:a + len(frames)] = np.where(tonal, f1, 0.0)
        shares[a:a + len(frames)] = np.where(loud, share, 0.0)
    return freq, shares


def find_tones(samples: np.ndarray) -> tuple[Tone, ...]:
    """Ring-back and beep tones in mono 16 kHz ``samples``: runs of tonal frames in the ring or beep band."""
    freq, shares = tonal_frames(samples)
    kind = np.where((freq >= RING_HZ[0]) & (freq <= RING_HZ[1]), 1,
                    np.where((freq >= BEEP_HZ[0]) & (freq <= BEEP_HZ[1]), 2, 0))
    tones = []
    i, n = 0, len(kind)
    while i < n:
        if kind[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < n and (kind[j + 1] == kind[i] or (j + 2 < n and kind[j + 2] == kind[i] and kind[j + 1] == 0)):
            j += 1
        start, end = i * FRAME_S, (j + 1) * FRAME_S
        f = freq[i:j + 1][freq[i:j + 1] > 0]
        hz = float(np.median(f))
        name = "ring" if kind[i] == 1 else "beep"
        length = end - start
        steady = float(np.std(f)) <= MAX_DRIFT_HZ and float(np.median(shares[i:j + 1])) >= STEADY_SHARE
        if steady and ((name == "ring" and length >= RING_MIN_S) or (name == "beep" and BEEP_S[0] <= length <= BEEP_S[1])):
            tones.append(Tone(start, end, name, hz))
        i = j + 1
    return tuple(tones)


# --- the decision -----------------------------------------------------------------------------------------------

def _text(words: Iterable[AttributedWord]) -> str:
    joined = " ".join(re.sub(r"[^a-z0-9']", " ", w.text.lower()) for w in words)
    return " " + " ".join(joined.split()) + " "  # one space between words, however the words came spaced


def _hits(patterns, text: str) -> list[str]:
    return [m.group(0).strip() for p in patterns for m in [p.search(text)] if m]


def classify(samples: np.ndarray, words: tuple[AttributedWord, ...], roles: dict[str, str]) -> Outcome:
    """The outcome of one recording from its 16 kHz ``samples`` (mono or (channels, n)), its attributed words and
    who is the rep.

    Speakers, not roles, decide: on a voicemail the greeting's voice is easily taken for the rep (it speaks
    first, it names itself), so what counts is whether one voice or two speak after the greeting or the beep.
    Words said during a tone (a transcriber's "beep" on a beep) are not speech."""
    tones = find_tones(samples)
    spoken = tuple(w for w in words if not any(t.start - 0.1 <= (w.start + w.end) / 2 <= t.end + 0.1 for t in tones))
    rings = [t for t in tones if t.kind == "ring"]
    beeps = [t for t in tones if t.kind == "beep"]
    evidence = []
    if rings:
        evidence.append(f"ring-back tone x{len(rings)} ({rings[0].hz:.0f} Hz) from {rings[0].start:.1f} s")
    if beeps:
        evidence.append(f"beep at {beeps[0].start:.1f} s ({beeps[0].hz:.0f} Hz)")
    by_speaker = Counter(w.speaker for w in spoken)
    details: dict[str, Any] = {"words_by_speaker": dict(sorted(by_speaker.items()))}
    answered = spoken[0].start if spoken else None
    if len(spoken) < 3:
        what = "ringing only" if rings else ("silence" if not spoken else "no words to speak of")
        return Outcome("no_answer", 0.9 if rings or not spoken else 0.7, (*evidence, f"{what}: nobody spoke"),
                       tones, None, None, details)
    opening = spoken[:OPENING_WORDS]
    menu = _hits(MENU, _text(opening))
    greeting = _hits(GREETING, _text(opening))
    if menu:
        evidence.append(f"a menu or transfer before a person: {', '.join(repr(h) for h in menu[:3])}")
        return Outcome("ivr", 0.85 if len(menu) > 1 else 0.7, tuple(evidence), tones, None, answered, details)
    if greeting or beeps:
        cue = max([t.end for t in beeps] + ([_last_hit_end(opening, GREETING)] if greeting else []))
        after = [w for w in spoken if w.start >= cue - 0.2]
        if greeting:
            evidence.append(f"a greeting: {', '.join(repr(h) for h in greeting[:3])}")
        voices = Counter(w.speaker for w in after).most_common()
        # someone picked up: a second voice, and the two take turns - at a sentence's end or after a pause; a
        # diarizer that splits one mono message between two labels changes voice mid-sentence, with no pause
        picked_up = len(voices) > 1 and voices[1][1] >= CONVERSATION_WORDS and _turns(after, voices[0][0], True) >= 2
        if not picked_up and (greeting or len(after) >= MESSAGE_WORDS):
            if after:
                evidence.append(f"one voice after it: a message of {len(after)} words")
                details["rep_speaker"] = voices[0][0]
            else:
                evidence.append("nothing said after it: the rep hung up on the voicemail")
            conf = 0.95 if greeting and beeps else 0.85 if greeting else 0.7
            return Outcome("voicemail", conf, tuple(evidence), tones, after[0].start if after else None, answered,
                           details)
    voices = by_speaker.most_common()
    if len(voices) > 1 and voices[1][1] >= CONVERSATION_WORDS and voices[0][1] >= CONVERSATION_WORDS:
        turns = _turns(spoken, voices[0][0])
        if turns >= 2:
            evidence.append(f"two voices took turns: {voices[0][1]} and {voices[1][1]} words, {turns} turns")
            return Outcome("conversation", 0.9 if turns >= 3 else 0.75, tuple(evidence), tones, None, answered,
                           details)
    if len(voices) == 1 or voices[1][1] < 3:
        if voices[0][1] >= MESSAGE_WORDS:
            evidence.append(f"one voice only ({voices[0][1]} words): a message with no greeting heard")
            details["rep_speaker"] = voices[0][0]
            return Outcome("voicemail", 0.6, tuple(evidence), tones, spoken[0].start, answered, details)
    evidence.append("words from " + ", ".join(f"{s}: {n}" for s, n in voices))
    return Outcome("unclear", 0.4, tuple(evidence), tones, None, answered, details)


def _turns(words, main: str, at_boundaries: bool = False) -> int:
    """How many times a voice other than ``main`` took the floor; with ``at_boundaries``, only where the voice
    before had ended a sentence or paused ``TURN_PAUSE_S`` (a change mid-sentence is the same voice, split)."""
    turns, theirs, prev = 0, False, None
    for w in words:
        other = w.speaker != main
        if other != theirs and at_boundaries and prev is not None:
            if not (prev.text.rstrip().endswith((".", "?", "!")) or w.start - prev.end >= TURN_PAUSE_S):
                prev = w
                continue  # the same floor: no change of voice counted
        turns += other and not theirs
        theirs = other
        prev = w
    return turns


def _last_hit_end(words: tuple[AttributedWord, ...], patterns) -> float:
    """When the last greeting phrase ends (the rep's message comes after it): the end of the last word that
    completes a phrase (that phrase matches up to that word, and not without it; another phrase earlier in the
    window does not hide it)."""
    end = 0.0
    for i in range(len(words)):
        window = words[max(0, i - 8):i + 1]
        if any(p.search(_text(window)) and not p.search(_text(window[:-1])) for p in patterns):  # this word ends it
            end = max(end, words[i].end)
    return end
