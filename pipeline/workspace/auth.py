"""Passwords, sign-in with a lock-out, the session cookie and CSRF tokens (issue 15).

Passwords are hashed with argon2id (argon2-cffi's defaults) and never stored or logged in clear. A sign-in that
fails ``LOCK_AFTER`` times in a row locks the account for ``LOCK_S`` seconds; an unknown name costs the same
hash check, so timing does not tell names apart. The session is a cookie signed with itsdangerous (HttpOnly,
SameSite=Strict) holding the user id and that session's CSRF token; its secret is made on first start and kept
in ``OUT/.workspace-secret`` (mode 0600).
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from .store import Store, User

LOCK_AFTER = 5  # failed sign-ins in a row before the account locks (OWASP: lock out after a handful)
LOCK_S = 15 * 60  # how long it stays locked
SESSION_S = 12 * 3600  # a sign-in lasts a working day
SECRET_NAME = ".workspace-secret"
COOKIE = "callreview_session"

_hasher = None


def hasher():
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


def hash_password(password: str) -> str:
    if len(password) < 8:
        from ..errors import ConfigError

        raise ConfigError("a password needs at least 8 characters")
    return hasher().hash(password)


_DUMMY: list[str] = []


@dataclass(frozen=True)
class SignIn:
    user: User | None
    reason: str = ""  # why not: "wrong" or "locked"


def sign_in(store: Store, name: str, password: str, now: float | None = None) -> SignIn:
    from argon2.exceptions import InvalidHashError, VerificationError

    now = time.time() if now is None else now
    user = store.user_by_name(name)
    if user is None:
        if not _DUMMY:
            _DUMMY.append(hasher().hash(secrets.token_hex(16)))
        try:
            hasher().verify(_DUMMY[0], password)
        except (VerificationError, InvalidHashError):
            pass
        return SignIn(None, "wrong")
    if user.locked_until and user.locked_until > now:
        return SignIn(None, "locked")
    try:
        hasher().verify(user.pw_hash, password)
    except (VerificationError, InvalidHashError):
        expired = user.locked_until is not None and user.locked_until <= now  # a lock that ran out starts anew
        fails = (0 if expired else user.failed) + 1
        store.record_failure(user.id, fails, now + LOCK_S if fails >= LOCK_AFTER else None)
        return SignIn(None, "locked" if fails >= LOCK_AFTER else "wrong")
    rehash = hasher().hash(password) if hasher().check_needs_rehash(user.pw_hash) else None
    store.record_success(user.id, rehash)
    return SignIn(user)


def secret(out: Path) -> str:
    """The session-signing secret: made once, on first start, readable by this account only."""
    path = Path(out) / SECRET_NAME
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value)
    return value


class Sessions:
    """Signed session cookies: ``{"uid": user id, "csrf": token}``, valid ``SESSION_S``."""

    def __init__(self, key: str):
        from itsdangerous import URLSafeTimedSerializer

        self._s = URLSafeTimedSerializer(key, salt="callreview-session")

    def issue(self, user_id: int) -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return self._s.dumps({"uid": user_id, "csrf": token}), token

    def read(self, cookie: str | None) -> dict | None:
        from itsdangerous import BadSignature

        if not cookie:
            return None
        try:
            data = self._s.loads(cookie, max_age=SESSION_S)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and isinstance(data.get("uid"), int) else None


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
