"""The whole-graph result cache: rankings, victims, rings.

Kept until the store's generation changes (any commit, also by another connection
or process), computed once for concurrent misses, bounded, and applied before the
role's view so that it can never carry one role's data to another.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Api, another_connection, build, make_api, node, rel, wait_ready

from graph.cache import GenerationCache
from graph.store import EmbeddedStore, Store
from ingest import ingest_path
from ingest.synth import generate
from queries._common import iso, parse_ts
from queries.protectors import Rankings, rank_protectors

P = "/api/v1"


def _counters(api: Api) -> dict[str, int]:
    """The cache's counters as an admin reads them (``GET /api/v1/cache``; that request
    itself asks the cache for nothing)."""
    r = api.get(f"{P}/cache", "admin")
    assert r.status_code == 200, r.text
    counters: dict[str, int] = r.json()["cache"]
    return counters


# -- the cache itself ---------------------------------------------------------------
def _wait_for(cond: Any, what: str) -> None:
    deadline = time.monotonic() + 60
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


def test_concurrent_misses_compute_once(embedded_store: EmbeddedStore) -> None:
    cache = GenerationCache(8)
    release = threading.Event()
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        release.wait(60)
        return {"v": 1}

    results: list[Any] = []

    def ask() -> None:
        results.append(cache.get(embedded_store, 1, "k", compute))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    _wait_for(lambda: cache.stats.misses == 1 and cache.stats.joined == 7, "7 joiners")
    release.set()
    for t in threads:
        t.join(60)
    assert len(calls) == 1 and len(results) == 8
    assert all(r is results[0] for r in results)  # one computation, shared
    assert cache.get(embedded_store, 1, "k", compute) is results[0] and cache.stats.hits == 1
    # another generation is another answer
    assert cache.get(embedded_store, 2, "k", lambda: {"v": 2}) == {"v": 2}
    assert len(cache) == 1  # the newer generation replaced the older entry


def test_a_failed_computation_is_shared_and_not_kept(embedded_store: EmbeddedStore) -> None:
    cache = GenerationCache(8)
    release = threading.Event()
    errors: list[BaseException] = []

    def boom() -> int:
        release.wait(60)
        raise RuntimeError("store went away")

    def ask() -> None:
        try:
            cache.get(embedded_store, 1, "k", boom)
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    _wait_for(lambda: cache.stats.joined == 2, "2 joiners")
    release.set()
    for t in threads:
        t.join(60)
    assert len(errors) == 3 and len(cache) == 0
    assert cache.get(embedded_store, 1, "k", lambda: 5) == 5


def test_least_recently_used_goes_first(embedded_store: EmbeddedStore, tmp_path: Path) -> None:
    cache = GenerationCache(2)
    cache.get(embedded_store, 1, "a", lambda: "A")
    cache.get(embedded_store, 1, "b", lambda: "B")
    cache.get(embedded_store, 1, "a", lambda: "stale")  # a is now the most recent
    cache.get(embedded_store, 1, "c", lambda: "C")  # b goes
    assert cache.get(embedded_store, 1, "a", lambda: "new") == "A"
    assert cache.get(embedded_store, 1, "b", lambda: "B2") == "B2"
    assert cache.stats.evicted == 2
    other = EmbeddedStore(tmp_path / "other")  # another store never sees these entries
    assert cache.get(other, 1, "a", lambda: "other") == "other"
    other.close()


# -- the ranking it keeps -------------------------------------------------------------
@pytest.fixture(scope="module")
def small_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-cache")
    generate(out, seed=3, scale=0.05)
    return out


def test_cached_report_is_rank_protectors(store: Store, small_bundle: Path, tmp_path: Path) -> None:
    ingest_path(small_bundle, store, bundle="s3", rejects=tmp_path / "rej.csv")
    rings = [f"s3:{r}" for r in sorted(json.loads((small_bundle / "truth.json").read_text())
                                       ["rings"])]
    api = make_api(store, tmp_path / "state")
    with api.client:
        for when in ("2024-06-01T00:00:00Z", "2030-01-01T00:00:00Z"):
            for ring in rings:
                direct = rank_protectors(store, ring_id=ring, as_of=when)
                assert Rankings.one_shot().get(store, ring, as_of=when) == direct
                for top in (1, 50):
                    r = api.get(f"{P}/rings/{ring}/protectors?as_of={when}&top={top}", "propam")
                    assert r.status_code == 200, r.text
                    assert r.json() == {**direct, "protectors": direct["protectors"][:top]}
        hits = _counters(api)["hits"]
        ring = rings[0]
        assert api.get(f"{P}/rings/{ring}/protectors", "propam").status_code == 200
        assert api.get(f"{P}/rings/{ring}/protectors", "propam").status_code == 200
        assert _counters(api)["hits"] > hits


def _timed_graph(store: Store) -> None:
    """The tiny graph plus an open case against Siti that stalls a year after
    2023-01-01, handled by Iptu Andi; AKP Joko's post ends on 2023-06-30."""
    build(store)
    store.upsert(
        [node("t:K2", "Case", title="LP/2", status="lidik", opened_at="2023-01-01")],
        [
            rel("t:s2", "SUSPECT_IN", "t:M2", "t:K2"),
            rel("t:i2", "INVESTIGATES", "t:O2", "t:K2"),
            rel("t:hp1", "HOLDS_POST", "t:O1", "t:AG1", rank="AKP", since="2019-01-01",
                until="2023-06-30"),
        ],
    )


