"""``analysis.json``: the public contract other tools read. Extend it, version it, never rename fields casually.

The JSON Schema lives in ``pipeline/schema/analysis.schema.json``; ``validate`` checks a document against it.
"""

from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1.5"  # 1.1: call.rep, call.recorded_at(_from), call.media, self_review; 1.2: overlaps;
# 1.3: outcome (conversation, voicemail, no_answer, ivr, unclear); 1.4: outcome.message (a voicemail's message),
# outcome.ending (how a conversation ended); 1.5: redaction (kinds and times of what was redacted), words[].redacted


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(resources.files("pipeline.schema").joinpath("analysis.schema.json").read_text())


def validate(doc: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if ``doc`` breaks the contract."""
    import jsonschema

    jsonschema.validate(doc, schema())


def write_json_atomic(path: Path, doc: Any) -> None:
    """Write via a temporary file and rename, so a reader (or a killed run) never sees half a file."""
    write_text_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file of this process, then rename: concurrent writers never mix their bytes."""
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load(path: str | Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
