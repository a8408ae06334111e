"""Everything a page needs, inline: no request may leave the investigator's PC.

Investigators open pages on office networks without internet, and a request to
a CDN would also tell a third party which case is being looked at. pyvis 0.3.2
writes CDN links (vis-network, bootstrap, tom-select) even with
``cdn_resources="in_line"``, so pages do not use pyvis's template: vis-network's
JS and CSS are read from the installed pyvis package at run time (never copied
into this repository) and inlined, and :func:`external_references` checks the
finished page.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from importlib.resources import files
from typing import Final

#: vis-network build inside the pyvis wheel that pages inline.
VIS_DIR: Final = "templates/lib/vis-9.1.2"
#: Attributes through which HTML loads or navigates to another resource.
URL_ATTRS: Final = frozenset(
    {
        "src",
        "href",
        "srcset",
        "data",
        "poster",
        "action",
        "formaction",
        "background",
        "xlink:href",
        "manifest",
        "ping",
        "cite",
        "longdesc",
        "usemap",
        "codebase",
    }
)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """``(javascript, css)`` of vis-network from the installed pyvis package."""
    base = files("pyvis").joinpath(VIS_DIR)
    js = base.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = base.joinpath("vis-network.css").read_text(encoding="utf-8")
    if re.search(r"</(script|style)", js + css, re.I):  # would end the inline block early
        raise RuntimeError("vis-network assets contain a closing script/style tag")
    return js, css


def _is_local(ref: str) -> bool:
    ref = ref.strip()
    return ref == "" or ref.startswith("#") or ref.lower().startswith(("data:", "about:blank"))


def _css_refs(css: str) -> list[str]:
    return [m.group(2) or m.group(4) or "" for m in _CSS_URL.finditer(css)]


class _RefFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        #: (what, target) pairs
        self.refs: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRS:
                self.refs.append((f"<{tag} {name}={value}>", value))
            elif name == "style":
                self.refs += [(f"<{tag} style url({r})>", r) for r in _css_refs(value)]
            elif name == "content" and tag == "meta" and "url=" in value.lower():
                self.refs.append((f"<meta content={value}>", value.lower().split("url=", 1)[1]))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.refs += [(f"<style> url({r})", r) for r in _css_refs(data)]


def external_references(html: str) -> list[str]:
    """Every reference in ``html`` that would load something from outside the page.

    Script and link sources, hrefs, CSS ``url()`` and ``@import`` in style blocks
    and attributes, meta refresh. ``data:`` URIs and ``#fragments`` are inside
    the page and allowed. (Strings inside scripts are not references; the
    browser tests record every request the page really makes.)

    >>> external_references('<script src="https://cdn.example/x.js"></script>')
    ['<script src=https://cdn.example/x.js>']
    >>> external_references('<style>a{background:url(data:image/png;base64,AA)}</style>')
    []
    """
    finder = _RefFinder()
    finder.feed(html)
    finder.close()
    return [what for what, target in finder.refs if not _is_local(target)]
