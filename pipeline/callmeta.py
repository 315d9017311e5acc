"""What we know about a call besides its audio: sidecar files, the rep, when it was recorded.

Sidecars sit next to the recording and are plain TOML a coach or rep can write by hand:

- ``<recording>.call.toml`` changes how the call is analysed (``CallOverrides``); a bad one fails the call,
  because a wrong rep would make every score wrong.
- ``<recording>.self.toml`` is the rep's own estimate of how the call went (``read_self_review``); the report
  puts it beside the measurement. A bad one is a warning: it never stops an analysis.
"""

from __future__ import annotations

import datetime as dt
import errno
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

CHANNEL_NAMES = {"left": 0, "right": 1}

SETTLE_S = 30.0  # seconds a recording must stay unchanged before it is taken (``pipeline.batch.intake``):
# well above the pauses of a slow share or an upload


def _read_toml(side: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(side.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{side.name}: not valid TOML ({' '.join(str(e).split())})") from None


def sidecar(path: Path, suffix: str) -> Path | None:
    """``<recording><suffix>`` when it exists as a file. A recording whose name is already near the file system's
    limit (255 bytes) cannot have one: that is "no sidecar", not an error."""
    side = path.with_name(path.name + suffix)
    try:
        return side if side.is_file() else None
    except OSError as e:
        if e.errno == errno.ENAMETOOLONG:
            return None
        raise


@dataclass(frozen=True)
class CallOverrides:
    """Per-call settings from a sidecar ``<recording>.call.toml`` (e.g. ``rep_channel = "right"``)."""

    rep_channel: str | None = None
    rep_speaker: str | None = None
    speakers: int | None = None

    @classmethod
    def for_recording(cls, path: Path) -> "CallOverrides":
        """The recording's ``.call.toml`` overrides (none without one)."""
        side = sidecar(path, ".call.toml")
        if side is None:
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
    side = sidecar(path, ".self.toml")
    if side is None:
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


def slug(text: str, max_len: int = 80, default: str = "call") -> str:
    """A readable, filesystem-safe name: ASCII letters, digits, ``._-``; other runs become one ``-``."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_).strip("-._")[:max_len] or default


# --- which rep, which day -----------------------------------------------------------------------------------

def rep_from_path(rel: str) -> str | None:
    """The rep named by the recording's folder: ``INBOX/<rep>/call.wav`` -> ``<rep>``; top-level files: None."""
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 and parts[0].strip() else None


@dataclass(frozen=True)
class CallInfo:
    """Who and when, decided before the audio is analysed (the voice may still name the rep later)."""

    rep: str | None = None
    rep_from: str | None = None  # "mapping" | "pattern" | "folder" | "voice"
    recorded_at: str | None = None
    recorded_at_from: str | None = None


_FORMAT_PARTS = {"%Y": r"(?P<year>\d{4})", "%m": r"(?P<month>\d{2})", "%d": r"(?P<day>\d{2})",
                 "%H": r"(?P<hour>\d{2})", "%M": r"(?P<minute>\d{2})", "%S": r"(?P<second>\d{2})"}


def date_format_regex(fmt: str) -> re.Pattern[str]:
    """``"%Y%m%d-%H%M"`` -> a regex that finds that stamp anywhere in a file name."""
    out, i = [], 0
    while i < len(fmt):
        part = fmt[i:i + 2]
        if part in _FORMAT_PARTS:
            out.append(_FORMAT_PARTS[part])
            i += 2
        elif part == "%%":
            out.append("%")
            i += 2
        elif fmt[i] == "%":
            raise ConfigError(f"date format {fmt!r}: only %Y %m %d %H %M %S are understood")
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    if "(?P<year>" not in "".join(out):
        raise ConfigError(f"date format {fmt!r} needs at least %Y, %m and %d")
    return re.compile(r"(?<!\d)" + "".join(out) + r"(?!\d)")


@dataclass(frozen=True)
class InboxRules:
    """How a manager's inbox names reps and dates. First match wins: mapping file, name pattern, folder."""

    rep_map: tuple[tuple[str, str], ...] = ()  # (glob over the path in the inbox, rep), from a CSV file
    rep_pattern: str | None = None  # regex over the path in the inbox with a (?P<rep>...) group
    rep_from_folder: bool = True
    date_format: str | None = None  # e.g. "%Y%m%d-%H%M%S", searched in the file name
    follow_links: bool = False  # symbolic links (files and folders) are read only when this is set

    @classmethod
    def load(cls, rep_csv: Path | None = None, rep_pattern: str | None = None, date_format: str | None = None,
             rep_from_folder: bool = True, follow_links: bool = False) -> "InboxRules":
        """Check everything up front: a bad pattern or mapping file is one clear error before any work."""
        if rep_pattern is not None:
            try:
                if "rep" not in re.compile(rep_pattern).groupindex:
                    raise ConfigError(f"rep pattern {rep_pattern!r} needs a named group (?P<rep>...)")
            except re.error as e:
                raise ConfigError(f"rep pattern {rep_pattern!r} is not a valid regex: {e}") from None
        if date_format is not None:
            date_format_regex(date_format)
        mapping: list[tuple[str, str]] = []
        if rep_csv is not None:
            import csv

            try:
                with open(rep_csv, newline="", encoding="utf-8-sig") as f:
                    reader = csv.DictReader(f)
                    if not reader.fieldnames or not {"path", "rep"} <= {h.strip() for h in reader.fieldnames}:
                        raise ConfigError(f"{rep_csv}: needs a header with columns path,rep (path: a file or a "
                                          "glob like 'north/*.wav', relative to the inbox)")
                    for n, row in enumerate(reader, start=2):
                        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
                        if not row.get("path") or not row.get("rep"):
                            raise ConfigError(f"{rep_csv}, line {n}: path and rep must both be filled")
                        mapping.append((row["path"], row["rep"]))
            except (OSError, UnicodeDecodeError) as e:
                raise ConfigError(f"cannot read the rep mapping {rep_csv}: {e}") from None
        return cls(tuple(mapping), rep_pattern, rep_from_folder, date_format, follow_links)

    def rep(self, rel: str) -> tuple[str | None, str | None]:
        from fnmatch import fnmatchcase

        for pattern, rep in self.rep_map:
            if fnmatchcase(rel, pattern) or fnmatchcase(Path(rel).name, pattern):
                return rep, "mapping"
        if self.rep_pattern:
            m = re.search(self.rep_pattern, rel)
            if m and m.group("rep"):
                return m.group("rep"), "pattern"
        if self.rep_from_folder:
            folder = rep_from_path(rel)
            if folder:
                return folder, "folder"
        return None, None

    def info(self, path: Path, rel: str, creation_time: str | None = None) -> CallInfo:
        rep, rep_from = self.rep(rel)
        when, when_from = recorded_at(path, rel, creation_time, self.date_format)
        return CallInfo(rep, rep_from, when, when_from)


_NAME_STAMP = re.compile(
    r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])"
    r"(?:[ T_-]?([01]\d|2[0-3])[-_.:h]?([0-5]\d)(?:[-_.:m]?([0-5]\d))?)?(?!\d)")


def recorded_at(path: Path, rel: str, creation_time: str | None,
                date_format: str | None = None) -> tuple[str | None, str | None]:
    """When the call was recorded, as local wall-clock ISO time, and where that came from.

    In order: a timestamp in the file name (``date_format`` when given, else forms like ``2026-11-20_0915``
    and ``20261120-091500``), the container's ``creation_time`` tag (converted to this machine's local
    time), the file's modification time.
    """
    name = Path(rel).name
    if date_format:
        m = date_format_regex(date_format).search(name)
        parts = [m.groupdict().get(k) if m else None for k in ("year", "month", "day", "hour", "minute", "second")]
    else:
        m = _NAME_STAMP.search(name)
        parts = list(m.groups()) if m else []
    if m:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in parts)
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
