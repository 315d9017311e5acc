"""The review workspace (issue 15): accounts, sign-in, and who may see what, on every route, for every role.

The app runs in-process (FastAPI's TestClient, as Datasette's test client) over a real batch output (stand-in
models: real analyses, audio and catalog), with a real SQLite store and real argon2 hashes."""

from __future__ import annotations

import logging
import re
import stat

import pytest
from typer.testing import CliRunner

from pipeline.cli import app as cli

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    from .test_catalog import team_batch

    return team_batch(tmp_path_factory.mktemp("ws"))


@pytest.fixture(scope="module")
def users(out):
    from pipeline.workspace import Store, hash_password

    store = Store(out)
    h = hash_password(PASSWORD)
    return {"mia": store.add_user("mia", "manager", h), "cole": store.add_user("cole", "coach", h, coached=("ann",)),
            "ann": store.add_user("ann", "rep", h, rep="ann"), "bo": store.add_user("bo", "rep", h, rep="bo")}


@pytest.fixture(scope="module")
def app(out, users):
    from pipeline.workspace import create_app

    return create_app(out)


def client(app, name: str | None = None):
    from fastapi.testclient import TestClient

    c = TestClient(app)
    if name is not None:
        r = sign_in(c, name, PASSWORD)
        assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return c


def sign_in(c, name: str, password: str):
    page = c.get("/signin")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return c.post("/signin", data={"name": name, "password": password, "csrf": token}, follow_redirects=False)


def csrf_of(c, path: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get(path).text).group(1)


def calls_by_rep(out) -> dict[str, list[str]]:
    import json

    by: dict[str, list[str]] = {}
    for p in sorted(out.glob("*/analysis.json")):
        by.setdefault(json.loads(p.read_text())["call"]["rep"], []).append(p.parent.name)
    return by


SEES = {"mia": {"ann", "bo", "cy"}, "cole": {"ann"}, "ann": {"ann"}, "bo": {"bo"}}


@pytest.mark.parametrize("who", sorted(SEES))
def test_every_route_serves_only_the_calls_the_role_may_see(app, out, who):
    c = client(app, who)
    by = calls_by_rep(out)
    listed = set(re.findall(r'data-call="([^"]+)"', c.get("/").text))
    assert listed == {cid for rep in SEES[who] for cid in by[rep]}
    for rep, ids in by.items():
        for cid in ids:
            page, audio = c.get(f"/calls/{cid}/"), c.get(f"/calls/{cid}/audio.mp3", headers={"Range": "bytes=0-99"})
            if rep in SEES[who]:
                assert page.status_code == 200 and 'id="comments"' in page.text
                assert audio.status_code == 206 and audio.headers["content-range"].startswith("bytes 0-99/")
                assert len(audio.content) == 100
            else:  # another rep's call, page and audio URL alike: nothing of it
                assert page.status_code == 404 and audio.status_code == 404, (who, cid)
                assert cid not in page.text and rep not in audio.text
                token = csrf_of(c, "/")
                r = c.post(f"/calls/{cid}/comments", data={"body": "hi", "at": "0:01", "csrf": token},
                           follow_redirects=False)
                assert r.status_code == 404
    for guess in ("nope", "..%2F..%2Fetc%2Fpasswd", "ann__x", "%2e%2e"):
        assert c.get(f"/calls/{guess}/").status_code == 404
        assert c.get(f"/calls/{guess}/audio.mp3").status_code == 404


