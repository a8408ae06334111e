"""Weak evidence: ``POSSIBLY_SAME_AS`` candidates, never a merge.

Two people are a candidate pair when their folded names are similar
(``name_similarity`` >= :data:`NAME_THRESHOLD`) and they share the birth date,
or are very similar (>= :data:`PLACE_THRESHOLD`) and share the birth place.
Two valid but different NIKs, or two known but different birth dates, rule a
pair out; a birth-place match needs a name of at least two words. A pair an analyst already
confirmed or rejected keeps its decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest.bundle._context import LoadContext
from ingest.normalize import name_similarity, normalize_name

if TYPE_CHECKING:
    from ingest.report import IngestReport

NAME_THRESHOLD = 0.85
PLACE_THRESHOLD = 0.92
MAX_BLOCK = 2_000  # a birth place shared by more people than this is not a useful block


def candidate_id(a: str, b: str) -> str:
    lo, hi = sorted((a, b))
    return f"cand:{lo}|{hi}"


def _pairs(ctx: LoadContext) -> list[tuple[str, str, float, list[str]]]:
    store = ctx.store
    mine = sorted({r.id for r in ctx.refs.values() if r.kind == "person"})
    if not mine:
        return []
    nodes = store.get_nodes(mine)
    found: dict[tuple[str, str], tuple[float, list[str]]] = {}
    for prop, threshold in (("birth_date", NAME_THRESHOLD), ("birth_place", PLACE_THRESHOLD)):
        values = sorted({str(n["props"][prop]) for n in nodes.values() if n["props"].get(prop)})
        blocks = store.find_by_property("Person", prop, values)
        others = store.get_nodes(
            sorted({i for ids in blocks.values() if len(ids) <= MAX_BLOCK for i in ids})
        )
        # Within a block, compare only records with the same first name token (a
        # birth place is a whole town); pre-grouped once per block.
        grouped: dict[tuple[str, str], list[str]] = {}
        for block, ids in blocks.items():
            if len(ids) > MAX_BLOCK:
                continue
            for oid in ids:
                if oid in others and not others[oid]["props"].get("merged_into"):
                    token = _first_token(others[oid]["props"]) if prop == "birth_place" else ""
                    grouped.setdefault((block, token), []).append(oid)
        for nid, node in nodes.items():
            value = node["props"].get(prop)
            if not value:
                continue
            if prop == "birth_place":
                if len(str(node["props"].get("name_norm", "")).split()) < 2:
                    continue  # a town is a large block: only full names
                token = _first_token(node["props"])
            else:
                token = ""
            for oid in grouped.get((str(value), token), []):
                if oid == nid:
                    continue
                score = _score(node["props"], others[oid]["props"])
                if score is None or score < threshold:
                    continue
                key = (min(nid, oid), max(nid, oid))
                reason = f"same {prop.replace('_', ' ')}"
                old = found.get(key)
                reasons = sorted({*(old[1] if old else []), f"name {score:.2f}", reason})
                found[key] = (max(score, old[0] if old else 0.0), reasons)
    return [(a, b, s, r) for (a, b), (s, r) in sorted(found.items())]


def _first_token(props: dict[str, Any]) -> str:
    parts = str(props.get("name_norm") or "").split()
    return parts[0] if parts else ""


def _score(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    if a.get("nik") and b.get("nik") and a["nik"] != b["nik"]:
        return None  # two valid, different NIKs: two people
    if a.get("birth_date") and b.get("birth_date") and a["birth_date"] != b["birth_date"]:
        return None  # known and different birth dates: two people
    names_a, names_b = _names(a), _names(b)
    if not names_a or not names_b:
        return None
    return round(max(name_similarity(x, y) for x in names_a for y in names_b), 4)


def _names(props: dict[str, Any]) -> list[str]:
    """The folded name and every alias (a merged record's other spellings are aliases)."""
    out = [str(props["name_norm"])] if props.get("name_norm") else []
    out += [normalize_name(str(a)) for a in props.get("aliases") or []]
    return [n for n in dict.fromkeys(out) if n]


def link_candidates(ctx: LoadContext, *, write: bool, report: IngestReport) -> int:
    """Store candidate pairs among this run's people and everyone stored; count them."""
    if not write:
        return 0
    pairs = _pairs(ctx)
    if not pairs:
        return 0
    keys = [("POSSIBLY_SAME_AS", candidate_id(a, b)) for a, b, _, _ in pairs]
    decided = {
        k for k, r in ctx.store.get_rels(keys).items() if r["props"].get("status") != "candidate"
    }
    rels = [
        {
            "id": candidate_id(a, b),
            "type": "POSSIBLY_SAME_AS",
            "start": a,
            "end": b,
            "props": {"score": score, "reasons": reasons, "status": "candidate"},
        }
        for a, b, score, reasons in pairs
        if ("POSSIBLY_SAME_AS", candidate_id(a, b)) not in decided
    ]
    report.add_result(ctx.store.upsert([], rels))  # type: ignore[arg-type]
    return len(pairs)
