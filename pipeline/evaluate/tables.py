"""The evaluation's figures as summaries and markdown tables (``eval.md``, the README's tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .metrics import EvalRow, precision_recall


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
