"""Weak evidence: ``POSSIBLY_SAME_AS`` candidates, never a merge.

People. Records are brought together by *blocks*: the same birth date (stated or
read from a NIK, a mistyped one too), and, between people without birth data, the
same birth place (names of two words or more, same first word), the same
``name_norm`` (of the name or any alias or the name without bin/binti; at most
``[candidates.blocks] name`` records), a phone in common. A pair found in a block is
proposed when its name similarity
(:func:`graph.normalize.names.compare_names`: titles, old spellings, initials,
bin/binti and aliases folded) reaches the threshold of its strongest evidence
(``[candidates.threshold]`` in ``graph/normalize/names.toml``): the same birth date
(stated or read from a valid NIK), the same 12 first NIK digits, a phone both use,
the same address, the same birth place with a rare name, or a rare full name with
nothing telling the two apart. Hard conflicts rule a pair out: two valid different
NIKs, two known different birth dates, two known different genders.

Organisations. The same name without legal forms (``name_norm``), or one's name is
the other's abbreviation (in brackets, or declared in ``[candidates.abbreviations]``:
BRI is Bank Rakyat Indonesia). A block of organisations
of one name is linked as a star to its smallest id, so that seven records of "Bank
Mandiri" are six candidates, not twenty-one.

Every candidate carries its score (the name similarity) and its reasons. A pair an
analyst already confirmed or rejected keeps its decision.

Known limits: blocks are looked up from this run's records, so a long name stored
earlier is not found from a bracketed abbreviation loaded later ("BMW" after
"Bayerische Motorenwerke (BMW) AG"; declared abbreviations work both ways); a shared
phone is looked up only for this run's people without birth data; a spelling variant
without birth data and without a shared phone is not found (an address is only
compared between records of the same ``name_norm``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from graph.normalize import check_nik
from graph.normalize.names import CONFIG, compare_names, name_forms, name_variants
from ingest.bundle._context import LoadContext

if TYPE_CHECKING:
    from graph.rows import NodeRow
    from ingest.report import IngestReport

_CFG: Final = CONFIG["candidates"]
#: evidence -> the name similarity a pair needs when that is its strongest evidence
THRESHOLDS: Final[dict[str, float]] = {k: float(v) for k, v in _CFG["threshold"].items()}
NAME_THRESHOLD: Final = THRESHOLDS["birth_date"]
PLACE_THRESHOLD: Final = THRESHOLDS["birth_place"]
RARE_MAX: Final[int] = int(_CFG["rare_name"]["max_records"])
RARE_WORDS: Final[int] = int(_CFG["rare_name"]["min_words"])
ORG_SAME: Final[float] = float(_CFG["organizations"]["same_name"])
ORG_ABBREVIATION: Final[float] = float(_CFG["organizations"]["abbreviation"])
#: abbreviation -> the name it stands for, and back (``name_norm`` values)
ABBREVIATIONS: Final[dict[str, str]] = dict(_CFG["abbreviations"])
_SPELT_OUT: Final = {v: k for k, v in ABBREVIATIONS.items()}
#: a block larger than this is not compared (a common name; a birth date everyone shares)
NAME_BLOCK: Final[int] = int(_CFG["blocks"]["name"])
MAX_BLOCK: Final[int] = int(_CFG["blocks"]["other"])
#: at most this many people without birth data per run have their phones looked up
PHONE_LOOKUPS: Final[int] = int(_CFG["blocks"]["phone_lookups"])

_REASON: Final = {
    "birth_date": "same birth date",
    "nik_prefix": "same NIK region and birth digits",
    "phone": "shared phone",
    "address": "same address",
    "birth_place": "same birth place",
}

#: this run's records read at a time, and block values asked for at a time
_READ = 5_000
#: stored records held at a time while comparing (several blocks fetched together)
_BUDGET = 20_000

Pair = tuple[str, str, float, list[str]]
_LOG = logging.getLogger(__name__)
#: blocks that only bring together people without birth data
_WEAK: Final = frozenset({"birth_place", "name_norm"})
_NOT_WORD: Final = re.compile(r"\W+")


def candidate_id(a: str, b: str) -> str:
    lo, hi = sorted((a, b))
    return f"cand:{lo}|{hi}"


@dataclass
class _Found:
    """Pairs met in some block, with the blocks that brought them together."""

    blocks: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    props: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: name_norm -> how many stored people carry it (known for this run's names)
    name_count: dict[str, int] = field(default_factory=dict)

    def add(self, a: NodeRow, b: NodeRow, block: str) -> None:
        key = (min(a["id"], b["id"]), max(a["id"], b["id"]))
        self.blocks.setdefault(key, set()).add(block)
        self.props[a["id"]] = a["props"]
        self.props[b["id"]] = b["props"]


# -- people -------------------------------------------------------------------------------


def _person_pairs(ctx: LoadContext) -> list[Pair]:
    """Candidate pairs between this run's people and everyone stored.

    Memory stays bounded by the blocks compared at a time (:data:`_BUDGET`
    records), not the number of people: this run's people are read in chunks
    and only their block values kept; blocks are fetched a few at a time.
    """
    store = ctx.store
    mine = sorted({r.id for r in ctx.refs.values() if r.kind == "person"})
    # block property -> block value -> this run's people with it
    keyed: dict[str, dict[str, list[str]]] = {
        "birth_date": {}, "birth_place": {}, "name_norm": {},
    }  # fmt: skip
    undated: list[str] = []  # this run's people without birth data
    for i in range(0, len(mine), _READ):
        for nid, node in sorted(store.get_nodes(mine[i : i + _READ]).items()):
            props = node["props"]
            dated = _dated(props)
            if not dated:
                undated.append(nid)
            for prop, by_value in keyed.items():
                if dated and prop in _WEAK:
                    continue  # these blocks only count between records without birth data
                own = _nik_dates(props) if prop == "birth_date" else set()
                if prop == "name_norm" and props.get("name"):
                    own.update(name_variants(str(props["name"])))
                if props.get(prop):
                    own.add(str(props[prop]))
                if prop == "birth_place" and len(str(props.get("name_norm", "")).split()) < 2:
                    continue  # a town is a large block: only full names
                for value in sorted(own):
                    by_value.setdefault(value, []).append(nid)
    found = _Found()
    _phone_block(ctx, undated, found)
    for prop, by_value in keyed.items():
        values = sorted(by_value)
        for j in range(0, len(values), _READ):
            blocks = store.find_by_property("Person", prop, values[j : j + _READ])
            if prop == "name_norm":
                found.name_count.update({v: len(ids) for v, ids in blocks.items()})
            group: list[tuple[str, list[str]]] = []
            size = 0
            for value in sorted(blocks):
                ids = blocks[value]
                if len(ids) > (NAME_BLOCK if prop == "name_norm" else MAX_BLOCK):
                    continue  # not a useful block
                group.append((value, ids))
                size += len(ids)
                if size >= _BUDGET:
                    _collect(ctx, prop, group, by_value, found)
                    group, size = [], 0
            if group:
                _collect(ctx, prop, group, by_value, found)
    out: list[Pair] = []
    for (a, b), met in sorted(found.blocks.items()):
        decided = _decide(found.props[a], found.props[b], met, found.name_count)
        if decided is not None:
            out.append((a, b, *decided))
    return out


def _collect(
    ctx: LoadContext,
    prop: str,
    group: list[tuple[str, list[str]]],
    by_value: dict[str, list[str]],
    found: _Found,
) -> None:
    """Record the pairs of this run's people and the stored members of some blocks."""
    wanted = {i for _, ids in group for i in ids}
    wanted.update(nid for value, _ in group for nid in by_value[value])
    nodes = ctx.store.get_nodes(sorted(wanted))
    for value, ids in group:
        # Within a birth place, compare only records with the same first name word
        # (a birth place is a whole town).
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
            weak = prop in _WEAK
            if weak and _dated(node["props"]):
                continue  # these blocks only count between records without birth data
            for oid in by_token.get(token, []):
                if oid != nid and not (weak and _dated(nodes[oid]["props"])):
                    found.add(node, nodes[oid], prop)


