"""The investigator web pages, served by the API: log in, search, entity, ring, Propam.

Server-rendered (Jinja2, autoescaped), no JavaScript of their own, nothing
loaded from outside, so they work on an office network without internet. The
session is the same short-lived JWT the API uses, in an HttpOnly, SameSite=Strict
cookie; every page goes through the same role checks, Propam compartment and
victim masking as the API (:class:`graph_api.web.deps.Ctx`) and is audited by the
same middleware.
"""

from graph_api.pages import _downloads, _print  # noqa: F401  (routes, a template global)
from graph_api.pages._routes import router

router.include_router(_downloads.router)  # the "Unduh" buttons' files

__all__ = ["router"]
