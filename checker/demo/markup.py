"""The demo sites' markup: the Jinja environment over templates/, and rendering of page data strings.

Escaping is explicit (`esc`, html.escape, in the templates) rather than Jinja's autoescape: page data
(data/pages.yaml) carries HTML fragments placed as written, and html.escape is what the sites have
always used, so their bytes (and ETags) did not change when they moved from Python to templates.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
from functools import lru_cache
from typing import Any, Sequence

import jinja2

from .clock import rfc822
from .content import NOTICE


def base_placeholder(name: str) -> str:
    """The placeholder the server replaces with the site's base URL (scheme://ip:port, no trailing slash)."""
    return "{{BASE:" + name + "}}"


def slugify(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


def paras(paragraphs: Sequence[str]) -> str:
    """Paragraphs as <p> elements, one a line."""
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def json_ld(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("checker.demo", "templates"),
    autoescape=False,  # see the module docstring
    keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,  # a misspelt name in a template or in page data fails loudly
)
_ENV.globals.update(esc=html.escape, slugify=slugify, paras=paras, json_ld=json_ld, rfc822=rfc822, B=base_placeholder,
                    notice=NOTICE)


def render(template: str, **context: Any) -> str:
    """Render templates/`template`."""
    return _ENV.get_template(template).render(**context)


def raw(name: str) -> str:
    """A file of templates/ as it is (no Jinja)."""
    source, _, _ = _ENV.loader.get_source(_ENV, name)  # type: ignore[union-attr]
    return source


@lru_cache(maxsize=None)
def _compiled(text: str) -> jinja2.Template:
    return _ENV.from_string(text)


@lru_cache(maxsize=1)
def _fragments() -> dict[str, Any]:
    module = _ENV.get_template("fragments.j2").module
    return {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}


def render_text(text: str, **helpers: Any) -> str:
    """A string from page data: a Jinja expression over the fragment macros (fragments.j2) and `helpers`."""
    if "{" not in text:
        return text
    return _compiled(text).render(**_fragments(), **helpers)