def _phone_block(ctx: LoadContext, undated: list[str], found: _Found) -> None:
    """Pairs of this run's people without birth data and whoever shares a phone with them.

    Only people without birth data (the others meet in birth date blocks), and at
    most :data:`PHONE_LOOKUPS` of them: the phones of a chunk of people, then those
    phones' users, are two store reads per chunk (:meth:`Store.neighbours_of`), the
    one cost here that grows with the run (a warning in the log says when the cap
    was reached).
    """
    store = ctx.store
    if len(undated) > PHONE_LOOKUPS:
        _LOG.warning(
            "candidates: %d people without birth data; phones looked up for the first %d "
            "([candidates.blocks] phone_lookups in names.toml)",
            len(undated), PHONE_LOOKUPS,
        )  # fmt: skip
        undated = undated[:PHONE_LOOKUPS]
    for i in range(0, len(undated), _READ):
        chunk = undated[i : i + _READ]
        users: dict[str, set[str]] = {}
        phones = store.neighbours_of(chunk, types=["USES"], direction="out")
        wanted_phones = sorted({u["node"]["id"] for uses in phones.values() for u in uses})
        holders = store.neighbours_of(wanted_phones, types=["USES"], direction="in")
        for nid in chunk:
            for use in phones.get(nid, []):
                for other in holders.get(use["node"]["id"], []):
                    if "Person" in other["node"]["labels"] and other["node"]["id"] != nid:
                        users.setdefault(nid, set()).add(other["node"]["id"])
        wanted = {u for found_users in users.values() for u in found_users} | set(users)
        nodes = store.get_nodes(sorted(wanted))
        for nid, others in sorted(users.items()):
            if nid not in nodes or len(others) > MAX_BLOCK:
                continue
            for oid in sorted(others):
                if oid in nodes and not nodes[oid]["props"].get("merged_into"):
                    found.add(nodes[nid], nodes[oid], "phone")


