"""The indicators of backing, each a pure function over the ring's neighbourhood.

Every function takes the :class:`Scene` (the extracted graph and what is known
about the ring) and one official, and returns an :class:`Indicator` whose
strength is in [0, 1]. Weights live in ``queries/protectors.toml``.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import networkx as nx

from queries._common import LABELS, parse_ts
from queries.protectors._evidence import Grader, Key, evidence
from queries.protectors._extract import BOARD, KIN, ORG_TIES
from queries.protectors._types import Evidence, Indicator

_FAILED = ("nothing_found", "escaped")
_GOOD = ("p21", "vonis", "bebas")
_OPEN = ("lidik", "sidik")
# Formal duty relationships: left out of the bridging graph.
_DUTY = frozenset(
    {
        "INVESTIGATES",
        "SUPERVISES",
        "LED",
        "HOLDS_POST",
        "ABOUT",
        "TARGET_OF",
        "SUSPECT_IN",
        "VICTIM_IN",
        "HANDLED_BY",
        "PART_OF",
        "MEMBER_OF",
    }
)


def _has(h: nx.MultiDiGraph, n: str, label: str) -> bool:
    return label in h.nodes[n][LABELS]


def _out(h: nx.MultiDiGraph, n: str, *types: str) -> list[tuple[str, Key]]:
    return sorted((v, (u, v, k)) for u, v, k in h.out_edges(n, keys=True) if k[0] in types)


def _in(h: nx.MultiDiGraph, n: str, *types: str) -> list[tuple[str, Key]]:
    return sorted((u, (u, v, k)) for u, v, k in h.in_edges(n, keys=True) if k[0] in types)


def _both(h: nx.MultiDiGraph, n: str, *types: str) -> list[tuple[str, Key]]:
    return sorted({*_out(h, n, *types), *_in(h, n, *types)})


@dataclass
class Via:
    """A person on the official's side: himself, a relative or an associate."""

    person: str
    relation: str
    weight: float
    keys: list[Key]


@dataclass
class Scene:
    h: nx.MultiDiGraph
    ring: str
    as_of: datetime
    cfg: dict[str, Any]
    grader: Grader
    members: set[str] = field(default_factory=set)
    orgs: set[str] = field(default_factory=set)
    victims: set[str] = field(default_factory=set)
    phones: dict[str, tuple[str, Key]] = field(default_factory=dict)
    accounts: dict[str, tuple[str, Key]] = field(default_factory=dict)
    raids: list[tuple[str, datetime]] = field(default_factory=list)
    recruits: dict[str, list[datetime]] = field(default_factory=dict)
    since: dict[tuple[str, str], datetime] = field(default_factory=dict)

    @classmethod
    def build(cls, h: nx.MultiDiGraph, ring: str, as_of: datetime, cfg: dict[str, Any]) -> Scene:
        s = cls(h, ring, as_of, cfg, Grader(h.graph.get("sources", {}), cfg["grade"]))
        s.members = set(h.graph.get("members", []))
        s.orgs = set(h.graph.get("orgs", []))
        side = s.members | s.orgs
        for m in sorted(side):
            for v, k in _out(h, m, "USES"):
                s.phones.setdefault(v, (m, k))
            for v, k in _out(h, m, "HOLDS"):
                s.accounts.setdefault(v, (m, k))
            for v, k in _out(h, m, "RECRUITED"):
                s.victims.add(v)
                at = h.edges[k].get("since")
                if at:
                    s.recruits.setdefault(m, []).append(parse_ts(at))
        events: set[str] = set()
        for c in (n for n in h.nodes if _has(h, n, "Case")):
            s.victims |= {v for v, _ in _in(h, c, "VICTIM_IN")}
            events |= {e for e, _ in _in(h, c, "ABOUT")}
            for p, k in _in(h, c, "SUSPECT_IN"):
                at = h.edges[k].get("since")
                if at:
                    s.since[(p, c)] = parse_ts(at)
        for x in side:
            events |= {e for e, _ in _out(h, x, "TARGET_OF")}
        s.victims -= s.members
        for e in sorted(events):
            a = h.nodes[e]
            if a.get("kind") == "raid" and a.get("outcome") in _FAILED and a.get("at"):
                s.raids.append((e, parse_ts(a["at"])))
        return s

    def when(self, key: Key) -> datetime | None:
        at = self.h.edges[key].get("at")
        return parse_ts(at) if at else None

    def sphere(self, o: str) -> list[Via]:
        """The official, and his relatives and associates who are not ring members or victims."""
        via = self.cfg["via"]
        out = [Via(o, "self", float(via["self"]), [])]
        for p, k in _both(self.h, o, *KIN):
            if p == o or p in self.members or p in self.victims or not _has(self.h, p, "Person"):
                continue
            rel = "family" if k[2][0] == "FAMILY" else "associate"
            detail = self.h.edges[k].get("detail")
            out.append(Via(p, f"{rel}:{detail}" if detail else rel, float(via[rel]), [k]))
        return out

    def owned(
        self, person: str, typ: str, ring_side: dict[str, tuple[str, Key]]
    ) -> list[tuple[str, Key]]:
        return [(v, k) for v, k in _out(self.h, person, typ) if v not in ring_side]


