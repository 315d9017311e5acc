"""Lay out the demo's drop folder as a manager's would be: one folder per rep, the date and time in each name.

    python scripts/demo_inbox.py out/demo-inbox      (make demo runs it)

Reads ``sample_calls/demo_inbox.csv`` (recording, rep, recorded_at, name) and links each recording - the sample
calls and a voicemail and a no-answer from ``outcome_calls/`` - to ``INBOX/<rep>/<YYYY-MM-DD_HHMM>_<name>.<ext>``
(a hard link, or a copy where links are not possible), with a recording's self-review sidecar beside it. The
originals are never touched. Two reps over two weeks: the demo's team page shows the activity picture at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "sample_calls" / "demo_inbox.csv"


def place(src: Path, dst: Path) -> None:
    if dst.exists():
        if dst.stat().st_size == src.stat().st_size:
            return
        dst.unlink()
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def main(inbox: Path) -> int:
    with open(TABLE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        src = ROOT / row["recording"]
        when = dt.datetime.fromisoformat(row["recorded_at"])
        dst = inbox / row["rep"] / f"{when:%Y-%m-%d_%H%M}_{row['name']}{src.suffix}"
        place(src, dst)
        side = src.with_name(src.name + ".self.toml")
        if side.is_file():
            place(side, dst.with_name(dst.name + ".self.toml"))
    print(f"{len(rows)} recordings in {inbox}/ ({', '.join(sorted({r['rep'] for r in rows}))})")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "out/demo-inbox")))