def _nik_dates(props: dict[str, Any]) -> set[str]:
    """Birth dates a NIK names when the record states none (a mistyped NIK too)."""
    if props.get("birth_date"):
        return set()
    if props.get("nik"):
        check = check_nik(str(props["nik"]))
        return {check.birth_date.isoformat()} if check.birth_date else set()
    digits = "".join(c for c in str(props.get("nik_raw") or "") if c.isdigit())
    if len(digits) < 12:
        return set()
    day, month, year = int(digits[6:8]) % 40, int(digits[8:10]), int(digits[10:12])
    out = set()
    for century in (1900, 2000):
        try:
            out.add(date(century + year, month, day).isoformat())
        except ValueError:
            return set()
    return out


def _dated(props: dict[str, Any]) -> bool:
    """Whether a record has a birth date, stated or in a valid NIK."""
    return bool(props.get("birth_date") or props.get("nik"))


def _first_token(props: dict[str, Any]) -> str:
    parts = str(props.get("name_norm") or "").split()
    return parts[0] if parts else ""


def _decide(
    a: dict[str, Any], b: dict[str, Any], blocks: set[str], name_count: dict[str, int]
) -> tuple[float, list[str]] | None:
    """The pair's score and reasons, or ``None`` when it is not a candidate."""
    facts_a, facts_b = _facts(a), _facts(b)
    for key in ("nik", "birth_date", "gender"):
        if facts_a.get(key) and facts_b.get(key) and facts_a[key] != facts_b[key]:
            return None  # two valid NIKs, two birth dates or two genders: two people
    match = compare_names(
        str(a.get("name") or a.get("name_norm") or ""),
        str(b.get("name") or b.get("name_norm") or ""),
        a_aliases=tuple(str(x) for x in a.get("aliases") or ()),
        b_aliases=tuple(str(x) for x in b.get("aliases") or ()),
    )
    if match.score == 0.0:
        return None
    evidence = set()
    if facts_a.get("birth_date") and facts_a.get("birth_date") == facts_b.get("birth_date"):
        evidence.add("birth_date")
    if facts_a.get("nik12") and facts_a.get("nik12") == facts_b.get("nik12"):
        evidence.add("nik_prefix")
    if "phone" in blocks:
        evidence.add("phone")
    norm_a, norm_b = str(a.get("name_norm") or ""), str(b.get("name_norm") or "")
    full = min(len(norm_a.split()), len(norm_b.split())) >= RARE_WORDS
    if full and _address(a) and _address(a) == _address(b):
        evidence.add("address")  # one word is too common a name for one address
    # A name the two share (name_norm, an alias, the name without bin/binti) that at
    # most RARE_MAX stored people carry.
    shared = _variants(a) & _variants(b)
    counts = [name_count.get(v, 0) for v in sorted(shared) if len(v.split()) >= RARE_WORDS]
    count = max(counts, default=0)
    rare = 0 < count <= RARE_MAX and full
    # The weakest evidence (a town, a rare name) only counts between records that
    # have nothing to compare: with a birth date on one side only it proposed 3.6 false
    # pairs per 1,000 people on a synthetic bundle (docs/resolution.md).
    unknown = not facts_a["birth_date"] and not facts_b["birth_date"]
    # ... and nothing else telling the two apart: two known different addresses or
    # birth places do (two "Anne Rice" at two addresses in POLE).
    apart = any(
        a.get(k) and b.get(k) and _folded(a[k]) != _folded(b[k]) for k in ("address", "birth_place")
    )
    weak = rare and unknown and not apart
    if weak and a.get("birth_place") and b.get("birth_place"):  # not apart: the same place
        evidence.add("birth_place")
    reasons = [_REASON[e] for e in evidence]
    if weak and shared:
        evidence.add("rare_name")
        reasons.append(f"same name, rare: {count} stored")
    if not any(match.score >= THRESHOLDS[e] for e in evidence):
        return None
    return match.score, sorted({f"name {match.score:.2f}", *match.notes, *reasons})


