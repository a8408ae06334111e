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

from graph.normalize import name_similarity, normalize_name
from ingest.bundle._context import LoadContext

if TYPE_CHECKING:
    from ingest.report import IngestReport

NAME_THRESHOLD = 0.85
PLACE_THRESHOLD = 0.92
MAX_BLOCK = 2_000  # a birth place shared by more people than this is not a useful block


def candidate_id(a: str, b: str) -> str:
    lo, hi = sorted((a, b))
    return f"cand:{lo}|{hi}"


#: this run's people read at a time, and block values asked for at a time
_READ = 5_000
#: stored records held at a time while comparing (several blocks fetched together)
_BUDGET = 20_000

Found = dict[tuple[str, str], tuple[float, list[str]]]


def _pairs(ctx: LoadContext) -> list[tuple[str, str, float, list[str]]]:
    """Candidate pairs between this run's people and everyone stored.

    Memory stays bounded by the blocks compared at a time (:data:`_BUDGET`
    records), not the number of people: this run's people are read in chunks
    and only their block values kept; blocks are fetched a few at a time.
    """
    store = ctx.store
    mine = sorted({r.id for r in ctx.refs.values() if r.kind == "person"})
    # prop -> block value -> this run's people with it
    keyed: dict[str, dict[str, list[str]]] = {"birth_date": {}, "birth_place": {}}
    for i in range(0, len(mine), _READ):
        for nid, node in store.get_nodes(mine[i : i + _READ]).items():
            props = node["props"]
            for prop, by_value in keyed.items():
                value = props.get(prop)
                if not value:
                    continue
                if prop == "birth_place" and len(str(props.get("name_norm", "")).split()) < 2:
                    continue  # a town is a large block: only full names
                by_value.setdefault(str(value), []).append(nid)
    found: Found = {}
    for prop, threshold in (("birth_date", NAME_THRESHOLD), ("birth_place", PLACE_THRESHOLD)):
        by_value = keyed[prop]
        values = sorted(by_value)
        for j in range(0, len(values), _READ):
            blocks = store.find_by_property("Person", prop, values[j : j + _READ])
            group: list[tuple[str, list[str]]] = []
            size = 0
            for value in sorted(blocks):
                ids = blocks[value]
                if len(ids) > MAX_BLOCK:
                    continue  # not a useful block
                group.append((value, ids))
                size += len(ids)
                if size >= _BUDGET:
                    _compare(ctx, prop, threshold, group, by_value, found)
                    group, size = [], 0
            if group:
                _compare(ctx, prop, threshold, group, by_value, found)
    return [(a, b, s, r) for (a, b), (s, r) in sorted(found.items())]


def _compare(
    ctx: LoadContext,
    prop: str,
    threshold: float,
    group: list[tuple[str, list[str]]],
    by_value: dict[str, list[str]],
    found: Found,
) -> None:
    """Compare this run's people with the stored members of some blocks."""
    wanted = {i for _, ids in group for i in ids}
    wanted.update(nid for value, _ in group for nid in by_value[value])
    nodes = ctx.store.get_nodes(sorted(wanted))
    reason = f"same {prop.replace('_', ' ')}"
    for value, ids in group:
        # Within a block, compare only records with the same first name token (a
        # birth place is a whole town).
        by_token: dict[str, list[str]] = {}
        for oid in ids:
            other = nodes.get(oid)
            if other is not None and not other["props"].get("merged_into"):
                token = _first_token(other["props"]) if prop == "birth_place" else ""
                by_token.setdefault(token, []).append(oid)
        for nid in by_value[value]:
            node = nodes.get(nid)
            if node is None:
                continue
            token = _first_token(node["props"]) if prop == "birth_place" else ""
            for oid in by_token.get(token, []):
                if oid == nid:
                    continue
                score = _score(node["props"], nodes[oid]["props"])
                if score is None or score < threshold:
                    continue
                key = (min(nid, oid), max(nid, oid))
                old = found.get(key)
                reasons = sorted({*(old[1] if old else []), f"name {score:.2f}", reason})
                found[key] = (max(score, old[0] if old else 0.0), reasons)


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
