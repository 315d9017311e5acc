"""Names from the inbox reach the terminal as text: no escape sequences, no faked lines."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from pipeline.terminal import shown


def test_control_and_format_characters_are_escaped_and_the_rest_kept():
    assert shown("ann/call 1 – ünïcode.wav") == "ann/call 1 – ünïcode.wav"
    assert shown("a\x1b[2Jb\nfailed: x\r\u202eevil") == "a\\x1b[2Jb\\nfailed: x\\r\\u202eevil"
    assert "\n" not in shown("x\n" * 3) and "\x1b" not in shown("\x1b]0;title\x07")


def test_run_and_status_print_hostile_names_escaped(tmp_path, fake_engines, monkeypatch):
    from pipeline import cli
    from pipeline.audio import write_wav

    inbox = tmp_path / "in"
    inbox.mkdir()
    hostile = "evil\x1b[31m\nfailed: fake.wav"
    (inbox / f"{hostile}.wav").write_bytes(b"not audio at all")  # fails, and its name is printed
    write_wav(inbox / "ok.wav", (0.3 * np.sin(np.arange(16000 * 3) / 5.0)).astype(np.float32))
    monkeypatch.setattr("pipeline.batch.Engines", lambda options: fake_engines)  # stand-in models
    result = CliRunner().invoke(cli.app, ["run", str(inbox), "--out", str(tmp_path / "out"), "--quiet", "--device", "cpu"])
    out = result.output
    assert "\x1b" not in out and "evil\\x1b[31m\\nfailed: fake.wav" in out
    assert not any(line.startswith("failed: fake.wav") for line in out.splitlines())
    status = CliRunner().invoke(cli.app, ["status", str(tmp_path / "out")]).output
    assert "\x1b" not in status and "evil\\x1b[31m\\nfailed: fake.wav" in status