def _variants(props: dict[str, Any]) -> set[str]:
    out = set(name_variants(str(props.get("name") or "")))
    return out | {str(props["name_norm"])} if props.get("name_norm") else out


def _facts(props: dict[str, Any]) -> dict[str, str]:
    """What tells two people apart: NIK, birth date (stated, else from the NIK), gender."""
    out = {
        "nik": str(props.get("nik") or ""),
        "birth_date": str(props.get("birth_date") or "")[:10],
        "gender": str(props.get("gender") or ""),
        "nik12": str(props.get("nik") or props.get("nik_raw") or "")[:12],
    }
    if len(out["nik12"]) < 12 or not out["nik12"].isdigit():
        out["nik12"] = ""
    if out["nik"]:
        check = check_nik(out["nik"])
        if check.valid and check.birth_date and not out["birth_date"]:
            out["birth_date"] = check.birth_date.isoformat()
        if check.valid and check.gender and not out["gender"]:
            out["gender"] = check.gender
    return out


def _address(props: dict[str, Any]) -> str:
    return _folded(props.get("address"))


def _folded(value: Any) -> str:
    """A place compared without case, punctuation or spacing."""
    return " ".join(_NOT_WORD.sub(" ", str(value or "").casefold()).split())


# -- organisations ------------------------------------------------------------------------


