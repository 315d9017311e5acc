"""Redaction on labelled calls: recall and precision per entity kind, by words, digits and audio time muted;
a search of every file the batch wrote for each labelled value; the audio copy's level where it is muted.

The labelled set (``redact_calls/``, made by ``scripts/make_redact_calls.py``) has a ``tune`` half (the
recognisers' rules were set on it) and a frozen ``test`` half; ``harper_labels.json`` labels the real Harper
Valley calls (both renders, stereo and mono), split as ``harper.TUNING`` says. Each set runs through the real
batch without redaction (the words as transcribed); recall and precision come from those words redacted by the
same ``detect`` and ``redact_body`` the batch runs (at ``pii``, and at ``strict`` for ``PERSON``), so both sides
of a comparison are one transcription (Whisper's words for a misheard number change from run to run). The
set then runs through the batch at ``pii`` for what OUT holds: every file searched for the values, the audio
copy's level inside each redacted span, and the time redaction took.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np

from ..redact import PII_KINDS, redact_body
from ..redact.spoken import FILLERS, _words_value, numeral, tokens

NUMBER_KINDS = ("CARD_NUMBER", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SSN", "PHONE_NUMBER")
NEAR_S = 0.3  # a word belongs to a labelled entity when its middle is this close to the entity's time
_IGNORE = FILLERS | {"okay", "ok", "yeah", "yes", "go", "on", "and", "the", "is", "my", "it's", "mm-hmm", "uh-huh"}


def _windows(e: dict[str, Any]) -> list[tuple[float, float]]:
    return [tuple(p) for p in e.get("pieces") or [(e["start"], e["end"])]]


def _inside(t: float, windows, near: float = NEAR_S) -> bool:
    return any(a - near <= t <= b + near for a, b in windows)


def _digits(text: str) -> str:
    t = tokens(text)
    if not t:
        return ""
    return numeral(t[0].text) or _words_value(t[0].text.split("-"))[0]


def _covered(word: dict[str, Any], placeholders: list[dict[str, Any]]) -> bool:
    mid = (word["start"] + word["end"]) / 2
    return any(p["start"] - 0.01 <= mid <= p["end"] + 0.01 for p in placeholders)


def score_entities(label: dict[str, Any], plain: dict[str, Any], red: dict[str, Any],
                   kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """Per labelled entity of ``kinds``: its words as transcribed (from ``plain``), how many of them (and of their
    digits) ``red`` replaced, and how much of its time ``red`` muted."""
    holders = [w for w in red["words"] if "redacted" in w]
    muted = (red.get("redaction") or {}).get("muted", [])
    rows = []
    for e in label.get("entities", []):
        if e["kind"] not in kinds:
            continue
        win = _windows(e)
        spoken = {t.text for t in tokens(e.get("spoken", ""))} | {t.text for t in tokens(str(e.get("value", "")))}
        mine = [w for w in plain["words"] if _inside((w["start"] + w["end"]) / 2, win)]
        if e.get("granularity") == "segment":  # a segment's time holds other words too: the entity's own only
            mine = [w for w in mine if (tokens(w["text"]) or [None])[0] is not None and
                    (tokens(w["text"])[0].text in spoken or _digits(w["text"]))]
        mine = [w for w in mine if tokens(w["text"]) and tokens(w["text"])[0].text not in _IGNORE]
        digits = [(w, len(_digits(w["text"]))) for w in mine if _digits(w["text"])]
        label_s = sum(b - a for a, b in win)
        rows.append({
            "kind": e["kind"], "speaker": e.get("speaker"), "start": e["start"], "end": e["end"],
            "words": len(mine), "words_redacted": sum(_covered(w, holders) for w in mine),
            "digits": sum(n for _, n in digits), "digits_redacted": sum(n for w, n in digits if _covered(w, holders)),
            "label_s": round(label_s, 3), "muted_s": round(_overlap(win, muted), 3),
            "said": " ".join(t.text for w in mine for t in tokens(w["text"])),
            "leaked": [w["text"] for w in mine if not _covered(w, holders)]})
    return rows


def _overlap(a: list, b: list) -> float:
    return sum(max(0.0, min(y, q) - max(x, p)) for x, y in a for p, q in b)


def score_spans(label: dict[str, Any], red: dict[str, Any], plain: dict[str, Any]) -> list[dict[str, Any]]:
    """Each redaction span: right when it lies on a labelled entity (any kind: a number redacted under the
    wrong name is still kept out), with the words it replaced (for the tuning notes)."""
    wins = [w for e in label.get("entities", []) for w in _windows(e)]
    rows = []
    for s in (red.get("redaction") or {}).get("spans", []):
        said = " ".join(w["text"] for w in plain["words"] if s["start"] - 0.01 <= w["start"] and w["end"] <= s["end"] + 0.01)
        rows.append({"kind": s["kind"], "start": s["start"], "end": s["end"], "words": s["words"],
                     "correct": _inside(s["start"], wins, NEAR_S) or _inside(s["end"], wins, NEAR_S),
                     "said": said})
    return rows


def leaks(out: Path, values: list[str]) -> list[tuple[str, str]]:
    """(file, value) for every labelled value found in a file under ``out``: as written, as said, and, for
    numbers of seven digits or more, as digits however they are grouped or spelled."""
    from ..redact.spoken import digit_runs

    found = []
    for f in sorted(Path(out).rglob("*")):
        if not f.is_file() or f.suffix == ".mp3":
            continue
        text = f.read_bytes().decode("utf-8", "replace").lower()
        flat = " ".join(t.text for t in tokens(text))
        runs = [r.digits for r in digit_runs(tokens(text))] if any(v.isdigit() and len(v) >= 7 for v in values) else []
        for v in values:
            v = v.lower()
            if (v.isdigit() and len(v) >= 7 and any(v in r for r in runs)) or (not v.isdigit() and len(v) >= 4
                                                                              and (v in text or v in flat)):
                found.append((str(f.relative_to(out)), v))
    return found


def muted_level(original: Path, playable: Path, muted: list) -> dict[str, float]:
    """The loudest 20 ms of the audio copy inside each of ``muted`` (the placeholder words' times, not the
    fillers or the other party's "okay" between a span's words; the silence reaches ``redact.PAD_S`` beyond them, past
    the MP3 frame that smears the sound next to it), against the recording's noise floor (its quietest 10% of
    20 ms frames)."""
    from ..audio import decode
    from ..types import SAMPLE_RATE

    def levels(x: np.ndarray) -> np.ndarray:
        n = int(0.02 * SAMPLE_RATE)
        frames = x[: len(x) // n * n].reshape(-1, n)
        return 20 * np.log10(np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)) + 1e-10)

    floor = float(np.percentile(levels(decode(original).mono()), 10))
    copy = decode(playable).mono()
    loudest = -200.0
    for a, b in muted:
        inner = copy[int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)]
        if len(inner) >= int(0.02 * SAMPLE_RATE):
            loudest = max(loudest, float(levels(inner).max()))
    return {"noise_floor_db": round(floor, 1), "muted_max_db": round(loudest, 1)}


def _values(label: dict[str, Any], kinds) -> list[str]:
    out = []
    for e in label.get("entities", []):
        if e["kind"] not in kinds:
            continue
        out.append(str(e["value"]))
        if e.get("spoken"):
            out.append(" ".join(t.text for t in tokens(e["spoken"])))
    return [v for v in out if v]


def evaluate_redaction(folder: Path, options, out: Path, harper: Path | None = None, progress=None,
                       engines=None, half: str | None = None) -> dict[str, Any]:
    """Run the batch over the labelled set (and the Harper Valley renders) without redaction and at ``pii``;
    score each labelled call. Returns per-call rows and the figures per half and kind. ``half``: only that
    half ("tune" also takes the Harper tuning calls): what tuning looks at, never the test half."""
    from ..batch import run_batch
    from ..redact import load_redactor
    from .harper import TUNING, materialize

    folder, out, only = Path(folder), Path(out), half
    labelled = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["calls"]
    if half is None:
        sets = [(folder, labelled, None)]
    else:
        sets = [(folder / half, {k.split("/", 1)[1]: v for k, v in labelled.items() if v["half"] == half}, None)]
    if harper is not None and (folder / "harper_labels.json").is_file():
        dest = materialize(harper, out / "harper-render")
        by_folder = json.loads((folder / "harper_labels.json").read_text(encoding="utf-8"))["calls"]
        calls = {}
        for ref in sorted(dest.glob("*.ref.json")):
            r = json.loads(ref.read_text(encoding="utf-8"))
            name = r["source"].split("/", 1)[1]
            if name in by_folder:
                sid = r["name"].rsplit("_", 1)[0]
                calls[r["audio"]] = {**by_folder[name], "half": "harper-" + ("tune" if sid in TUNING else "test"),
                                     "layout": r["name"].rsplit("_", 1)[1]}
        if half is not None:
            calls = {k: v for k, v in calls.items() if v["half"] == "harper-" + half}
        sets.append((dest, calls, "harper"))
    redactor = load_redactor()
    rows, spans, checks = [], [], []
    for inbox, labels, tag in sets:
        docs, values, heard = {}, [], []
        for level in ("none", "pii"):
            target = out / (tag or "set") / level
            o = dataclasses.replace(options, redact=level)
            results = run_batch(inbox, target, o, engines=None if engines is None else engines(o), settle_s=0,
                                progress=progress)
            docs[level] = {r.source: (target / r.call_id) for r in results if r.status in ("done", "skipped")}
        for rel, label in sorted(labels.items()):
            if rel not in docs["pii"] or rel not in docs["none"]:
                continue
            plain = json.loads((docs["none"][rel] / "analysis.json").read_text(encoding="utf-8"))
            written = json.loads((docs["pii"][rel] / "analysis.json").read_text(encoding="utf-8"))
            roles = {s["id"]: s["role"] for s in plain["speakers"]}
            red = redact_body({"words": plain["words"]}, redactor.detect(plain["words"], roles, "pii"),
                              "pii", redactor.name, plain["call"]["duration_s"])
            strict = redact_body({"words": plain["words"]}, redactor.detect(plain["words"], roles, "strict"),
                                 "strict", redactor.name, plain["call"]["duration_s"])
            half = label["half"]
            found = score_entities(label, plain, red, PII_KINDS)
            values += _values(label, PII_KINDS)
            heard += [r["said"] for r in found if len(r["said"]) >= 4 and r["words_redacted"] < r["words"]]
            for r in found + score_entities(label, plain, strict, ("PERSON",)):
                rows.append({"file": rel, "half": half, "layout": label.get("layout"), **r})
            for s in score_spans(label, red, plain) + [s for s in score_spans(label, strict, plain)
                                                      if s["kind"] in ("PERSON", "NUMBER")]:
                spans.append({"file": rel, "half": half, **s})
            media = docs["pii"][rel] / "audio.mp3"
            spans_s = [[w["start"], w["end"]] for w in written["words"] if "redacted" in w]  # a span's own words
            level = muted_level(inbox / rel, media, spans_s) if media.is_file() else {}
            checks.append({"file": rel, "half": half, **level, "muted_s": written["redaction"]["muted_s"],
                           "redact_s": written["run"]["timings_s"].get("redact", 0.0),
                           "total_s": written["run"]["timings_s"]["total"]})
        for f, v in leaks(out / (tag or "set") / "pii", sorted(set(values))):
            checks.append({"file": f, "half": "leak", "value_found": v})
        for f, v in leaks(out / (tag or "set") / "pii", sorted(set(heard))):  # a missed entity, as Whisper wrote it
            checks.append({"file": f, "half": "heard", "value_found": v})
    sales = sales_calls(folder.parent / "eval_calls", folder.parent / "test_calls", redactor=redactor)
    from .written import as_spoken, score_calls, score_sets

    written = score_sets(folder / "written", only, redactor)
    spoken = {h: score_calls(as_spoken(labelled, h), redactor)
              for h in sorted({c["half"] for c in labelled.values()}) if only is None or h == only}
    return {"entities": rows, "spans": spans, "checks": checks, "halves": summarise(rows, spans, checks),
            "sales_calls": sales, "written": written, "spoken": spoken}


def sales_calls(*folders: Path, redactor=None) -> dict[str, Any]:
    """What the redactor takes from sales calls that were not written to hold personal data: the reference
    transcripts (``*.ref.json`` lines, each line's words spread over its time) of the marker sets, at ``pii`` and
    ``strict``. Prices, times, dates and quantities must stay; the few real items these scripts hold (an
    account number read back, an e-mail, a voicemail's call-back number, names) are listed with the rest."""
    from ..redact import load_redactor
    from ..score.sample import transcript_from_lines
    from .references import find_references

    redactor = redactor or load_redactor()
    out: dict[str, Any] = {"calls": 0, "words": 0}
    for level in ("pii", "strict"):
        out[level] = {"words": 0, "spans": []}
    for ref in (r for f in folders if Path(f).is_dir() for r in find_references(Path(f)) if r.lines):
        words = transcript_from_lines([(x["speaker"], x["start"], x["end"], x["text"]) for x in ref.lines]).words
        if not words:
            continue
        out["calls"] += 1
        out["words"] += len(words)
        for level in ("pii", "strict"):
            for s in redactor.detect(words, {"rep": "rep", "buyer": "buyer"}, level):
                out[level]["words"] += len(s.words)
                out[level]["spans"].append({"file": f"{ref.audio.parent.name}/{ref.uri}.ref.json", "kind": s.kind,
                                            "said": " ".join(words[i].text for i in s.words)})
    return out


def summarise(rows, spans, checks) -> dict[str, Any]:
    halves: dict[str, Any] = {}
    for half in sorted({r["half"] for r in rows} | {s["half"] for s in spans}):
        er = [r for r in rows if r["half"] == half]
        sp = [s for s in spans if s["half"] == half]
        kinds = {}
        for k in sorted({r["kind"] for r in er} | {s["kind"] for s in sp}):
            kr, ks = [r for r in er if r["kind"] == k], [s for s in sp if s["kind"] == k]
            words, digits = sum(r["words"] for r in kr), sum(r["digits"] for r in kr)
            label_s = sum(r["label_s"] for r in kr)
            kinds[k] = {
                "entities": len(kr),
                "recall_words": sum(r["words_redacted"] for r in kr) / words if words else None,
                "recall_digits": sum(r["digits_redacted"] for r in kr) / digits if digits and k in NUMBER_KINDS else None,
                "recall_time": sum(r["muted_s"] for r in kr) / label_s if label_s and k != "PERSON" else None,
                "spans": len(ks),
                "precision_words": (sum(s["words"] for s in ks if s["correct"]) / sum(s["words"] for s in ks)
                                    if ks else None)}
        pii_spans = [s for s in sp if s["kind"] not in ("PERSON", "NUMBER")]
        ck = [c for c in checks if c["half"] == half]
        halves[half] = {
            "kinds": kinds, "calls": len(ck),
            "precision_words": (sum(s["words"] for s in pii_spans if s["correct"]) / sum(s["words"] for s in pii_spans)
                                if pii_spans else None),
            "time_share": sum(c["redact_s"] for c in ck) / (sum(c["total_s"] for c in ck) or 1.0),
            "muted_max_db": max((c["muted_max_db"] for c in ck if "muted_max_db" in c), default=None),
            "noise_floor_db": min((c["noise_floor_db"] for c in ck if "noise_floor_db" in c), default=None),
            "loud_muted_calls": sum(1 for c in ck if "muted_max_db" in c and c["muted_max_db"] > c["noise_floor_db"])}
    halves["leaks"] = [c for c in checks if c["half"] == "leak"]
    halves["heard"] = [c for c in checks if c["half"] == "heard"]
    return halves


def redaction_markdown(result: dict[str, Any]) -> str:
    def pct(v):
        return "-" if v is None else f"{v:.2f}"

    lines = []
    for half, s in result["halves"].items():
        if half in ("leaks", "heard"):
            continue
        lines += [f"**{half}** ({s['calls']} recordings): precision {pct(s['precision_words'])} by words (pii "
                  f"kinds), redaction took {s['time_share']:.2%} of the processing time, muted audio at most "
                  f"{s['muted_max_db']} dB against a noise floor of {s['noise_floor_db']} dB "
                  f"({s['loud_muted_calls']} recordings louder than their floor where muted)", "",
                  "| kind | entities | recall (digits) | recall (words) | recall (time muted) | spans | precision (words) |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for k, v in s["kinds"].items():
            lines.append(f"| {k} | {v['entities']} | {pct(v['recall_digits'])} | {pct(v['recall_words'])} | "
                         f"{pct(v['recall_time'])} | {v['spans']} | {pct(v['precision_words'])} |")
        lines.append("")
    from .written import written_markdown

    if result.get("spoken"):
        lines += ["The recorded calls' own words (each script's text as the voices were told to say it, as if the "
                  "recogniser had heard every word; the same rules, by words): what the rules miss on these calls, "
                  "apart from what Whisper misheard", ""]
        lines += [written_markdown(name, w, "spoken") for name, w in result["spoken"].items()]
    if result.get("written"):
        lines += ["Written transcripts (`redact_calls/written/`: what the rules do with the words when the recogniser "
                  "heard them; by words, no time tolerance):", ""]
        lines += [written_markdown(name, w) for name, w in result["written"].items()]
    found = result["halves"].get("leaks", [])
    heard = result["halves"].get("heard", [])
    lines.append(f"Labelled values (as written, as said, as digits however grouped) found in the files the batch "
                 f"wrote at pii: {len(found)}" + "".join(f"\n- {c['file']}: {c['value_found']!r}" for c in found[:20]))
    lines.append(f"\nMissed entities, as Whisper wrote them, found there: {len({c['value_found'] for c in heard})} "
                 f"(in {len(heard)} files; these are the recall misses above)")
    sales = result.get("sales_calls")
    if sales and sales["words"]:
        for level in ("pii", "strict"):
            got = sales[level]
            kinds: dict[str, int] = {}
            for s in got["spans"]:
                kinds[s["kind"]] = kinds.get(s["kind"], 0) + 1
            lines.append(f"\nSales calls not written to hold personal data ({sales['calls']} reference transcripts of "
                         f"eval_calls/ and test_calls/), at {level}: {got['words']} of {sales['words']} words redacted "
                         f"({got['words'] / sales['words']:.2%}), " + (", ".join(f"{k} {v}" for k, v in
                                                                        sorted(kinds.items())) or "nothing"))
        lines += [f"- {s['file']}: {s['kind']} {s['said']!r}" for s in sales["pii"]["spans"]]
    return "\n".join(lines).strip() + "\n"
