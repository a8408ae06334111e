"""Errors raised by the normalisation layer.

Exception tree::

    ValueError
    └── NormalizeError   a cell value that cannot be normalised

The message of a :class:`NormalizeError` is a short English reason meant to be
copied verbatim into a rejects report, e.g.
``bad date '31/02/2023': day is out of range for month``.
"""

from __future__ import annotations

__all__ = ["NormalizeError"]


class NormalizeError(ValueError):
    """A raw value could not be normalised; ``str(err)`` is the reason for a rejects report."""
