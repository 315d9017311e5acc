"""Shared machinery of the HTML pages: a Jinja2 environment that escapes everything, inlined assets, and a
Content-Security-Policy that allows only the page's own script.

Pages are self-contained: CSS and JavaScript are inlined from ``static/``; nothing loads from the network (no
CDN, no web fonts). Every value from an analysis (transcripts, file names, evidence) is untrusted text and is
HTML-escaped by autoescaping; the script is static and reads its data from ``data-`` attributes, so no
analysis text is ever placed inside a ``<script>``. The CSP pins that script by its hash: even an escaping
bug could not run injected script.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources
from typing import Any

from .. import __version__


@lru_cache(maxsize=1)
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.report", "templates"),
        autoescape=True,  # every template here is HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    from .view import clock

    env.filters["clock"] = clock
    return env


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    return resources.files("pipeline.report").joinpath("static", name).read_text(encoding="utf-8")


def csp(script: str, forms: bool = False) -> str:
    """The page's policy: its own script only, no network; ``forms``: it may post to its own server (the
    workspace), never elsewhere."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return ("default-src 'none'; "
            f"script-src 'sha256-{digest}'; "
            "style-src 'unsafe-inline'; "  # bar positions are inline style attributes
            "media-src 'self'; img-src 'self' data:; "
            "base-uri 'none'; form-action " + ("'self'" if forms else "'none'"))


def render_page(template: str, script: str, forms: bool = False, **context: Any) -> str:
    css = asset("report.css")
    js = asset(script)
    return environment().get_template(template).render(css=css, js=js, csp=csp(js, forms), version=__version__,
                                                       **context)
