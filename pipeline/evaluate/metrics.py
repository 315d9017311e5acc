"""The scores: WER (per channel too), DER/JER and confusion, word-role and rep-role accuracy, filler recall,
marker matches and the true talk ratio; ``EvalRow`` holds one recording's figures."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

FILLERS = frozenset({"um", "uh", "er", "erm", "hmm", "mm", "ah"})

_normalizer = None

# Spellings of one word that Whisper's normaliser leaves apart, scored as one (NIST's scoring does the same
# with its GLM files): a reference typed "alright" against Whisper's "all right" is not two errors.
SPELLING_VARIANTS = ((re.compile(r"\ball right\b"), "alright"), (re.compile(r"\bok\b"), "okay"),
                     (re.compile(r"\b([ap]) m\b"), r"\1m"))


def normalize(text: str, variants: bool = True) -> str:
    """Whisper's English normaliser (which also drops fillers and bracketed tags), then (``variants``) one
    spelling per word."""
    global _normalizer
    if _normalizer is None:
        from whisper.normalizers import EnglishTextNormalizer

        _normalizer = EnglishTextNormalizer()
    out = _normalizer(text)
    for pattern, repl in SPELLING_VARIANTS if variants else ():
        out = pattern.sub(repl, out)
    return out


def wer(reference: str, hypothesis: str, variants: bool = True) -> float:
    import jiwer

    ref, hyp = normalize(reference, variants), normalize(hypothesis, variants)
    if not ref.strip():
        return 0.0 if not hyp.strip() else 1.0
    return float(jiwer.wer(ref, hyp or "<empty>"))


def wer_by_channel(reference: dict[int, str], analysis: dict[str, Any], variants: bool = True) -> float | None:
    """Word errors summed over channels / reference words summed over channels; None if not per channel."""
    import jiwer

    channel_of = {s["id"]: s.get("channel") for s in analysis["speakers"]}
    if analysis["call"].get("channel_mode") != "per_channel":
        return None
    errors = words = 0
    for ch, ref in reference.items():
        hyp = " ".join(seg["text"] for seg in analysis["segments"] if channel_of.get(seg["speaker"]) == ch)
        r, h = normalize(ref, variants), normalize(hyp, variants)
        out = jiwer.process_words(r, h or "<empty>")
        errors += out.substitutions + out.deletions + out.insertions
        words += len(r.split())
    return errors / max(words, 1)


MATCH_TOLERANCE_S = 0.5  # a marker matches a labelled line it overlaps, give or take this much


def marker_counts(doc: dict[str, Any], lines: tuple[dict, ...], rep_label: str,
                  kinds: tuple[str, ...] | None = None) -> dict[str, list[int]]:
    """Per marker kind: [matched hyp, hyp, matched ref, ref]. Rep-side markers only; kinds must agree.
    ``kinds``: the kinds the lines are labelled for (the others are left out); None: all."""
    from ..score import MARKER_KINDS

    counted = tuple(k for k in MARKER_KINDS if kinds is None or k in kinds)
    roles = {s["id"]: s["role"] for s in doc["speakers"]}
    hyp = [m for m in doc["markers"] if roles.get(m["speaker"]) == "rep" and m["kind"] in counted]
    refs = [(k, ln["start"], ln["end"]) for ln in lines if ln["speaker"] == rep_label
            for k in ln.get("markers", ()) if k in counted]

    def near(a0, a1, b0, b1):
        return a0 - MATCH_TOLERANCE_S < b1 and b0 < a1 + MATCH_TOLERANCE_S

    out = {k: [0, 0, 0, 0] for k in counted}
    for m in hyp:
        c = out[m["kind"]]
        c[1] += 1
        c[0] += any(k == m["kind"] and near(m["start"], m["end"], s, e) for k, s, e in refs)
    for k, s, e in refs:
        c = out[k]
        c[3] += 1
        c[2] += any(m["kind"] == k and near(m["start"], m["end"], s, e) for m in hyp)
    return out


def true_talk_ratio(lines: tuple[dict, ...], rep_label: str) -> float | None:
    def total(spk: str) -> float:
        spans = sorted((ln["start"], ln["end"]) for ln in lines if ln["speaker"] == spk)
        t, cur_s, cur_e = 0.0, None, None
        for s, e in spans:
            if cur_e is None or s > cur_e:
                if cur_e is not None:
                    t += cur_e - cur_s
                cur_s, cur_e = s, e
            else:
                cur_e = max(cur_e, e)
        return t + ((cur_e - cur_s) if cur_e is not None else 0.0)

    rep = total(rep_label)
    others = sum(total(s) for s in {ln["speaker"] for ln in lines} - {rep_label})
    return rep / (rep + others) if rep + others else None


def precision_recall(counts: list[int]) -> tuple[float | None, float | None]:
    mh, h, mr, r = counts
    return (mh / h if h else None), (mr / r if r else None)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def filler_counts(reference: str, hypothesis: str) -> tuple[int, int]:
    """(reference fillers, of which the hypothesis has at the aligned position), via a word alignment."""
    import jiwer

    ref, hyp = _tokens(reference), _tokens(hypothesis)
    n_ref = sum(t in FILLERS for t in ref)
    if not n_ref or not hyp:
        return n_ref, 0
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    hit = 0
    for chunk in out.alignments[0]:
        if chunk.type == "equal":
            hit += sum(t in FILLERS for t in ref[chunk.ref_start_idx:chunk.ref_end_idx])
    return n_ref, hit


def _runs(tokens: list[str]) -> dict[str, int]:
    """word -> the longest run of it in a row."""
    out: dict[str, int] = {}
    for tok, run in itertools.groupby(tokens):
        out[tok] = max(out.get(tok, 0), sum(1 for _ in run))
    return out


def invented_repeats(reference: str, hypothesis: str, at_least: int = 3) -> list[str]:
    """Runs of one word ``at_least`` times in a row in the hypothesis that the reference never has that long
    (a decoder loop or a repeat the verbatim pass made up: "the the the" where "the" was said once)."""
    ref = _runs(normalize(reference).split())
    return [f"{w} x{n}" for w, n in _runs(normalize(hypothesis).split()).items()
            if n >= at_least and n > ref.get(w, 0)]


def diarization_scores(reference, hypothesis, uem=None) -> dict[str, float]:
    from pyannote.metrics.diarization import DiarizationErrorRate, JaccardErrorRate

    out: dict[str, float] = {}
    for collar in (0.25, 0.0):
        metric = DiarizationErrorRate(collar=collar, skip_overlap=False)
        comp = metric(reference, hypothesis, uem=uem, detailed=True)
        total = comp["total"] or 1.0
        tag = f"{collar:g}"
        out[f"der_c{tag}"] = comp["diarization error rate"]
        out[f"confusion_c{tag}"] = comp["confusion"] / total
        out[f"missed_c{tag}"] = comp["missed detection"] / total
        out[f"false_alarm_c{tag}"] = comp["false alarm"] / total
        out[f"jer_c{tag}"] = JaccardErrorRate(collar=collar)(reference, hypothesis, uem=uem)
    return out


def word_role_accuracy(reference, hypothesis, analysis: dict[str, Any]) -> float | None:
    """Of the reference speech that the transcript's utterances cover, the share given to the right party.

    Each hypothesis speaker is mapped to a reference label (the optimal DER mapping); an utterance's time counts
    as right where that reference label is speaking (both, in overlapped speech), wrong where only others are.
    None when no utterance covers any reference speech.
    """
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    mapping = DiarizationErrorRate().optimal_mapping(reference, hypothesis)
    speech = reference.get_timeline().support()
    by_label = {lab: reference.label_timeline(lab).support() for lab in reference.labels()}
    right = covered = 0.0
    for u in analysis["segments"]:
        if u["end"] <= u["start"]:
            continue
        span = Timeline([Segment(u["start"], u["end"])])
        covered += span.crop(speech, mode="intersection").duration()
        own = by_label.get(mapping.get(u["speaker"]))
        if own is not None:
            right += span.crop(own, mode="intersection").duration()
    return right / covered if covered > 0 else None


def role_correct(reference, hypothesis, analysis: dict[str, Any], rep_label: str) -> bool | None:
    from pyannote.metrics.diarization import DiarizationErrorRate

    mapping = DiarizationErrorRate().optimal_mapping(reference, hypothesis)  # hyp label -> ref label
    rep_hyp = [s["id"] for s in analysis["speakers"] if s["role"] == "rep"]
    if not rep_hyp:
        return False
    return mapping.get(rep_hyp[0]) == rep_label


@dataclass
class EvalRow:
    file: str
    duration_s: float
    channel_mode: str = ""
    wer: float | None = None
    wer_plain: float | None = None  # the same with Whisper's normaliser alone (spelling variants count as errors)
    der_c0_25: float | None = None
    der_c0: float | None = None
    jer_c0_25: float | None = None
    jer_c0: float | None = None
    confusion_c0_25: float | None = None
    word_role_accuracy: float | None = None  # share of the utterances' speech given to the right party
    role_correct: bool | None = None
    ref_fillers: int | None = None
    hyp_fillers_matched: int | None = None
    rtf: float | None = None
    talk_ratio_error: float | None = None  # |measured - true| rep talk ratio
    invented_repeats: list[str] = field(default_factory=list)  # ``invented_repeats``: "word xN" per run
    # kind -> [matched hypothesis markers, hypothesis markers, matched reference labels, reference labels]
    marker_counts: dict[str, list[int]] = field(default_factory=dict)
    error: str | None = None
    extra: dict[str, float] = field(default_factory=dict)
