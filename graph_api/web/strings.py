"""Every string of a value, kept with a cached answer so that a role's rules can be
checked against it without walking the answer again (:mod:`graph_api.web.masking`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Strings"]


@dataclass(frozen=True)
class Strings:
    """Every string in a value (dict keys included), to tell quickly whether a role's
    rules would change it at all: computed once for a cached result, then asked by
    every request (:meth:`Redactor.untouched`) instead of walking the whole value."""

    tokens: frozenset[str]
    #: the tokens joined by NUL, for the substring test of :meth:`Redactor.leaks`
    text: str
    #: the kept values these strings were joined from (:meth:`join`), each checked on
    #: its own so that a check made for one of them is reused
    parts: tuple[Strings, ...] = ()

    @classmethod
    def of(cls, value: Any) -> Strings:
        found: set[str] = set()
        stack = [value]
        while stack:
            v = stack.pop()
            if isinstance(v, str):
                found.add(v)
            elif isinstance(v, dict):
                stack.extend(v.keys())
                stack.extend(v.values())
            elif isinstance(v, list | tuple):
                stack.extend(v)
        return cls(frozenset(found), "\0".join(sorted(found)))

    @classmethod
    def join(cls, *parts: Strings) -> Strings:
        """The strings of several values together (a kept report and what a view adds)."""
        return cls(
            frozenset().union(*(p.tokens for p in parts)),
            "\0".join(p.text for p in parts),
            tuple(q for p in parts for q in (p.parts or (p,))),
        )

