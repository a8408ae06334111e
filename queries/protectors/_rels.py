"""The relationship types the protector ranking reads, by what they mean in the model.

Every list here is derived from :mod:`graph.model` (``RelSpec.meaning``), so a new
type declared with one of these meanings is read by the extraction and the indicators
at once (a cash hand-over declared ``meaning="money"`` is money like a transfer).
"""

from __future__ import annotations

from typing import Final

from graph.model import MODEL

_M = MODEL.meaning

MEMBERSHIP: Final = _M("membership")
#: holder -> account, holder -> phone
HOLDS: Final = MODEL.instruments("money")
USES: Final = MODEL.instruments("communication")
MONEY: Final = _M("money")
CALLS: Final = _M("communication")
TIMED: Final = MODEL.timed
#: directs, sits on the board of, owns an organisation; and works for one
BOARD: Final = _M("control")
ORG_TIES: Final = (*BOARD, *_M("employment"))
KIN: Final = _M("kinship", "association")
RECRUITED: Final = _M("recruitment")
SUSPECT: Final = _M("suspect")
VICTIM: Final = _M("victim")
DUTY: Final = _M("case_duty")
EVENT_CASE: Final = _M("event_case")
EVENT_TARGET: Final = _M("event_target")
EVENT_LEADER: Final = _M("event_leader")
POSTS: Final = _M("post")
HIERARCHY: Final = _M("hierarchy")
CASE_AGENCY: Final = _M("case_agency")


def key_of(rel_type: str) -> str:
    """The ``protectors.toml`` key of one type among those an indicator weighs apart
    (``investigates``/``supervises``, ``family``/``associate``): its name in lower case."""
    return rel_type.lower()
