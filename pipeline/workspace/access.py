"""Who may do what: the one permission function every route asks (Datasette's ``permission_allowed``).

A manager sees every call; a coach the calls of the reps assigned to them; a rep their own calls only. A call's
rep is ``call.rep`` in its analysis (the inbox folder or the rep rules). Comments are read and written by
whoever may see the call; only their author edits or deletes one.
"""

from __future__ import annotations

from typing import Any

from .store import User

ACTIONS = ("list-calls", "view-call", "comment", "edit-comment", "manage-users", "score-call", "self-score",
           "set-focus", "acknowledge-focus")


def permission_allowed(actor: User | None, action: str, resource: Any = None) -> bool:
    """``resource``: a call's rep (``view-call``, ``comment``, ``score-call``, ``self-score``, ``set-focus``,
    ``acknowledge-focus``), a comment's author id (``edit-comment``)."""
    if actor is None or action not in ACTIONS:
        return False
    if action == "list-calls":
        return True
    if action in ("view-call", "comment"):
        rep = resource
        if actor.role == "manager":
            return True
        if actor.role == "coach":
            return rep is not None and rep in actor.coached
        return actor.role == "rep" and rep is not None and rep == actor.rep
    if action == "edit-comment":
        return resource == actor.id
    if action == "score-call":  # a coach's scorecard: managers and the rep's coaches
        return actor.role != "rep" and permission_allowed(actor, "view-call", resource)
    if action == "set-focus":  # what to work on next: the rep's coaches and managers
        return permission_allowed(actor, "score-call", resource)
    if action == "acknowledge-focus":  # the rep the item is for
        return actor.role == "rep" and resource is not None and resource == actor.rep
    if action == "self-score":  # the rep's own, on their own calls
        return actor.role == "rep" and permission_allowed(actor, "view-call", resource)
    return action == "manage-users" and actor.role == "manager"


def visible_reps(actor: User | None) -> set[str] | None:
    """The reps whose calls ``actor`` may see, for queries that filter in the database (None: every call);
    the same rule as ``view-call``."""
    if actor is None:
        return set()
    if actor.role == "manager":
        return None
    return set(actor.coached) if actor.role == "coach" else ({actor.rep} if actor.rep else set())
