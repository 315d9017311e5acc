"""Corpora and their references: which recordings ``callreview eval`` measures and what each is scored against.

A corpus is a folder of recordings with references beside them, found by name (``pipeline.evaluate``'s
docstring lists them); ``corpus_folder`` renders a corpus kept in another layout (Harper Valley) first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..audio import is_audio_path

_ROOT = Path(__file__).resolve().parents[2]
# What `callreview eval` and the integration tests measure: the repository's labelled sets and the real
# recordings beside it in ../shared (test_calls is the frozen test half of the marker set: never tuned on)
CORPORA = ("sample_calls", "eval_calls", "test_calls", "../shared/data/real/harper-valley-dev",
           "../shared/data/real/pyannote-sample", "../shared/data/real/pyannote-ami-tests",
           "../shared/data/real/whisper-jfk", "../shared/data/real/faster-whisper-stereo")


def default_corpora() -> list[Path]:
    """``CORPORA`` as paths from the repository root."""
    return [(_ROOT / c).resolve() for c in CORPORA]


@dataclass(frozen=True)
class Reference:
    audio: Path
    uri: str
    rttm_path: Path | None = None
    uem_path: Path | None = None
    transcript: str | None = None
    rep_speaker: str | None = None
    # channel index -> reference text, for recordings with one speaker per channel (overlaps make a single
    # time-ordered reference ambiguous, so each channel is scored on its own)
    by_channel: dict[int, str] | None = None
    lines: tuple[dict, ...] = ()  # labelled reference lines (speaker, start, end, text, markers) from .ref.json
    # the marker kinds the lines are labelled for (None: every kind); a real call's reference only tells
    # interruptions, from its overlapping utterance spans
    labelled_kinds: tuple[str, ...] | None = None


def find_references(corpus: Path) -> list[Reference]:
    corpus = Path(corpus)
    audio = sorted(p for p in corpus.iterdir() if p.is_file() and is_audio_path(p))
    rttms = sorted(corpus.glob("*.rttm"))
    uems = sorted(corpus.glob("*.uem"))
    out = []
    for a in audio:
        stem = a.stem
        rttm = corpus / f"{stem}.rttm"
        if not rttm.is_file():
            rttm = next((r for r in rttms if _has_uri(r, stem)), None)
        uem = next((u for u in uems if _has_uri(u, stem, field_index=0)), None)
        text, by_channel = None, None
        if (corpus / f"{stem}.txt").is_file():
            text = (corpus / f"{stem}.txt").read_text(encoding="utf-8")
        elif len(audio) == 1 and (corpus / "reference.txt").is_file():
            text = (corpus / "reference.txt").read_text(encoding="utf-8")
        elif len(audio) == 1 and (corpus / "reference_by_channel.tsv").is_file():
            lines = (corpus / "reference_by_channel.tsv").read_text(encoding="utf-8").splitlines()
            pairs = [line.split("\t", 1) for line in lines if "\t" in line]
            by_channel = {{"left": 0, "right": 1}.get(ch, i): t for i, (ch, t) in enumerate(pairs)}
            text = " ".join(by_channel.values())
        rep, lines, kinds = None, (), None
        if (corpus / f"{stem}.ref.json").is_file():
            meta = json.loads((corpus / f"{stem}.ref.json").read_text(encoding="utf-8"))
            rep, lines = meta.get("rep_speaker"), tuple(meta.get("lines", ()))
            kinds = tuple(meta["labelled_kinds"]) if "labelled_kinds" in meta else None
            if meta.get("by_channel"):  # one party per channel: each channel's text scored on its own
                by_channel = {int(ch): t for ch, t in meta["by_channel"].items()}
        out.append(Reference(a, stem, rttm, uem, text, rep, by_channel, lines, kinds))
    return out


def _has_uri(path: Path, uri: str, field_index: int = 1) -> bool:
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) > field_index and parts[field_index] == uri:
            return True
    return False


def load_rttm(path: Path, uri: str):
    from pyannote.core import Annotation, Segment

    ann = Annotation(uri=uri)
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        p = line.split()
        if len(p) >= 8 and p[0] == "SPEAKER" and p[1] == uri:
            start, dur = float(p[3]), float(p[4])
            ann[Segment(start, start + dur), i] = p[7]
    return ann


def load_uem(path: Path, uri: str):
    from pyannote.core import Segment, Timeline

    segs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        p = line.split()
        if len(p) >= 4 and p[0] == uri:
            segs.append(Segment(float(p[2]), float(p[3])))
    return Timeline(segs, uri=uri)


def corpus_folder(corpus: Path, out: Path | None) -> Path:
    """Where ``find_references`` reads a corpus: the folder itself, or for a corpus stored in another layout
    (Harper Valley's one leg per party) the stereo and mono renders written under ``out/corpora/``."""
    from . import harper

    if not harper.is_corpus(corpus):
        return corpus
    if out is None:
        import tempfile

        out = Path(tempfile.mkdtemp(prefix="callreview-eval-"))
    return harper.materialize(corpus, Path(out) / "corpora" / corpus.name)