# Moments on both sides of each boundary of the graph above, grouped by what the
# ranking sees: the tip-off call at 2023-06-09T20:00:00Z, the end of the post (until
# 2023-06-30, so gone from 2023-07-01) and the stalled case (opened 2023-01-01, stalled
# once it is strictly more than 365 days old).
MOMENTS = (
    ("2023-06-09T19:00:00Z", "2023-06-09T19:59:59Z"),
    ("2023-06-09T20:00:00Z", "2023-06-30T23:59:59Z"),
    ("2023-07-01T00:00:00Z", "2023-12-31T23:59:59Z", "2024-01-01T00:00:00Z"),
    ("2024-01-01T00:00:01Z", "2099-01-01T00:00:00Z"),
)


def test_reused_only_within_a_time_boundary(store: Store, tmp_path: Path) -> None:
    _timed_graph(store)
    facts = Rankings.one_shot().lookup(store, "t:R1", as_of=MOMENTS[0][0])[1].facts
    api = make_api(store, tmp_path / "state")
    with api.client:
        reports = []
        for group in MOMENTS:
            assert len({facts.signature(parse_ts(m)) for m in group}) == 1, group
            for when in group:
                direct = rank_protectors(store, ring_id="t:R1", as_of=when, top=50)
                hits = _counters(api)["hits"]
                r = api.get(f"{P}/rings/t:R1/protectors?as_of={when}", "propam")
                assert r.status_code == 200 and r.json() == direct, when
                if when != group[0]:  # the same signature: served from the cache
                    assert _counters(api)["hits"] > hits, when
            reports.append(json.dumps({**direct, "as_of": None}, sort_keys=True))
        # each boundary really changes the ranking, and no report crossed one
        assert len(set(reports)) == len(MOMENTS)
        assert len({facts.signature(parse_ts(g[0])) for g in MOMENTS}) == len(MOMENTS)
        # the default moment (now) is after every boundary
        now = api.get(f"{P}/rings/t:R1/protectors", "propam").json()
        assert json.dumps({**now, "as_of": None}, sort_keys=True) == reports[-1]


# -- what each role sees after the cache ------------------------------------------------
def test_roles_are_applied_after_the_cache(store: Store, tmp_path: Path) -> None:
    _timed_graph(store)
    api = make_api(store, tmp_path / "state")
    with api.client:
        flag = api.post(f"{P}/flags", "propam", json={"official_id": "t:O1", "reason": "x"})
        fid = flag.json()["id"]
        # one role fills the cache, the others read it: each still gets its own view
        for role in ("propam", "reskrim", "analyst", "reskrim", "propam"):
            r = api.get(f"{P}/rings/t:R1/protectors", role)
            assert r.status_code == 200 and fid not in r.text
        assert _counters(api)["hits"] >= 4
        victims_phone = "+6281399999999"
        prot = api.get(f"{P}/rings/t:R1/protectors", "propam").text
        resk = api.get(f"{P}/rings/t:R1/protectors", "reskrim").text
        if victims_phone in prot:  # the victim's phone called a member: masked for reskrim
            assert victims_phone not in resk and "masked-phone:" in resk


