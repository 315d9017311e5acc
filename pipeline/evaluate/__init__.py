"""Evaluation against references: WER, DER/JER, speaker confusion, rep-role accuracy, filler recall, speed.

A corpus is a folder of recordings with references beside them, found by name:

- ``<stem>.rttm`` (or any ``*.rttm`` in the folder with lines for file id ``<stem>``): speaker turns;
  a matching ``*.uem`` limits scoring to the annotated span;
- ``<stem>.txt`` (or ``reference.txt`` when the folder holds one recording, or ``reference_by_channel.tsv``):
  the reference transcript;
- ``<stem>.ref.json``: ``rep_speaker`` (the reference label of the rep) and per-line text for filler counts.

Scores use the standard tools: pyannote.metrics (``DiarizationErrorRate(collar=...)``) and jiwer WER after
Whisper's English normaliser, which also removes fillers from both sides (filler recall is scored apart).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..audio import is_audio_path

FILLERS = frozenset({"um", "uh", "er", "erm", "hmm", "mm", "ah"})

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


def marker_summary(rows: list["EvalRow"]) -> dict[str, dict[str, dict[str, float | None]]]:
    """{group: {kind or family: {precision, recall, hyp, ref}}}; a group per corpus folder and channel layout,
    e.g. "eval_calls stereo" (per-channel renders) and "eval_calls mono"."""
    from ..score import HESITANCY_KINDS, PUSHINESS_KINDS

    out: dict[str, dict[str, dict[str, float | None]]] = {}
    corpora = sorted({r.file.split("/", 1)[0] for r in rows if r.marker_counts})
    for corpus, (layout, modes) in [(c, g) for c in corpora
                                    for g in (("stereo", {"per_channel"}), ("mono", {"mono", "mixed"}))]:
        group = f"{corpus} {layout}"
        sel = [r for r in rows if r.marker_counts and r.channel_mode in modes and r.file.startswith(corpus + "/")]
        if not sel:
            continue
        table: dict[str, dict[str, float | None]] = {}
        have = set.intersection(*(set(r.marker_counts) for r in sel))  # the kinds every call is labelled for
        fams = {f: tuple(k for k in ks if k in have)
                for f, ks in (("hesitancy", HESITANCY_KINDS), ("pushiness", PUSHINESS_KINDS))}
        for name, kinds in [(k, (k,)) for k in sorted(have)] + [(f, ks) for f, ks in fams.items() if ks]:
            c = [sum(r.marker_counts[k][i] for r in sel for k in kinds) for i in range(4)]
            p, rc = precision_recall(c)
            table[name] = {"precision": p, "recall": rc, "hyp": c[1], "ref": c[3]}
        errs = [r.talk_ratio_error for r in sel if r.talk_ratio_error is not None]
        table["talk_ratio_error_max"] = {"value": max(errs) if errs else None}
        out[group] = table
    return out


def _f(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


def markers_markdown(summary: dict) -> str:
    if not summary:
        return ""
    lines = ["| group | kind / family | precision | recall | found | labelled |", "|---|---|---|---|---|---|"]
    for group, table in summary.items():
        for name, v in table.items():
            if name == "talk_ratio_error_max":
                continue
            strong = "**" if name in ("hesitancy", "pushiness") else ""
            lines.append(f"| {group} | {strong}{name}{strong} | {_f(v['precision'])} | {_f(v['recall'])} | "
                         f"{v['hyp']} | {v['ref']} |")
    errs = ", ".join(f"{g} {_f(t['talk_ratio_error_max']['value'])}" for g, t in summary.items())
    lines.append(f"\nLargest talk-ratio error (|measured - true| rep share): {errs}.")
    return "\n".join(lines)


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
    i = 0
    while i < len(tokens):
        j = i
        while j + 1 < len(tokens) and tokens[j + 1] == tokens[i]:
            j += 1
        out[tokens[i]] = max(out.get(tokens[i], 0), j - i + 1)
        i = j + 1
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


def evaluate(corpora: list[Path], engines, out: Path | None = None, progress=None) -> list[EvalRow]:
    """Run the pipeline on every referenced recording of ``corpora`` and score it."""
    from .. import report
    from ..analysis import write_json_atomic, write_text_atomic
    from ..audio import PLAYABLE_NAME
    from ..callmeta import InboxRules
    from ..run import analyze_file, call_id, file_sha256

    rows: list[EvalRow] = []
    refs = [r for c in corpora for r in find_references(corpus_folder(Path(c), out))]
    for i, ref in enumerate(refs):
        label = f"{ref.audio.parent.name}/{ref.audio.name}"
        if progress:
            progress(i, len(refs), label)
        t0 = time.perf_counter()
        folder = None
        if out is not None:
            folder = Path(out) / "calls" / call_id(label, file_sha256(ref.audio))
            folder.mkdir(parents=True, exist_ok=True)
        try:
            # the corpus and file name identify the recording (corpora share file names); no rep from folders
            info = InboxRules(rep_from_folder=False).info(ref.audio, label)
            doc, diarization = analyze_file(ref.audio, label, engines, info=info,
                                            playable=folder / PLAYABLE_NAME if folder else None)
        except Exception as e:  # one failing reference must not hide the others' figures
            rows.append(EvalRow(label, 0.0, error=" ".join(str(e).split())))
            continue
        elapsed = time.perf_counter() - t0
        row = EvalRow(label, doc["call"]["duration_s"], doc["call"]["channel_mode"],
                      rtf=elapsed / max(doc["call"]["duration_s"], 1e-6))
        hyp_text = " ".join(s["text"] for s in doc["segments"])
        if ref.transcript is not None:
            for variants in (True, False):
                per_channel = wer_by_channel(ref.by_channel, doc, variants) if ref.by_channel else None
                w = per_channel if per_channel is not None else wer(ref.transcript, hyp_text, variants)
                if variants:
                    row.wer = w
                else:
                    row.wer_plain = w
            row.ref_fillers, row.hyp_fillers_matched = filler_counts(ref.transcript, hyp_text)
            row.invented_repeats = invented_repeats(ref.transcript, hyp_text)
        if ref.rttm_path is not None:
            reference = load_rttm(ref.rttm_path, ref.uri)
            hypothesis = diarization.to_annotation(ref.uri)
            uem = load_uem(ref.uem_path, ref.uri) if ref.uem_path else None
            scores = diarization_scores(reference, hypothesis, uem)
            row.der_c0_25, row.der_c0 = scores["der_c0.25"], scores["der_c0"]
            row.jer_c0_25, row.jer_c0 = scores["jer_c0.25"], scores["jer_c0"]
            row.confusion_c0_25 = scores["confusion_c0.25"]
            row.extra = scores
            row.word_role_accuracy = word_role_accuracy(reference, hypothesis, doc)
            if ref.rep_speaker:
                row.role_correct = role_correct(reference, hypothesis, doc, ref.rep_speaker)
        if ref.lines and ref.rep_speaker:
            if any("markers" in ln for ln in ref.lines):  # a set labelled for markers
                row.marker_counts = marker_counts(doc, ref.lines, ref.rep_speaker, ref.labelled_kinds)
            truth = true_talk_ratio(ref.lines, ref.rep_speaker)
            measured = doc["metrics"].get("talk_ratio_rep")
            if truth is not None and measured is not None:
                row.talk_ratio_error = abs(measured - truth)
        rows.append(row)
        if folder is not None:  # each call's report too: the place to listen to what the figures count
            write_json_atomic(folder / "analysis.json", doc)
            write_text_atomic(folder / "diarization.rttm", diarization.to_rttm(doc["call"]["id"]))
            report.write_call(folder, doc)
    if out is not None:
        report.write_batch(Path(out) / "calls")
        write_report(rows, Path(out), engines)
    return rows


def _pct(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.1f}%"


def markdown_table(rows: list[EvalRow]) -> str:
    head = ("| recording | dur s | channels | WER | DER c=0.25 | DER c=0 | JER c=0.25 | JER c=0 | confusion | "
            "word roles | rep role | talk-ratio error | fillers found | RTF |")
    lines = [head, "|" + "---|" * 14]
    for r in rows:
        if r.error:
            lines.append(f"| {r.file} | | | error: {r.error} |" + " |" * 10)
            continue
        role = "" if r.role_correct is None else ("right" if r.role_correct else "WRONG")
        fill = "" if not r.ref_fillers else f"{r.hyp_fillers_matched}/{r.ref_fillers}"
        lines.append(f"| {r.file} | {r.duration_s:.1f} | {r.channel_mode} | {_pct(r.wer)} | {_pct(r.der_c0_25)} | "
                     f"{_pct(r.der_c0)} | {_pct(r.jer_c0_25)} | {_pct(r.jer_c0)} | {_pct(r.confusion_c0_25)} | "
                     f"{_f(r.word_role_accuracy)} | {role} | {_f(r.talk_ratio_error)} | {fill} | {r.rtf:.3f} |")
    return "\n".join(lines)


def real_call_summary(rows: list[EvalRow]) -> dict[str, dict[str, Any]]:
    """The real phone calls (Harper Valley) per layout and half: WER median and worst, the lowest word-role
    accuracy, the largest speaker confusion and talk-ratio error, rep role right."""
    import statistics

    from .harper import NAME, TUNING

    out: dict[str, dict[str, Any]] = {}
    real = [r for r in rows if r.file.startswith(NAME + "/") and not r.error]
    for layout, modes in (("stereo", {"per_channel"}), ("mono", {"mono", "mixed"})):
        for half in ("tune", "test", "all"):
            sel = [r for r in real if r.channel_mode in modes and
                   (half == "all" or (half == "tune") == any(t in r.file for t in TUNING))]
            if not sel:
                continue
            wers = [r.wer for r in sel if r.wer is not None]
            plain = [r.wer_plain for r in sel if r.wer_plain is not None]
            wra = [r.word_role_accuracy for r in sel if r.word_role_accuracy is not None]
            out[f"{layout} {half}"] = {
                "calls": len(sel),
                "wer_median": statistics.median(wers) if wers else None, "wer_worst": max(wers, default=None),
                "wer_plain_median": statistics.median(plain) if plain else None,
                "wer_plain_worst": max(plain, default=None),
                "word_roles_min": min(wra, default=None),
                "confusion_max": max((r.confusion_c0_25 for r in sel if r.confusion_c0_25 is not None), default=None),
                "talk_ratio_error_max": max((r.talk_ratio_error for r in sel if r.talk_ratio_error is not None),
                                            default=None),
                "rep_right": sum(bool(r.role_correct) for r in sel),
            }
    return out


def real_calls_markdown(summary: dict[str, dict[str, Any]]) -> str:
    if not summary:
        return ""
    lines = ["| real phone calls | calls | WER median | WER worst | plain normaliser: median / worst | "
             "word roles (lowest) | confusion (largest) | talk-ratio error (largest) | rep role right |",
             "|" + "---|" * 9]
    for group, v in summary.items():
        lines.append(f"| {group} | {v['calls']} | {_pct(v['wer_median'])} | {_pct(v['wer_worst'])} | "
                     f"{_pct(v['wer_plain_median'])} / {_pct(v['wer_plain_worst'])} | "
                     f"{_f(v['word_roles_min'])} | {_pct(v['confusion_max'])} | {_f(v['talk_ratio_error_max'])} | "
                     f"{v['rep_right']}/{v['calls']} |")
    return "\n".join(lines)


def write_report(rows: list[EvalRow], out: Path, engines) -> None:
    import datetime as dt
    import platform

    from ..analysis import write_json_atomic, write_text_atomic
    from ..compute import cores

    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "date": dt.date.today().isoformat(), "machine": f"{platform.machine()}, {cores()} cores",
        "asr_engine": engines.transcriber.engine, "asr_model": engines.transcriber.model_name,
        "initial_prompt": engines.transcriber.options.initial_prompt,
    }
    summary = marker_summary(rows)
    real = real_call_summary(rows)
    write_json_atomic(out / "eval.json", {"meta": meta, "rows": [asdict(r) for r in rows], "markers": summary,
                                          "real_calls": real})
    md = (f"Evaluated {meta['date']} on {meta['machine']}; ASR {meta['asr_engine']} {meta['asr_model']}, "
          f"prompt {meta['initial_prompt']!r}.\n\n" + markdown_table(rows) + "\n")
    if real:
        md += ("\nReal human phone calls (Harper Valley, 8 kHz; tune = the two calls decoding options were chosen "
               "on, test = the two never tuned on):\n\n" + real_calls_markdown(real) + "\n")
    invented = {r.file: r.invented_repeats for r in rows if r.invented_repeats}
    md += ("\nInvented repeats (a word three or more times in a row where the reference has it fewer times): "
           + ("; ".join(f"{f}: {', '.join(v)}" for f, v in invented.items()) if invented else "none") + ".\n")
    if summary:
        md += "\nMarkers against the labelled lines (rep side, kind must agree):\n\n" + markers_markdown(summary) + "\n"
    write_text_atomic(out / "eval.md", md)


def update_readme(readme: Path, table_md: str, marker: str = "eval") -> None:
    """Replace the text between ``<!-- {marker}:start -->`` and ``<!-- {marker}:end -->`` in ``readme`` with
    ``table_md`` (figures are never typed by hand)."""
    from ..errors import ConfigError

    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    text = readme.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise ConfigError(f"{readme} has no {start} ... {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{table_md.strip()}\n{end}{tail}", encoding="utf-8")


# --- rep by enrolled voice ----------------------------------------------------------------------------------

def evaluate_voices(corpus: Path, engines, workdir: Path) -> list[dict[str, Any]]:
    """How enrolled voiceprints change rep identification, on a corpus laid out as ``<corpus>/enroll/<rep>.*``
    (each rep alone) and ``<corpus>/<rep>/<call>`` with references beside each call.

    Per call: whether the transcript guess, the voice with the rep known from the folder, and the voice with
    the rep unknown (named by the best match) each found the reference rep.
    """
    from pyannote.metrics.diarization import DiarizationErrorRate

    from ..callmeta import CallInfo
    from ..catalog import Catalog
    from ..roles.voice import VoiceBook, enroll, match
    from ..run import analyze_file

    corpus = Path(corpus)
    workdir.mkdir(parents=True, exist_ok=True)
    with Catalog(workdir / "voices.sqlite") as cat:
        for sample in sorted(p for p in (corpus / "enroll").iterdir() if is_audio_path(p)):
            enroll(cat, sample.stem, [str(sample)], engines.voice_encoder)
        book = VoiceBook.from_catalog(cat)
    rows = []
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir() and p.name not in ("enroll", "dialogues")):
        for ref in find_references(folder):
            label = f"{folder.name}/{ref.audio.name}"
            doc, diarization = analyze_file(ref.audio, label, engines, info=CallInfo(folder.name, "folder"), voices=book)
            mapping = DiarizationErrorRate().optimal_mapping(load_rttm(ref.rttm_path, ref.uri),
                                                             diarization.to_annotation(ref.uri))
            voice = doc["roles"].get("voice") or {}
            speakers = tuple(s["id"] for s in doc["speakers"])
            named, named_ev = match(book, voice.get("scores", {}), speakers, None)
            rep_now = next((s["id"] for s in doc["speakers"] if s["role"] == "rep"), None)

            def right(spk: str | None) -> bool:
                return spk is not None and mapping.get(spk) == ref.rep_speaker

            rows.append({
                "call": label, "rep": folder.name,
                "transcript_right": right((voice.get("before") or {}).get("rep")),
                "voice_known_rep_right": doc["roles"]["method"] == "voice" and right(rep_now),
                "voice_named_right": named is not None and named_ev["rep"] == folder.name
                                     and right(named_ev["speaker"]),
                "similarity_rep": voice.get("similarity"),
                "similarity_other": max((sc.get(folder.name, -1.0) for spk, sc in voice.get("scores", {}).items()
                                         if spk != voice.get("speaker")), default=None),
            })
    return rows


def voices_markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| call | rep | transcript guess | voice, rep known | voice names the rep | similarity rep / other |",
             "|---|---|---|---|---|---|"]
    yes = {True: "right", False: "wrong"}
    for r in rows:
        sims = f"{r['similarity_rep']:.2f} / {r['similarity_other']:.2f}" if r["similarity_rep"] is not None else ""
        lines.append(f"| {r['call']} | {r['rep']} | {yes[r['transcript_right']]} | {yes[r['voice_known_rep_right']]} | "
                     f"{yes[r['voice_named_right']]} | {sims} |")
    n = len(rows)
    lines.append(f"| **all** | | {sum(r['transcript_right'] for r in rows)}/{n} right | "
                 f"{sum(r['voice_known_rep_right'] for r in rows)}/{n} right | "
                 f"{sum(r['voice_named_right'] for r in rows)}/{n} right | |")
    return "\n".join(lines) + "\n"
