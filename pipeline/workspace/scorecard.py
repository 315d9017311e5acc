"""Scorecards (issue 15): the team's rubric in TOML, answers checked against it.

A rubric has sections of questions, each ``scale`` (1-5) or ``yes_no``. ``OUT/scorecard.toml`` replaces the
shipped ``rubric.toml``. A coach's (or manager's) scorecard and the rep's own self-review are kept apart and
shown side by side.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError

KINDS = ("scale", "yes_no")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    kind: str


@dataclass(frozen=True)
class Rubric:
    title: str
    sections: tuple[tuple[str, tuple[Question, ...]], ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for _, qs in self.sections for q in qs)

    def answers(self, form: dict[str, str]) -> dict[str, Any]:
        """The form's answers (``q_<id>``) checked against the rubric: 1-5 or yes/no; unanswered are left out."""
        out: dict[str, Any] = {}
        for q in self.questions:
            v = (form.get(f"q_{q.id}") or "").strip()
            if not v:
                continue
            if q.kind == "scale" and v in {"1", "2", "3", "4", "5"}:
                out[q.id] = int(v)
            elif q.kind == "yes_no" and v in ("yes", "no"):
                out[q.id] = v
            else:
                raise ValueError(f"{q.id}: {v!r}")
        return out


def load_rubric(out: Path | None = None) -> Rubric:
    path = Path(out) / "scorecard.toml" if out is not None else None
    if path is not None and path.is_file():
        text, where = path.read_text(encoding="utf-8"), str(path)
    else:
        text, where = resources.files("pipeline.workspace").joinpath("rubric.toml").read_text(encoding="utf-8"), "rubric.toml"
    try:
        data = tomllib.loads(text)
        sections = []
        seen: set[str] = set()
        for s in data["sections"]:
            qs = []
            for q in s["questions"]:
                if q.get("kind") not in KINDS or not str(q.get("id", "")).isidentifier() or q["id"] in seen:
                    raise ValueError(f"question {q.get('id')!r}: needs a unique id and kind scale or yes_no")
                seen.add(q["id"])
                qs.append(Question(q["id"], str(q["text"]), q["kind"]))
            sections.append((str(s["name"]), tuple(qs)))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as e:
        raise ConfigError(f"{where}: {' '.join(str(e).split())}") from None
    return Rubric(str(data.get("title", "Scorecard")), tuple(sections))
