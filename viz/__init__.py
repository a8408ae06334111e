"""Graph pages: a subgraph drawn as one self-contained, offline HTML page.

>>> from viz import render_subgraph
>>> html = render_subgraph({"nodes": [], "relationships": []}, title="Kosong")
>>> html.startswith("<!DOCTYPE html>") and "https://" not in html.split("<script>")[0]
True
"""

from typing import TYPE_CHECKING, Any

from viz.offline import external_references

if TYPE_CHECKING:
    from viz.render import render_subgraph, write_page

__all__ = ["external_references", "render_subgraph", "write_page"]


def __getattr__(name: str) -> Any:
    # viz.render loads pyvis (and with it IPython, about 0.7 s): only a page needs it,
    # not a command that only formats a score (viz.score)
    if name in ("render_subgraph", "write_page"):
        from viz import render

        return getattr(render, name)
    raise AttributeError(f"module 'viz' has no attribute {name!r}")
