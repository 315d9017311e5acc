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

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..audio import is_audio_path
from .metrics import (FILLERS, MATCH_TOLERANCE_S, SPELLING_VARIANTS, EvalRow, diarization_scores, filler_counts,
                      invented_repeats, marker_counts, normalize, precision_recall, role_correct, true_talk_ratio,
                      wer, wer_by_channel, word_role_accuracy)
from .references import CORPORA, Reference, corpus_folder, default_corpora, find_references, load_rttm, load_uem
from .tables import (markdown_table, marker_summary, markers_markdown, real_call_summary, real_calls_markdown,
                     update_readme, voices_markdown)

__all__ = [  # the evaluation's names, wherever they live, importable from here
    "CORPORA", "FILLERS", "MATCH_TOLERANCE_S", "SPELLING_VARIANTS", "EvalRow", "Reference", "corpus_folder",
    "default_corpora", "diarization_scores", "evaluate", "evaluate_voices", "filler_counts", "find_references",
    "invented_repeats", "load_rttm", "load_uem", "markdown_table", "marker_counts", "marker_summary",
    "markers_markdown", "normalize",
    "precision_recall", "real_call_summary", "real_calls_markdown", "role_correct", "true_talk_ratio",
    "update_readme", "voices_markdown", "wer", "wer_by_channel", "word_role_accuracy", "write_report",
]


def evaluate(corpora: list[Path], engines, out: Path | None = None, progress=None) -> list[EvalRow]:
    """Run the pipeline on every referenced recording of ``corpora`` and score it."""
    from .. import report
    from ..analysis import write_json_atomic, write_text_atomic
    from ..analyze import analyze_file, call_id, file_sha256
    from ..audio import PLAYABLE_NAME
    from ..callmeta import InboxRules

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


# --- rep by enrolled voice ----------------------------------------------------------------------------------

def evaluate_voices(corpus: Path, engines, workdir: Path) -> list[dict[str, Any]]:
    """How enrolled voiceprints change rep identification, on a corpus laid out as ``<corpus>/enroll/<rep>.*``
    (each rep alone) and ``<corpus>/<rep>/<call>`` with references beside each call.

    Per call: whether the transcript guess, the voice with the rep known from the folder, and the voice with
    the rep unknown (named by the best match) each found the reference rep.
    """
    from pyannote.metrics.diarization import DiarizationErrorRate

    from ..analyze import analyze_file
    from ..callmeta import CallInfo
    from ..catalog import Catalog
    from ..roles.voice import VoiceBook, enroll, match

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
