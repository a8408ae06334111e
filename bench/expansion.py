"""Ring expansion on labelled real networks, and its latency on a synthetic store.

Quality: for each group with at least ``--min-size`` members of
``../shared/data/infinito`` (groups: ``locale`` in ``nodes.csv``, without OUT, MISS
and blank; ties: ``edges.csv``, ``weight`` = summits both attended) and of
``../shared/data/noordin_139`` (groups: ``primary_group``; ties:
``person_edges.csv`` only, the organisation affiliations left out), mark 30 % of
the group (10 seeded trials), rank every other node of the network and compute
average precision and R-precision. Methods:

- ``telusur``: :func:`queries.expand.walk_scores` over :func:`queries.expand.tie_weight`
  ties, exactly what ``ring_expand`` runs after its fetch. Ties are counted by kind as
  the store fetch counts them: a summit both attended is one ``CO_EVENT``; a
  Noordin kinship tie is ``FAMILY``, communication ``CALLED``, classmates /
  friendship / soulmates one ``ASSOCIATE`` each;
- ``telusur (untuned)``: the same with the textbook settings (restart 0.15,
  score = visit probability / degree), before anything was chosen on these data;
- baselines: direct ties (sum of tie weights to marked members; and the number of
  marked members tied), common neighbours with marked members, personalised
  PageRank (networkx, alpha 0.85, weighted and unweighted).

Nodes a method does not reach are ranked after the others, by id, for every method.

Latency: a ``--scale`` (default 6: about 100,000 calls) synthetic bundle
(``ingest.synth.generate``) in the embedded store; ``ring_expand`` on every ring at 1,
2 and 3 hops, timed after one warm-up call.

A benchmark, not a test. Usage::

    python bench/expansion.py                  # both networks and the synthetic store
    python bench/expansion.py --no-latency     # quality only
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

import networkx as nx  # noqa: E402
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python  # noqa: E402

from queries.expand import tie_weight, walk_scores  # noqa: E402

DATA = _BENCH.parent.parent / "shared" / "data"
Pair = tuple[str, str]
#: (all node ids, groups {label: [ids]}, ties {(a, b): {kind: count}})
Network = tuple[list[str], dict[str, list[str]], dict[Pair, Counter[str]]]
Method = Callable[[Mapping[Pair, Counter[str]], list[str]], Mapping[str, float]]
NOORDIN_KIND = {"kinship": "FAMILY", "communication": "CALLED"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def infinito(root: Path = DATA) -> Network:
    nodes = _rows(root / "infinito" / "nodes.csv")
    groups: dict[str, list[str]] = {}
    for r in nodes:
        if r["locale"] not in ("OUT", "MISS", ""):
            groups.setdefault(r["locale"], []).append(r["person_id"])
    ties: dict[Pair, Counter[str]] = {}
    for e in _rows(root / "infinito" / "edges.csv"):
        ties.setdefault(_pair(e["source"], e["target"]), Counter())["CO_EVENT"] += int(e["weight"])
    return [r["person_id"] for r in nodes], groups, ties


def noordin(root: Path = DATA) -> Network:
    nodes = _rows(root / "noordin_139" / "nodes.csv")
    groups: dict[str, list[str]] = {}
    for r in nodes:
        groups.setdefault(r["primary_group"], []).append(r["name"])
    ties: dict[Pair, Counter[str]] = {}
    for e in _rows(root / "noordin_139" / "person_edges.csv"):
        if e["source"] != e["target"]:
            kind = NOORDIN_KIND.get(e["relation"], "ASSOCIATE")
            ties.setdefault(_pair(e["source"], e["target"]), Counter())[kind] += 1
    return [r["name"] for r in nodes], groups, ties


NETWORKS: dict[str, Callable[[Path], Network]] = {"infinito": infinito, "noordin_139": noordin}


# -- methods ---------------------------------------------------------------------------------
def telusur(ties: Mapping[Pair, Counter[str]], seeds: list[str]) -> Mapping[str, float]:
    return walk_scores({p: tie_weight(c) for p, c in ties.items()}, seeds)


def telusur_untuned(ties: Mapping[Pair, Counter[str]], seeds: list[str]) -> Mapping[str, float]:
    weights = {p: tie_weight(c) for p, c in ties.items()}
    return walk_scores(weights, seeds, restart=0.15, beta=1.0)


def _graph(ties: Mapping[Pair, Counter[str]], weighted: bool) -> nx.Graph:
    g = nx.Graph()
    for (a, b), c in sorted(ties.items()):
        g.add_edge(a, b, weight=tie_weight(c) if weighted else 1.0)
    return g


def direct_weighted(ties: Mapping[Pair, Counter[str]], seeds: list[str]) -> Mapping[str, float]:
    s, out = set(seeds), dict[str, float]()
    for (a, b), c in ties.items():
        if a in s:
            out[b] = out.get(b, 0.0) + tie_weight(c)
        if b in s:
            out[a] = out.get(a, 0.0) + tie_weight(c)
    return out


def direct_members(ties: Mapping[Pair, Counter[str]], seeds: list[str]) -> Mapping[str, float]:
    s, out = set(seeds), Counter[str]()
    for a, b in ties:
        out[b] += a in s
        out[a] += b in s
    return out


def common_neighbours(ties: Mapping[Pair, Counter[str]], seeds: list[str]) -> Mapping[str, float]:
    g, out = _graph(ties, False), Counter[str]()
    for s in seeds:
        for n in g[s] if s in g else ():
            for v in g[n]:
                if v != s:
                    out[v] += 1
    return out


def _ppr(weighted: bool) -> Method:
    def method(ties: Mapping[Pair, Counter[str]], seeds: list[str]) -> Mapping[str, float]:
        g = _graph(ties, weighted)
        g.add_nodes_from(seeds)
        start = {n: float(n in seeds) for n in g}
        scores: dict[str, float] = _pagerank_python(g, alpha=0.85, personalization=start)
        return scores

    return method


METHODS: dict[str, Method] = {
    "telusur": telusur,
    "telusur (untuned)": telusur_untuned,
    "direct ties (weight)": direct_weighted,
    "direct ties (members)": direct_members,
    "common neighbours": common_neighbours,
    "PPR networkx (weighted)": _ppr(True),
    "PPR networkx": _ppr(False),
}
BASELINES = [m for m in METHODS if not m.startswith("telusur")]


# -- measures --------------------------------------------------------------------------------
def average_precision(ranked: Sequence[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for i, n in enumerate(ranked, start=1):
        if n in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def r_precision(ranked: Sequence[str], relevant: set[str]) -> float:
    return len(set(ranked[: len(relevant)]) & relevant) / len(relevant)


def evaluate(
    network: Network,
    methods: Mapping[str, Method],
    *,
    trials: int = 10,
    share: float = 0.3,
    min_size: int = 5,
) -> dict[str, dict[str, tuple[float, float]]]:
    """``{group or "mean": {method: (mean AP, mean R-precision)}}``; "mean" weighs
    every group alike."""
    nodes, groups, ties = network
    per: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for name in sorted(groups):
        group = sorted(groups[name])
        if len(group) < min_size:
            continue
        for t in range(trials):
            rng = random.Random(f"{name}:{t}")
            seeds = sorted(rng.sample(group, max(1, round(share * len(group)))))
            relevant = set(group) - set(seeds)
            others = [n for n in nodes if n not in seeds]
            for m, method in methods.items():
                scores = method(ties, seeds)
                ranked = sorted(others, key=lambda n: (-scores.get(n, 0.0), n))
                got = (average_precision(ranked, relevant), r_precision(ranked, relevant))
                per.setdefault(name, {}).setdefault(m, []).append(got)
    out = {
        g: {
            m: (statistics.fmean(x[0] for x in v), statistics.fmean(x[1] for x in v))
            for m, v in ms.items()
        }
        for g, ms in per.items()
    }
    out["mean"] = {
        m: (
            statistics.fmean(out[g][m][0] for g in per),
            statistics.fmean(out[g][m][1] for g in per),
        )
        for m in methods
    }
    return out


def quality(root: Path, methods: Mapping[str, Method]) -> None:
    for name, load in NETWORKS.items():
        net = load(root)
        res = evaluate(net, methods)
        sizes = {g: len(v) for g, v in net[1].items()}
        print(f"\n### {name}: mean AP / R-precision (30 % marked, 10 trials)\n")
        cols = list(methods)
        print("| group (size) | " + " | ".join(cols) + " |")
        print("|---" * (len(cols) + 1) + "|")
        for g, row in res.items():
            label = g if g == "mean" else f"{g} ({sizes[g]})"
            print(
                f"| {label} | "
                + " | ".join(f"{row[m][0]:.3f} / {row[m][1]:.3f}" for m in cols)
                + " |"
            )
        mean = res["mean"]
        best = max(BASELINES, key=lambda m: mean[m][0])
        for m in ("telusur", "telusur (untuned)"):
            gain = mean[m][0] / mean[best][0] - 1
            print(
                f"\n{m}: mean AP {mean[m][0]:.3f} vs best baseline {best} "
                f"{mean[best][0]:.3f}: {gain:+.1%}"
            )


def sensitivity(root: Path) -> None:
    print("\n### restart x beta (telusur ties), mean AP infinito / noordin_139\n")
    nets = {n: load(root) for n, load in NETWORKS.items()}
    betas = (0.0, 0.5, 1.0)
    print("| restart | " + " | ".join(f"beta {b}" for b in betas) + " |")
    print("|---" * (len(betas) + 1) + "|")
    for r in (0.15, 0.3, 0.5):
        cells = []
        for b in betas:

            def m(
                ties: Mapping[Pair, Counter[str]], seeds: list[str], r: float = r, b: float = b
            ) -> Mapping[str, float]:
                return walk_scores(
                    {p: tie_weight(c) for p, c in ties.items()}, seeds, restart=r, beta=b
                )

            aps = [evaluate(net, {"x": m})["mean"]["x"][0] for net in nets.values()]
            cells.append(" / ".join(f"{a:.3f}" for a in aps))
        print(f"| {r} | " + " | ".join(cells) + " |")


def latency(scale: float, reps: int) -> None:
    import json

    from graph.store import EmbeddedStore
    from ingest import ingest_path
    from ingest.synth import generate
    from queries import ring_expand

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bundle"
        generate(folder, seed=1, scale=scale)
        with (folder / "calls.csv").open(encoding="utf-8") as f:
            calls = sum(1 for _ in f) - 1
        store = EmbeddedStore(Path(tmp) / "store")
        t0 = time.perf_counter()
        ingest_path(folder, store, bundle="bench")
        load = time.perf_counter() - t0
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        rings = [f"bench:{r}" for r in sorted(truth["members"])]
        counts = store.counts()
        nodes, rels = sum(counts["nodes"].values()), sum(counts["relationships"].values())
        print(
            f"\n### ring_expand latency, embedded store, synth scale {scale}: {calls:,} calls, "
            f"{nodes:,} nodes, {rels:,} relationships (ingest {load:.0f} s)\n"
        )
        print("| hops | p50 ms | p95 ms | max ms | subgraph nodes (median / max) |")
        print("|---:|---:|---:|---:|---|")
        for hops in (1, 2, 3):
            times: list[float] = []
            sizes: list[int] = []
            for ring in rings:
                ring_expand(store, ring_id=ring, hops=hops)
                for _ in range(reps):
                    t = time.perf_counter()
                    out = ring_expand(store, ring_id=ring, hops=hops)
                    times.append(time.perf_counter() - t)
                sizes.append(out["subgraph_nodes"])
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(
                f"| {hops} | {statistics.median(times) * 1000:.0f} | {p95 * 1000:.0f} | "
                f"{times[-1] * 1000:.0f} | {statistics.median(sizes):.0f} / {max(sizes)} |"
            )
        print(f"\n{len(rings)} rings x {reps} reps after one warm-up call each.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--scale", type=float, default=6.0)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-latency", action="store_true")
    ap.add_argument("--no-quality", action="store_true")
    ap.add_argument("--sensitivity", action="store_true")
    args = ap.parse_args()
    if not args.no_quality:
        if not (args.data / "infinito").is_dir() or not (args.data / "noordin_139").is_dir():
            print(f"quality skipped: {args.data}/infinito or noordin_139 is absent")
        else:
            quality(args.data, METHODS)
            if args.sensitivity:
                sensitivity(args.data)
    if not args.no_latency:
        latency(args.scale, args.reps)


if __name__ == "__main__":
    main()
