"""Small builders and a page parser shared by the viz tests."""

from __future__ import annotations

import json
import re
from typing import Any

from graph.rows import NodeRow, RelRow, Subgraph

XSS_NAME = "<img src=x onerror=alert(1)>"


def node(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": props}


def rel(rid: str, rtype: str, start: str, end: str, **props: Any) -> RelRow:
    return {"id": rid, "type": rtype, "start": start, "end": end, "props": props}


def drawn(html: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """The nodes, edges and options a page hands to vis-network."""

    def grab(pattern: str) -> Any:
        m = re.search(pattern, html)
        assert m, pattern
        return json.loads(m.group(1))

    return (
        grab(r"nodes = new vis\.DataSet\((.*)\);\n"),
        grab(r"edges = new vis\.DataSet\((.*)\);\n"),
        grab(r"\{nodes: nodes, edges: edges\}, (.*)\);\n"),
    )


def case_subgraph() -> Subgraph:
    """Official (XSS name) → account → account, 30 calls and 3 transfers of Rp 15 juta."""
    nodes = [
        node("off-1", "Person", "Official", name=XSS_NAME, sources=["src-a"], keys=["b:1"]),
        node("per-1", "Person", name="Budi Santoso", birth_date="1980-02-03", sources=["src-b"]),
        node("acc-1", "Account", number="0011223344", bank="BRI"),
        node("acc-2", "Account", number="5566778899", bank="BNI"),
        node("ph-1", "Phone", number="+6281234567890"),
        node("ph-2", "Phone", number="+6285712345678"),
    ]
    rels = [
        rel("h1", "HOLDS", "off-1", "acc-1"),
        rel("h2", "HOLDS", "per-1", "acc-2"),
        rel("u1", "USES", "off-1", "ph-1"),
        rel("u2", "USES", "per-1", "ph-2"),
        rel("f1", "FAMILY", "off-1", "per-1", detail="ipar"),
    ]
    rels += [
        rel(f"t{i}", "TRANSFERRED", "acc-2", "acc-1", amount=15_000_000.0, currency="IDR",
            at=f"2023-06-0{i + 4}T20:00:00Z", sources=["src-c"])
        for i in range(3)
    ]
    rels += [
        rel(f"c{i}", "CALLED", "ph-1" if i % 3 else "ph-2", "ph-2" if i % 3 else "ph-1",
            at=f"2023-05-{i + 1:02d}T01:00:00Z", duration_s=60 + i, kind="voice")
        for i in range(30)
    ]
    return {"nodes": nodes, "relationships": rels}