def _org_pairs(ctx: LoadContext) -> list[Pair]:
    """Candidate pairs of organisations: same name without legal form, or abbreviation."""
    store = ctx.store
    mine = sorted({r.id for r in ctx.refs.values() if r.kind == "organization"})
    wanted: dict[str, set[str]] = {}  # name_norm looked up -> this run's orgs asking
    abbreviations: dict[tuple[str, str], str] = {}  # (org, key) -> reason
    for i in range(0, len(mine), _READ):
        for nid, node in store.get_nodes(mine[i : i + _READ]).items():
            props = node["props"]
            if props.get("merged_into") or not props.get("name_norm"):
                continue
            wanted.setdefault(str(props["name_norm"]), set()).add(nid)
            name, norm = str(props.get("name") or ""), str(props["name_norm"])
            for key, reason in _abbreviation_keys(name, norm):
                if key != props["name_norm"]:
                    wanted.setdefault(key, set()).add(nid)
                    abbreviations[(nid, key)] = reason
    out: dict[tuple[str, str], tuple[float, list[str]]] = {}
    values = sorted(wanted)
    for j in range(0, len(values), _READ):
        blocks = store.find_by_property("Organization", "name_norm", values[j : j + _READ])
        ids = sorted({i for found in blocks.values() for i in found} | set(mine))
        nodes = {k: v for k, v in store.get_nodes(ids).items()
                 if not v["props"].get("merged_into")}  # fmt: skip
        for value, members in sorted(blocks.items()):
            members = [m for m in members if m in nodes]
            if not members or len(members) > MAX_BLOCK:
                continue
            same = [m for m in members if nodes[m]["props"].get("name_norm") == value]
            hub = min(same) if same else None
            for asker in sorted(wanted[value]):
                if asker not in nodes:
                    continue
                why = abbreviations.get((asker, value))
                if why is None and hub is not None:
                    # one name: a star around the smallest id
                    targets = [m for m in same if m != hub] if asker == hub else [hub]
                    for other in targets:
                        _org_pair(nodes[asker], nodes[other], None, out)
                elif why is not None:
                    for other in members:
                        _org_pair(nodes[asker], nodes[other], why, out)
    return [(a, b, score, reasons) for (a, b), (score, reasons) in sorted(out.items())]


def _abbreviation_keys(name: str, norm: str) -> Iterable[tuple[str, str]]:
    """``name_norm`` values another organisation could carry as this one's abbreviation."""
    for form in name_forms(name)[1:]:  # "(BMW)": a bracketed or alias short name
        if len(form) == 1:
            yield form[0], f"abbreviation {form[0].upper()}"
    if norm in ABBREVIATIONS:  # "BRI": look for "bank rakyat indonesia"
        yield ABBREVIATIONS[norm], f"known abbreviation {norm.upper()}"
    if norm in _SPELT_OUT:  # and the other way round
        yield _SPELT_OUT[norm], f"known abbreviation {_SPELT_OUT[norm].upper()}"


def _org_pair(
    a: NodeRow, b: NodeRow, reason: str | None, out: dict[tuple[str, str], tuple[float, list[str]]]
) -> None:
    if a["id"] == b["id"]:
        return
    pa, pb = a["props"], b["props"]
    for prop in ("npwp", "license_no"):
        if pa.get(prop) and pb.get(prop) and pa[prop] != pb[prop]:
            return  # two registrations: two organisations
    match = compare_names(str(pa.get("name") or ""), str(pb.get("name") or ""))
    if reason is None:
        score, reasons = max(match.score, ORG_SAME), ["same name without legal form"]
    elif reason.startswith("known abbreviation"):
        score, reasons = max(match.score, ORG_ABBREVIATION), [reason]
    else:
        score, reasons = match.score, [reason]
    key = (min(a["id"], b["id"]), max(a["id"], b["id"]))
    out[key] = (round(score, 4), sorted({f"name {score:.2f}", *match.notes, *reasons}))


# -- writing ------------------------------------------------------------------------------


def _pairs(ctx: LoadContext) -> list[Pair]:
    return _person_pairs(ctx) + _org_pairs(ctx)


def link_candidates(ctx: LoadContext, *, write: bool, report: IngestReport) -> int:
    """Store candidate pairs among this run's records and everyone stored; count them."""
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
