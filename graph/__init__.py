"""The core of Telusur: the graph model, rows, stores, errors and normalisation.

Every other package builds on this one and it imports none of them: ``ingest`` and
``queries`` import only ``graph``; ``viz`` the public API of ``queries``; the service
(``graph_api``: the HTTP API, the pages and the CLI) sits on top. The layers are
checked by import-linter (``[tool.importlinter]`` in ``pyproject.toml``).
"""
