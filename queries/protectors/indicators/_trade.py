"""What the tradecraft indicators (``pass_through``, ``relay``, ``interference``,
``documents``, ``structuring``) share: the ring's side, the official's side's means,
raids, money into the official's side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from queries._common import parse_ts
from queries.protectors import _rels as R
from queries.protectors._evidence import Key
from queries.protectors._scene import FAILED, Scene, Via, has, into, out


def ring_side(s: Scene) -> set[str]:
    """The ring's side: its members and organizations, and the persons and organizations
    inferred to act for it when the scene carries them (``Scene.side``)."""
    inferred: dict[str, float] = getattr(s, "side", None) or {}
    return s.members | s.orgs | set(inferred)


def sure(s: Scene, node: str) -> float:
    """How surely ``node`` (a holder, or a phone or account of the ring's side) is the
    ring's: 1.0 for members and ring organizations, an inferred holder's confidence."""
    weigh = getattr(s, "weight", None)
    return float(weigh(node)) if weigh is not None else 1.0


@dataclass(frozen=True)
class Means:
    """An instrument of someone on the official's side (a phone or an account; the
    person himself for cash handed over), with the path from the official to it."""

    node: str
    via: Via
    nodes: list[str]
    keys: list[Key]


def _means(
    s: Scene, o: str, types: tuple[str, ...], ring: dict[str, tuple[str, Key]]
) -> list[Means]:
    found: list[Means] = []
    for v in s.sphere(o):
        head = [*([o] if v.person != o else []), v.person]
        for inst, k in s.owned(v.person, types, ring):
            found.append(Means(inst, v, [*head, inst], [*v.keys, k]))
    return found


def phones(s: Scene, o: str) -> list[Means]:
    """The phones the official and his relatives and associates use (not ring phones)."""
    return _means(s, o, R.USES, s.phones)


def accounts(s: Scene, o: str, *, cash: bool = True) -> list[Means]:
    """The accounts of the official's side, and with ``cash`` each person of it (money
    handed over in person is a relationship of meaning money between holders)."""
    found = _means(s, o, R.HOLDS, s.accounts)
    if cash:
        for v in s.sphere(o):
            found.append(Means(v.person, v, [*([o] if v.person != o else []), v.person], v.keys))
    return found


def ring_case(s: Scene, c: str) -> bool:
    """A case against the ring: a suspect on its side, or a victim it recruited."""
    side = ring_side(s)
    if any(p in side for p, _ in into(s.h, c, *R.SUSPECT)):
        return True
    return any(
        any(r in side for r, _ in into(s.h, v, *R.RECRUITED)) for v, _ in into(s.h, c, *R.VICTIM)
    )


def raids(s: Scene) -> list[tuple[str, datetime, bool]]:
    """Every raid on the ring with a time and an outcome: ``(event, at, failed)``;
    failed is nothing found or the targets escaped, the others succeeded (found). A raid
    is on the ring when it targets its side or is about one of its cases."""
    side = ring_side(s)
    found: list[tuple[str, datetime, bool]] = []
    for e in sorted(n for n in s.h.nodes if has(s.h, n, "Event")):
        a = s.h.nodes[e]
        if a.get("kind") != "raid" or not a.get("at") or a.get("outcome") not in (*FAILED, "found"):
            continue
        if any(t in side for t, _ in into(s.h, e, *R.EVENT_TARGET)) or any(
            ring_case(s, c) for c, _ in out(s.h, e, *R.EVENT_CASE)
        ):
            found.append((e, parse_ts(a["at"]), a["outcome"] in FAILED))
    return found


def ring_money(s: Scene, target: str) -> list[tuple[str, Key, datetime | None, float]]:
    """Money straight from a ring account or a ring member's or company's hand into
    ``target``: ``(source, key, at, amount)``."""
    side = ring_side(s)
    return [
        (src, k, s.when(k), float(s.h.edges[k].get("amount") or 0.0))
        for src, k in into(s.h, target, *R.MONEY)
        if src in s.accounts or src in side
    ]


def sends(s: Scene, node: str) -> list[tuple[str, Key, datetime | None, float]]:
    """Every transfer out of ``node`` in the neighbourhood: ``(receiver, key, at, amount)``."""
    return [
        (v, k, s.when(k), float(s.h.edges[k].get("amount") or 0.0))
        for v, k in out(s.h, node, *R.MONEY)
    ]