def _ev(s: Scene, what: str, nodes: list[str], keys: list[Key]) -> Evidence:
    return evidence(s.h, s.grader, what, nodes, keys)


def _indicator(
    s: Scene, kind: str, score: float, facts: dict[str, Any], items: list[tuple[float, Evidence]]
) -> Indicator:
    items.sort(key=lambda x: (-x[0], x[1]["nodes"], [r["id"] for r in x[1]["rels"]]))
    keep = int(s.cfg["output"]["evidence"])
    return {
        "kind": kind,
        "score": round(max(0.0, min(1.0, score)), 4),
        "weight": float(s.cfg["weights"][kind]),
        "facts": facts,
        "evidence": [e for _, e in items[:keep]],
        "evidence_total": len(items),
    }


# -- money ---------------------------------------------------------------------
def money(s: Scene, o: str) -> Indicator:
    h, cfg = s.h, s.cfg["money"]
    payments: list[tuple[float, float, datetime | None, str, Evidence]] = []
    for v in s.sphere(o):
        for acc, hk in s.owned(v.person, "HOLDS", s.accounts):
            for src, tk in _in(h, acc, "TRANSFERRED"):
                amount = float(h.edges[tk].get("amount") or 0.0)
                at = s.when(tk)
                if src in s.accounts:
                    payer, pk = s.accounts[src]
                    route = "payment" if payer in s.members else "org_payment"
                    nodes = [payer, src, acc, v.person, *([o] if v.person != o else [])]
                    keys = [pk, tk, hk, *v.keys]
                elif at is not None:
                    layer = _layer(s, src, amount, at)
                    if layer is None:
                        continue
                    route, nodes0, keys0 = layer
                    nodes = [*nodes0, acc, v.person, *([o] if v.person != o else [])]
                    keys = [*keys0, tk, hk, *v.keys]
                else:
                    continue
                e = _ev(s, route, nodes, keys)
                payments.append((e["grade"] * v.weight, amount, at, nodes[0], e))
    if not payments:
        return _indicator(s, "money", 0.0, {}, [])
    n = sum(w for w, *_ in payments)
    total = sum(a for _, a, *_ in payments)
    weighted = sum(w * a for w, a, *_ in payments)
    c = 1 - math.exp(-n / float(cfg["count_scale"]))
    a = 1 - math.exp(-weighted / float(cfg["amount_scale"]))
    dates = sorted({p[2] for p in payments if p[2] is not None})
    months = {(d.year, d.month) for d in dates}
    gaps = [(b - a_).days for a_, b in zip(dates, dates[1:], strict=False)]
    regular = (
        len(months) >= int(cfg["regular_months"])
        and bool(gaps)
        and cfg["gap_min_days"] <= statistics.median(gaps) <= cfg["gap_max_days"]
    )
    window = timedelta(days=int(cfg["victim_days"]))
    tied = sum(
        1
        for *_, at, payer, _ in payments
        if at is not None and any(r <= at <= r + window for r in s.recruits.get(payer, []))
    )
    share = tied / len(payments)
    score = 1 - (1 - 0.6 * c) * (1 - 0.5 * a) * (1 - 0.5 * float(regular)) * (1 - 0.5 * share * c)
    routes = sorted({e["what"] for *_, e in payments})
    vias = sorted({e["nodes"][3] != o and e["what"] != "layered_payment" for *_, e in payments})
    facts = {
        "count": len(payments),
        "amount": round(total, 2),
        "months": len(months),
        "regular": regular,
        "per_recruit": tied,
        "routes": routes,
        "via_relative": any(vias),
        "relations": sorted(
            {
                x.relation
                for x in s.sphere(o)
                if x.person != o and any(x.person in e["nodes"] for *_, e in payments)
            }
        ),
    }
    return _indicator(s, "money", score, facts, [(p[0] * (1 + p[1] / 1e9), p[4]) for p in payments])


