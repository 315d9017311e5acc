"""Real two-party phone calls (the Gridspace-Stanford Harper Valley corpus) as evaluation recordings.

Each call in ``../shared/data/real/harper-valley-dev/<folder>/`` is one 8 kHz leg per party (``*_agent.wav``,
``*_caller.wav``, sharing t = 0) and a person's verbatim transcript with times (``*_transcript.json``). Sales
recorders deliver both layouts, so each call is evaluated twice:

- ``<sid>_stereo.wav``: agent on the left channel, caller on the right (a call-centre recorder);
- ``<sid>_mono.wav``: the two legs summed (a phone or a conference bridge recording one mix).

Both are written, with their references, into a work folder (never into the repository: the corpus is
CC-BY-4.0 and stays in ``../shared``), in the layout ``find_references`` reads: ``<stem>.rttm`` (one turn per
reference utterance, labels ``agent``/``caller``), ``<stem>.txt`` (the transcript in time order, noise tags
such as ``[noise]`` and ``<unk>`` removed), ``<stem>.ref.json`` (``rep_speaker`` ``agent``: the company side is the
rep; every utterance as a line; for the stereo file the text per channel; the one marker kind the spans
tell, ``interruption``: the agent starting while the caller still has a quarter second to go).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from ..score.options import ScoreOptions

TAG = re.compile(r"\[[^\]]*\]|<[^>]*>")  # [noise], [laughter], [unintelligible], <unk>
ROLES = ("agent", "caller")  # channel order of the stereo render: agent left, caller right
NAME = "harper-valley-dev"
# Tune on one half, report on the other: the first two calls by id are the tuning half (decoding options and
# thresholds were chosen on them and on the synthetic sets), the other two are never tuned on.
TUNING = ("0002f70f7386445b", "0091a706bc604188")


def is_corpus(folder: Path) -> bool:
    """A Harper Valley folder: sub-folders each holding ``*_agent.wav``, ``*_caller.wav``, ``*_transcript.json``."""
    folder = Path(folder)
    return folder.is_dir() and any(next(d.glob("*_transcript.json"), None) is not None and
                                   next(d.glob("*_agent.wav"), None) is not None for d in folder.iterdir() if d.is_dir())


def clean_text(text: str) -> str:
    """A reference utterance without its noise tags, whitespace collapsed."""
    return " ".join(TAG.sub(" ", text).split())


def reference_lines(transcript: list[dict]) -> list[dict]:
    """The utterances as (speaker, start, end, text) lines in time order; utterances that were only noise go."""
    lines = []
    for u in transcript:
        text = clean_text(u.get("human_transcript", ""))
        if not text:
            continue
        start = u["start_ms"] / 1000.0  # the NOTICE: start_ms is right, offset_ms is off on some agent lines
        lines.append({"speaker": u["speaker_role"], "start": round(start, 3),
                      "end": round(start + u["duration_ms"] / 1000.0, 3), "text": text})
    lines.sort(key=lambda ln: (ln["start"], ln["end"]))
    return lines


INTERRUPTION_S = ScoreOptions().interruption_min_overlap_s  # the same rule as the scorer's


def label_interruptions(lines: list[dict]) -> list[dict]:
    """The one marker a real call's reference tells: the agent starting while the caller's utterance still
    has at least ``INTERRUPTION_S`` to go (from the utterance spans; one-word replies are backchannels)."""
    out = []
    for ln in lines:
        cut_in = ln["speaker"] == "agent" and len(ln["text"].split()) > 1 and any(
            o["speaker"] != "agent" and o["start"] < ln["start"] and o["end"] - ln["start"] >= INTERRUPTION_S
            for o in lines)
        out.append({**ln, "markers": ["interruption"] if cut_in else []})
    return out


def _legs(call: Path) -> tuple[np.ndarray, int]:
    """(2, n) int16 samples, agent first, the shorter leg padded with silence; and the sample rate."""
    import soundfile as sf

    legs, rate = [], None
    for role in ROLES:
        path = next(call.glob(f"*_{role}.wav"))
        x, r = sf.read(str(path), dtype="int16", always_2d=True)
        legs.append(x[:, 0])
        if rate is not None and r != rate:
            raise ValueError(f"{call.name}: the legs have different sample rates ({rate} and {r})")
        rate = r
    n = max(len(x) for x in legs)
    out = np.zeros((2, n), np.int16)
    for i, x in enumerate(legs):
        out[i, : len(x)] = x
    return out, int(rate)


def materialize(corpus: Path, dest: Path) -> Path:
    """Write the stereo and mono render of every call in ``corpus`` with its references into ``dest``.

    Idempotent: a file already there with the same bytes is left alone. Returns ``dest``.
    """
    import soundfile as sf

    corpus, dest = Path(corpus), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for call in sorted(d for d in corpus.iterdir() if d.is_dir()):
        tfile = next(call.glob("*_transcript.json"), None)
        if tfile is None or next(call.glob("*_agent.wav"), None) is None:
            continue
        sid = tfile.name[: -len("_transcript.json")]
        lines = reference_lines(json.loads(tfile.read_text(encoding="utf-8")))
        legs, rate = _legs(call)
        # the mix a single-channel recorder would have written: both legs summed, clipped like a codec would
        mix = np.clip(legs.astype(np.int32).sum(0), -32768, 32767).astype(np.int16)
        text = "\n".join(ln["text"] for ln in lines) + "\n"
        by_channel = {ch: " ".join(ln["text"] for ln in lines if ln["speaker"] == role)
                      for ch, role in enumerate(ROLES)}
        for layout, samples in (("stereo", legs.T), ("mono", mix)):
            stem = f"{sid}_{layout}"
            wav = dest / f"{stem}.wav"
            if not wav.is_file():
                sf.write(str(wav), samples, rate, subtype="PCM_16")
            rttm = "".join(f"SPEAKER {stem} 1 {ln['start']:.3f} {ln['end'] - ln['start']:.3f} <NA> <NA> "
                           f"{ln['speaker']} <NA> <NA>\n" for ln in lines)
            ref = {"name": stem, "audio": wav.name, "source": f"{NAME}/{call.name}", "rep_speaker": "agent",
                   "channels": {"0": "agent", "1": "caller"} if layout == "stereo" else None,
                   "sample_rate": rate, "labelled_kinds": ["interruption"], "lines": label_interruptions(lines)}
            if layout == "stereo":
                ref["by_channel"] = {str(ch): t for ch, t in by_channel.items()}
            _write_if_changed(dest / f"{stem}.rttm", rttm)
            _write_if_changed(dest / f"{stem}.txt", text)
            _write_if_changed(dest / f"{stem}.ref.json", json.dumps(ref, indent=1) + "\n")
    return dest


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
