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
