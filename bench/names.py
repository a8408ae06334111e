"""Precision and recall of candidate matches on labelled name pairs, and false candidates.

Usage::

    python3 bench/names.py                       # this checkout
    python3 bench/names.py --root /tmp/names-before   # another checkout (e.g. a git worktree)
    python3 bench/names.py --bundle /tmp/synth5    # an existing synthetic bundle
    python3 bench/names.py --generate            # rewrite tests/data/name_pairs_generated.csv

1. Every labelled pair (``tests/data/name_pairs.csv``: the issue's pairs, the spellings
   of ``../shared/data/noordin_139/NOTES.md``, FinCEN bank names; and
   ``tests/data/name_pairs_generated.csv``: seeded variants and true negatives) is
   written as a two-record bundle (``people.csv`` or ``organizations.csv``) with the
   pair's evidence (same birth date, a shared phone, the same address, a NIK with the
   same first 12 digits, the same birth place, nothing), plus ``crowd`` other people of
   the first name where a name is meant to be common, and ingested into a fresh
   embedded store through ``ingest.ingest_path``, the API both checkouts share. A pair
   is *proposed* when a ``POSSIBLY_SAME_AS`` joins its two records.
2. A synthetic bundle (``ingest.synth.generate``, ``--scale``, default 5) is ingested
   into a fresh embedded store; every person there is a different person, so every
   candidate between two people is false. Printed per 1,000 people.

Benchmarks are not tests: nothing here asserts. Figures go to ``docs/resolution.md``.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "data" / "name_pairs.csv"
GENERATED = ROOT / "tests" / "data" / "name_pairs_generated.csv"
COLUMNS = ["kind", "a_name", "b_name", "evidence", "label", "origin", "note", "crowd"]

NIK = "3504010112900001"  # valid: Tulungagung, a man born 1 December 1990
NIK_TYPO = "350401011290001"  # the same with a digit missing: invalid, same first 12 digits


# -- the labelled pairs -------------------------------------------------------------------


def read_pairs(paths: list[Path]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def _people_rows(pair: dict[str, str], a: str, b: str) -> list[list[str]]:
    ev = pair["evidence"]
    date_a = date_b = ""
    phone = addr = place = nik_a = nik_b = ""
    if ev == "birth_date":
        date_a = date_b = "1980-05-17"
    elif ev == "different_birth_date":
        date_a, date_b = "1980-05-17", "1983-02-09"
    elif ev == "phone":
        phone = "0812-3456-7890"
    elif ev == "address":
        addr = "RT 02 RW 03, Desa Ngunut, Kec. Ngunut, Kab. Tulungagung"
    elif ev == "birth_place":
        place = "Kediri"
    elif ev == "nik_prefix":
        nik_a, nik_b, date_a = NIK, NIK_TYPO, "1990-12-01"  # a KTP states both
    rows = [
        [a, pair["a_name"], nik_a, date_a, place, phone, addr],
        [b, pair["b_name"], nik_b, date_b, place, phone, addr],
    ]
    for i in range(int(pair.get("crowd") or 0)):  # others of the same name: a common name
        rows.append([f"C{i}", pair["a_name"], "", f"19{60 + i}-0{1 + i % 9}-1{i % 9}", "", "", ""])
    return rows


def write_bundle(folder: Path, pair: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    if pair["kind"] == "organization":
        with (folder / "organizations.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["org_id", "name", "kind"])
            w.writerows([["A", pair["a_name"], "bank"], ["B", pair["b_name"], "bank"]])
        return
    with (folder / "people.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "name", "nik", "birth_date", "birth_place", "phones", "address"])
        w.writerows(_people_rows(pair, "A", "B"))


def proposed(pairs: list[dict[str, str]], work: Path) -> list[tuple[bool, float | None]]:
    """For each pair: whether a candidate joins its two records, and its score."""
    from graph.store import EmbeddedStore
    from ingest import ingest_path

    out: list[tuple[bool, float | None]] = []
    for n, pair in enumerate(pairs):
        folder = work / f"pair{n}"
        write_bundle(folder, pair)
        store = EmbeddedStore(work / f"pair{n}.db")
        ingest_path(folder, store, bundle="p", rejects=work / f"pair{n}.rejects.csv")
        found = None
        for rel in store.rels_of_type("POSSIBLY_SAME_AS"):
            if {rel["start"], rel["end"]} == {"p:A", "p:B"}:
                found = float(rel["props"].get("score", 0.0))
        store.close()
        out.append((found is not None, found))
    return out


def table(pairs: list[dict[str, str]], got: list[tuple[bool, float | None]]) -> None:
    groups: dict[str, Counter[str]] = {}
    for pair, (hit, _) in zip(pairs, got, strict=True):
        same = pair["label"] == "same"
        cell = ("tp" if same else "fp") if hit else ("fn" if same else "tn")
        for key in (f"{pair['origin']}/{pair['kind']}", "all"):
            groups.setdefault(key, Counter())[cell] += 1
    print(f"{'pairs':28} {'same':>5} {'diff':>5} {'TP':>4} {'FP':>4} {'FN':>4} "
          f"{'precision':>9} {'recall':>7}")  # fmt: skip
    for key in sorted(groups, key=lambda k: (k == "all", k)):
        c = groups[key]
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else float("nan")
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else float("nan")
        print(f"{key:28} {c['tp'] + c['fn']:>5} {c['fp'] + c['tn']:>5} {c['tp']:>4} "
              f"{c['fp']:>4} {c['fn']:>4} {p:>9.3f} {r:>7.3f}")  # fmt: skip


def synth_rate(scale: float, work: Path, bundle: Path | None) -> None:
    from graph.store import EmbeddedStore
    from ingest import ingest_path
    from ingest.synth import generate

    folder = bundle or work / f"synth{scale}"
    if bundle is None:
        generate(folder, seed=1, scale=scale)
    store = EmbeddedStore(work / "synth.db")
    t0 = time.perf_counter()
    ingest_path(folder, store, bundle="s", rejects=work / "synth.rejects.csv")
    took = time.perf_counter() - t0
    people = store.counts()["nodes"]["Person"]
    rels = store.rels_of_type("POSSIBLY_SAME_AS")
    print(f"synthetic {folder.name}: {people} people, {len(rels)} candidates (all false), "
          f"{1000 * len(rels) / people:.2f} per 1,000 people; ingest {took:.1f} s")  # fmt: skip
    names = store.get_nodes(sorted({e for r in rels for e in (r["start"], r["end"])}))
    for r in rels[:10]:
        a, b = names[r["start"]]["props"]["name"], names[r["end"]]["props"]["name"]
        print(f"  {a!r} ~ {b!r}: {r['props'].get('score')} {r['props'].get('reasons')}")
    store.close()


# -- generated variants -------------------------------------------------------------------

GIVEN = ["Budi", "Joko", "Agus", "Slamet", "Yusuf", "Cahyo", "Sugeng", "Bambang", "Wahyu",
         "Eko", "Hadi", "Suyanto", "Sri", "Siti", "Dewi", "Yuniati", "Sukarno", "Purnomo",
         "Surya", "Syaiful", "Khoirul", "Nyoman", "Teguh", "Rudi", "Cipto", "Umar"]  # fmt: skip
FAMILY = ["Santoso", "Susilo", "Cahyono", "Wijaya", "Prasetyo", "Hartono", "Yulianto",
          "Suryadi", "Kusuma", "Rahayu", "Sujatmiko", "Utomo", "Setiawan", "Junaedi",
          "Hidayat", "Syahputra", "Nugroho", "Mulyono", "Kurniawan", "Wibowo"]  # fmt: skip
TITLES = ["H.", "Hj.", "Drs.", "Ir.", "Dr.", "AKBP", "Kombes Pol.", "Bripka", "Iptu", "Kompol",
          "Aiptu", "Brigjen Pol.", "Serma", "Ustadz"]  # fmt: skip
DEGREES = ["S.H.", "S.E.", "S.Sos.", "M.Si.", "S.Pd.", "S.H., M.H.", "S.I.K."]
OLD = [("j", "dj"), ("c", "tj"), ("u", "oe"), ("ny", "nj"), ("sy", "sj"), ("kh", "ch")]


def _old_spelling(name: str) -> str:
    out = name.lower().replace("y", "\0")  # modern y was j in the old spelling
    for new, old in OLD:
        out = out.replace(new, old)
    return out.replace("\0", "j").title()


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    k = rng.randrange(1, len(w))
    words[i] = w[:k] + rng.choice("aiueo") + w[k + 1 :]
    return " ".join(words)


def _base(rng: random.Random, words: int = 2) -> str:
    parts = [rng.choice(GIVEN)] + rng.sample(FAMILY, words - 1)
    return " ".join(parts)


def generate_pairs(seed: int = 7, n: int = 160) -> list[dict[str, str]]:
    """Seeded positive variants and true negatives, half each."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []

    def add(a: str, b: str, evidence: str, label: str, note: str, crowd: int = 0) -> None:
        rows.append({"kind": "person", "a_name": a, "b_name": b, "evidence": evidence,
                     "label": label, "origin": "generated", "note": note,
                     "crowd": str(crowd)})  # fmt: skip

    variants = ["old spelling", "title", "degree", "initial", "bin", "alias", "typo", "order",
                "title+old spelling"]  # fmt: skip
    evidences = ["birth_date"] * 6 + ["phone", "address", "nik_prefix", "none"]
    for _ in range(n // 2):
        kind = rng.choice(variants)
        base = _base(rng, rng.choice([2, 2, 3]))
        ev = rng.choice(evidences)
        if kind == "old spelling":
            a = _old_spelling(base)
        elif kind == "title":
            a = f"{rng.choice(TITLES)} {base}"
        elif kind == "degree":
            a = f"{base}, {rng.choice(DEGREES)}"
        elif kind == "initial":
            base = f"Muhammad {base}"
            a = "M. " + base.split(" ", 1)[1]
        elif kind == "bin":
            a = f"{base} bin {rng.choice(GIVEN)}"
        elif kind == "alias":
            a = f"{_base(rng)} alias {base}"
        elif kind == "typo":
            a = _typo(rng, base)
        elif kind == "order":
            first, rest = base.split(" ", 1)
            a = f"{rest} {first}"
        else:
            a = f"{rng.choice(TITLES)} {_old_spelling(base)}"
        add(a, base, ev, "same", kind)
    negatives = ["similar name, same birth date", "common name, no birth data",
                 "same name, different birth dates", "one word name, same address",
                 "spouses sharing a phone", "same first names, same birth date",
                 "rare name, no birth data"]  # fmt: skip
    for _ in range(n // 2):
        kind = rng.choice(negatives)
        base = _base(rng)
        given, family = base.split(" ", 1)
        if kind == "similar name, same birth date":
            other = rng.choice([f for f in FAMILY if f != family])
            add(base, f"{given} {other}", "birth_date", "different", kind)
        elif kind == "common name, no birth data":
            add(base, base, "none", "different", kind, crowd=3)
        elif kind == "same name, different birth dates":
            add(base, base, "different_birth_date", "different", kind)
        elif kind == "one word name, same address":
            add(given, given, "address", "different", kind)
        elif kind == "spouses sharing a phone":
            add(base, f"{rng.choice(['Siti', 'Sri', 'Dewi'])} {rng.choice(FAMILY)}", "phone",
                "different", kind)  # fmt: skip
        elif kind == "same first names, same birth date":
            add(f"Muhammad {given} {family}", f"Muhammad {given} {rng.choice(FAMILY)}",
                "birth_date", "different", kind)  # fmt: skip
        else:
            add(base, base, "none", "different", kind)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose code to run")
    parser.add_argument("--scale", type=float, default=5.0, help="synthetic bundle scale")
    parser.add_argument("--no-synth", action="store_true", help="skip the synthetic bundle")
    parser.add_argument(
        "--bundle", type=Path, help="an existing synthetic bundle (same input for both checkouts)"
    )
    parser.add_argument("--generate", action="store_true", help=f"rewrite {GENERATED.name}")
    args = parser.parse_args(argv)
    if args.generate:
        with GENERATED.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(generate_pairs())
        print(f"wrote {GENERATED}")
        return 0
    sys.path.insert(0, str(args.root.resolve()))
    pairs = read_pairs([PAIRS, GENERATED])
    print(f"code: {args.root.resolve()}")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        got = proposed(pairs, Path(tmp))
        print(f"{len(pairs)} labelled pairs in {time.perf_counter() - t0:.1f} s")
        table(pairs, got)
        issue = [(p, g) for p, g in zip(pairs, got, strict=True) if p["origin"] == "issue19"]
        for pair, (hit, score) in issue:
            print(f"  {pair['a_name']!r} ~ {pair['b_name']!r}: "
                  f"{'proposed' if hit else 'not proposed'} {score if hit else ''}")  # fmt: skip
        missed = [(p, g) for p, g in zip(pairs, got, strict=True)
                  if g[0] != (p["label"] == "same")]  # fmt: skip
        print(f"wrong ({len(missed)}):")
        for pair, (hit, _score) in missed:
            print(f"  {'FP' if hit else 'FN'} {pair['a_name']!r} ~ {pair['b_name']!r} "
                  f"[{pair['evidence']}] {pair['note']}")  # fmt: skip
        if not args.no_synth:
            synth_rate(args.scale, Path(tmp), args.bundle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