def test_a_new_flag_is_hidden_from_the_next_request(api: Api) -> None:
    for role in ("reskrim", "analyst"):
        assert api.get(f"{P}/rings/t:R1/protectors", role).status_code == 200
        assert api.get(f"{P}/entities/t:O1", role).status_code == 200
    flag = api.post(f"{P}/flags", "propam", json={"official_id": "t:O1", "reason": "x"})
    assert flag.status_code == 201
    fid = flag.json()["id"]
    for role in ("reskrim", "analyst", "propam"):
        # the flag is in the Propam store: its id names nothing in the graph, for anyone
        for url in (f"{P}/paths?from=t:O1&to={fid}", f"{P}/entities/{fid}",
                    f"{P}/entities/{fid}/timeline"):
            r = api.get(url, role)  # (the problem document names the path asked for)
            assert r.status_code == 404 and "data" not in r.json(), (role, url)
        for url in (f"{P}/rings/t:R1/protectors", f"{P}/entities/t:O1/neighbourhood?hops=2"):
            r = api.get(url, role)
            assert r.status_code == 200 and fid not in r.text, (role, url)
    assert api.get(f"{P}/flags/{fid}", "propam").status_code == 200


def test_writes_by_another_connection_are_seen(api: Api) -> None:
    """What a CLI ingest in another process does: the next request sees it."""
    before = api.get(f"{P}/rings/t:R1/protectors", "reskrim").json()
    assert "t:O2" not in {p["id"] for p in before["protectors"]}
    assert api.get(f"{P}/rings", "reskrim").json()["count"] == 1
    m2 = api.get(f"{P}/entities/t:M2", "reskrim").json()
    assert "nik" not in m2["props"]
    with another_connection(api.store) as other:
        months = range(1, 7)
        other.upsert(
            [node("t:A_O2", "Account", bank="BRI", number="444"),
             node("t:M2", "Person", name="Siti Rahayu", nik="3501010101800009"),
             node("t:R2", "Ring", name="Jaringan Barat"),
             node("t:M3", "Person", name="Joko Susilo")],
            [rel("t:h3", "HOLDS", "t:O2", "t:A_O2"),
             *(rel(f"t:tro2-{m}", "TRANSFERRED", "t:A_M1", "t:A_O2", amount=20_000_000.0,
                   currency="IDR", at=f"2023-0{m}-05T10:00:00Z") for m in months),
             rel("t:v2", "VICTIM_IN", "t:M2", "t:K1"),
             rel("t:mo3", "MEMBER_OF", "t:M3", "t:R2")],
        )
    after = api.get(f"{P}/rings/t:R1/protectors", "reskrim").json()
    assert "t:O2" in {p["id"] for p in after["protectors"]}
    assert after == {**rank_protectors(api.store, ring_id="t:R1", top=50),
                     "as_of": after["as_of"]}
    assert api.get(f"{P}/rings", "reskrim").json()["count"] == 2
    assert api.get(f"{P}/rings/t:R2/protectors", "reskrim").status_code == 200
    # t:M2 became a victim: masked for reskrim from the next request on
    assert api.get(f"{P}/entities/t:M2", "reskrim").json()["props"]["nik"] == "***"
    assert api.get(f"{P}/entities/t:M2", "propam").json()["props"]["nik"] == "3501010101800009"