def _layer(
    s: Scene, acct: str, amount: float, at: datetime
) -> tuple[str, list[str], list[Key]] | None:
    """Ring account -> a non-ring organization's account -> onwards within days."""
    h, cfg = s.h, s.cfg["money"]
    holders = [(p, k) for p, k in _in(h, acct, "HOLDS") if _has(h, p, "Organization")]
    if not holders:
        return None
    days = timedelta(days=int(cfg["layer_days"]))
    for src, tk in _in(h, acct, "TRANSFERRED"):
        t0 = s.when(tk)
        if src not in s.accounts or t0 is None:
            continue
        a0 = float(h.edges[tk].get("amount") or 0.0)
        if (
            t0 < at <= t0 + days
            and a0 > 0
            and amount >= float(cfg["layer_share"]) * a0
            and amount <= a0
        ):
            payer, pk = s.accounts[src]
            org, ok = holders[0]
            return "layered_payment", [payer, src, acct], [pk, tk, (ok[0], ok[1], ok[2])]
    return None


# -- calls -----------------------------------------------------------------------
def _duty(s: Scene, o: str, member: str, at: datetime) -> bool:
    """Official ``o`` handled a case against ``member`` that went on, and he was named."""
    h = s.h
    for c, _ in _out(h, o, "INVESTIGATES", "SUPERVISES"):
        if (
            h.nodes[c].get("status") in _GOOD
            and (member, c) in s.since
            and s.since[(member, c)] <= at
        ):
            return True
    for e, _ in _out(h, o, "LED"):
        ev = h.nodes[e]
        if (
            ev.get("outcome") == "found"
            and ev.get("at")
            and parse_ts(ev["at"]) <= at
            and any(t == member for t, _ in _in(h, e, "TARGET_OF"))
        ):
            return True
    return False


def _calls(
    s: Scene, o: str
) -> tuple[
    list[tuple[float, str, datetime, Evidence]], list[tuple[float, Evidence]], int, dict[str, int]
]:
    """(tip-off calls, other calls, duty calls, ring calls per official-side phone)."""
    h = s.h
    window = timedelta(hours=float(s.cfg["tipoff"]["window_hours"]))
    tips: list[tuple[float, str, datetime, Evidence]] = []
    plain: list[tuple[float, Evidence]] = []
    duty = 0
    per_phone: dict[str, int] = {}
    for v in s.sphere(o):
        for ph, uk in s.owned(v.person, "USES", s.phones):
            for rp, ck in _both(h, ph, "CALLED"):
                if rp not in s.phones:
                    continue
                per_phone[ph] = per_phone.get(ph, 0) + 1
                at = s.when(ck)
                member, mk = s.phones[rp]
                nodes = [*([o] if v.person != o else []), v.person, ph, rp, member]
                keys = [*v.keys, uk, ck, mk]
                raid = next(
                    (e for e, t in s.raids if at is not None and t - window <= at < t), None
                )
                if raid is not None and at is not None:
                    e = _ev(s, "tipoff_call", [*nodes, raid], keys)
                    tips.append((e["grade"] * v.weight, raid, at, e))
                elif at is not None and v.person == o and _duty(s, o, member, at):
                    duty += 1
                else:
                    e = _ev(s, "call", nodes, keys)
                    plain.append((e["grade"] * v.weight, e))
    return tips, plain, duty, per_phone


def tipoff(s: Scene, o: str) -> Indicator:
    tips, *_ = _calls(s, o)
    best: dict[str, float] = {}
    for w, raid, _, _ in tips:
        best[raid] = max(best.get(raid, 0.0), w)
    score = 1 - math.exp(-sum(best.values()))
    facts = {
        "raids": len(best),
        "calls": len(tips),
        "min_hours_before": min(
            (
                round((t - at).total_seconds() / 3600, 1)
                for _, raid, at, _ in tips
                for e, t in s.raids
                if e == raid
            ),
            default=None,
        ),
    }
    return _indicator(s, "tipoff", score, facts, [(w, e) for w, _, _, e in tips])


def comms(s: Scene, o: str) -> Indicator:
    _, plain, duty, per_phone = _calls(s, o)
    n = sum(w for w, _ in plain)
    if n <= 0:
        return _indicator(s, "comms", 0.0, {"calls": 0, "duty_calls": duty}, [])
    totals = s.h.graph.get("calls", {})
    other = sum(max(0, int(totals.get(p, c)) - c) for p, c in per_phone.items())
    cfg = s.cfg["comms"]
    spec = n / (n + float(cfg["busy_share"]) * other)
    score = (1 - math.exp(-n / float(cfg["count_scale"]))) * spec
    facts = {
        "calls": len(plain),
        "duty_calls": duty,
        "other_calls": other,
        "members": len({e["nodes"][-1] for _, e in plain}),
    }
    return _indicator(s, "comms", score, facts, plain)


