"""The review workspace (issue 15): ``callreview serve OUT`` - coaches and reps sign in, review calls, comment
on moments; each sees only what they may.

Public API::

    create_app(out) -> FastAPI app             (app.py: routes; uvicorn serves it)
    Store(out)                                 (store.py: accounts and comments in OUT/workspace.sqlite)
    permission_allowed(actor, action, resource) (access.py: the one permission function)
    hash_password, sign_in                     (auth.py: argon2, lock-out, signed sessions, CSRF)
"""

from .access import permission_allowed
from .app import create_app
from .auth import hash_password, sign_in
from .store import ROLES, Store

__all__ = ["create_app", "Store", "ROLES", "permission_allowed", "hash_password", "sign_in"]
