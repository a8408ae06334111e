"""The ring's side, inferred: who acts for the ring besides its recorded members.

Records never mark every member. From the extracted neighbourhood, a person or an
organization is taken to act for the ring, with a confidence in [0, 1], when it

- has money with **several** members or ring companies (one is a customer, a
  landlord, a relative; several is a role), transfers with an ordinary purpose
  (``[innocent] ordinary_words`` in the reference) left out, discounted when its
  account receives from many others as well (a shop, a bank);
- calls several members, discounted when its phone calls many others as well
  (a top-up shop, a call centre);
- recruited one of the ring's victims;
- sits on the board of, or owns, a ring company;
- is a suspect in the ring's cases alongside members.

Each kind is a strength in [0, 1] times its ``[side]`` weight, graded by the
Admiralty grade of its relationships, and they combine as
``1 - prod(1 - weight * strength)``; only confidences of at least ``[side] min``
are kept. Never the ring side: its victims, officials, and the officials' own
relatives and associates (they are the *official's* side: money a member pays
them must stay a payment, not become the ring's own money). Officials are scored
whatever their links.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from queries._common import LABELS
from queries.protectors import _rels as R
from queries.protectors._evidence import Grader, Key


@dataclass
class Inferred:
    """One node inferred to act for the ring: its confidence and why."""

    id: str
    confidence: float
    #: ``{"how": money|calls|recruited|board|suspect, "with": [ids], "score": s}``
    evidence: list[dict[str, Any]] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)


def ordinary(reference: Any, words: list[str]) -> str | None:
    """The ordinary purpose a payment reference names (``sewa``, ``gaji`` …), if any."""
    text = str(reference or "").lower()
    for w in words:
        if re.search(rf"\b{re.escape(w.lower())}", text):
            return w
    return None


def _has(h: nx.MultiDiGraph, n: str, label: str) -> bool:
    return label in h.nodes[n][LABELS]


def _rels(h: nx.MultiDiGraph, n: str, types: tuple[str, ...], way: str) -> list[tuple[str, Key]]:
    if way == "out":
        return sorted((v, (u, v, k)) for u, v, k in h.out_edges(n, keys=True) if k[0] in types)
    return sorted((u, (u, v, k)) for u, v, k in h.in_edges(n, keys=True) if k[0] in types)


def officials_side(h: nx.MultiDiGraph, apart: list[str] | None = None) -> set[str]:
    """Every official and every person he is recorded kin or associate with, except those
    whose recorded relation names one of ``apart`` (a neighbour, a cousin: people with
    their own household and business, not his channel, who may act for the ring
    themselves)."""
    words = list(apart or [])
    found: set[str] = set()
    for o in (n for n in h.nodes if _has(h, n, "Official")):
        found.add(o)
        for p, k in [*_rels(h, o, R.KIN, "out"), *_rels(h, o, R.KIN, "in")]:
            if not (words and ordinary(h.edges[k].get("detail"), words)):
                found.add(p)
    return found


def _several(k: int, scale: float) -> float:
    """0 for one counterpart, rising with each further one."""
    return 1 - math.exp(-(k - 1) / scale) if k > 1 else 0.0


def infer(
    h: nx.MultiDiGraph,
    members: set[str],
    orgs: set[str],
    victims: set[str],
    grader: Grader,
    cfg: dict[str, Any],
    floor: float | None = None,
) -> dict[str, Inferred]:
    """Every node of ``h`` inferred to act for the ring, with at least ``[side] min``
    (or ``floor``: the nodes leaning to the ring's side, below the threshold too)."""
    side_cfg, inn = cfg["side"], cfg["innocent"]
    core = members | orgs
    words = list(inn["ordinary_words"])
    scale = float(side_cfg["member_scale"])
    busy = float(side_cfg["busy_share"])
    apart = [*inn["neighbour_words"], *cfg["via"]["extended_words"]]
    never = victims | officials_side(h, apart) | core
    # the ring's own instruments and whose they are
    owner: dict[str, str] = {}
    for m in sorted(core):
        for v, _ in _rels(h, m, (*R.HOLDS, *R.USES), "out"):
            owner.setdefault(v, m)
        owner.setdefault(m, m)
    ring_cases = {
        c
        for c in h.nodes
        if _has(h, c, "Case") and any(p in members for p, _ in _rels(h, c, R.SUSPECT, "in"))
    }
    call_totals: dict[str, int] = h.graph.get("calls", {})
    receipts: dict[str, int] = h.graph.get("receipts", {})
    found: dict[str, Inferred] = {}
    for p in sorted(h.nodes):
        if p in never or not (_has(h, p, "Person") or _has(h, p, "Organization")):
            continue
        parts: list[tuple[str, float, list[str], list[Key]]] = []
        # money with several of the ring: its accounts and itself (cash)
        insts = [(a, [k]) for a, k in _rels(h, p, R.HOLDS, "out") if a not in owner] + [(p, [])]
        money_with: dict[str, float] = {}
        money_keys: list[Key] = []
        ring_n = other_n = 0
        for inst, hk in insts:
            into_inst = 0
            for way in ("out", "in"):
                for other, tk in _rels(h, inst, R.MONEY, way):
                    if other not in owner:
                        continue
                    into_inst += way == "in"
                    if ordinary(h.edges[tk].get("reference"), words):
                        continue
                    ring_n += 1
                    m = owner[other]
                    g = grader.path(h, [*hk, tk])
                    money_with[m] = max(money_with.get(m, 0.0), g)
                    money_keys.append(tk)
            if inst != p:
                other_n += max(0, int(receipts.get(inst, 0)) - into_inst)
        if len(money_with) > 1:
            spec = ring_n / (ring_n + busy * other_n) if ring_n else 0.0
            grade = sum(money_with.values()) / len(money_with)
            s = _several(len(money_with), scale) * grade * spec
            parts.append(("money", float(side_cfg["money"]) * s, sorted(money_with), money_keys))
        # calls with several of the ring
        calls_with: dict[str, float] = {}
        call_keys: list[Key] = []
        spec_n = spec_other = 0
        for ph, uk in _rels(h, p, R.USES, "out"):
            if ph in owner:
                continue
            n_ring = 0
            for way in ("out", "in"):
                for other, ck in _rels(h, ph, R.CALLS, way):
                    if other not in owner:
                        continue
                    n_ring += 1
                    m = owner[other]
                    calls_with[m] = max(calls_with.get(m, 0.0), grader.path(h, [uk, ck]))
                    call_keys.append(ck)
            spec_n += n_ring
            spec_other += max(0, int(call_totals.get(ph, n_ring)) - n_ring)
        if len(calls_with) > 1:
            spec = spec_n / (spec_n + busy * spec_other) if spec_n else 0.0
            grade = sum(calls_with.values()) / len(calls_with)
            s = _several(len(calls_with), scale) * grade * spec
            parts.append(("calls", float(side_cfg["calls"]) * s, sorted(calls_with), call_keys))
        # recruited the ring's victims
        rec = [(v, k) for v, k in _rels(h, p, R.RECRUITED, "out") if v in victims]
        if rec:
            miss = math.prod(1 - grader.path(h, [k]) for _, k in rec)
            parts.append(
                (
                    "recruited",
                    float(side_cfg["recruit"]) * (1 - miss),
                    [v for v, _ in rec],
                    [k for _, k in rec],
                )
            )
        # runs a ring company
        board = [(o, k) for o, k in _rels(h, p, R.BOARD, "out") if o in orgs]
        if board:
            g = max(grader.path(h, [k]) for _, k in board)
            parts.append(
                (
                    "board",
                    float(side_cfg["board"]) * g,
                    [o for o, _ in board],
                    [k for _, k in board],
                )
            )
        # suspect in the ring's cases alongside members
        sus = [(c, k) for c, k in _rels(h, p, R.SUSPECT, "out") if c in ring_cases]
        if sus:
            miss = math.prod(1 - grader.path(h, [k]) for _, k in sus)
            parts.append(
                (
                    "suspect",
                    float(side_cfg["suspect"]) * (1 - miss),
                    [c for c, _ in sus],
                    [k for _, k in sus],
                )
            )
        if not parts:
            continue
        confidence = 1 - math.prod(1 - w for _, w, _, _ in parts)
        if confidence < float(side_cfg["min"] if floor is None else floor):
            continue
        found[p] = Inferred(
            p,
            round(confidence, 4),
            [
                {"how": how, "with": with_, "score": round(w, 4)}
                for how, w, with_, _ in sorted(parts, key=lambda x: (-x[1], x[0]))
            ],
            [k for *_, keys in parts for k in keys],
        )
    return found
