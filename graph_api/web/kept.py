"""A kept protector report, checked against its published shape once, when it is ranked.

FastAPI checks every answer against its route's response model before it sends it. A
ring's protector report is ranked once per store generation and kept
(:class:`queries.protectors.Rankings`), but that check walked all of it again on every
request: about 0.4 ms of Python for a 28 KB report, under the interpreter lock, so at 50
clients it alone cost the API a third of its throughput on the protectors route
(``docs/performance.md``, "HTTP API").

:class:`KeptReport` is what the service keeps beside each ranked report (the ranking's
``annotate``): the report's strings (for the role's view, :meth:`Redactor.untouched`)
and its entries, each checked once against its model and written as JSON. When a
request's view of the report is the kept report itself, cut to ``top`` and stamped with
its moment, and the role's rules change nothing in it, :meth:`KeptReport.answer` checks
only the small rest of the report and puts the entries in as they were written once
(pydantic's writing of a model took another 0.2 ms per request). Anything
else (a role whose rules change the report, entries that are not the kept ones, a
report that failed the check) gets ``None`` and goes through FastAPI's check as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from fastapi import Response
from pydantic import TypeAdapter, ValidationError

from graph_api.web.schemas import ProtectorReport
from graph_api.web.strings import Strings

__all__ = ["KeptReport"]

_REPORT = TypeAdapter(ProtectorReport)
#: one entry's model (derived from the ranking's own type, see ``schemas.result_of``)
_ENTRY: TypeAdapter[Any] = TypeAdapter(
    get_args(ProtectorReport.model_fields["protectors"].annotation)[0]
)
#: where the entries go in the rest of the report, written with none
_NONE = b'"protectors":[]'


@dataclass(frozen=True)
class KeptReport:
    """What the service keeps with a ranked report (see the module)."""

    #: every string of the report (:meth:`graph_api.web.masking.Redactor.untouched`)
    strings: Strings
    #: the report's entries as ranked: a view's entries are told apart by identity
    raw: tuple[Any, ...]
    #: the same entries checked against the published shape and written as JSON;
    #: ``None``: they failed the check (each request's own check then reports it)
    entries: tuple[bytes, ...] | None

    @classmethod
    def of(cls, report: Any) -> KeptReport:
        raw = tuple(report["protectors"])
        try:
            entries: tuple[bytes, ...] | None = tuple(
                _ENTRY.dump_json(_ENTRY.validate_python(e), by_alias=True) for e in raw
            )
        except ValidationError:
            entries = None
        return cls(Strings.of(report), raw, entries)

    def answer(self, view: dict[str, Any]) -> Response | None:
        """The JSON answer for ``view``, a view of this report (``rankings.view``) that
        the role's rules leave as it is; ``None`` when its entries are not the first of
        the kept ones, in order."""
        shown = view.get("protectors")
        if (
            self.entries is None
            or not isinstance(shown, list)
            or len(shown) > len(self.raw)
            or any(a is not b for a, b in zip(shown, self.raw, strict=False))
        ):
            return None
        # the rest of the report is checked and written as FastAPI would, with no
        # entries; the kept entries go where its empty list is (a key, so unescaped)
        rest = _REPORT.dump_json(_REPORT.validate_python({**view, "protectors": []}), by_alias=True)
        head, found, tail = rest.partition(_NONE)
        if not found or _NONE in tail:
            return None
        body = b"".join(
            (head, b'"protectors":[', b",".join(self.entries[: len(shown)]), b"]", tail)
        )
        return Response(body, media_type="application/json")
