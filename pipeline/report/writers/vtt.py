"""``transcript.vtt``: WebVTT captions with a voice tag per speaker (``<v Rep>``), one cue id per turn part."""

from __future__ import annotations

from typing import Any

from .. import register
from ..view import cues


def timestamp(t: float) -> str:
    ms = int(round(max(0.0, t) * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def escape(text: str) -> str:
    """Cue text escaping (WebVTT: ``&``, ``<`` and ``>`` as character references; no line breaks)."""
    return " ".join(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split())


@register("vtt", "transcript.vtt", description="WebVTT captions with speaker voice tags")
def render(doc: dict[str, Any]) -> str:
    lines = ["WEBVTT", ""]
    for c in sorted(cues(doc), key=lambda c: (c.start, c.end, c.turn, c.part)):
        lines += [f"turn-{c.turn + 1}-{c.part}", f"{timestamp(c.start)} --> {timestamp(c.end)}",
                  f"<v {escape(c.voice)}>{escape(c.text)}</v>", ""]
    return "\n".join(lines)
