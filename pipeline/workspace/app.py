"""The review workspace's web application (FastAPI on uvicorn), over the same OUT the batch writes.

Every request resolves one ``actor`` (the signed-in user, or None) from the signed session cookie, in one place
(``_actor``); every route that touches a call, its audio or its comments asks ``access.permission_allowed``. A
call the actor may not see is a 404, whether it exists or not (guessed ids and another rep's audio URL look the
same). Every state change is a POST with the session's CSRF token (the sign-in form with a token of its own).
Pages: the call list, and each call's review page rendered by the report's own writer (``writers.html``) with
the comments added. The server reads the analyses as ``run``/``watch`` finish them (``CallIndex``).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from ..report import CallEntry
from .access import permission_allowed, visible_reps
from .auth import COOKIE, SESSION_S, Sessions, same_token, secret, sign_in
from .store import Store, User

PRE_COOKIE = "callreview_signin"  # the sign-in form's own CSRF token, before there is a session
CALL_ID = re.compile(r"^[A-Za-z0-9._-]{1,200}$")
MAX_COMMENT = 4000


class CallIndex:
    """The analyses under OUT by call id, re-read when a file changes (checked at most every ``ttl`` s)."""

    def __init__(self, out: Path, ttl: float = 2.0):
        import threading

        self.out, self.ttl = Path(out), ttl
        self._seen: dict[str, tuple[int, CallEntry]] = {}
        self._checked = -1e9
        self._lock = threading.Lock()  # one refresh at a time; the others wait for it, never read a half-made one

    def _refresh(self) -> None:
        import time

        with self._lock:
            if time.monotonic() - self._checked >= self.ttl:
                self._scan()
                self._checked = time.monotonic()

    def _scan(self) -> None:
        seen: dict[str, tuple[int, CallEntry]] = {}
        with os.scandir(self.out) as it:
            for d in it:
                if not d.is_dir(follow_symlinks=False) or not CALL_ID.match(d.name):
                    continue
                path = Path(d.path) / "analysis.json"
                try:
                    stamp = path.stat().st_mtime_ns
                except OSError:
                    continue
                old = self._seen.get(d.name)
                if old is not None and old[0] == stamp:
                    seen[d.name] = old
                    continue
                try:
                    seen[d.name] = (stamp, CallEntry(d.name, json.loads(path.read_text(encoding="utf-8"))))
                except (OSError, ValueError):
                    continue
        self._seen = seen

    def stamped(self) -> dict[str, tuple[int, dict]]:
        """{call id: (analysis file stamp, analysis)}: what the search index follows."""
        self._refresh()
        return {cid: (stamp, e.doc) for cid, (stamp, e) in self._seen.items()}

    def get(self, call_id: str) -> CallEntry | None:
        self._refresh()
        hit = self._seen.get(call_id)
        return hit[1] if hit else None

    def all(self) -> list[CallEntry]:
        self._refresh()
        return sorted((e for _, e in self._seen.values()),
                      key=lambda c: (c.doc.get("call", {}).get("recorded_at") or "", c.folder))


@dataclass
class Workspace:
    out: Path
    store: Store
    sessions: Sessions
    calls: CallIndex


def parse_at(text: str) -> float:
    """``"1:05"`` or ``"65"`` or ``"65.5"`` -> seconds."""
    text = text.strip()
    if not re.fullmatch(r"\d{1,5}(:\d{1,2}){0,2}(\.\d+)?", text):
        raise ValueError(text)
    parts = [float(p) for p in text.split(":")]
    s = 0.0
    for p in parts:
        s = s * 60 + p
    return s


def create_app(out: Path, secure_cookies: bool = False) -> FastAPI:
    from ..report.page import asset, csp, render_page
    from ..report.view import OUTCOME_LABELS
    from ..report.writers.html import render as render_review

    from .scorecard import load_rubric

    out = Path(out)
    ws = Workspace(out, Store(out), Sessions(secret(out)), CallIndex(out))
    rubric = load_rubric(out)
    app = FastAPI(title="callreview workspace", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.workspace = ws

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        # pages carry their own policy (the report's: only their script, no network); everything else none
        response.headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    def _actor(request: Request) -> tuple[User | None, str | None]:
        data = ws.sessions.read(request.cookies.get(COOKIE))
        if data is None:
            return None, None
        return ws.store.user(data["uid"]), data.get("csrf")

    def _signed_in(request: Request) -> tuple[User, str]:
        user, token = _actor(request)
        if user is None:
            raise _Redirect("/signin")
        return user, token or ""

    def _check_csrf(token: str | None, form_token: str | None) -> None:
        if not same_token(token, form_token):
            raise _Forbidden("the form's security token is missing or stale: reload the page and try again")

    def _post_to_call(request: Request, call_id: str, csrf: str | None) -> tuple[User, CallEntry]:
        """A state change on a call: signed in, the session's CSRF token, a call the actor may see."""
        user, token = _signed_in(request)
        _check_csrf(token, csrf)
        return user, _visible_call(user, call_id)

    def _visible_call(user: User, call_id: str) -> CallEntry:
        entry = ws.calls.get(call_id) if CALL_ID.match(call_id) else None
        if entry is None or not permission_allowed(user, "view-call", entry.doc.get("call", {}).get("rep")):
            raise _NotFound()
        return entry

    class _Redirect(Exception):
        def __init__(self, to: str):
            self.to = to

    class _Forbidden(Exception):
        pass

    class _NotFound(Exception):
        pass

    @app.exception_handler(_Redirect)
    async def _redirect(request: Request, exc: _Redirect):
        if request.method == "GET":
            return RedirectResponse(exc.to, status_code=303)
        return Response("sign in first", status_code=401, media_type="text/plain")

    @app.exception_handler(_Forbidden)
    async def _forbidden(request: Request, exc: _Forbidden):
        return Response(str(exc), status_code=403, media_type="text/plain")

    @app.exception_handler(_NotFound)
    async def _not_found(request: Request, exc: _NotFound):
        return Response("no such call", status_code=404, media_type="text/plain")

    def _html(text: str, script: str, status: int = 200) -> HTMLResponse:
        policy = csp(asset(script), forms=True) + "; frame-ancestors 'none'"
        return HTMLResponse(text, status_code=status, headers={"Content-Security-Policy": policy})

    def _page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return _html(render_page(template, "index.js", forms=True, **context), "index.js", status)

    # --- signing in and out -------------------------------------------------------------------------------
    @app.get("/signin")
    def signin_form(request: Request):
        token = secrets.token_urlsafe(24)
        response = _page("signin.html.j2", csrf=token, error=None)
        response.set_cookie(PRE_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies, max_age=3600)
        return response

    @app.post("/signin")
    def signin(request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form("")):
        _check_csrf(request.cookies.get(PRE_COOKIE), csrf)
        result = sign_in(ws.store, name[:100], password[:1000])
        if result.user is None:
            token = secrets.token_urlsafe(24)
            msg = ("Too many failed attempts: this account is locked for a while." if result.reason == "locked"
                   else "Wrong name or password.")
            response = _page("signin.html.j2", status=401, csrf=token, error=msg)
            response.set_cookie(PRE_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies,
                                max_age=3600)
            return response
        cookie, _ = ws.sessions.issue(result.user.id)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, cookie, httponly=True, samesite="strict", secure=secure_cookies, max_age=SESSION_S)
        response.delete_cookie(PRE_COOKIE)
        return response

    @app.post("/signout")
    def signout(request: Request, csrf: str = Form("")):
        _, token = _signed_in(request)
        _check_csrf(token, csrf)
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    # --- calls ------------------------------------------------------------------------------------------
    @app.get("/")
    def call_list(request: Request, rep: str = "", outcome: str = "", marker: str = "", since: str = "",
                  until: str = ""):
        from ..score import MARKER_KINDS

        user, token = _signed_in(request)
        rows = []
        for c in ws.calls.all():
            call = c.doc.get("call", {})
            if not permission_allowed(user, "view-call", call.get("rep")):
                continue
            kind = (c.doc.get("outcome") or {}).get("kind", "conversation")
            day = (call.get("recorded_at") or "")[:10]
            kinds = [m.get("kind") for m in c.doc.get("markers", [])]
            if ((rep and call.get("rep") != rep) or (outcome and kind != outcome) or (marker and marker not in kinds)
                    or (since and day < since) or (until and day > until)):
                continue
            rows.append({"id": c.folder, "when": (call.get("recorded_at") or "").replace("T", " ")[:16],
                         "rep": call.get("rep") or "", "source": call.get("source") or c.folder,
                         "duration": call.get("duration_s"), "outcome": OUTCOME_LABELS.get(kind, kind),
                         "markers": len(kinds)})
        mentions = [m for m in ws.store.mentions(user.name) if ws.calls.get(m["call_id"]) is not None
                    and permission_allowed(user, "view-call", ws.calls.get(m["call_id"]).doc.get("call", {}).get("rep"))]
        return _page("workspace_calls.html.j2", user=user.name, role=user.role, csrf=token, rows=rows,
                     rep=rep, outcome=outcome, outcomes=OUTCOME_LABELS, marker=marker, markers=MARKER_KINDS,
                     since=since, until=until, mentions=mentions)

    @app.get("/search")
    def search(request: Request, q: str = "", party: str = "", rep: str = "", since: str = "", until: str = ""):
        user, token = _signed_in(request)
        hits = []
        if q.strip():
            ws.store.sync_transcripts(ws.calls.stamped())
            date = re.compile(r"^\d{4}-\d{2}-\d{2}$")
            for h in ws.store.search(q[:200], visible_reps(user), party if party in ("rep", "buyer") else None,
                                     rep or None, since if date.match(since) else None,
                                     until if date.match(until) else None):
                parts = [(piece, i % 2 == 1) for i, piece in enumerate(re.split("[\x02\x03]", h["snip"]))]
                hits.append({**h, "parts": [p for p in parts if p[0]], "at": f"{h['start']:.1f}"})
        return _page("workspace_search.html.j2", user=user.name, role=user.role, csrf=token, q=q, party=party,
                     rep=rep, since=since, until=until, hits=hits)

    @app.get("/calls/{call_id}")
    def call_no_slash(call_id: str):
        return RedirectResponse(f"/calls/{call_id}/", status_code=307)

    @app.get("/calls/{call_id}/")
    def call_page(request: Request, call_id: str):
        user, token = _signed_in(request)
        entry = _visible_call(user, call_id)
        comments = ws.store.comments(entry.folder)
        doc = dict(entry.doc)
        doc["call"] = {**doc.get("call", {}), "media": "audio.mp3"}
        return _html(render_review(doc, workspace={
            "user": user.name, "user_id": user.id, "csrf": token, "comments": comments,
            **coaching_context(user, entry)}), "report.js")

    from types import SimpleNamespace

    from .coaching import register as register_coaching

    coaching_context = register_coaching(app, SimpleNamespace(
        ws=ws, rubric=rubric, signed_in=_signed_in, check_csrf=_check_csrf,
        post_to_call=_post_to_call, html=_html,
        page=_page, Forbidden=_Forbidden, NotFound=_NotFound))

    @app.get("/calls/{call_id}/audio.mp3")
    def audio(request: Request, call_id: str):
        user, _ = _signed_in(request)
        entry = _visible_call(user, call_id)
        path = ws.out / entry.folder / "audio.mp3"
        if not path.is_file():
            raise _NotFound()
        return FileResponse(path, media_type="audio/mpeg")  # Starlette answers Range requests (206)

    @app.post("/calls/{call_id}/comments")
    def add_comment(request: Request, call_id: str, body: str = Form(""), at: str = Form("0"), to: str = Form(""),
                    parent_id: str = Form(""), csrf: str = Form("")):
        user, entry = _post_to_call(request, call_id, csrf)
        if not permission_allowed(user, "comment", entry.doc.get("call", {}).get("rep")):
            raise _NotFound()
        body = body.strip()
        if not body or len(body) > MAX_COMMENT:
            return Response(f"a comment is 1 to {MAX_COMMENT} characters", status_code=400, media_type="text/plain")
        try:
            parent = int(parent_id) if parent_id else None
            start = parse_at(at) if parent is None else 0.0
            end = parse_at(to) if to.strip() and parent is None else None
            if end is not None and end < start:
                raise ValueError(to)
            if parent is not None:
                p = ws.store.comment(parent)
                if p is None or p.call_id != entry.folder:
                    raise KeyError(parent)
                start = p.start
            cid = ws.store.add_comment(entry.folder, user.id, start, body, end=end, parent_id=parent)
        except (ValueError, KeyError):
            return Response("the comment's time or thread is not valid", status_code=400, media_type="text/plain")
        return RedirectResponse(f"/calls/{entry.folder}/#comment-{cid}", status_code=303)

    def _own_comment(request: Request, comment_id: int, csrf: str, verb: str):
        """The comment, when the signed-in actor wrote it (and may still see its call); else 403/404."""
        user, token = _signed_in(request)
        _check_csrf(token, csrf)
        c = ws.store.comment(comment_id)
        if c is None:
            raise _NotFound()
        _visible_call(user, c.call_id)
        if not permission_allowed(user, "edit-comment", c.user_id):
            raise _Forbidden(f"only the author may {verb} a comment")
        return c

    @app.post("/comments/{comment_id}/delete")
    def delete_comment(request: Request, comment_id: int, csrf: str = Form("")):
        c = _own_comment(request, comment_id, csrf, "delete")
        ws.store.delete_comment(comment_id)
        return RedirectResponse(f"/calls/{c.call_id}/#comments", status_code=303)

    @app.post("/comments/{comment_id}/edit")
    def edit_comment(request: Request, comment_id: int, body: str = Form(""), csrf: str = Form("")):
        c = _own_comment(request, comment_id, csrf, "edit")
        body = body.strip()
        if not body or len(body) > MAX_COMMENT:
            return Response(f"a comment is 1 to {MAX_COMMENT} characters", status_code=400, media_type="text/plain")
        ws.store.edit_comment(comment_id, body)
        return RedirectResponse(f"/calls/{c.call_id}/#comment-{comment_id}", status_code=303)

    return app
