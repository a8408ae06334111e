"""Rings drawn over data already loaded: ``telusur ring create`` and ``POST /rings``.

Records rarely arrive with a ring in them: an investigator sees that people loaded
from different bundles (a bank statement, a call record, a case register) act
together and draws the ring around them. :func:`create_ring` writes the ``Ring`` and
one ``MEMBER_OF`` per member in one batch (all of it or nothing), in the store's
ingest turn. It is idempotent: the ring's id comes from its name (or is given), each
membership's id from the ring and the member, so running it again with more members
adds them and changes nothing else.

A member must be a stored ``Person`` or ``Organization``; an official can be a member
(a corrupt officer inside the ring), a victim too (victims turned recruiters are
common in TPPO), since the investigator names them on purpose.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from graph.errors import InputError, NotFound
from graph.model import MODEL
from graph.normalize.dates import to_iso_utc
from graph.rows import NodeRow, RelRow
from graph.store import Store
from ingest.bundle.spec import MEMBER_ROLES

__all__ = ["MEMBER_ROLES", "RingCreated", "create_ring", "ring_id_for"]

(MEMBERSHIP,) = MODEL.meaning("membership")
#: the id prefix of rings drawn by hand (bundles' rings are ``<bundle>:<key>``)
PREFIX = "ring"
MEMBER_KINDS = ("Person", "Organization")


@dataclass(frozen=True)
class RingCreated:
    """What :func:`create_ring` wrote."""

    id: str
    name: str
    #: the members named, with their role (already members before included)
    members: list[dict[str, str]]
    #: memberships that did not exist before this call
    added: int


def ring_id_for(name: str) -> str:
    """``ring:<slug>``: the name folded to lower-case ASCII words joined by ``-``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60].strip("-")
    if not slug:
        raise InputError(f"ring name {name!r} has no letters or digits to make an id from")
    return f"{PREFIX}:{slug}"


def create_ring(
    store: Store,
    name: str,
    members: Sequence[tuple[str, str]],
    *,
    by: str,
    ring_id: str | None = None,
    now: datetime | None = None,
) -> RingCreated:
    """Create (or add to) the ring ``name`` with ``members`` (``(stored id, role)``).

    Raises
    ------
    InputError
        An empty name, no member, an unknown role, or an id that is not a
        Person/Organization (ring, case, phone ...).
    NotFound
        The first member id (in the order given) that is not stored.
    """
    name = " ".join(name.split())
    if not name:
        raise InputError("a ring needs a name")
    if not members:
        raise InputError("a ring needs at least one member (--member ID)")
    bad_roles = sorted({r for _, r in members if r not in MEMBER_ROLES})
    if bad_roles:
        raise InputError(f"unknown role(s) {bad_roles}: expected one of {sorted(MEMBER_ROLES)}")
    rid = ring_id or ring_id_for(name)
    at = to_iso_utc(now or datetime.now(UTC))
    with store.ingesting():
        ids = sorted({m for m, _ in members})
        found = store.get_nodes([*ids, rid])
        missing = [m for m, _ in members if m not in found]
        if missing:
            # the first only, worded as the API words an id the user may not see
            raise NotFound(f"no person or organization {missing[0]!r}")
        wrong = [m for m in ids if not set(found[m]["labels"]) & set(MEMBER_KINDS)]
        if wrong:
            kinds = ", ".join(f"{m!r} is a {'/'.join(found[m]['labels'])}" for m in wrong)
            raise InputError(f"ring members are people or organizations: {kinds}")
        ring = found.get(rid)
        if ring is not None and "Ring" not in ring["labels"]:
            raise InputError(f"{rid!r} is stored and is not a ring")
        keys = [(MEMBERSHIP, _member_rel_id(rid, m)) for m in ids]
        before = store.get_rels(keys)
        props: dict[str, object] = {"name": name}
        if ring is None:
            props |= {"created_by": by, "created_at": at, "sources": []}
        nodes: list[NodeRow] = [{"id": rid, "labels": ["Ring"], "props": props}]
        rels: list[RelRow] = []
        roles = dict(members)  # the last role given for a member wins
        for m in ids:
            key = (MEMBERSHIP, _member_rel_id(rid, m))
            rel_props: dict[str, object] = {"role": roles[m]}
            if key not in before:
                rel_props |= {"added_by": by, "added_at": at, "sources": []}
            rels.append(
                {"id": key[1], "type": MEMBERSHIP, "start": m, "end": rid, "props": rel_props}
            )
        store.upsert(nodes, rels)
    return RingCreated(
        id=rid,
        name=name,
        members=[{"id": m, "role": roles[m]} for m in ids],
        added=sum(1 for m in ids if (MEMBERSHIP, _member_rel_id(rid, m)) not in before),
    )


def _member_rel_id(ring: str, member: str) -> str:
    return f"{ring}:member:{member}"
