"""``transcript.md``: the call as a readable document - summary, feedback, flagged moments, transcript."""

from __future__ import annotations

import re
from typing import Any

from .. import register
from ..view import clock, metric_views, moments, rep_name, speaker_labels, title, turns

_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def md(text: Any) -> str:
    """Untrusted text as inert Markdown: HTML characters as entities, Markdown syntax backslash-escaped."""
    s = " ".join(str(text).split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", s)


@register("md", "transcript.md", description="summary, feedback and transcript as Markdown")
def render(doc: dict[str, Any]) -> str:
    call = doc.get("call", {})
    labels = speaker_labels(doc)
    rep = next((labels[s["id"]] for s in doc.get("speakers", []) if s.get("role") == "rep"), None)
    out = [f"# {md(title(doc))}", ""]
    facts = [f"Duration: {clock(call.get('duration_s'))}"]
    if call.get("recorded_at"):
        facts.insert(0, f"Recorded: {call['recorded_at'].replace('T', ' ')[:16]}")
    roles = doc.get("roles", {})
    facts.append(f"Rep: {md(rep_name(doc))}" if rep_name(doc) else
                 f"Rep identified by {md(roles.get('method', '?'))} ({roles.get('confidence', 0):.0%} sure)" if rep
                 else "Rep not identified")
    out += [f"- {f}" for f in facts] + [""]
    metrics = [m for m in metric_views(doc) if m.value is not None]
    if metrics:
        out += ["## The numbers", ""]
        out += [f"- {m.spec.label}: {m.text}" + (" (on target)" if m.status == "good" else
                                                 " (outside the target range)" if m.status in ("high", "low") else "")
                for m in metrics] + [""]
    fb = doc.get("feedback") or {}
    for key, heading in (("strengths", "What went well"), ("work_on", "What to work on")):
        if fb.get(key):
            out += [f"## {heading}", ""]
            for item in fb[key]:
                out.append(f"- **{md(item['title'])}**: {md(item['why'])}")
                out += [f"  - [{clock(m['start'])}] {md(m['text'])}" for m in item.get("moments", [])]
                if item.get("suggestion"):
                    out.append(f"  - Try: {md(item['suggestion'])}")
            out.append("")
    if fb.get("coaching_questions"):
        out += ["## Questions to talk through", ""] + [f"- {md(q)}" for q in fb["coaching_questions"]] + [""]
    grouped = moments(doc)
    if any(grouped.values()):
        out += ["## Flagged moments", ""]
        for fam, items in grouped.items():
            if items:
                out += [f"### {fam.capitalize()}", ""]
                out += [f"- [{clock(m['start'])}] {md(m['label'])}: \"{md(m['text'])}\"" for m in items]
                out.append("")
    out += ["## Transcript", ""]
    for t in turns(doc):
        text = " ".join(w.text for w in t.words) if t.words else t.text
        out += [f"**[{clock(t.start)}] {md(t.label)}:** {md(text)}", ""]
    return "\n".join(out).rstrip("\n") + "\n"