def test_cli_ingest_in_another_process_is_seen(
    embedded_store: EmbeddedStore, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    build(embedded_store)
    api = make_api(embedded_store, tmp_path / "state")
    with api.client:
        assert api.get(f"{P}/rings", "reskrim").json()["count"] == 1
        bundle = tmp_path / "b"
        generate(bundle, seed=5, scale=0.05)
        done = subprocess.run(
            [sys.executable, "-c", "from graph_api.cli import main; main()", "ingest",
             str(bundle), "--store", f"embedded:{embedded_store.path}"],
            env=dict(os.environ), capture_output=True, text=True, check=False, timeout=600,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        rings = json.loads((bundle / "truth.json").read_text())["rings"]
        listed = api.get(f"{P}/rings?limit=1000", "reskrim").json()
        assert listed["count"] == 1 + len(rings)
        ring = f"b:{sorted(rings)[0]}"
        r = api.get(f"{P}/rings/{ring}/protectors?as_of=2030-01-01T00:00:00Z", "propam")
        assert r.json() == rank_protectors(embedded_store, ring_id=ring, top=50,
                                           as_of="2030-01-01T00:00:00Z")
        assert iso(parse_ts(r.json()["as_of"])) == "2030-01-01T00:00:00Z"


def test_the_quick_check_never_skips_a_needed_walk() -> None:
    """``Redactor.untouched`` says "unchanged" only when the walk would change nothing."""
    from graph_api.web.masking import Redactor, Strings, Victims, dumps

    fid, phone, nik = "propam:flag-0123", "+6281399999999", "3501014101990002"
    vics = Victims(frozenset({"t:V1"}), frozenset({phone}), frozenset({nik}))
    values: list[Any] = [
        {"id": "t:O1", "labels": ["Official", "Person"], "props": {"name": "Joko"}},
        {"id": "t:V1", "labels": ["Person"], "props": {"name": "Ani"}},
        {"nodes": ["t:O1", fid], "relationships": []},
        {"note": f"see {fid} and more"},
        {"id": "x", "labels": ["Flag"]},
        {"type": "FLAGS", "start": "a", "end": "b"},
        {"calls": [{"from": phone, "to": "+62811"}]},
        {"props": {"memo": nik}},
        {fid: 1},
        [{"rel_type": "FLAGS"}, {"at": "2023-01-01"}],
    ]
    # a flag's id is no mark (flags live in the Propam store); its label and type are
    expected = {"reskrim": {0, 2, 3, 8}, "analyst": {0, 1, 2, 3, 6, 7, 8},
                "admin": {0, 1, 2, 3, 6, 7, 8}, "propam": set(range(len(values)))}
    for role, quick in expected.items():
        red = Redactor(role=role, victims=vics if role == "reskrim" else Victims(), key=b"k")
        for i, v in enumerate(values):
            skip = red.untouched(Strings.of(v))
            assert skip == (i in quick), (role, v)
            if skip:
                assert red.clean(v) == v and not red.leaks(dumps(v)), (role, v)


# -- a write that changes no ranking -------------------------------------------------
def test_a_flag_leaves_the_kept_rankings_alone(api: Api) -> None:
    """A Propam flag is written to the Propam store: the investigation store's generation
    does not move, so the kept rankings stay as they are (nothing ranked again) and the
    answer is still the ranking as of now."""
    first = api.get(f"{P}/rings/t:R1/protectors", "reskrim").json()
    before = _counters(api)
    generation = api.store.generation
    flag = api.post(f"{P}/flags", "propam", json={"official_id": "t:O1", "reason": "x"})
    assert flag.status_code == 201
    assert api.store.generation == generation
    after = api.get(f"{P}/rings/t:R1/protectors", "reskrim").json()
    assert after == {**first, "as_of": after["as_of"]}
    assert after == {**rank_protectors(api.store, ring_id="t:R1", top=50),
                     "as_of": after["as_of"]}
    now = _counters(api)  # nothing computed: every answer was kept
    assert now["misses"] == before["misses"] and now["hits"] > before["hits"]
    assert flag.json()["id"] not in api.get(f"{P}/rings/t:R1/protectors", "reskrim").text


def test_a_write_the_ranking_reads_ranks_again(api: Api) -> None:
    """A transfer to a clean official's new account (another connection: the service
    does not know what was written) moves the generation: ranked again."""
    first = api.get(f"{P}/rings/t:R1/protectors", "reskrim").json()
    assert "t:O2" not in {p["id"] for p in first["protectors"]}
    before = _counters(api)
    with another_connection(api.store) as other:
        other.upsert(
            [node("t:A_O2", "Account", bank="BRI", number="444")],
            [rel("t:h3", "HOLDS", "t:O2", "t:A_O2"),
             *(rel(f"t:tro2-{m}", "TRANSFERRED", "t:A_M1", "t:A_O2", amount=20_000_000.0,
                   currency="IDR", at=f"2023-0{m}-05T10:00:00Z") for m in range(1, 7))],
        )
    after = api.get(f"{P}/rings/t:R1/protectors", "reskrim").json()
    assert "t:O2" in {p["id"] for p in after["protectors"]}
    assert after == {**rank_protectors(api.store, ring_id="t:R1", top=50),
                     "as_of": after["as_of"]}
    assert _counters(api)["misses"] > before["misses"]  # ranked again


def test_a_property_changed_in_place_ranks_again(api: Api) -> None:
    """Any change of what the extraction reads is seen, also one that adds or removes
    nothing: a case's status, the evidence's source grade."""
    first = api.get(f"{P}/rings/t:R1/protectors", "propam").json()
    before = _counters(api)
    with another_connection(api.store) as other:
        other.upsert([node("t:K1", "Case", status="p21"),
                      node("t:S1", "Source", reliability="F", credibility="6")], [])
    after = api.get(f"{P}/rings/t:R1/protectors", "propam").json()
    assert after != {**first, "as_of": after["as_of"]}
    assert after == {**rank_protectors(api.store, ring_id="t:R1", top=50),
                     "as_of": after["as_of"]}
    assert _counters(api)["misses"] > before["misses"]  # ranked again


def test_a_write_into_one_ring_ranks_its_group_again(
    store: Store, small_bundle: Path, tmp_path: Path
) -> None:
    """Three rings kept as one group; payments from one ring's member to a new official
    (written past the API) change what that ring's extraction reads: the group is
    ranked again and every answer equals ``rank_protectors`` at the same moment; so
    after a write none of them reads."""
    ingest_path(small_bundle, store, bundle="s3", rejects=tmp_path / "rej.csv")
    truth = json.loads((small_bundle / "truth.json").read_text())
    rings = tuple(f"s3:{r}" for r in sorted(truth["rings"]))
    members = set(truth["members"]["RING2"])
    text = (small_bundle / "accounts.csv").read_bytes().decode("cp1252")
    payer = next(f"s3:{row['account_id']}"
                 for row in csv.DictReader(io.StringIO(text), delimiter=";")
                 if row["holder_id"] in members)
    assert store.get_node(payer) is not None
    api = make_api(store, tmp_path / "state")

    def answers() -> dict[str, Any]:
        out: dict[str, Any] = {}
        for ring in rings:
            r = api.get(f"{P}/rings/{ring}/protectors?top=1000", "propam")
            assert r.status_code == 200, r.text
            out[ring] = got = r.json()
            assert got == rank_protectors(store, ring_id=ring, as_of=got["as_of"]), ring
        return out

    with api.client:
        wait_ready(api.client)
        before = answers()
        assert "s3:NEWO" not in {p["id"] for p in before["s3:RING2"]["protectors"]}
        # (through the service's own store object: another embedded connection reloads
        # the graph, and then every ring of the group is ranked again)
        store.upsert(
            [node("s3:NEWO", "Person", "Official", name="Iptu Baru"),
             node("s3:NEWA", "Account", bank="BRI", number="777")],
            [rel("s3:hnew", "HOLDS", "s3:NEWO", "s3:NEWA"),
             *(rel(f"s3:pnew{m}", "TRANSFERRED", payer, "s3:NEWA", amount=15_000_000.0,
                   currency="IDR", at=f"2024-0{m}-05T10:00:00Z") for m in range(1, 5))],
        )
        after = answers()
        assert "s3:NEWO" in {p["id"] for p in after["s3:RING2"]["protectors"]}
        store.upsert([node("s3:ELSEWHERE", "Person", name="Orang Lain")], [])
        again = answers()
        for ring in rings:
            assert again[ring] == {**after[ring], "as_of": again[ring]["as_of"]}, ring
