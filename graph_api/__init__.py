"""Telusur: trace the officials who protect human-trafficking rings.

``graph_api`` is the core: the graph model, the stores, the command line and
the HTTP service. ``ingest`` loads evidence, ``queries`` holds the Cypher and
its embedded twins, ``viz`` draws graph pages.
"""

__version__ = "0.1.0"
