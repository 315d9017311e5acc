"""Reports in a real browser: Debian's Chromium driven by Playwright, pages opened from ``file://``.

Checked: no request leaves the report's folder, the recording plays, clicking a flagged moment or the timeline
seeks the audio, the spoken word is highlighted as playback runs, the index sorts, and hostile file names or
transcripts run nothing. Skips, saying what to install, where Chromium or Playwright is missing; ``.ci/run``
installs both so these run in CI. Screenshots are saved under ``out/screenshots/``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest


from .conftest import ROOT, SAMPLES
from .test_report import HOSTILE_NAME, hostile_batch

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CALLREVIEW_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--autoplay-policy=no-user-gesture-required"]
SHOTS = ROOT / "out" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(reason="Playwright is missing: `make setup` installs it from requirements.lock")
    if not CHROMIUM.exists():
        pytest.skip(reason=f"no Chromium at {CHROMIUM}: install Debian's with `apt-get install chromium` "
                           "(.ci/run does), or point $CALLREVIEW_CHROMIUM at one")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


class Visit:
    """A page opened from file:// with every request, error and dialog recorded."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")

    def js(self, expr: str):
        return self.page.evaluate(expr)

    def wait(self, expr: str, timeout_s: float = 10.0):
        """Poll ``expr`` until it is true. (Playwright's wait_for_function evaluates strings with ``eval``,
        which the page's Content-Security-Policy rightly forbids.)"""
        deadline = time.monotonic() + timeout_s
        while not self.page.evaluate(expr):
            if time.monotonic() > deadline:
                raise AssertionError(f"still false after {timeout_s} s: {expr}")
            time.sleep(0.05)

    def shot(self, name: str, tmp: Path) -> Path:
        path = tmp / name
        self.page.screenshot(path=str(path), full_page=True)
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / name)
        return path

    def close(self):
        self.page.close()


# --- hostile input (stand-in models; no integration tier needed) -----------------------------------------------

@pytest.fixture
def hostile_out(tmp_path):
    return hostile_batch(tmp_path)


def test_hostile_names_and_transcripts_run_nothing(browser, hostile_out, tmp_path):
    out, folder = hostile_out
    for page in (folder / "report.html", out / "index.html"):
        v = Visit(browser, page)
        v.wait("document.readyState === 'complete'")
        time.sleep(0.3)
        assert v.dialogs == [], v.dialogs  # alert(1) never ran
        assert v.js("document.querySelectorAll('img').length") == 0
        assert v.js("document.scripts.length") == 1
        body = v.page.inner_text("body")
        assert HOSTILE_NAME in body  # shown as text
        if page.name == "report.html":
            assert "<script>alert(1)</script>" in v.page.inner_text("#transcript")
            assert v.page.inner_text("h1") == HOSTILE_NAME
        assert not v.errors, v.errors
        v.close()
    v = Visit(browser, folder / "report.html")
    v.shot("hostile-report.png", tmp_path)
    v.close()


# --- real reports from the real pipeline (integration tier) ----------------------------------------------------

@pytest.fixture(scope="module")
def real_reports(eval_run):
    """The sample calls' report folders, written by the real pipeline during the session's evaluation run."""
    calls = eval_run[1] / "calls"
    folders = {}
    for a in sorted(calls.glob("*/analysis.json")):
        doc = json.loads(a.read_text())
        corpus, _, name = doc["call"]["source"].rpartition("/")
        if corpus == SAMPLES.name:
            folders[name] = a.parent
    assert len(folders) == 4, folders
    return calls, folders


def _audio_ready(v: Visit):
    v.wait("document.getElementById('audio').readyState >= 1")


@pytest.mark.integration
def test_every_sample_report_opens_offline_and_plays(browser, real_reports, tmp_path):
    calls, folders = real_reports
    for source, folder in folders.items():
        doc = json.loads((folder / "analysis.json").read_text())
        v = Visit(browser, folder / "report.html")
        _audio_ready(v)
        assert v.js("document.getElementById('audio').duration") == pytest.approx(doc["call"]["duration_s"], abs=0.3)
        v.page.click("#transcript .turn .t")  # play from the first turn
        v.wait("document.getElementById('audio').currentTime > 0.5")
        assert not v.js("document.getElementById('audio').paused")
        v.js("document.getElementById('audio').pause()")
        base = folder.resolve().as_uri() + "/"
        assert all(u.startswith(base) for u in v.requests), v.requests  # nothing from the network, nor outside
        assert {u[len(base):] for u in v.requests} == {"report.html", "audio.mp3"}
        assert not v.errors, (source, v.errors)
        if source == "discovery_stereo.flac":  # its sidecar holds the rep's estimate: shown beside the measure
            row = v.page.locator("#self-review tr[data-metric='talk_ratio_rep']").inner_text()
            assert "35%" in row and f"{doc['metrics']['talk_ratio_rep']:.0%}" in row
        v.close()
    v = Visit(browser, calls / "index.html")
    links = v.js("Array.from(document.querySelectorAll('#calls a')).map(a => a.href)")
    assert {Path(u.removeprefix("file://")).parent.name for u in links} >= {f.name for f in folders.values()}
    assert all(u.startswith("file://") for u in v.requests) and not v.errors
    v.close()