def test_signed_out_requests_get_nothing(app, out):
    c = client(app)
    cid = next(iter(calls_by_rep(out)["ann"]))
    for path in ("/", f"/calls/{cid}/", f"/calls/{cid}/audio.mp3"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/signin"
    r = c.post(f"/calls/{cid}/comments", data={"body": "x", "at": "0", "csrf": "x"}, follow_redirects=False)
    assert r.status_code == 401
    forged = client(app)
    forged.cookies.set("callreview_session", "eyJ1aWQiOjF9.forged.sig")  # a cookie not signed by the server
    assert forged.get("/", follow_redirects=False).status_code == 303


def test_every_state_change_needs_the_sessions_csrf_token(app, out):
    c = client(app, "ann")
    cid = calls_by_rep(out)["ann"][0]
    for data in ({"body": "x", "at": "0"}, {"body": "x", "at": "0", "csrf": "wrong"}):
        assert c.post(f"/calls/{cid}/comments", data=data, follow_redirects=False).status_code == 403
    other = client(app, "mia")  # mia's token does not work in ann's session
    r = c.post(f"/calls/{cid}/comments", data={"body": "x", "at": "0", "csrf": csrf_of(other, "/")},
               follow_redirects=False)
    assert r.status_code == 403
    assert c.post("/signout", data={}, follow_redirects=False).status_code == 403
    fresh = client(app)  # the sign-in form has its own token
    assert fresh.post("/signin", data={"name": "ann", "password": PASSWORD}, follow_redirects=False).status_code == 403
    policy = c.get(f"/calls/{cid}/").headers["content-security-policy"]
    assert "form-action 'self'" in policy and "default-src 'none'" in policy and "script-src 'sha256-" in policy


def test_comments_thread_escape_and_only_their_author_deletes(app, out):
    ann, cole = client(app, "ann"), client(app, "cole")
    cid = calls_by_rep(out)["ann"][0]
    r = cole.post(f"/calls/{cid}/comments", follow_redirects=False,
                  data={"body": "<script>alert(1)</script> listen here", "at": "0:02", "csrf": csrf_of(cole, f"/calls/{cid}/")})
    assert r.status_code == 303
    comment_id = int(r.headers["location"].rsplit("-", 1)[1])
    page = ann.get(f"/calls/{cid}/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; listen here" in page and "<script>alert(1)" not in page
    assert 'data-seek="2.0"' in page  # anchored at 0:02, playable from there
    assert 'class="tick comment"' in page and "comment by cole at 0:02" in page  # on the timeline too
    r = ann.post(f"/calls/{cid}/comments", follow_redirects=False,
                 data={"body": "I rushed that bit", "parent_id": str(comment_id), "csrf": csrf_of(ann, f"/calls/{cid}/")})
    assert r.status_code == 303 and "I rushed that bit" in cole.get(f"/calls/{cid}/").text
    assert ann.post(f"/comments/{comment_id}/delete", data={"csrf": csrf_of(ann, "/")},
                    follow_redirects=False).status_code == 403
    assert ann.post(f"/comments/{comment_id}/edit", data={"body": "mine now", "csrf": csrf_of(ann, "/")},
                    follow_redirects=False).status_code == 403
    assert cole.post(f"/comments/{comment_id}/edit", data={"body": "<b>listen here</b>", "csrf": csrf_of(cole, "/")},
                     follow_redirects=False).status_code == 303
    page = ann.get(f"/calls/{cid}/").text
    assert "&lt;b&gt;listen here&lt;/b&gt;" in page and "(edited)" in page and "mine now" not in page
    bo = client(app, "bo")  # may not even learn the comment exists
    assert bo.post(f"/comments/{comment_id}/delete", data={"csrf": csrf_of(bo, "/")},
                   follow_redirects=False).status_code == 404
    bad = cole.post(f"/calls/{cid}/comments", data={"body": "x", "at": "soon", "csrf": csrf_of(cole, "/")},
                    follow_redirects=False)
    assert bad.status_code == 400
    assert cole.post(f"/comments/{comment_id}/delete", data={"csrf": csrf_of(cole, "/")},
                     follow_redirects=False).status_code == 303
    assert "listen here" not in ann.get(f"/calls/{cid}/").text


def test_repeated_failures_lock_the_account_and_passwords_stay_out_of_logs_and_disk(app, out, caplog, monkeypatch):
    import time as _time

    from pipeline.workspace import Store, auth, hash_password

    Store(out).add_user("lee", "rep", hash_password(PASSWORD), rep="cy")
    caplog.set_level(logging.DEBUG)
    c = client(app)
    for _ in range(auth.LOCK_AFTER - 1):
        assert sign_in(c, "lee", "wrong password!").status_code == 401
    r = sign_in(c, "lee", "wrong password!")
    assert r.status_code == 401 and "locked" in r.text
    r = sign_in(c, "lee", PASSWORD)  # the right password, but locked
    assert r.status_code == 401 and "locked" in r.text
    later = _time.time() + auth.LOCK_S + 1
    monkeypatch.setattr(auth.time, "time", lambda: later)
    assert sign_in(c, "lee", PASSWORD).status_code == 303
    assert sign_in(client(app), "nobody", PASSWORD).status_code == 401  # unknown names: the same answer
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PASSWORD not in logged and "wrong password!" not in logged
    for f in out.glob("workspace.sqlite*"):
        assert PASSWORD.encode() not in f.read_bytes()
    assert all(u.pw_hash.startswith("$argon2id$") for u in Store(out).users())
    secret = out / ".workspace-secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and len(secret.read_text()) >= 40


def test_users_commands(tmp_path):
    out = tmp_path / "out"
    (out / "ann__a").mkdir(parents=True)
    (out / "ann__a" / "analysis.json").write_text('{"call": {"rep": "ann", "id": "ann__a"}}')
    r = CliRunner().invoke(cli, ["serve", str(out)])
    assert r.exit_code == 2 and "no accounts yet" in r.output
    r = CliRunner().invoke(cli, ["users", "add", "kim", "--out", str(out), "--role", "coach", "--coaches", "ann",
                                 "--password-stdin"], input="long enough secret\n")
    assert r.exit_code == 0 and "added coach kim (coaches ann)" in r.output and "long enough" not in r.output
    r = CliRunner().invoke(cli, ["users", "add", "kim", "--out", str(out), "--role", "rep", "--rep", "ann",
                                 "--password-stdin"], input="long enough secret\n")
    assert r.exit_code == 2 and "already a user" in r.output
    r = CliRunner().invoke(cli, ["users", "add", "x", "--out", str(out), "--role", "rep", "--password-stdin"],
                           input="long enough secret\n")
    assert r.exit_code == 2 and "--rep" in r.output
    r = CliRunner().invoke(cli, ["users", "add", "y", "--out", str(out), "--role", "manager", "--password-stdin"],
                           input="short\n")
    assert r.exit_code == 2 and "8 characters" in r.output
    r = CliRunner().invoke(cli, ["users", "demo", str(out)])
    assert r.exit_code == 0 and re.search(r"^manager +manager +password \S{8,}$", r.output, re.M)
    assert re.search(r"^ann +rep +password ", r.output, re.M)
    listed = CliRunner().invoke(cli, ["users", "list", str(out)]).output
    assert "kim" in listed and "reps ann" in listed and "$argon2" not in listed


def test_search_finds_words_in_the_calls_one_may_see_by_party_and_opens_the_moment(app, out):
    import json

    said: dict[tuple[str, str], list[float]] = {}  # (call id, party) -> starts of utterances with "Acme"
    reps = {}
    for p in sorted(out.glob("*/analysis.json")):
        doc = json.loads(p.read_text())
        roles = {s["id"]: s["role"] for s in doc["speakers"]}
        reps[p.parent.name] = doc["call"]["rep"]
        for u in doc["segments"]:
            if "acme" in u["text"].lower():
                said.setdefault((p.parent.name, roles.get(u["speaker"], "unknown")), []).append(u["start"])
    assert said, "the stand-in transcripts name Acme"

    def hits(c, **params):
        page = c.get("/search", params=params).text
        return re.findall(r'data-call="([^"]+)" data-party="([^"]+)" data-start="([^"]+)"', page), page

    for who in ("mia", "ann", "cole"):
        got, page = hits(client(app, who), q="acme")
        want = {(cid, party) for (cid, party) in said if reps[cid] in SEES[who]}
        assert {(cid, party) for cid, party, _ in got} == want, who
        assert "<mark>" in page and all(f'href="/calls/{cid}/#t={at}"' in page for cid, _, at in got)
    mia = client(app, "mia")
    rep_only, _ = hits(mia, q="acme", party="rep")
    assert {p for _, p, _ in rep_only} <= {"rep"} and len(rep_only) == sum(
        len(v) for (cid, party), v in said.items() if party == "rep")
    one_rep, _ = hits(mia, q="acme", rep="bo")
    assert one_rep and {reps[cid] for cid, _, _ in one_rep} == {"bo"}
    assert hits(mia, q="zebra")[0] == [] and hits(mia, q='"acme how"')[0]  # a phrase
    assert hits(mia, q="acme", since="2026-11-25")[0] and all(
        cid.startswith("cy__") for cid, _, _ in hits(mia, q="acme", since="2026-11-25")[0])
    assert client(app).get("/search?q=acme", follow_redirects=False).status_code == 303


def test_scorecards_from_the_rubric_coach_and_self_kept_apart(app, out):
    cid = calls_by_rep(out)["ann"][1]
    mia, ann, cole, bo = (client(app, n) for n in ("mia", "ann", "cole", "bo"))
    form = {"q_reason": "yes", "q_permission": "4", "q_listening": "2", "note": "good <i>opener</i>"}
    assert mia.post(f"/calls/{cid}/scorecard", data={**form, "csrf": csrf_of(mia, "/")},
                    follow_redirects=False).status_code == 303
    assert ann.post(f"/calls/{cid}/scorecard", data={"q_reason": "no", "q_permission": "5",
                                                      "csrf": csrf_of(ann, "/")}, follow_redirects=False).status_code == 303
    page = cole.get(f"/calls/{cid}/").text
    assert 'data-kind="coach">mia (coach)' in page and 'data-kind="self">ann (self-review)' in page
    row = re.search(r'<tr data-q="permission">(.*?)</tr>', page).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["4", "5"]  # side by side: the coach's, the rep's
    assert "good &lt;i&gt;opener&lt;/i&gt;" in page
    bad = mia.post(f"/calls/{cid}/scorecard", data={"q_permission": "9", "csrf": csrf_of(mia, "/")},
                   follow_redirects=False)
    assert bad.status_code == 400
    assert mia.post(f"/calls/{cid}/scorecard", data={"q_reason": "no"}, follow_redirects=False).status_code == 403
    assert bo.post(f"/calls/{cid}/scorecard", data={"q_reason": "no", "csrf": csrf_of(bo, "/")},
                   follow_redirects=False).status_code == 404  # another rep's call: not even there


def test_focus_items_the_coach_sets_the_rep_acknowledges_and_later_calls_measure(app, out):
    import json
    import time

    first, later = calls_by_rep(out)["ann"][0], calls_by_rep(out)["ann"][2]
    for cid, fillers in ((first, 3), (later, 1)):  # what the feedback found on each call (stand-in transcripts)
        path = out / cid / "analysis.json"
        doc = json.loads(path.read_text())
        doc["feedback"]["work_on"] = [{"finding": "filler", "family": "hesitancy", "severity": 2.0, "moments": [],
                                       "title": "Cut the filler words", "why": "", "suggestion": ""}]
        doc["markers"] = [m for m in doc["markers"] if m["kind"] != "filler"] + [
            {"kind": "filler", "family": "hesitancy", "start": 1.0 + i, "end": 1.2 + i, "speaker": "x", "text": "um",
             "detail": ""} for i in range(fillers)]
        path.write_text(json.dumps(doc))
    time.sleep(2.1)  # the call index looks again every 2 s
    cole, ann, bo = client(app, "cole"), client(app, "ann"), client(app, "bo")
    token = csrf_of(cole, f"/calls/{first}/")
    assert cole.post(f"/calls/{first}/focus", data={"finding": "filler", "csrf": token},
                     follow_redirects=False).status_code == 303
    assert cole.post(f"/calls/{first}/focus", data={"text": "Ask <b>why</b> before pitching", "csrf": token},
                     follow_redirects=False).status_code == 303
    assert cole.post(f"/calls/{first}/focus", data={"finding": "made_up", "csrf": token},
                     follow_redirects=False).status_code == 400
    assert ann.post(f"/calls/{first}/focus", data={"text": "me", "csrf": csrf_of(ann, "/")},
                    follow_redirects=False).status_code == 403
    page = ann.get(f"/calls/{first}/").text
    items = re.findall(r'data-focus="(\d+)" data-finding="([^"]*)"', page)
    assert [f for _, f in items] == ["filler", ""] and "Ask &lt;b&gt;why&lt;/b&gt; before pitching" in page
    item = items[0][0]
    assert cole.post(f"/focus/{item}/ack", data={"csrf": csrf_of(cole, "/")}, follow_redirects=False).status_code == 403
    assert bo.post(f"/focus/{item}/ack", data={"csrf": csrf_of(bo, "/")}, follow_redirects=False).status_code == 404
    assert ann.post(f"/focus/{item}/ack", data={"csrf": csrf_of(ann, "/")}, follow_redirects=False).status_code == 303
    assert "acknowledged" in cole.get(f"/calls/{first}/").text
    # the rep's later call shows the item with the marker counts then and now
    later_page = ann.get(f"/calls/{later}/").text
    assert re.search(r'class="focus-earlier".*data-finding="filler".*data-then="3" data-now="1"', later_page, re.S)
    for text in ("two", "three"):  # at most three items a call
        cole.post(f"/calls/{first}/focus", data={"text": text, "csrf": token}, follow_redirects=False)
    assert 'class="focus-form"' not in cole.get(f"/calls/{first}/").text


def test_clips_go_into_named_playlists_that_play_only_what_one_may_see(app, out):
    by = calls_by_rep(out)
    cole, mia, ann, bo = (client(app, n) for n in ("cole", "mia", "ann", "bo"))
    ok = cole.post(f"/calls/{by['ann'][0]}/clips", follow_redirects=False, data={
        "start": "0:01", "end": "0:03", "note": "good <u>urgency</u>", "playlist": "Good urgency",
        "csrf": csrf_of(cole, "/")})
    assert ok.status_code == 303
    assert mia.post(f"/calls/{by['bo'][0]}/clips", follow_redirects=False, data={
        "start": "1", "end": "2.5", "playlist": "good urgency", "csrf": csrf_of(mia, "/")}).status_code == 303
    for bad in ({"start": "0:03", "end": "0:01"}, {"start": "0", "end": "9:00"}, {"start": "x", "end": "1"},
                {"start": "0", "end": "1", "playlist": "  "}):
        r = cole.post(f"/calls/{by['ann'][0]}/clips", follow_redirects=False,
                      data={"playlist": "p", **bad, "csrf": csrf_of(cole, "/")})
        assert r.status_code == 400, bad
    assert cole.post(f"/calls/{by['bo'][0]}/clips", follow_redirects=False, data={
        "start": "0", "end": "1", "playlist": "p", "csrf": csrf_of(cole, "/")}).status_code == 404
    (pid,) = set(re.findall(r'data-playlist="(\d+)"', mia.get("/playlists").text))  # one playlist, names fold case
    assert "(2 clips)" in mia.get("/playlists").text and "(1 clip)" in ann.get("/playlists").text
    for who, rep in ((ann, "ann"), (bo, "bo")):
        page = who.get(f"/playlists/{pid}").text
        srcs = re.findall(r'data-src="/calls/([^/]+)/audio.mp3"', page)
        assert srcs == [by[rep][0]], (rep, srcs)
    page = mia.get(f"/playlists/{pid}")
    assert re.findall(r'data-start="([^"]+)" data-end="([^"]+)"', page.text) == [("1.0", "3.0"), ("1.0", "2.5")]
    assert "good &lt;u&gt;urgency&lt;/u&gt;" in page.text and "script-src 'sha256-" in page.headers["content-security-policy"]
    assert mia.get("/playlists/999").status_code == 404


def test_mentions_ranges_and_the_list_filters(app, out):
    import json

    by = calls_by_rep(out)
    cole, ann, bo = client(app, "cole"), client(app, "ann"), client(app, "bo")
    cid = by["ann"][0]
    r = cole.post(f"/calls/{cid}/comments", follow_redirects=False,
                  data={"body": "@ann listen to this stretch", "at": "0:05", "to": "0:09", "csrf": csrf_of(cole, "/")})
    assert r.status_code == 303
    assert cole.post(f"/calls/{cid}/comments", data={"body": "x", "at": "0:09", "to": "0:05", "csrf": csrf_of(cole, "/")},
                     follow_redirects=False).status_code == 400
    assert ">0:05-0:09</button>" in ann.get(f"/calls/{cid}/").text
    assert "listen to this stretch" in ann.get("/").text.split('id="mentions"', 1)[1].split("</section>")[0]
    assert 'id="mentions"' not in bo.get("/").text and 'id="mentions"' not in cole.get("/").text
    mia = client(app, "mia")
    days = {json.loads((out / c / "analysis.json").read_text())["call"]["recorded_at"][:10]: c
            for ids in by.values() for c in ids}
    listed = set(re.findall(r'data-call="([^"]+)"', mia.get("/", params={"since": "2026-11-24", "until": "2026-11-24"}).text))
    assert listed == {c for d, c in days.items() if d == "2026-11-24"}
    kinds = {c: {m["kind"] for m in json.loads((out / c / "analysis.json").read_text())["markers"]}
             for ids in by.values() for c in ids}
    for kind in ("filler", "interruption"):
        got = set(re.findall(r'data-call="([^"]+)"', mia.get("/", params={"marker": kind}).text))
        assert got == {c for c, ks in kinds.items() if kind in ks}, kind


STATE_CHANGES = [  # (path under a call, form) for every POST route that takes a call
    ("comments", {"body": "hi", "at": "0:01"}), ("scorecard", {"q_reason": "yes"}), ("focus", {"text": "x"}),
    ("clips", {"start": "0", "end": "1", "playlist": "p"}),
]


@pytest.mark.parametrize("who", sorted(SEES))
def test_no_route_gives_anything_of_a_call_the_role_may_not_see(app, out, who):
    """Every route, GET and POST, on every call another rep owns (and on guessed ids): 403 or 404, never content
    and never a change."""
    from pipeline.workspace import Store

    by = calls_by_rep(out)
    owner = client(app, "mia")  # leaves a comment on every call, so comment routes have something to aim at
    c = client(app, who)
    token = csrf_of(c, "/")
    store = Store(out)
    for rep, ids in by.items():
        if rep in SEES[who]:
            continue
        for cid in ids + [f"{rep}__guessed"]:
            before = (len(store.comments(cid)), len(store.scorecards(cid)))
            for path in (f"/calls/{cid}/", f"/calls/{cid}/audio.mp3", f"/calls/{cid}"):
                r = c.get(path, follow_redirects=False)
                assert r.status_code in (403, 404) or (r.status_code == 307 and path.endswith(cid)), (path, r.status_code)
            for sub, form in STATE_CHANGES:
                r = c.post(f"/calls/{cid}/{sub}", data={**form, "csrf": token}, follow_redirects=False)
                assert r.status_code in (403, 404), (sub, r.status_code)
            assert (len(store.comments(cid)), len(store.scorecards(cid))) == before
        r = owner.post(f"/calls/{ids[0]}/comments", follow_redirects=False,
                       data={"body": "owner's note", "at": "0", "csrf": csrf_of(owner, "/")})
        comment_id = r.headers["location"].rsplit("-", 1)[1]
        for action, form in (("edit", {"body": "taken over"}), ("delete", {})):
            r = c.post(f"/comments/{comment_id}/{action}", data={**form, "csrf": token}, follow_redirects=False)
            assert r.status_code in (403, 404), (action, r.status_code)
        assert store.comment(int(comment_id)).body == "owner's note"
        listing = c.get("/").text + c.get("/search", params={"q": "acme"}).text + c.get("/playlists").text
        assert not any(cid in listing for cid in ids), rep
