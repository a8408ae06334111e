"""Seeded synthetic subgraphs for demos, tests and ``bench/render.py``.

Every relationship fits the model (types, endpoint labels, property types), and
calls and transfers repeat between the same pairs, as real ones do.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

from graph.rows import NodeRow, RelRow, Subgraph

_MIX = (  # label, share of nodes
    ("Official", 0.06),
    ("Person", 0.30),
    ("Agency", 0.04),
    ("Organization", 0.05),
    ("Account", 0.18),
    ("Phone", 0.18),
    ("Case", 0.07),
    ("Event", 0.07),
    ("Ring", 0.05),
)
_CAPTION = {"Account": "number", "Phone": "number", "Case": "title", "Event": "kind"}


def _node(label: str, i: int, rng: random.Random) -> NodeRow:
    labels = ["Person", "Official"] if label == "Official" else [label]
    key = _CAPTION.get(label, "name")
    value = f"+6281{rng.randrange(10**8):08d}" if label == "Phone" else f"{label} {i}"
    props: dict[str, object] = {key: value, "sources": [f"src-{i % 7}"], "keys": [f"b:{i}"]}
    if label == "Account":
        props["bank"] = rng.choice(["BRI", "BNI", "Mandiri", "BCA"])
    return {"id": f"{label[:3].lower()}-{i}", "labels": labels, "props": props}


def synthetic_subgraph(n: int, *, seed: int = 1) -> Subgraph:
    """About ``n`` nodes (exactly ``n`` when ``n`` ≥ 20) and ~2.5 relationships per node."""
    rng = random.Random(seed)
    nodes: list[NodeRow] = []
    by_label: dict[str, list[str]] = {}
    for label, share in _MIX:
        for _ in range(max(1, round(n * share))):
            node = _node(label, len(nodes), rng)
            nodes.append(node)
            by_label.setdefault(label, []).append(node["id"])
    nodes = nodes[: max(n, len(_MIX))]
    have = {nd["id"] for nd in nodes}
    by_label = {k: [v for v in vs if v in have] for k, vs in by_label.items()}
    people = by_label["Person"] + by_label["Official"]
    rels: list[RelRow] = []
    t0 = datetime(2023, 1, 1, tzinfo=UTC)
    counter = itertools.count()

    def at() -> str:
        return (t0 + timedelta(minutes=rng.randrange(525_600))).strftime("%Y-%m-%dT%H:%M:%SZ")

    def add(rtype: str, a: str, b: str, **props: object) -> None:
        serial = next(counter)
        rels.append(
            {
                "id": f"r{serial}",
                "type": rtype,
                "start": a,
                "end": b,
                "props": {"sources": [f"src-{serial % 7}"], **props},
            }
        )

    for acc in by_label["Account"]:
        add("HOLDS", rng.choice(people), acc)
    for ph in by_label["Phone"]:
        add("USES", rng.choice(people), ph)
    for off in by_label["Official"]:
        add("HOLDS_POST", off, rng.choice(by_label["Agency"]), rank="AKP")
    for case in by_label["Case"]:
        add("HANDLED_BY", case, rng.choice(by_label["Agency"]))
        add("SUSPECT_IN", rng.choice(people), case)
        add("INVESTIGATES", rng.choice(by_label["Official"]), case)
    for ev in by_label["Event"]:
        add("ABOUT", ev, rng.choice(by_label["Case"]))
        add("LED", rng.choice(by_label["Official"]), ev)
    for p in people:
        add(
            rng.choice(["MEMBER_OF", "FAMILY"]),
            p,
            rng.choice(by_label["Ring"]) if rng.random() < 0.5 else rng.choice(people),
        )
    rels = [r for r in rels if not (r["type"] == "FAMILY" and r["start"] == r["end"])]
    for r in rels:  # MEMBER_OF/FAMILY chosen above: fix the end label for FAMILY
        if r["type"] == "MEMBER_OF" and not r["end"].startswith("rin"):
            r["type"] = "FAMILY"
        elif r["type"] == "FAMILY" and r["end"].startswith("rin"):
            r["type"] = "MEMBER_OF"
    accounts, phones = by_label["Account"], by_label["Phone"]
    for _ in range(len(accounts)):
        a, b = rng.sample(accounts, 2)
        for _ in range(rng.choice([1, 1, 2, 3, 6])):
            add(
                "TRANSFERRED",
                a,
                b,
                amount=float(rng.choice([5, 15, 25, 100]) * 1_000_000),
                currency="IDR",
                at=at(),
                channel="transfer",
            )
    for _ in range(len(phones)):
        a, b = rng.sample(phones, 2)
        for _ in range(rng.choice([1, 2, 5, 30])):
            s, e = (a, b) if rng.random() < 0.7 else (b, a)
            add("CALLED", s, e, at=at(), duration_s=rng.randrange(5, 900), kind="voice")
    return {"nodes": nodes, "relationships": rels}