@pytest.mark.integration
def test_clicking_a_moment_or_the_timeline_seeks_the_audio(browser, real_reports, tmp_path):
    _, folders = real_reports
    v = Visit(browser, folders["pushy_close_mono.mp3"] / "report.html")
    _audio_ready(v)
    buttons = v.page.locator("#moments .moment .play")
    assert buttons.count() >= 3  # the pushy call has flagged moments
    target = buttons.nth(2)
    seek = float(target.get_attribute("data-seek"))
    assert seek > 5
    target.click()
    t = v.js("document.getElementById('audio').currentTime")
    assert seek - 0.05 <= t <= seek + 1.0, (seek, t)
    v.wait("!document.getElementById('audio').paused")
    v.js("document.getElementById('audio').pause()")
    # the timeline: a click a quarter of the way along seeks to a quarter of the call
    track = v.page.locator("#timeline .lane-markers .track")
    box = track.bounding_box()
    track.click(position={"x": box["width"] * 0.25, "y": box["height"] / 2})
    duration = v.js("parseFloat(document.body.dataset.duration)")
    assert v.js("document.getElementById('audio').currentTime") == pytest.approx(duration * 0.25, abs=1.0)
    assert v.js("document.getElementById('audio').paused")  # the timeline seeks without starting playback
    assert not v.errors, v.errors
    v.close()


@pytest.mark.integration
def test_the_spoken_word_is_highlighted_and_advances(browser, real_reports, tmp_path):
    _, folders = real_reports
    v = Visit(browser, folders["discovery_stereo.flac"] / "report.html")
    _audio_ready(v)
    v.page.locator("#transcript .turn .w").nth(0).click()  # play from the first word
    v.wait("document.querySelector('#transcript .w.now') !== null")
    first = int(v.js("document.querySelector('#transcript .w.now').dataset.i"))
    v.wait("document.getElementById('audio').currentTime > 2.0")
    later = int(v.js("document.querySelector('#transcript .w.now') ? "
                     "document.querySelector('#transcript .w.now').dataset.i : -1"))
    assert later > first, (first, later)
    # the highlighted word is the one being spoken, and the caption shows its turn
    t = v.js("document.getElementById('audio').currentTime")
    start = float(v.js("document.querySelector('#transcript .w.now').dataset.s"))
    assert start <= t + 0.05
    assert v.page.inner_text("#caption .text").strip()
    assert v.js("document.querySelectorAll('#transcript .w.now').length") == 1
    path = v.shot("report-playing.png", tmp_path)
    assert path.stat().st_size > 20_000
    v.js("document.getElementById('audio').pause()")
    assert not v.errors, v.errors
    v.close()


@pytest.mark.integration
def test_index_sorts_by_any_column(browser, real_reports, tmp_path):
    calls, _ = real_reports
    v = Visit(browser, calls / "index.html")
    headers = v.js("Array.from(document.querySelectorAll('#calls thead button')).map(b => b.textContent)")
    col = headers.index("Talk share")

    def column():
        return v.js(f"Array.from(document.querySelectorAll('#calls tbody tr')).map(r => r.cells[{col}].dataset.v)")

    v.page.click(f"#calls thead button[data-col='{col}']")
    values = column()
    numbers = [float(x) for x in values if x != ""]
    assert numbers == sorted(numbers) and len(numbers) >= 3
    assert values[len(numbers):] == [""] * (len(values) - len(numbers))  # calls without a value last
    v.page.click(f"#calls thead button[data-col='{col}']")
    numbers = [float(x) for x in column() if x != ""]
    assert numbers == sorted(numbers, reverse=True)
    v.page.fill("#filter", "pushy_close_mono")
    assert v.js("Array.from(document.querySelectorAll('#calls tbody tr')).filter(r => !r.hidden).length") == 1
    v.shot("index.png", tmp_path)
    assert not v.errors, v.errors
    v.close()


# --- the team page (stand-in models: the counts under test come from the catalog and the dates) ---------------

@pytest.fixture
def team_out(tmp_path):
    from .test_catalog import team_batch

    return team_batch(tmp_path)


def test_team_page_shows_daily_counts_and_first_calls(browser, team_out, tmp_path):
    from .test_catalog import expected_days

    v = Visit(browser, team_out / "team.html")
    rows = v.js("Array.from(document.querySelectorAll('#daily tbody tr')).map(r => "
                "[r.dataset.rep, r.dataset.date, r.querySelector('.calls-n').textContent, "
                "r.querySelector('.first-call').textContent])")
    got = {(rep, day): (int(n), first.split()[0]) for rep, day, n, first in rows}
    assert got == expected_days()
    late = v.js("Array.from(document.querySelectorAll('#daily .first-call.off-target')).map(td => "
                "td.closest('tr').dataset.rep + ' ' + td.closest('tr').dataset.date)")
    assert sorted(late) == sorted(f"{r} {d}" for (r, d), (_, first) in expected_days().items() if first > "09:30")
    assert v.js("document.querySelectorAll('#trends polyline').length") == 4 * 3  # four charts, a line per rep
    assert v.js("Array.from(document.querySelectorAll('#board tbody tr')).map(r => r.dataset.rep).sort()") == [
        "ann", "bo", "cy"]
    assert all(u.startswith("file://") for u in v.requests) and not v.errors, (v.requests, v.errors)
    v.shot("team.png", tmp_path)
    v.close()
    board = Visit(browser, team_out / "leaderboard.html")  # the page a manager publishes: no per-call detail
    assert board.js("document.querySelector('#daily')") is None and board.js("document.querySelector('#board')")
    board.close()
