"""The drop folder under faults, as a manager's machine meets them: real files, real processes.

Every case of issue 13's table: a copy that pauses (3 s and 10 s), an unreadable file or folder, OUT inside INBOX
(and the reverse), a call moved or renamed between rep folders, a full disk, a read-only disk, a damaged or
garbage catalog, formula-like rep names in the CSVs, terminal escapes and newlines in names, names at the file
system's length limit, links pointing out of the inbox, a truncated recording, and libraries writing caches
outside OUT. The command line runs as its own process (``tests/fakecli.py``: the product's own code with
stand-in models; what is under test is the intake and its bookkeeping). The full and read-only disks are real
small file systems (tmpfs) mounted in a private mount namespace (``unshare``), so nothing leaks to the host.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import write_wav
from pipeline.batch import check_folders, find_recordings
from pipeline.catalog import Catalog
from pipeline.errors import ConfigError
from pipeline.report import load_calls

from .conftest import ROOT, tone

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _call(seed: int, seconds: float = 4.0) -> np.ndarray:
    """A two-voice recording of about ``seconds``; ``seed`` makes its audio (and content hash) its own."""
    parts, t = [], 0.0
    i = 0
    while t < seconds:
        parts += [tone(1.5, 200 + 150 * (i % 2) + seed), np.zeros(int(0.5 * 16000), np.float32)]
        t += 2.0
        i += 1
    return np.concatenate(parts)


def _wav(path: Path, seed: int, seconds: float = 4.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, _call(seed, seconds))
    return path


def _cli(*args: str, prefix: tuple[str, ...] = (), timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "tests.fakecli", *map(str, args)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=timeout)


def _one_line(r: subprocess.CompletedProcess, *words: str) -> str:
    """The command failed with exactly one line on stderr (no traceback) holding ``words``."""
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert r.returncode != 0 and len(lines) == 1 and "Traceback" not in r.stderr, r.stderr[-3000:]
    assert all(w in lines[0] for w in words), lines[0]
    return lines[0]


def _rows(out: Path) -> dict[str, dict]:
    with Catalog.for_out(out, read_only=True) as cat:
        return {r.source: r.to_dict() for r in cat.rows()}


def _sources(out: Path) -> list[str]:
    """Every call the outputs list (the index, CSVs and rep folders are all rendered from these)."""
    return sorted(c.doc["call"]["source"] for c in load_calls(out)[0])


def _duration(out: Path, source: str) -> float:
    [c] = [c for c in load_calls(out)[0] if c.doc["call"]["source"] == source]
    return c.doc["call"]["duration_s"]


# --- a copy that pauses ---------------------------------------------------------------------------------------

COPIER = """
import sys, time
src, dst, pause, hold = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4] == "hold"
data = open(src, "rb").read()
step = -(-len(data) // 4)
held = open(dst, "wb") if hold else None
for i in range(4):
    chunk = data[i * step:(i + 1) * step]
    if held:
        held.write(chunk)
        held.flush()
    else:
        with open(dst, "ab") as f:  # a share client that opens the file again for every chunk
            f.write(chunk)
    if i < 3:
        time.sleep(pause)
if held:
    held.close()
"""


def test_copies_that_pause_3_s_and_10_s_are_analysed_once_and_whole(tmp_path):
    """``watch`` with the default settle time against copies that reopen the file for every chunk, and with a
    short settle time against copies that hold the file open through their pauses (the open-writer check)."""
    src = tmp_path / "src"
    lengths = {"a.wav": 12.0, "b.wav": 16.0, "c.wav": 12.0, "d.wav": 16.0}
    for i, (name, seconds) in enumerate(lengths.items()):
        _wav(src / name, 40 + i, seconds)
    setups = {"default": ((), {"a.wav": (3, "reopen"), "b.wav": (10, "reopen")}),
              "short": (("--settle", "2"), {"c.wav": (3, "hold"), "d.wav": (10, "hold")})}
    watches, copiers = {}, []
    for key, (extra, copies) in setups.items():
        inbox, out = tmp_path / key / "in", tmp_path / key / "out"
        inbox.mkdir(parents=True)
        watches[key] = subprocess.Popen([sys.executable, "-m", "tests.fakecli", "watch", str(inbox), "--out", str(out),
                                         *extra], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        for name, (pause, how) in copies.items():
            copiers.append(subprocess.Popen([sys.executable, "-c", COPIER, str(src / name), str(inbox / name),
                                             str(pause), how]))
    try:
        assert all(c.wait(timeout=120) == 0 for c in copiers)
        deadline = time.time() + 150
        while time.time() < deadline:
            states = [r["status"] for key in setups for r in _rows(tmp_path / key / "out").values()] \
                if all((tmp_path / key / "out" / "catalog.sqlite").is_file() for key in setups) else []
            if len(states) == 4 and all(s == "done" for s in states):
                break
            time.sleep(1)
    finally:
        outputs = {}
        for key, w in watches.items():
            w.send_signal(signal.SIGTERM)
            outputs[key] = w.communicate(timeout=60)[0]
    for key, (_, copies) in setups.items():
        out = tmp_path / key / "out"
        rows = _rows(out)
        assert sorted(rows) == sorted(copies), outputs[key]
        assert all(r["status"] == "done" and r["attempts"] == 1 for r in rows.values()), (rows, outputs[key])
        assert _sources(out) == sorted(copies)  # one listing each: never a partial version beside the whole one
        for name in copies:
            assert abs(_duration(out, name) - lengths[name]) < 0.1, (name, outputs[key])
        assert [line for line in outputs[key].splitlines() if line.startswith("done:")] != []
        assert len([p for p in out.iterdir() if (p / "analysis.json").is_file()]) == 2


def test_a_file_changed_after_its_analysis_replaces_it_everywhere(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    _wav(inbox / "ann" / "call.wav", 1, 4.0)
    assert _cli("run", inbox, "--out", out, "--settle", "0", "-q").returncode == 0
    first = {p.name for p in out.iterdir() if p.is_dir() and p.name != "reps"}
    _wav(inbox / "ann" / "call.wav", 2, 8.0)  # the manager drops a corrected recording under the same name
    r = _cli("run", inbox, "--out", out, "--settle", "0", "-q")
    assert r.returncode == 0, r.stderr
    folders = {p.name for p in out.iterdir() if p.is_dir() and p.name != "reps"}
    assert len(folders) == 1 and folders != first  # the new version's folder only
    assert _sources(out) == ["ann/call.wav"] and abs(_duration(out, "ann/call.wav") - 8.0) < 0.1
    csv = (out / "calls.csv").read_text()
    assert csv.count("ann/call.wav") == 1
    assert [p.name for p in (out / "reps" / "ann").iterdir() if p.is_dir()] == list(folders)


# --- files and folders the scan cannot read ---------------------------------------------------------------------

def _unprivileged() -> tuple[str, ...]:
    """Root reads any file: drop its capabilities (same uid) so that file permissions hold, as for a user."""
    if os.geteuid() != 0:
        return ()
    assert shutil.which("setpriv"), "setpriv (util-linux) is needed to run as root without privileges"
    return ("setpriv", "--bounding-set=-all", "--inh-caps=-all", "--")


def test_an_unreadable_file_or_folder_fails_in_one_line_and_retry_picks_it_up(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    _wav(inbox / "ok.wav", 1)
    locked = _wav(inbox / "locked.wav", 2)
    _wav(inbox / "closed" / "inner.wav", 3)
    locked.chmod(0)
    (inbox / "closed").chmod(0)
    try:
        r = _cli("run", inbox, "--out", out, "--settle", "0", "-q", prefix=_unprivileged())
        assert r.returncode == 1, r.stderr
        assert "failed: locked.wav: cannot read the file: Permission denied" in r.stderr
        assert "failed: closed/: cannot list the folder: Permission denied" in r.stderr
        rows = _rows(out)
        assert rows["locked.wav"]["status"] == "failed" and rows["ok.wav"]["status"] == "done"
        error = json.loads((out / rows["locked.wav"]["call_id"] / "error.json").read_text())
        assert error["source"] == "locked.wav" and "Permission denied" in error["error"]
        status = _cli("status", out)
        assert "failed: locked.wav: cannot read the file" in status.stdout
        again = _cli("run", inbox, "--out", out, "--settle", "0", "-q", prefix=_unprivileged())
        assert again.returncode == 1 and _rows(out)["locked.wav"]["attempts"] == 1  # recorded once, still failing
    finally:
        locked.chmod(0o644)
        (inbox / "closed").chmod(0o755)
    assert "queued 2" in _cli("retry", out).stdout
    r = _cli("run", inbox, "--out", out, "--settle", "0", "-q", prefix=_unprivileged())
    assert r.returncode == 0, r.stderr
    rows = _rows(out)
    assert {s: r["status"] for s, r in rows.items()} == {"ok.wav": "done", "locked.wav": "done",
                                                        "closed/inner.wav": "done"}
    assert _sources(out) == ["closed/inner.wav", "locked.wav", "ok.wav"]
    assert not list(out.rglob("error.json"))  # the failures are over: none is listed any more


# --- the two folders ----------------------------------------------------------------------------------------------

def test_an_output_folder_inside_the_inbox_and_the_reverse_are_refused_in_one_line(tmp_path):
    inbox = tmp_path / "in"
    _wav(inbox / "a.wav", 1)
    for out in (inbox / "reviews", inbox):
        with pytest.raises(ConfigError, match="inside the inbox"):
            check_folders(inbox, out)
    with pytest.raises(ConfigError, match="inside the output folder"):
        check_folders(tmp_path / "out" / "in", tmp_path / "out")
    check_folders(inbox, tmp_path / "out")  # side by side: fine
    _one_line(_cli("run", inbox, "--out", inbox / "reviews", "-q"), "inside the inbox")
    assert not (inbox / "reviews").exists()  # refused before anything was written
    (tmp_path / "out").mkdir()
    shutil.copytree(inbox, tmp_path / "out" / "in")
    _one_line(_cli("run", tmp_path / "out" / "in", "--out", tmp_path / "out", "-q"), "inside the output folder")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["in"]


# --- moves and renames --------------------------------------------------------------------------------------------

def test_a_call_moved_to_another_reps_folder_is_that_call_at_its_new_path(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    _wav(inbox / "ann" / "monday.wav", 1)
    _wav(inbox / "ann" / "tuesday.wav", 2)
    assert _cli("run", inbox, "--out", out, "--settle", "0", "-q").returncode == 0
    (inbox / "bob").mkdir()
    (inbox / "ann" / "monday.wav").rename(inbox / "bob" / "monday.wav")  # the manager files it under Bob
    (inbox / "ann" / "tuesday.wav").rename(inbox / "ann" / "tue.wav")  # and renames another
    r = _cli("run", inbox, "--out", out, "--settle", "0", "-q")
    assert r.returncode == 0 and "duplicate" not in r.stdout, r.stdout + r.stderr
    rows = _rows(out)
    assert {s: r["status"] for s, r in rows.items()} == {"bob/monday.wav": "done", "ann/tue.wav": "done"}
    assert all(r["attempts"] == 1 for r in rows.values())  # reused, not analysed again
    assert _sources(out) == ["ann/tue.wav", "bob/monday.wav"]
    doc = next(c.doc for c in load_calls(out)[0] if c.doc["call"]["source"] == "bob/monday.wav")
    assert doc["call"]["rep"] == "bob" and (out / doc["call"]["id"] / "report.html").is_file()
    assert doc["call"]["id"] in (out / "diarization.rttm").read_text() if (out / "diarization.rttm").exists() \
        else doc["call"]["id"] in (out / doc["call"]["id"] / "diarization.rttm").read_text()
    reps = {rep: sorted(p.name for p in (out / "reps" / rep).iterdir() if p.is_dir()) for rep in ("ann", "bob")}
    assert reps == {"ann": [rows["ann/tue.wav"]["call_id"]], "bob": [rows["bob/monday.wav"]["call_id"]]}
    # a copy under Cy (a duplicate), then the original removed: the copy takes the original's place
    shutil.copy2(inbox / "bob" / "monday.wav", inbox / "cy" / "monday.wav") if (inbox / "cy").mkdir() is None else None
    r = _cli("run", inbox, "--out", out, "--settle", "0", "-q")
    assert _rows(out)["cy/monday.wav"]["status"] == "duplicate", r.stdout
    (inbox / "bob" / "monday.wav").unlink()
    assert _cli("run", inbox, "--out", out, "--settle", "0", "-q").returncode == 0
    rows = _rows(out)
    assert {s: r["status"] for s, r in rows.items()} == {"cy/monday.wav": "done", "ann/tue.wav": "done"}
    assert _sources(out) == ["ann/tue.wav", "cy/monday.wav"]
    assert not (out / "reps" / "bob").exists() or not any(p.is_dir() for p in (out / "reps" / "bob").iterdir())


# --- full and read-only disks (real small file systems) ----------------------------------------------------------

def _in_private_mounts(script: str, **paths: Path) -> subprocess.CompletedProcess:
    """Run a bash script in a private mount namespace (mounts there vanish with it, never touch the host)."""
    ns = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user", "--mount"]
    env = {**ENV, "PY": sys.executable, **{k.upper(): str(v) for k, v in paths.items()}}
    return subprocess.run([*ns, "bash", "-uc", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


STEP = 'step() { local n=$1; shift; "$PY" -m tests.fakecli "$@" >"$R/$n.out" 2>"$R/$n.err"; echo $? >"$R/$n.rc"; }\n'


def _step(results: Path, n: str) -> subprocess.CompletedProcess:
    return subprocess.CompletedProcess([n], int((results / f"{n}.rc").read_text()), (results / f"{n}.out").read_text(),
                                       (results / f"{n}.err").read_text())


def test_a_full_disk_ends_the_run_in_one_line_and_retry_finishes_it(tmp_path):
    inbox, out, results, src = tmp_path / "in", tmp_path / "out", tmp_path / "results", tmp_path / "src"
    for p in (out, results):
        p.mkdir()
    _wav(inbox / "a.wav", 1)
    _wav(src / "b.wav", 2, 30.0)
    script = STEP + """
mount -t tmpfs -o size=8m tmpfs "$OUT"
step 1 run "$IN" --out "$OUT" --settle 0 -q
dd if=/dev/zero of="$OUT/.filler" bs=16k 2>/dev/null
cp "$SRC/b.wav" "$IN/b.wav"
step 2 run "$IN" --out "$OUT" --settle 0 -q
step 3 status "$OUT"
rm "$OUT/.filler"
step 4 retry "$OUT"
step 5 run "$IN" --out "$OUT" --settle 0 -q
cp -a "$OUT" "$R/out"
"""
    r = _in_private_mounts(script, out=out, r=results, **{"in": inbox}, src=src)
    assert r.returncode == 0, r.stderr
    assert _step(results, "1").returncode == 0, _step(results, "1").stderr
    _one_line(_step(results, "2"), "is full", "free space", "callreview retry")
    assert _step(results, "3").returncode == 0, _step(results, "3").stderr
    assert _step(results, "4").returncode == 0 and _step(results, "5").returncode == 0, _step(results, "5").stderr
    kept = results / "out"
    assert {s: r["status"] for s, r in _rows(kept).items()} == {"a.wav": "done", "b.wav": "done"}
    assert _sources(kept) == ["a.wav", "b.wav"] and not list(kept.rglob("*.tmp"))
    assert (inbox / "b.wav").read_bytes() == (src / "b.wav").read_bytes()  # the original untouched


def test_a_read_only_disk_ends_each_command_in_one_line(tmp_path):
    inbox, disk, results = tmp_path / "in", tmp_path / "disk", tmp_path / "results"
    for p in (disk, results):
        p.mkdir()
    _wav(inbox / "a.wav", 1)
    script = STEP + """
mount -t tmpfs -o size=16m tmpfs "$DISK"
step 1 run "$IN" --out "$DISK/out" --settle 0 -q
mount -o remount,ro "$DISK"
step 2 status "$DISK/out"
step 3 retry "$DISK/out"
step 4 run "$IN" --out "$DISK/out" --settle 0 -q --force
step 5 run "$IN" --out "$DISK/new" --settle 0 -q
"""
    r = _in_private_mounts(script, disk=disk, r=results, **{"in": inbox})
    assert r.returncode == 0, r.stderr
    assert _step(results, "1").returncode == 0, _step(results, "1").stderr
    status = _step(results, "2")
    assert status.returncode == 0 and "done: 1" in status.stdout, status.stderr  # looking needs no writing
    _one_line(_step(results, "3"), "cannot be written", "writable")
    _one_line(_step(results, "4"), "writable")
    _one_line(_step(results, "5"), "read-only file system", "writable")


# --- a damaged catalog --------------------------------------------------------------------------------------------

def test_a_damaged_or_garbage_catalog_is_one_line_and_moving_it_aside_keeps_the_analyses(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    for i in range(3):
        _wav(inbox / f"c{i}.wav", i)
    assert _cli("run", inbox, "--out", out, "--settle", "0", "-q").returncode == 0
    catalog = out / "catalog.sqlite"
    data = bytearray(catalog.read_bytes())
    rng = np.random.default_rng(0)
    data[4096:] = rng.integers(0, 256, len(data) - 4096, dtype=np.uint8).tobytes()  # every page past the first
    catalog.write_bytes(bytes(data))
    for args in (("status", out), ("retry", out), ("run", inbox, "--out", out, "--settle", "0", "-q")):
        _one_line(_cli(*args), "is damaged", "move it aside and rerun")
    catalog.rename(out / "catalog.damaged")
    r = _cli("run", inbox, "--out", out, "--settle", "0")
    assert r.returncode == 0 and "0 analysed, 3 already done" in r.stdout, r.stdout + r.stderr
    (out / "catalog.sqlite").write_bytes(rng.integers(0, 256, 20000, dtype=np.uint8).tobytes())
    for args in (("status", out), ("run", inbox, "--out", out, "--settle", "0", "-q")):
        _one_line(_cli(*args), "catalog")


# --- what the outputs and the terminal show -------------------------------------------------------------------------

def test_formula_like_names_are_escaped_in_every_csv(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    _wav(inbox / "=2+5" / "@call.wav", 1)
    assert _cli("run", inbox, "--out", out, "--settle", "0", "-q").returncode == 0
    def number(cell: str) -> bool:  # "-540.0" (a first dial 9 hours before the day's start) is a number, no formula
        try:
            float(cell)
        except ValueError:
            return False
        return True

    for name in ("calls.csv", "team.csv"):
        cells = [c for line in (out / name).read_text().splitlines() for c in line.split(",")]
        text = [c.lstrip('"') for c in cells if not number(c)]
        assert not any(c.startswith(("=", "+", "-", "@")) for c in text), (name, cells)
        assert any("'=2+5" in c for c in cells), name


def test_control_characters_in_names_are_shown_escaped_by_run_status_and_watch(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    _wav(inbox / "evil\x1b[2J\x1b[31mred\nfaked: line.wav", 1)
    (inbox / "bad\x07bell.wav").write_bytes(b"not audio")
    r = _cli("run", inbox, "--out", out, "--settle", "0", "-q")
    s = _cli("status", out)
    w = subprocess.Popen([sys.executable, "-m", "tests.fakecli", "watch", str(inbox), "--out", str(tmp_path / "w"),
                          "--settle", "0"], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not ((tmp_path / "w" / "catalog.sqlite").is_file()
                                          and len([r for r in _rows(tmp_path / "w").values()
                                                   if r["status"] in ("done", "failed")]) == 2):
        time.sleep(0.5)
    w.send_signal(signal.SIGTERM)
    watched = w.communicate(timeout=60)[0]
    for text in (r.stdout + r.stderr, s.stdout, watched):
        assert "\x1b" not in text and "\x07" not in text, text
        assert not any(line.startswith("faked: line") for line in text.splitlines()), text
    assert "\\x1b[2J" in r.stderr + s.stdout or "\\x1b[2J" in watched


@pytest.mark.parametrize("length", [246, 251, 255])
def test_a_name_at_the_file_systems_limit_is_analysed(tmp_path, length):
    inbox, out = tmp_path / "in", tmp_path / "out"
    _wav(inbox / ("n" * (length - 4) + ".wav"), 1)  # valid, but "<name>.call.toml" could not exist
    r = _cli("run", inbox, "--out", out, "--settle", "0", "-q")
    assert r.returncode == 0, r.stderr
    assert [r["status"] for r in _rows(out).values()] == ["done"]


def test_links_out_of_the_inbox_are_skipped_unless_followed(tmp_path):
    inbox, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    _wav(inbox / "ann" / "a.wav", 1)
    _wav(elsewhere / "b.wav", 2)
    os.symlink(elsewhere, inbox / "linked_folder")
    os.symlink(elsewhere / "b.wav", inbox / "ann" / "linked.wav")
    os.symlink("/etc/passwd", inbox / "passwd.wav")
    os.symlink(inbox, inbox / "ann" / "loop")  # a folder link back up: followed once, never forever
    assert [p.relative_to(inbox).as_posix() for p in find_recordings(inbox)] == ["ann/a.wav"]
    r = _cli("run", inbox, "--out", tmp_path / "out", "--settle", "0", "-q")
    assert r.returncode == 0 and sorted(_rows(tmp_path / "out")) == ["ann/a.wav"], r.stderr
    followed = sorted(p.relative_to(inbox).as_posix() for p in find_recordings(inbox, follow_links=True))
    assert "ann/linked.wav" in followed and "linked_folder/b.wav" in followed and "passwd.wav" in followed
    assert len(followed) == len(set(followed)) and not any("loop/loop" in f for f in followed)
    r = _cli("run", inbox, "--out", tmp_path / "followed", "--settle", "0", "-q", "--follow-links")
    rows = _rows(tmp_path / "followed")
    assert rows["ann/linked.wav"]["status"] in ("done", "duplicate") and rows["passwd.wav"]["status"] == "failed"


def test_a_truncated_recording_is_analysed_with_a_warning(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    whole = _wav(tmp_path / "whole.wav", 1, 40.0).read_bytes()
    (inbox).mkdir()
    (inbox / "cut.wav").write_bytes(whole[: 44 + len(whole) // 4])  # the header still says 40 s
    _wav(inbox / "fine.wav", 2, 10.0)
    assert _cli("run", inbox, "--out", out, "--settle", "0", "-q").returncode == 0
    docs = {c.doc["call"]["source"]: c for c in load_calls(out)[0]}
    [warning] = [w for w in docs["cut.wav"].doc["warnings"] if "cut short" in w]
    assert "declares 40 s" in warning and "10 s" in warning
    assert "cut short" in (out / docs["cut.wav"].folder / "report.html").read_text()
    assert not any("cut short" in w for w in docs["fine.wav"].doc["warnings"])


def test_loading_the_onnx_model_writes_nothing_in_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in ENV.items() if k != "XDG_CACHE_HOME"}
    env["HOME"] = str(home)
    code = "from pipeline.diarize._vad import SileroVAD; SileroVAD(); import os; print(os.environ.get('XDG_CACHE_HOME'))"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "None"  # the environment is as it was
    assert list(home.rglob("*")) == []
