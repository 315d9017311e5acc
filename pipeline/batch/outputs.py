"""A call's saved outputs: whether its analysis can be reused, bringing it up to date without models (a move,
a self-review, a lost audio copy), and the ``error.json`` of a failure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import json
from pathlib import Path
from typing import Any

from ..analysis import write_json_atomic, write_text_atomic
from ..audio import PLAYABLE_NAME, decode, write_playable
from ..types import SAMPLE_RATE
from ..callmeta import CallOverrides, read_self_review
from ..errors import storage_message

STORAGE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)  # the output folder, not the recording, is at fault



def finished(folder: Path, sha256: str, settings_hash: str, overrides: CallOverrides) -> dict[str, Any] | None:
    """The saved analysis when this recording was already analysed with these settings and overrides."""
    try:
        doc = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    run = doc.get("run", {})
    same = (doc.get("call", {}).get("sha256") == sha256 and run.get("settings_hash") == settings_hash
            and run.get("overrides", {}) == dataclasses.asdict(overrides))
    return doc if same else None


def identify(doc: dict[str, Any], row, folder: Path) -> bool:
    """Give a reused analysis the identity the catalog has for it now: id, path, rep and date (a moved or renamed
    recording keeps its analysis under its new name). A rep the voice named stays unless the inbox names one.
    Returns whether ``doc`` changed."""
    call = doc["call"]
    now = {"id": row.call_id, "source": row.source, "recorded_at": row.recorded_at,
           "recorded_at_from": row.recorded_at_from}
    if row.rep or call.get("rep_from") != "voice":
        now.update(rep=row.rep, rep_from=row.rep_from)
    old_id = call.get("id")
    changed = {k: v for k, v in now.items() if call.get(k) != v}
    call.update(changed)
    rttm = folder / "diarization.rttm"
    if "id" in changed and old_id and rttm.is_file():
        lines = [line.split(" ") for line in rttm.read_text(encoding="utf-8").splitlines()]
        write_text_atomic(rttm, "".join(" ".join(p[:1] + [row.call_id] + p[2:] if len(p) > 1 and p[1] == old_id
                                                 else p) + "\n" for p in lines))
    return bool(changed)


def refresh(doc: dict[str, Any], path: Path, folder: Path) -> bool:
    """Bring a finished call up to date without models: a self-review written after the run, a lost audio copy.

    Returns whether ``doc`` changed.
    """
    changed = False
    review, warning = read_self_review(path)
    if review != doc.get("self_review"):
        doc["self_review"] = review
        changed = True
    if warning and warning not in doc.setdefault("warnings", []):
        doc["warnings"].append(warning)
        changed = True
    if not (folder / PLAYABLE_NAME).is_file():
        audio = decode(path)
        if (doc.get("redaction") or {}).get("muted"):  # the copy made again is silent where the first one was
            from ..redact import mute

            audio = dataclasses.replace(audio, samples=mute(audio.samples, doc["redaction"]["muted"], SAMPLE_RATE))
        write_playable(audio, folder / PLAYABLE_NAME)
        if doc["call"].get("media") != PLAYABLE_NAME:
            doc["call"]["media"] = PLAYABLE_NAME
            changed = True
    return changed


def doc_rep(folder: Path) -> tuple[str, str] | None:
    """The rep the analysis settled on when the voice named them (the catalog learns it)."""
    try:
        call = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))["call"]
    except (OSError, ValueError, KeyError):
        return None
    return (call["rep"], call["rep_from"]) if call.get("rep_from") == "voice" and call.get("rep") else None


def plain(name: str) -> bool:
    """A call folder's name: one plain path component (never ``..``, a hidden name or a path)."""
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")


def write_failure(out: Path, rel: str, cid: str, sha: str | None, e: Exception, unexpected: bool = False) -> str:
    """Write ``error.json`` in the call's folder; return the one-line message."""
    msg = " ".join(str(e).split()) or type(e).__name__
    if unexpected:
        msg = f"internal error ({type(e).__name__}): {msg}"
    if isinstance(e, OSError) and e.errno in STORAGE_ERRNOS:
        msg = storage_message(e, out)
    try:
        folder = out / cid
        folder.mkdir(parents=True, exist_ok=True)
        write_json_atomic(folder / "error.json", {"source": rel, "sha256": sha, "error": msg,
                                                  "failed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
    except OSError:
        pass  # the catalog still records the failure
    return msg
