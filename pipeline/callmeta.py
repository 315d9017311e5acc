"""What we know about a call besides its audio: sidecar files, the rep, when it was recorded.

Sidecars sit next to the recording and are plain TOML a coach or rep can write by hand:

- ``<recording>.call.toml`` changes how the call is analysed (``CallOverrides``); a bad one fails the call,
  because a wrong rep would make every score wrong.
- ``<recording>.self.toml`` is the rep's own estimate of how the call went (``read_self_review``); the report
  puts it beside the measurement. A bad one is a warning: it never stops an analysis.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

CHANNEL_NAMES = {"left": 0, "right": 1}


def _read_toml(side: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(side.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{side.name}: not valid TOML ({' '.join(str(e).split())})") from None


@dataclass(frozen=True)
class CallOverrides:
    """Per-call settings from a sidecar ``<recording>.call.toml`` (e.g. ``rep_channel = "right"``)."""

    rep_channel: str | None = None
    rep_speaker: str | None = None
    speakers: int | None = None

    @classmethod
    def for_recording(cls, path: Path) -> "CallOverrides":
        side = path.with_name(path.name + ".call.toml")
        if not side.is_file():
            return cls()
        data = _read_toml(side)
        unknown = set(data) - {"rep_channel", "rep_speaker", "speakers"}
        if unknown:
            raise ConfigError(f"{side.name}: unknown keys {sorted(unknown)}; accepted: rep_channel, rep_speaker, speakers")
        rc = data.get("rep_channel")
        if rc is not None and rc not in CHANNEL_NAMES:
            raise ConfigError(f"{side.name}: rep_channel must be \"left\" or \"right\", not {rc!r}")
        return cls(rc, data.get("rep_speaker"), data.get("speakers"))


# --- the rep's self-review ----------------------------------------------------------------------------------

# sidecar key -> (metric it estimates, how to read it, accepted range)
SELF_ESTIMATES: dict[str, tuple[str, str, float, float]] = {
    "talk_share": ("talk_ratio_rep", "percent", 0, 100),
    "questions": ("questions_rep", "count", 0, 500),
    "open_questions": ("open_questions_rep", "count", 0, 500),
    "interruptions": ("interruptions_rep", "count", 0, 500),
    "longest_monologue_s": ("longest_monologue_rep_s", "seconds", 0, 4 * 3600),
}
SELF_TEXT = {"how_it_went": 2000, "reviewer": 100}
SELF_KEYS = sorted([*SELF_ESTIMATES, *SELF_TEXT, "rating"])
SELF_EXAMPLE = 'talk_share = 40   # percent of the talking you think you did\nquestions = 10\nrating = 4        # 1-5\nhow_it_went = "..."'


def read_self_review(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The rep's ``<recording>.self.toml`` as stored in ``analysis.json["self_review"]``, plus a warning.

    Returns ``(None, None)`` without a sidecar and ``(None, warning)`` for one that cannot be used.
    Estimates are stored under the metric names they estimate, in the metric's unit (talk share as a
    fraction), so any reader can set them side by side.
    """
    side = path.with_name(path.name + ".self.toml")
    if not side.is_file():
        return None, None
    try:
        data = _read_toml(side)
    except ConfigError as e:
        return None, f"self-review ignored: {e}"
    unknown = set(data) - set(SELF_KEYS)
    if unknown:
        return None, f"self-review ignored: {side.name}: unknown keys {sorted(unknown)}; accepted: {', '.join(SELF_KEYS)}"
    estimates: dict[str, float | int] = {}
    for key, (metric, kind, lo, hi) in SELF_ESTIMATES.items():
        if key not in data:
            continue
        v = data[key]
        if isinstance(v, str) and kind == "percent" and v.strip().endswith("%"):
            v = v.strip()[:-1]
            try:
                v = float(v)
            except ValueError:
                pass
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not lo <= v <= hi:
            return None, f"self-review ignored: {side.name}: {key} must be a number from {lo:g} to {hi:g}, not {data[key]!r}"
        estimates[metric] = round(v / 100, 3) if kind == "percent" else (int(v) if kind == "count" else float(v))
    review: dict[str, Any] = {"source": side.name, "estimates": estimates}
    if "rating" in data:
        r = data["rating"]
        if isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= 5:
            return None, f"self-review ignored: {side.name}: rating must be a whole number from 1 to 5, not {r!r}"
        review["rating"] = r
    for key, limit in SELF_TEXT.items():
        if key in data:
            if not isinstance(data[key], str):
                return None, f"self-review ignored: {side.name}: {key} must be text"
            review[key] = data[key].strip()[:limit]
    if not estimates and "rating" not in review and not review.get("how_it_went"):
        return None, f"self-review ignored: {side.name} holds nothing to compare; for example:\n{SELF_EXAMPLE}"
    return review, None


# --- which rep, which day -----------------------------------------------------------------------------------

def rep_from_path(rel: str) -> str | None:
    """The rep named by the recording's folder: ``INBOX/<rep>/call.wav`` -> ``<rep>``; top-level files: None."""
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 and parts[0].strip() else None


_NAME_STAMP = re.compile(
    r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])"
    r"(?:[ T_-]?([01]\d|2[0-3])[-_.:h]?([0-5]\d)(?:[-_.:m]?([0-5]\d))?)?(?!\d)")


def recorded_at(path: Path, rel: str, creation_time: str | None) -> tuple[str | None, str | None]:
    """When the call was recorded, as local wall-clock ISO time, and where that came from.

    In order: a timestamp in the file name (``2026-11-20_0915``, ``20261120-091500``), the container's
    ``creation_time`` tag (converted to this machine's local time), the file's modification time.
    """
    m = _NAME_STAMP.search(Path(rel).name)
    if m:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        try:
            return dt.datetime(y, mo, d, h, mi, s).isoformat(), "filename"
        except ValueError:
            pass
    if creation_time:
        try:
            t = dt.datetime.fromisoformat(creation_time.strip().replace("Z", "+00:00"))
            if t.year > 1990:  # some recorders write 1970 or 1904 when their clock is unset
                if t.tzinfo is not None:
                    t = t.astimezone().replace(tzinfo=None)
                return t.replace(microsecond=0).isoformat(), "metadata"
        except ValueError:
            pass
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0).isoformat(), "file_time"
    except OSError:
        return None, None
