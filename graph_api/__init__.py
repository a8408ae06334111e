"""Telusur: trace the officials who protect human-trafficking rings.

``graph_api`` is the service: the HTTP API (``web``), the investigator pages
(``pages``) and the command line (``cli``). It sits on ``graph`` (the model, rows,
stores, errors, normalisation), ``ingest`` (loads evidence), ``queries`` (the Cypher
and its embedded twins, the protector ranking) and ``viz`` (graph pages).
"""

__version__ = "0.1.0"
