"""The registry of protector indicators and the weights file it is checked against.

Every indicator is one module of ``queries/protectors/indicators/`` declaring its
compute function, its evidence words, its colour group, its constants and how it
ages; ``protectors.toml`` must name exactly those kinds, sections and keys.
"""

from __future__ import annotations

import copy
import math
import tomllib
from importlib import resources
from typing import Any

import pytest

from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore
from queries._common import parse_ts
from queries.protectors import KINDS, neighbourhood, rank_graph, weights
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene
from queries.protectors.indicators import ConfigError, checked, kind
from queries.protectors.words import describe

AS_OF = "2024-12-31T00:00:00Z"
SEVEN = ("money", "tipoff", "organizations", "cases", "ties", "comms", "bridging")


def node(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": props}


def _file() -> dict[str, Any]:
    text = resources.files("queries").joinpath("protectors.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_the_registry_is_the_weights_table_in_its_order() -> None:
    assert list(KINDS) == list(_file()["weights"])
    assert [k for k in KINDS if k in SEVEN] == list(SEVEN)
    for name, k in KINDS.items():
        assert k.name == name and kind(name) is k
        assert k.section is None or set(_file()[k.section]) == k.keys


def test_an_unknown_or_missing_kind_in_the_weights_fails() -> None:
    data = _file()
    bad = copy.deepcopy(data)
    bad["weights"]["bribes"] = 0.5
    with pytest.raises(ConfigError, match=r"\[weights\]: unknown indicator kind\(s\) \['bribes'\]"):
        checked(bad, KINDS)
    bad = copy.deepcopy(data)
    del bad["weights"]["tipoff"]
    with pytest.raises(ConfigError, match=r"no weight for \['tipoff'\]"):
        checked(bad, KINDS)
    assert checked(data, KINDS) is data


def test_a_misspelt_or_missing_constant_fails() -> None:
    """A key no indicator reads (a misspelling would otherwise load silently) and a
    key one reads that is missing are both refused, naming the section."""
    bad = copy.deepcopy(_file())
    bad["money"]["count_wieght"] = bad["money"].pop("count_weight")
    with pytest.raises(ConfigError, match=r"\[money\]: unknown key\(s\) \['count_wieght'\], "
                                          r"missing key\(s\) \['count_weight'\]"):
        checked(bad, KINDS)
    bad = copy.deepcopy(_file())
    bad["bridging"] = {"scale": 1.0}
    with pytest.raises(ConfigError, match=r"section\(s\) \['bridging'\] that no indicator"):
        checked(bad, KINDS)
    bad = copy.deepcopy(_file())
    del bad["output"]["kind_min"]
    with pytest.raises(ConfigError, match=r"\[output\]: .* missing key\(s\) \['kind_min'\]"):
        checked(bad, KINDS)


def test_an_unknown_kind_has_no_words() -> None:
    """An unknown kind is refused (it used to get the bridging sentence)."""
    with pytest.raises(ValueError, match="unknown indicator kind 'bribes'"):
        describe("bribes", {"relative_betweenness": 0.5})
    assert describe("ties", {"ties": 2}) == "2 hubungan keluarga/rekan dengan anggota"
    assert describe("ties", {"ties": 2}, "en") == "2 family/associate ties with members"
    assert describe("ties", {"ties": 1}, "en") == "1 family/associate tie with members"


def test_a_declaration_ages_only_by_its_own_constants() -> None:
    """(Its words are messages of the catalogue: tests/test_messages.py checks that
    each has Bahasa Indonesia.)"""
    def nothing(s: Scene, o: str) -> Any:
        raise AssertionError

    with pytest.raises(ValueError, match="its aging reads"):
        IndicatorKind("late", nothing, lambda f, lang: "", colour=None,
                      aging=KINDS["cases"].aging)


def test_the_money_formula_reads_its_weights_from_the_file(embedded_store: EmbeddedStore
                                                           ) -> None:
    """One payment of Rp 10 juta graded 1.0: c = 1 - e^(-1/3), a = 1 - e^(-0.2); the
    strength follows count_weight and amount_weight as the file sets them."""
    def rel(rid: str, typ: str, start: str, end: str, **props: Any) -> RelRow:
        return {"id": rid, "type": typ, "start": start, "end": end,
                "props": {"sources": ["t:S1"], **props}}

    embedded_store.upsert(
        [node("t:S1", "Source", reliability="A", credibility="1"), node("t:R", "Ring"),
         node("t:M", "Person"), node("t:AM", "Account"),
         node("t:P", "Person", "Official"), node("t:AP", "Account")],
        [rel("m", "MEMBER_OF", "t:M", "t:R"), rel("hm", "HOLDS", "t:M", "t:AM"),
         rel("hp", "HOLDS", "t:P", "t:AP"),
         rel("t", "TRANSFERRED", "t:AM", "t:AP", amount=10_000_000.0, at="2023-05-01T10:00:00Z")],
    )
    h = neighbourhood(embedded_store, "t:R")
    c, a = 1 - math.exp(-1 / 3), 1 - math.exp(-0.2)
    for cw, aw in ((0.6, 0.5), (0.3, 0.9)):
        cfg = copy.deepcopy(weights())
        cfg["money"].update(count_weight=cw, amount_weight=aw)
        ranked = rank_graph(h.copy(), "t:R", as_of=parse_ts(AS_OF), cfg=cfg)
        money = ranked[0]["indicators"][0]
        assert money["kind"] == "money"
        assert money["score"] == pytest.approx(1 - (1 - cw * c) * (1 - aw * a), abs=1e-4)
