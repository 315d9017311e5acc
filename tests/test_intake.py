"""What the drop folder reads: links only when asked, never the output folder's own files."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from pipeline.batch import check_folders, find_recordings
from pipeline.errors import ConfigError


def _inbox(tmp_path):
    inbox, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    (inbox / "ann").mkdir(parents=True)
    elsewhere.mkdir()
    (inbox / "ann" / "a.wav").write_bytes(b"x")
    (elsewhere / "b.wav").write_bytes(b"x")
    os.symlink(elsewhere, inbox / "linked_folder")
    os.symlink(elsewhere / "b.wav", inbox / "ann" / "linked.wav")
    os.symlink("/etc/passwd", inbox / "passwd.wav")
    os.symlink(inbox, inbox / "ann" / "loop")  # a folder link back up: followed once, never forever
    return inbox


def test_links_to_files_and_folders_alike_are_skipped_unless_followed(tmp_path):
    inbox = _inbox(tmp_path)
    assert [p.relative_to(inbox).as_posix() for p in find_recordings(inbox)] == ["ann/a.wav"]
    followed = sorted(p.relative_to(inbox).as_posix() for p in find_recordings(inbox, follow_links=True))
    assert "ann/linked.wav" in followed and "linked_folder/b.wav" in followed and "passwd.wav" in followed
    assert len(followed) == len(set(followed)) and not any("loop/loop" in f for f in followed)


def test_an_output_folder_inside_the_inbox_and_the_reverse_are_refused_in_one_line(tmp_path):
    from pipeline.cli import app

    inbox = tmp_path / "in"
    inbox.mkdir()
    for out in (inbox / "reviews", inbox):
        with pytest.raises(ConfigError, match="inside the inbox"):
            check_folders(inbox, out)
    with pytest.raises(ConfigError, match="inside the output folder"):
        check_folders(tmp_path / "out" / "in", tmp_path / "out")
    check_folders(inbox, tmp_path / "out")  # side by side: fine
    r = CliRunner().invoke(app, ["run", str(inbox), "--out", str(inbox / "reviews"), "-q"])
    assert r.exit_code != 0 and "inside the inbox" in r.output and len(r.output.strip().splitlines()) == 1
    assert not (inbox / "reviews").exists()  # refused before anything was written


def test_a_name_at_the_file_systems_limit_is_analysed(tmp_path, fake_engines):
    import numpy as np

    from pipeline.audio import write_wav
    from pipeline.batch import run_batch
    from pipeline.callmeta import CallOverrides, read_self_review

    inbox = tmp_path / "in"
    inbox.mkdir()
    rec = inbox / ("n" * 251 + ".wav")  # 255 bytes: valid, but "<name>.call.toml" could not exist
    write_wav(rec, (0.3 * np.sin(np.arange(16000 * 3) / 5.0)).astype(np.float32))
    assert CallOverrides.for_recording(rec) == CallOverrides() and read_self_review(rec) == (None, None)
    [result] = run_batch(inbox, tmp_path / "out", fake_engines.options, engines=fake_engines, settle_s=0.0)
    assert result.status == "done", result.error


def test_loading_the_onnx_model_writes_nothing_in_home(tmp_path):
    import subprocess
    import sys

    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}
    env["HOME"] = str(home)
    code = "from pipeline.diarize._vad import SileroVAD; SileroVAD(); import os; print(os.environ.get('XDG_CACHE_HOME'))"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                       cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "None"  # the environment is as it was
    assert list(home.rglob("*")) == []
