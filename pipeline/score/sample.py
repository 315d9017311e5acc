"""Build small ``AttributedTranscript``s by hand: for tests, docs and trying out lexicon edits.

>>> tr = transcript_from_lines([("rep", 0.0, "Hi, this is Sam from Acme."), ("buyer", 2.5, "Hi Sam.")])
>>> from pipeline.score import score
>>> score(tr).metrics["talk_ratio_rep"]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Iterable, Sequence

from ..types import AttributedTranscript, AttributedWord, Utterance

WORD_S = 0.3  # one word every 0.3 s: 200 words a minute


def transcript_from_lines(lines: Iterable[Sequence], roles: dict[str, str] | None = None,
                          word_s: float = WORD_S, duration_s: float | None = None) -> AttributedTranscript:
    """Lines ``(speaker, start, text)`` - words evenly spaced ``word_s`` apart, each lasting ``word_s`` - or
    ``(speaker, start, end, text)`` - words spread evenly over [start, end]. One utterance per line.

    ``roles`` defaults to each speaker's own name when it is "rep" or "buyer", else "unknown".
    ``duration_s`` defaults to the end of the last word.
    """
    words: list[AttributedWord] = []
    utts: list[Utterance] = []
    for line in lines:
        if len(line) == 3:
            speaker, start, text = line
            toks = str(text).split()
            step = word_s
        else:
            speaker, start, end, text = line
            toks = str(text).split()
            step = (float(end) - float(start)) / max(1, len(toks))
        ws = [AttributedWord(round(start + i * step, 3), round(start + (i + 1) * step, 3), t, speaker)
              for i, t in enumerate(toks)]
        if not ws:
            continue
        words.extend(ws)
        utts.append(Utterance(ws[0].start, ws[-1].end, speaker, " ".join(toks)))
    words.sort(key=lambda w: (w.start, w.end))
    utts.sort(key=lambda u: (u.start, u.end))
    speakers = sorted({w.speaker for w in words})
    if roles is None:
        roles = {s: (s if s in ("rep", "buyer") else "unknown") for s in speakers}
    duration = duration_s if duration_s is not None else max((w.end for w in words), default=0.0)
    return AttributedTranscript(tuple(words), tuple(utts), dict(roles), duration)
