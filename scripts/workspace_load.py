"""Load test of the review workspace on loopback (issue 15): N signed-in users browse, search, seek audio and
comment for a while; prints latency per kind of request, errors, and whether every comment written was read back.

    .venv/bin/python scripts/workspace_load.py out/demo [--users 50] [--seconds 60] [--think 1.0] [--readme README.md]

Works on a copy of OUT's analyses and audio in a temporary folder (the accounts it makes never touch OUT). The
server is `callreview serve`'s app in its own process (uvicorn, one worker); the users are httpx async clients
in this one, each pausing ``--think`` seconds between actions (people read a page before the next click), their
sign-ins spread over ``--ramp`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "load test password"
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def copy_out(src: Path, dst: Path) -> list[str]:
    ids = []
    for a in sorted(src.glob("*/analysis.json")):
        (dst / a.parent.name).mkdir(parents=True)
        shutil.copy(a, dst / a.parent.name / "analysis.json")
        if (a.parent / "audio.mp3").is_file():
            shutil.copy(a.parent / "audio.mp3", dst / a.parent.name / "audio.mp3")
        ids.append(a.parent.name)
    return ids


def make_users(out: Path, n: int) -> list[str]:
    from pipeline.report import load_calls
    from pipeline.workspace import Store, hash_password

    reps = sorted({c.doc.get("call", {}).get("rep") for c in load_calls(out)[0]} - {None}) or ["(none)"]
    store, h = Store(out), hash_password(PASSWORD)
    names = []
    for i in range(n):
        name = f"user{i:02d}"
        kind = i % 5  # two managers, two coaches and one rep in every five
        if kind < 2:
            store.add_user(name, "manager", h)
        elif kind < 4:
            store.add_user(name, "coach", h, coached=tuple(reps))
        else:
            store.add_user(name, "rep", h, rep=reps[i % len(reps)])
        names.append(name)
    return names


async def user(base: str, name: str, ids: list[str], until: float, think: float, stats: dict, written: list,
               delay: float = 0.0):
    import httpx

    await asyncio.sleep(delay)  # sign-ins are spread over the ramp-up, as people arrive over a morning
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as c:
        async def timed(kind: str, method: str, url: str, **kw):
            t0 = time.perf_counter()
            try:
                r = await c.request(method, url, **kw)
            except httpx.HTTPError as e:
                stats["errors"].append(f"{kind} {url}: {e!r}")
                return None
            stats.setdefault(kind, []).append(time.perf_counter() - t0)
            return r

        page = await timed("signin", "GET", "/signin")
        r = await timed("signin", "POST", "/signin",
                        data={"name": name, "password": PASSWORD, "csrf": TOKEN.search(page.text).group(1)})
        if r is None or r.status_code != 303:
            stats["errors"].append(f"{name}: sign-in {getattr(r, 'status_code', None)}")
            return
        rng = random.Random(name)
        while time.monotonic() < until:
            listing = await timed("page", "GET", "/")
            visible = re.findall(r'data-call="([^"]+)"', listing.text) if listing is not None else []
            if not visible:
                stats["errors"].append(f"{name}: no calls listed")
                return
            cid = rng.choice(visible)
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            call = await timed("page", "GET", f"/calls/{cid}/")
            if call is None or call.status_code != 200:
                stats["errors"].append(f"{name}: call page {getattr(call, 'status_code', None)}")
                continue
            start = rng.randrange(0, 200_000)
            audio = await timed("audio", "GET", f"/calls/{cid}/audio.mp3",
                                headers={"Range": f"bytes={start}-{start + 65535}"})
            if audio is not None and audio.status_code not in (206, 416):
                stats["errors"].append(f"{name}: audio {audio.status_code}")
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            action = rng.random()
            if action < 0.5:
                body = f"load {name} {len(written)} {rng.random():.6f}"
                r = await timed("comment", "POST", f"/calls/{cid}/comments",
                                data={"body": body, "at": f"{rng.uniform(0, 60):.1f}",
                                      "csrf": TOKEN.search(call.text).group(1)})
                if r is not None and r.status_code == 303:
                    written.append((cid, body))
                else:
                    stats["errors"].append(f"{name}: comment {getattr(r, 'status_code', None)}")
            elif action < 0.75:
                await timed("search", "GET", "/search", params={"q": rng.choice(["price", "next week", "budget", "thanks"])})
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="an output folder of `callreview run` (e.g. out/demo after make demo)")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--think", type=float, default=1.0, help="mean pause between a user's actions, s")
    ap.add_argument("--ramp", type=float, default=10.0, help="sign-ins spread over this many seconds at the start")
    ap.add_argument("--readme", type=Path, help="also put the figures into this README between its markers")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        out = Path(t) / "out"
        ids = copy_out(a.out, out)
        if not ids:
            print(f"no analyses under {a.out}: run `make demo` first", file=sys.stderr)
            return 2
        names = make_users(out, a.users)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-c", (
            "import sys, uvicorn; sys.path.insert(0, %r); from pipeline.workspace import create_app; "
            "uvicorn.run(create_app(%r), host='127.0.0.1', port=%d, log_level='warning', access_log=False)")
            % (str(ROOT), str(out), port)])
        try:
            import httpx

            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/signin", timeout=2)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        print("the server did not start", file=sys.stderr)
                        return 1
                    time.sleep(0.2)
            stats: dict = {"errors": []}
            written: list = []
            until = time.monotonic() + a.seconds

            async def everyone():
                await asyncio.gather(*(user(f"http://127.0.0.1:{port}", n, ids, until, a.think, stats, written,
                                            a.ramp * i / max(1, len(names))) for i, n in enumerate(names)))

            t0 = time.monotonic()
            asyncio.run(everyone())
            wall = time.monotonic() - t0
        finally:
            server.terminate()
            server.wait(10)
        from pipeline.workspace import Store

        store = Store(out)
        stored = {(c.call_id, c.body) for cid in ids for c in store.comments(cid)}
        lost = [w for w in written if w not in stored]
    lines = [f"{a.users} signed-in users for {wall:.0f} s on loopback (sign-ins spread over the first {a.ramp:g} s), "
             f"{a.think:g} s mean think time, one uvicorn worker ({len(ids)} calls, {len(written)} comments by the "
             "end):", "",
             "| request | count | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|---:|"]
    for kind in ("page", "audio", "comment", "search", "signin"):
        xs = sorted(stats.get(kind, []))
        if xs:
            p95 = xs[min(len(xs) - 1, int(0.95 * len(xs)))]
            lines.append(f"| {kind} | {len(xs)} | {1000 * statistics.median(xs):.0f} | {1000 * p95:.0f} | "
                         f"{1000 * xs[-1]:.0f} |")
    lines += ["", f"Errors: {len(stats['errors'])}. Comments written: {len(written)}, read back: "
                  f"{len(written) - len(lost)}, lost: {len(lost)}."]
    text = "\n".join(lines)
    print(text)
    for e in stats["errors"][:10]:
        print("error:", e, file=sys.stderr)
    if a.readme is not None:
        from pipeline.evaluate import update_readme

        update_readme(a.readme, text + "\n", marker="workspace-load")
    return 1 if stats["errors"] or lost else 0


if __name__ == "__main__":
    sys.exit(main())
