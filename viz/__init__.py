"""Graph pages: a subgraph drawn as one self-contained, offline HTML page.

>>> from viz import render_subgraph
>>> html = render_subgraph({"nodes": [], "relationships": []}, title="Kosong")
>>> html.startswith("<!DOCTYPE html>") and "https://" not in html.split("<script>")[0]
True
"""

from viz.offline import external_references
from viz.render import render_subgraph, write_page

__all__ = ["external_references", "render_subgraph", "write_page"]
