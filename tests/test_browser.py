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
    assert v.js("document.querySelectorAll('#trends svg[data-metric]').length") == 9
    for metric in ("calls", "connect_rate", "first_dial_min"):  # a line per rep (stand-in audio: no conversations)
        assert v.js(f"document.querySelectorAll('#trends svg[data-metric={metric}] polyline').length") == 3, metric
    assert v.js("Array.from(document.querySelectorAll('#board tbody tr')).map(r => r.dataset.rep).sort()") == [
        "ann", "bo", "cy"]
    assert all(u.startswith("file://") for u in v.requests) and not v.errors, (v.requests, v.errors)
    v.shot("team.png", tmp_path)
    v.close()
    board = Visit(browser, team_out / "leaderboard.html")  # the page a manager publishes: no per-call detail
    assert board.js("document.querySelector('#daily')") is None and board.js("document.querySelector('#board')")
    board.close()


def test_team_page_shows_the_activity_picture_of_three_reps(browser, tmp_path):
    """Issue 14: dials, connect rate, first dial, gaps, blocks and recovery on the fixture days
    (tests/activity_day.py), rendered by `callreview report` from the saved analyses."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    from .activity_day import DIALS, write_out
    from .test_team import DAYS

    out = write_out(tmp_path / "out")
    (out / "team.toml").write_text('[team]\nday_start = "09:00"\n')
    for fmt in ("team", "leaderboard"):
        r = CliRunner().invoke(app, ["report", str(out), "--format", fmt])
        assert r.exit_code == 0, r.output
    v = Visit(browser, out / "team.html")
    cells = ("calls-n", "conversations", "voicemails", "no-answers", "connect-rate", "first-call", "gap-median",
             "gap-longest", "long-gaps", "blocks", "rejections", "recovery")
    rows = v.js("Array.from(document.querySelectorAll('#daily tbody tr')).map(r => [r.dataset.rep, r.dataset.date]"
                f".concat({list(cells)}.map(c => r.querySelector('.' + c).textContent.trim())))")
    got = {(r[0], r[1]): dict(zip(cells, r[2:])) for r in rows}
    assert got.keys() == DAYS.keys()
    assert got[("bo", "2026-11-16")] == {
        "calls-n": "4", "conversations": "2", "voicemails": "1", "no-answers": "1", "connect-rate": "50%",
        "first-call": "10:12 (late)", "gap-median": "49 min", "gap-longest": "80 min", "long-gaps": "3 (163 min)",
        "blocks": "0", "rejections": "1", "recovery": "80 min (2.35× usual)"}
    assert got[("ann", "2026-11-16")]["blocks"] == "1 (5 dials, 19 min)"
    assert got[("cy", "2026-11-17")]["recovery"] == "75 min (37.5× usual); no dial after 1"
    assert got[("cy", "2026-11-18")]["connect-rate"] == "0%" and got[("cy", "2026-11-18")]["recovery"] == "–"
    # the day as a timeline: one mark per dial, coloured by its outcome, rejections outlined, long gaps shaded
    marks = v.js("Array.from(document.querySelectorAll('#day .day-row[data-rep]')).map(d => [d.dataset.rep, "
                 "d.dataset.date, Array.from(d.querySelectorAll('rect.dial')).map(m => m.dataset.outcome), "
                 "d.querySelectorAll('rect.dial[data-rejected]').length, d.querySelectorAll('rect.long-gap').length])")
    want = {}
    for rep, date, _, _, outcome, ending, *_ in DIALS:
        want.setdefault((rep, date), [[], 0])
        want[(rep, date)][0].append(outcome)
        want[(rep, date)][1] += ending is not None
    assert {(m[0], m[1]): [m[2], m[3]] for m in marks} == {k: v_ for k, v_ in want.items()}
    assert {(m[0], m[1]): m[4] for m in marks} == {k: DAYS[k][11] for k in DAYS}  # long gaps
    fill = v.js("getComputedStyle(document.querySelector('#day rect.dial[data-outcome=voicemail]')).fill")
    assert fill == "rgb(37, 99, 235)"
    # per rep trends: nine weekly charts, a line per rep where the figure exists
    assert v.js("document.querySelectorAll('#trends svg[data-metric]').length") == 9
    assert v.js("document.querySelectorAll('#trends svg[data-metric=recovery_min] polyline').length") == 3
    assert v.js("Array.from(document.querySelectorAll('#board tbody tr')).map(r => r.dataset.rep)") == ["bo", "ann", "cy"]
    v.page.click("#calls thead button[data-col='13']")  # sort by recovery
    order = v.js("Array.from(document.querySelectorAll('#calls tbody tr')).map(r => r.dataset.rep + ' ' + r.dataset.date)")
    assert order[:3] == ["ann 2026-11-16", "cy 2026-11-17", "bo 2026-11-16"]
    assert all(u.startswith("file://") for u in v.requests) and not v.errors, (v.requests, v.errors)
    v.shot("team-activity.png", tmp_path)
    v.close()


# --- the review workspace (issue 15): a coach and a rep through a real server and browser ------------------------

@pytest.fixture
def workspace_url(tmp_path):
    import socket
    import threading

    import uvicorn

    from pipeline.workspace import Store, create_app, hash_password

    from .test_catalog import team_batch

    out = team_batch(tmp_path)
    store, h = Store(out), hash_password("coach password 1")
    store.add_user("cole", "coach", h, coached=("ann",))
    store.add_user("ann", "rep", hash_password("rep password 22"), rep="ann")
    store.add_user("mia", "manager", hash_password("manager password 3"))
    store.add_user("<img src=x onerror=alert(1)>", "coach", hash_password("hostile password 4"), coached=("ann",))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(out), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", out
    server.should_exit = True
    thread.join(10)


def _sign_in(page, url: str, name: str, password: str) -> None:
    page.goto(url + "/signin")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


def _person(browser, url: str, name: str, password: str, errors: list, dialogs: list):
    """A signed-in page in a browser context of its own, its script errors and dialogs recorded."""
    page = browser.new_context().new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _sign_in(page, url, name, password)
    return page


def _comment(page, at: str, text: str) -> None:
    page.fill("#new-comment input[name=at]", at)
    page.fill("#new-comment textarea", text)
    page.click("#new-comment button[type=submit]")
    page.wait_for_load_state("load")


def test_a_coach_comments_and_the_rep_replies_in_a_real_browser(browser, workspace_url, tmp_path):
    import json

    url, out = workspace_url
    ids = {json.loads(p.read_text())["call"]["rep"]: p.parent.name for p in sorted(out.glob("*/analysis.json"))}
    errors: list[str] = []
    dialogs: list[str] = []
    coach = _person(browser, url, "cole", "coach password 1", errors, dialogs)
    listed = coach.evaluate("Array.from(document.querySelectorAll('#calls tbody tr')).map(r => r.dataset.call)")
    assert listed and all(c.startswith("ann__") for c in listed)  # cole coaches ann only
    coach.click(f"a[href='/calls/{ids['ann']}/']")
    coach.wait_for_load_state("load")
    _comment(coach, "0:03", "Pause here <img src=x onerror=alert(1)>")
    assert coach.evaluate("document.querySelector('#comments .comment .body').textContent").startswith("Pause here <img")
    assert coach.evaluate("document.querySelectorAll('#comments img').length") == 0
    hostile = _person(browser, url, "<img src=x onerror=alert(1)>", "hostile password 4", errors, dialogs)
    hostile.goto(f"{url}/calls/{ids['ann']}/")  # a coach whose name is markup comments too
    _comment(hostile, "0:08", "<script>alert(2)</script>")
    # the rep, in a browser of their own: sees the comment at its moment, replies, and no other rep's call
    rep = _person(browser, url, "ann", "rep password 22", errors, dialogs)
    rep.goto(f"{url}/calls/{ids['ann']}/")
    assert rep.evaluate("document.querySelector('#comments .comment').dataset.start") == "3.0"
    authors = rep.evaluate("Array.from(document.querySelectorAll('#comments .comment .who')).map(e => e.textContent)")
    assert "<img src=x onerror=alert(1)>" in authors and rep.evaluate("document.querySelectorAll('#comments img, "
                                                                      "#comments script').length") == 0
    rep.click("#comments .comment button.t")  # plays the call from the comment's moment
    rep.wait_for_function("() => document.getElementById('audio').currentTime >= 2.9", timeout=10000)
    rep.fill("#comments .comment form.comment-form textarea", "I rushed it, will slow down")
    rep.click("#comments .comment form.comment-form button[type=submit]")
    rep.wait_for_load_state("load")
    assert "I rushed it" in rep.evaluate("document.querySelector('#comments .reply').textContent")
    blocked = rep.goto(f"{url}/calls/{ids['bo']}/")
    assert blocked.status == 404 and "bo" not in rep.content().split("<body", 1)[-1].replace("body", "")
    blocked_audio = rep.goto(f"{url}/calls/{ids['bo']}/audio.mp3")
    assert blocked_audio.status == 404
    # the coach saves a clip into a playlist, sets a focus item; the playlist plays the clip from its start
    coach.goto(f"{url}/calls/{ids['ann']}/")
    coach.fill("form.clip-form input[name=start]", "0:02")
    coach.fill("form.clip-form input[name=end]", "0:04")
    coach.fill("form.clip-form input[name=playlist]", "Objection handled")
    coach.click("form.clip-form button[type=submit]")
    coach.wait_for_load_state("load")
    coach.fill("form.focus-form input[name=text]", "Pause after each question")
    coach.click("form.focus-form button[type=submit]")
    coach.wait_for_load_state("load")
    assert "Pause after each question" in coach.evaluate("document.querySelector('#focus .focus-here').textContent")
    coach.goto(f"{url}/playlists")
    coach.click("#playlists a")
    coach.wait_for_load_state("load")
    coach.click("#play-all")
    coach.wait_for_function("() => document.body.dataset.playing === '0' && "
                            "document.getElementById('audio').currentTime >= 2.0", timeout=15000)
    rep.goto(f"{url}/calls/{ids['ann']}/")  # the rep acknowledges the focus
    rep.click("#focus .focus-here form button[type=submit]")
    rep.wait_for_load_state("load")
    assert "acknowledged" in rep.evaluate("document.querySelector('#focus .focus-here').textContent")
    manager = _person(browser, url, "mia", "manager password 3", errors, dialogs)  # fills a scorecard
    manager.goto(f"{url}/calls/{ids['bo']}/")
    manager.select_option("form.scorecard-form select[name=q_reason]", "yes")
    manager.select_option("form.scorecard-form select[name=q_listening]", "4")
    manager.click("form.scorecard-form button[type=submit]")
    manager.wait_for_load_state("load")
    assert manager.evaluate("document.querySelector('#scorecards tr[data-q=listening] td.num').textContent") == "4"
    assert not errors and not dialogs, (errors, dialogs)
    coach.screenshot(path=str(tmp_path / "workspace.png"), full_page=True)
