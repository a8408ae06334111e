"""The Telusur web service: FastAPI app, users, roles, audit trail, flags.

Entry point :func:`create_app`; configuration :class:`Settings`; run with
``telusur serve``. See ``docs/security.md`` and ``docs/api.md``.
"""

from graph_api.web.app import create_app
from graph_api.web.settings import Settings

__all__ = ["Settings", "create_app"]
