"""The one exception tree of Telusur.

Mapped to CLI messages in ``graph_api.cli`` and to HTTP problem responses in the
web service, each in one place::

    TelusurError
    ├── ConfigError          bad --store URI, missing setting      (CLI exit 2)
    ├── StoreUnavailable     server unreachable, wrong password    (CLI exit 2, HTTP 503)
    ├── ValidationError      a row breaks the graph model          (HTTP 422)
    │   └── MissingEndpoint  a relationship names an absent node
    ├── NotFound             no such entity                        (HTTP 404)
    ├── InputError           unusable input file or folder         (CLI exit 2, HTTP 400)
    └── QueryError           a named query was called wrongly      (HTTP 400)
"""

from __future__ import annotations


class TelusurError(Exception):
    """Base of every error Telusur raises on purpose."""


class ConfigError(TelusurError):
    """A setting is missing or malformed."""


class StoreUnavailable(TelusurError):
    """The store cannot be reached or refused the credentials."""


class ValidationError(TelusurError):
    """A node or relationship does not fit the graph model."""


class MissingEndpoint(ValidationError):
    """A relationship refers to a node that is not in the store or the batch."""


class NotFound(TelusurError):
    """The requested entity does not exist (or is not visible to the caller)."""


class InputError(TelusurError):
    """An input file or folder cannot be used at all."""


class QueryError(TelusurError):
    """A named query is malformed or was called with wrong parameters."""
