"""``callreview serve`` and ``callreview users``: the workspace's commands (registered by ``pipeline.cli``)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Optional

import typer

from ..errors import CallReviewError

users_app = typer.Typer(add_completion=False, no_args_is_help=True,
                        help="Workspace accounts: managers see every call, coaches their reps', reps their own.")


def _out(out: Path) -> Path:
    if not out.is_dir():
        typer.echo(f"callreview: {out} is not an output folder of `callreview run`", err=True)
        raise typer.Exit(2)
    return out


def _fail(message: str) -> None:
    typer.echo(f"callreview: {message}", err=True)
    raise typer.Exit(2)


@users_app.command("add")
def add(
    name: str = typer.Argument(..., help="The sign-in name."),
    out: Path = typer.Option(..., "--out", "-o", help="The output folder the workspace serves."),
    role: str = typer.Option(..., "--role", help="manager, coach or rep."),
    rep: Optional[str] = typer.Option(None, "--rep", help="A rep account: the rep name their calls carry."),
    coaches: list[str] = typer.Option([], "--coaches", help="A coach account: a rep they coach (repeatable)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Add an account. The password is asked for (twice) unless --password-stdin; it is stored argon2-hashed."""
    from . import Store, hash_password

    _out(out)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = Store(out).add_user(name, role, hash_password(password), rep=rep, coached=tuple(coaches))
    except CallReviewError as e:
        _fail(str(e))
    typer.echo(f"added {user.role} {user.name}" + (f" (rep {user.rep})" if user.rep else "")
               + (f" (coaches {', '.join(sorted(user.coached))})" if user.coached else ""))


@users_app.command("list")
def list_(out: Path = typer.Argument(..., help="The output folder the workspace serves.")) -> None:
    """Every account, its role and whose calls it sees (never a password)."""
    from . import Store

    for u in Store(_out(out)).users():
        sees = "every call" if u.role == "manager" else (
            f"reps {', '.join(sorted(u.coached)) or '(none yet)'}" if u.role == "coach" else f"rep {u.rep}'s calls")
        typer.echo(f"{u.name:20} {u.role:8} {sees}" + ("  [locked]" if u.locked_until else ""))


@users_app.command("demo")
def demo(out: Path = typer.Argument(..., help="The output folder the workspace serves (e.g. out/demo).")) -> None:
    """Demo accounts over OUT: a manager, a coach of every rep, one account per rep; prints each sign-in."""
    from ..report import load_calls
    from . import Store, hash_password

    store = Store(_out(out))
    reps = sorted({c.doc.get("call", {}).get("rep") for c in load_calls(out)[0]} - {None})
    accounts = [("manager", "manager", None, ()), ("coach", "coach", None, tuple(reps))]
    accounts += [(r, "rep", r, ()) for r in reps]
    for name, role, rep, coached in accounts:
        if store.user_by_name(name) is not None:
            typer.echo(f"{name:10} {role:8} (exists; password unchanged)")
            continue
        password = secrets.token_urlsafe(9)
        try:
            store.add_user(name, role, hash_password(password), rep=rep, coached=coached)
        except CallReviewError as e:
            _fail(str(e))
        typer.echo(f"{name:10} {role:8} password {password}")
    typer.echo(f"then: callreview serve {out}   and sign in at http://127.0.0.1:8080/")


def serve(
    out: Path = typer.Argument(..., help="An output folder of `callreview run` (its analyses and audio)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8080, "--port", help="Port to listen on."),
    secure_cookies: bool = typer.Option(False, "--secure-cookies",
                                        help="Mark cookies Secure (behind HTTPS, e.g. a reverse proxy)."),
) -> None:
    """The review workspace over OUT: sign in, review calls, comment on moments (see `callreview users`)."""
    import uvicorn

    from . import Store, create_app

    _out(out)
    try:
        if not Store(out).users():
            _fail(f"no accounts yet: add one with `callreview users add NAME --role manager --out {out}` "
                  f"(or `callreview users demo {out}`)")
        app = create_app(out, secure_cookies=secure_cookies)
    except CallReviewError as e:
        _fail(str(e))
    typer.echo(f"callreview workspace on http://{host}:{port}/ over {out}/ (Ctrl-C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