# -- cases -----------------------------------------------------------------------
def cases(s: Scene, o: str) -> Indicator:
    h, cfg = s.h, s.cfg["cases"]
    cutoff = s.as_of - timedelta(days=int(cfg["stalled_days"]))
    bad = good = 0.0
    items: list[tuple[float, Evidence]] = []
    facts: dict[str, int] = {}
    for c, k in _out(h, o, "INVESTIGATES", "SUPERVISES"):
        if not _has(h, c, "Case"):
            continue
        named = sorted((t, m) for (m, cc), t in s.since.items() if cc == c and m in s.members)
        if not any(m in s.members for m, _ in _in(h, c, "SUSPECT_IN")):
            continue
        a = h.nodes[c]
        status = a.get("status")
        role = float(cfg["investigates" if k[2][0] == "INVESTIGATES" else "supervises"])
        reason = None
        if status == "sp3":
            quick = bool(
                named
                and a.get("status_at")
                and parse_ts(a["status_at"]) - named[0][0]
                <= timedelta(days=int(cfg["sp3_quick_days"]))
            )
            reason, w = (
                ("sp3_quick", float(cfg["sp3_quick"])) if quick else ("sp3", float(cfg["sp3"]))
            )
            bad += role * w
        elif status in _OPEN and a.get("opened_at") and parse_ts(a["opened_at"]) < cutoff:
            reason, w = "stalled", float(cfg["stalled"])
            bad += role * w
        elif status in _GOOD:
            reason, w = str(status), float(cfg[str(status)])
            good += role * w
        if reason is None:
            continue
        facts[reason] = facts.get(reason, 0) + 1
        sk = [key for m, key in _in(h, c, "SUSPECT_IN") if m in s.members][:1]
        suspect = [sk[0][0]] if sk else []
        e = _ev(s, f"case_{reason}", [o, c, *suspect], [k, *sk])
        items.append(((role * w) * (1 if reason not in _GOOD else -1), e))
    net = bad - good
    score = 1 - math.exp(-net / float(cfg["scale"])) if net > 0 else 0.0
    return _indicator(
        s, "cases", score, {**facts, "net": round(net, 3)}, items if score > 0 else []
    )


# -- ties and organizations ----------------------------------------------------------
def ties(s: Scene, o: str) -> Indicator:
    cfg = s.cfg["ties"]
    miss = 1.0
    items: list[tuple[float, Evidence]] = []
    for v in s.sphere(o):
        if v.relation != "self" and not v.relation.startswith("family"):
            continue
        for m, k in _both(s.h, v.person, *KIN):
            if m not in s.members:
                continue
            base = float(cfg["family" if k[2][0] == "FAMILY" else "associate"])
            nodes = [*([o] if v.person != o else []), v.person, m]
            e = _ev(s, k[2][0].lower(), nodes, [*v.keys, k])
            w = base * e["grade"] * (1.0 if v.person == o else 0.5)
            miss *= 1 - w
            items.append((w, e))
    return _indicator(s, "ties", 1 - miss, {"ties": len(items)}, items)


def organizations(s: Scene, o: str) -> Indicator:
    cfg = s.cfg["organizations"]
    miss = 1.0
    items: list[tuple[float, Evidence]] = []
    for v in s.sphere(o):
        for org, k in _out(s.h, v.person, *ORG_TIES):
            if org not in s.orgs:
                continue
            base = float(cfg["board" if k[2][0] in BOARD else "employee"])
            nodes = [*([o] if v.person != o else []), v.person, org]
            e = _ev(s, k[2][0].lower(), nodes, [*v.keys, k])
            w = base * e["grade"] * v.weight
            miss *= 1 - w
            items.append((w, e))
    facts = {
        "roles": sorted({e["rels"][-1]["type"] for _, e in items}),
        "via_relative": any(e["nodes"][0] == o and len(e["nodes"]) > 2 for _, e in items),
    }
    return _indicator(s, "organizations", 1 - miss, facts, items)


# -- bridging --------------------------------------------------------------------------
def betweenness(s: Scene, officials: list[str]) -> dict[str, float]:
    """Betweenness between ring members and officials over informal relationships only."""
    g = nx.Graph()
    g.add_nodes_from(sorted(s.h.nodes))
    g.add_edges_from(
        sorted(
            {
                (min(u, v), max(u, v))
                for u, v, k in s.h.edges(keys=True)
                if k[0] not in _DUTY and u != v
            }
        )
    )
    sources = sorted(s.members & set(g))
    if not sources or not officials:
        return {}
    b = nx.betweenness_centrality_subset(g, sources=sources, targets=officials, normalized=False)
    top = max((b.get(o, 0.0) for o in officials), default=0.0)
    return {o: (b.get(o, 0.0) / top if top > 0 else 0.0) for o in officials}


def bridging(s: Scene, o: str, value: float) -> Indicator:
    return _indicator(s, "bridging", value, {"relative_betweenness": round(value, 4)}, [])
