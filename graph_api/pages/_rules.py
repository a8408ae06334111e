"""Who may open which page: the API's role matrix (docs/security.md), for the pages.

Every route of the pages' router has one rule here, keyed by its method and path
template. The investigation pages are for the reader roles, as the API's data routes
are: an admin administers (users, health, ingest) and reads no investigation data,
in the pages as in the API. Propam's pages do not exist for anyone else (404, as the
API's Propam routes). A page without a rule is refused to everyone, and
``tests/pages/test_page_roles.py`` walks every route of the router for every role,
so a new page cannot be added without deciding who may open it.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_api.web.deps import READERS


@dataclass(frozen=True)
class Rule:
    #: roles that may open the page; ``None``: anyone, signed in or not
    roles: tuple[str, ...] | None
    #: everyone else is answered "not found" (as if the page did not exist), not 403
    hidden: bool = False

    def refuses(self, role: str) -> int | None:
        """The status refusing ``role`` (403, or 404 when hidden); ``None`` if allowed."""
        if self.roles is None or role in self.roles:
            return None
        return 404 if self.hidden else 403


OPEN = Rule(None)
READ = Rule(READERS)
PROPAM = Rule(("propam",), hidden=True)
ADMIN = Rule(("admin",))
#: a route nobody wrote a rule for: nobody may open it
NOBODY = Rule(())

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/"): OPEN,
    ("GET", "/masuk"): OPEN,
    ("POST", "/masuk"): OPEN,
    ("POST", "/keluar"): OPEN,
    ("GET", "/cari"): READ,
    ("GET", "/entitas/{id:path}"): READ,
    ("GET", "/jaringan"): READ,
    ("GET", "/jaringan/{id:path}"): READ,
    ("GET", "/graf/entitas/{id:path}"): READ,
    ("GET", "/graf/jaringan/{id:path}"): READ,
    ("GET", "/graf/aliran/{id:path}"): READ,
    ("GET", "/aliran-masuk/{id:path}"): READ,
    ("GET", "/graf/pejabat/{id:path}"): PROPAM,
    ("GET", "/propam"): PROPAM,
    ("POST", "/propam/tanda"): PROPAM,
    ("POST", "/propam/tanda/{id:path}/status"): PROPAM,
    ("GET", "/unduh/laporan/jaringan/{id:path}"): READ,
    ("GET", "/unduh/laporan/pejabat/{id:path}"): PROPAM,
    ("GET", "/unduh/tabel"): READ,
    ("GET", "/unduh/graf/{id:path}"): READ,
    ("GET", "/admin"): ADMIN,
}


def rule_for(method: str, path: str) -> Rule:
    """The rule of the route ``path`` (its template, e.g. ``/entitas/{id:path}``)."""
    return RULES.get(("GET" if method == "HEAD" else method, path), NOBODY)


def start_page(role: str) -> str:
    """Where a signed-in user of ``role`` begins."""
    return "/admin" if role == "admin" else "/jaringan"
