"""``analysis.json``: the public contract other tools read. Extend it, version it, never rename fields casually.

The JSON Schema lives in ``pipeline/schema/analysis.schema.json``; ``validate`` checks a document against it.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1.1"  # 1.1: call.rep, call.recorded_at(_from), call.media, self_review


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
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def load(path: str | Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
