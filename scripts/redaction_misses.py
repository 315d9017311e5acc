"""What the redactor missed and what it took wrongly, call by call, on a tuning half of redact_calls/ (tune or dev).

    callreview run redact_calls/dev --out out/dev-none --redact none --settle 0   # the words, once (minutes)
    python scripts/redaction_misses.py dev out/dev-none [-v]                     # then this, after each change (s)
    python scripts/redaction_misses.py written [tune|dev|service|...|asr|noisy|support] [-v]  # written tuning

The words are the batch's, unredacted; they are redacted here in-process by the same ``detect`` and
``redact_body`` the batch runs, so a rule change is measured in seconds on the same transcription (as ``callreview
eval --redaction`` does). With ``-v`` each call's transcript, the redacted text, every labelled entity not fully
redacted and every span on no labelled entity are printed. It refuses the frozen test half (and the Harper Valley
test calls) and the frozen written files, ``test`` and ``holdout``: rules are set by reading tuning calls only;
``callreview eval --redaction`` reports the frozen ones.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluate.redaction import redaction_markdown, score_entities, score_spans, summarise  # noqa: E402
from pipeline.redact import PII_KINDS, load_redactor, redact_body  # noqa: E402

TUNING = ("tune", "dev")
FROZEN_WRITTEN = ("test", "holdout")  # reported by ``callreview eval --redaction``, never read for rules


def written(name: str, verbose: bool) -> int:
    """A file of written tuning transcripts (``redact_calls/written/{tune,dev}.json``): every entity not wholly
    redacted, every span on no labelled word, every must-stay item touched."""
    from pipeline.evaluate.written import score_written, written_markdown

    result = score_written(ROOT / "redact_calls" / "written" / f"{name}.json")
    for call in result["calls"]:
        misses = [e for e in call["entities"] if e["words_redacted"] < e["words"]]
        wrong = [s for s in call["spans"] if s["correct"] < s["words"]]
        touched = [n for n in call["negatives"] if n["taken"]]
        if verbose and (misses or wrong or touched):
            print(f"== {call['id']}")
            for e in misses:
                print(f"   MISS {e['kind']:15} {e['words_redacted']}/{e['words']} {e['text']!r} left={e['left']}")
            for s in wrong:
                print(f"   WRONG {s['kind']} ({s['level']}) {s['correct']}/{s['words']} {s['said']!r}")
            for n in touched:
                print(f"   MUST-STAY TAKEN {n['text']!r}: {n['taken']}")
    print(written_markdown(name, result))
    return 0


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("-")]
    name = (args[1:] or ["tune"])[0]
    if args[:1] == ["written"] and len(args) <= 2 and name not in FROZEN_WRITTEN \
            and (ROOT / "redact_calls" / "written" / f"{name}.json").is_file():
        return written(name, "-v" in argv)
    if len(args) != 2 or args[0] not in TUNING:
        print(f"usage: redaction_misses.py {{{'|'.join(TUNING)}}} OUT [-v] | "
              "written NAME [-v]  (NAME: a tuning file in redact_calls/written/; the test half, written/test and "
              "written/holdout are frozen: callreview eval --redaction reports them)", file=sys.stderr)
        return 2
    half, out = args[0], Path(args[1])
    verbose = "-v" in argv
    labels = json.loads((ROOT / "redact_calls" / "labels.json").read_text(encoding="utf-8"))["calls"]
    redactor = load_redactor()
    rows, spans = [], []
    for rel, label in sorted(labels.items()):
        if label["half"] != half:
            continue
        stem = Path(rel).stem
        found = [d for d in out.iterdir() if d.name.rsplit("-", 1)[0].split("__")[-1] == stem
                 and (d / "analysis.json").is_file()]
        if not found:
            print(f"{rel}: no analysis in {out} (run the batch on redact_calls/{half} first)", file=sys.stderr)
            continue
        plain = json.loads((found[0] / "analysis.json").read_text(encoding="utf-8"))
        roles = {s["id"]: s["role"] for s in plain["speakers"]}
        duration = plain["call"]["duration_s"]
        red = redact_body({"words": plain["words"]}, redactor.detect(plain["words"], roles, "pii"), "pii",
                          redactor.name, duration)
        strict = redact_body({"words": plain["words"]}, redactor.detect(plain["words"], roles, "strict"), "strict",
                             redactor.name, duration)
        entities = score_entities(label, plain, red, PII_KINDS) + score_entities(label, plain, strict, ("PERSON",))
        taken = score_spans(label, red, plain) + [s for s in score_spans(label, strict, plain)
                                                  if s["kind"] in ("PERSON", "NUMBER")]
        rows += [{"file": rel, "half": half, **r} for r in entities]
        spans += [{"file": rel, "half": half, **s} for s in taken]
        if verbose:
            print(f"== {rel}")
            for seg in plain["segments"]:
                print(f"   {seg['speaker']} {roles.get(seg['speaker'], '?')[:1]} {seg['start']:6.1f} {seg['text']}")
            print("   redacted (strict):", " ".join(w["text"] for w in strict["words"]))
            for r in entities:
                if r["words_redacted"] < r["words"]:
                    print(f"   MISS {r['kind']:15} {r['words_redacted']}/{r['words']} said={r['said']!r} "
                          f"left={r['leaked']}")
            for s in taken:
                if not s["correct"]:
                    print(f"   WRONG {s['kind']} {s['said']!r}")
    print(redaction_markdown({"halves": {**summarise(rows, spans, []), "leaks": [], "heard": []}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
