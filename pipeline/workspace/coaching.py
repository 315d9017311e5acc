"""The coaching routes of the workspace (issue 15): scorecards, focus for next calls, clips and playlists.

Registered by ``app.create_app`` with its helpers (``h``): the signed-in actor, the CSRF check, the call the actor
may see, the page renderers. Every route asks ``access.permission_allowed`` as the app's own do.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..report import CallEntry
from .access import permission_allowed, visible_reps
from .store import User

MAX_NOTE = 4000


def register(app: FastAPI, h):
    """Add the routes; return the function that gives a call page its coaching part (scorecards, focus, playlists)."""
    from ..report.page import render_page
    from .app import parse_at

    ws, rubric = h.ws, h.rubric
    _signed_in, _check_csrf, _html, _page = h.signed_in, h.check_csrf, h.html, h.page
    _Forbidden, _NotFound = h.Forbidden, h.NotFound
    MAX_COMMENT = MAX_NOTE

    def page_context(user: User, entry: CallEntry) -> dict[str, Any]:
        rep = entry.doc.get("call", {}).get("rep")
        mine = "coach" if permission_allowed(user, "score-call", rep) else (
            "self" if permission_allowed(user, "self-score", rep) else None)
        cards = ws.store.scorecards(entry.folder)
        return {"rubric": rubric, "scorecards": cards, "my_kind": mine,
                "mine": next((c for c in cards if c["user_id"] == user.id and c["kind"] == mine), None),
                "playlists": ws.store.playlists(visible_reps(user)), **_focus(user, entry)}

    def _focus(user: User, entry: CallEntry) -> dict[str, Any]:
        """The call's focus items, and the rep's items from earlier calls with how their measure moved here."""
        from . import focus

        rep = entry.doc.get("call", {}).get("rep")
        when = entry.doc.get("call", {}).get("recorded_at") or ""
        here, earlier = [], []
        for item in ws.store.focus_for_rep(rep) if rep else []:
            origin = ws.calls.get(item["call_id"])
            set_when = (origin.doc.get("call", {}).get("recorded_at") or "") if origin else ""
            row = {**item, "set_when": set_when.replace("T", " ")[:16],
                   "progress": focus.progress(item, origin.doc if origin else None, entry.doc)}
            if item["call_id"] == entry.folder:
                here.append(row)
            elif set_when and set_when < when:
                earlier.append(row)
        return {"focus_here": here, "focus_earlier": earlier, "focus_choices": focus.findings(entry.doc),
                "can_set_focus": permission_allowed(user, "set-focus", rep) and len(here) < focus.MAX_ITEMS,
                "can_ack": permission_allowed(user, "acknowledge-focus", rep)}

    @app.post("/calls/{call_id}/focus")
    def set_focus(request: Request, call_id: str, finding: str = Form(""), text: str = Form(""), csrf: str = Form("")):
        from . import focus

        user, entry = h.post_to_call(request, call_id, csrf)
        rep = entry.doc.get("call", {}).get("rep")
        if not permission_allowed(user, "set-focus", rep):
            raise _Forbidden("only the rep's coach or a manager sets a focus")
        choices = {c["finding"]: c["title"] for c in focus.findings(entry.doc)}
        if finding and finding not in choices:
            return Response("that is not one of this call's work-on items", status_code=400, media_type="text/plain")
        label = choices.get(finding) or text.strip()
        if not label or len(label) > 300:
            return Response("a focus item is 1 to 300 characters", status_code=400, media_type="text/plain")
        try:
            ws.store.add_focus(entry.folder, rep, user.id, label, finding or None, focus.MAX_ITEMS)
        except ValueError as e:
            return Response(str(e), status_code=400, media_type="text/plain")
        return RedirectResponse(f"/calls/{entry.folder}/#focus", status_code=303)

    @app.post("/calls/{call_id}/clips")
    def save_clip(request: Request, call_id: str, start: str = Form(""), end: str = Form(""), note: str = Form(""),
                  playlist: str = Form(""), csrf: str = Form("")):
        user, entry = h.post_to_call(request, call_id, csrf)
        duration = float(entry.doc.get("call", {}).get("duration_s") or 0.0)
        try:
            a, b = parse_at(start), parse_at(end)
        except ValueError:
            return Response("a clip's start and end are m:ss or seconds", status_code=400, media_type="text/plain")
        name = " ".join(playlist.split())[:100]
        if not (0 <= a < b <= duration + 0.5) or not name:
            return Response("a clip runs forward inside the call, into a named playlist", status_code=400,
                            media_type="text/plain")
        ws.store.add_clip(name, entry.folder, entry.doc.get("call", {}).get("rep"), a, b, note.strip()[:MAX_COMMENT],
                          user.id)
        return RedirectResponse(f"/calls/{entry.folder}/#clips", status_code=303)

    @app.get("/playlists")
    def playlists(request: Request):
        user, token = _signed_in(request)
        return _page("workspace_playlists.html.j2", user=user.name, csrf=token, playlist=None,
                     playlists=ws.store.playlists(visible_reps(user)), clips=[])

    @app.get("/playlists/{playlist_id}")
    def playlist(request: Request, playlist_id: int):
        user, token = _signed_in(request)
        p, clips = ws.store.playlist(playlist_id)
        if p is None:
            raise _NotFound()
        mine = [c for c in clips if permission_allowed(user, "view-call", c["rep"]) and ws.calls.get(c["call_id"])]
        return _html(render_page("workspace_playlists.html.j2", "playlist.js", forms=True, user=user.name, csrf=token,
                                 playlist=p, playlists=[], clips=mine), "playlist.js")

    @app.post("/focus/{item_id}/ack")
    def acknowledge(request: Request, item_id: int, csrf: str = Form("")):
        user, token = _signed_in(request)
        _check_csrf(token, csrf)
        item = ws.store.focus_item(item_id)
        if item is None or not permission_allowed(user, "view-call", item["rep"]):
            raise _NotFound()
        if not permission_allowed(user, "acknowledge-focus", item["rep"]):
            raise _Forbidden("only the rep acknowledges their focus")
        ws.store.acknowledge_focus(item_id)
        return RedirectResponse(f"/calls/{item['call_id']}/#focus", status_code=303)

    @app.post("/calls/{call_id}/scorecard")
    async def save_scorecard(request: Request, call_id: str):
        _signed_in(request)  # before reading a body
        form = {k: str(v) for k, v in (await request.form()).items()}
        user, entry = h.post_to_call(request, call_id, form.get("csrf"))
        rep = entry.doc.get("call", {}).get("rep")
        kind = "coach" if permission_allowed(user, "score-call", rep) else (
            "self" if permission_allowed(user, "self-score", rep) else None)
        if kind is None:
            raise _Forbidden("you may not score this call")
        try:
            answers = rubric.answers(form)
        except ValueError as e:
            return Response(f"not an answer the rubric allows: {e}", status_code=400, media_type="text/plain")
        ws.store.save_scorecard(entry.folder, user.id, kind, answers, form.get("note", "").strip()[:MAX_COMMENT])
        return RedirectResponse(f"/calls/{entry.folder}/#scorecards", status_code=303)


    return page_context
