"""The API documents itself: every route has a summary of its own, a description, a
typed answer and an example; the examples are real shapes, the ids the demo's.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any, TypedDict

import pytest
from api_helpers import settings
from pydantic import BaseModel, ValidationError

from graph import rows
from graph.store import EmbeddedStore
from graph_api.web import create_app, schemas
from queries import _types as query_types
from queries import cdr as query_cdr
from queries.protectors import _types as protector_types

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> Doc:
    state: Path = tmp_path_factory.mktemp("openapi")
    store = EmbeddedStore(state / "store")
    try:
        return create_app(settings(state), store=store).openapi()
    finally:
        store.close()


def operations(doc: Doc) -> list[tuple[str, str, Doc]]:
    return [
        (method.upper(), path, op)
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def resolve(doc: Doc, schema: Doc) -> Doc:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _name(op: Doc) -> str:
    """The summary FastAPI makes up from the function's name when none is given."""
    return str(op["operationId"]).split("_api_", 1)[0].split("__", 1)[0].replace("_", " ")


def test_every_route_has_a_summary_of_its_own_and_a_description(doc: Doc) -> None:
    for method, path, op in operations(doc):
        where = f"{method} {path}"
        summary = op.get("summary", "")
        assert summary and summary.lower() != _name(op).lower(), f"{where}: {summary!r}"
        assert len(summary) <= 80, where
        assert len(op.get("description", "")) >= 20, f"{where}: no description"


def test_every_json_answer_is_typed_and_has_an_example(doc: Doc) -> None:
    for method, path, op in operations(doc):
        ok = {c: r for c, r in op["responses"].items() if c.startswith("2")}
        assert ok, f"{method} {path}: no 2xx answer documented"
        for code, answer in ok.items():
            for media, body in answer.get("content", {}).items():
                where = f"{method} {path} {code} {media}"
                if "json" not in media:
                    continue  # files (PDF, XLSX, GraphML ...): no JSON shape to give
                schema = resolve(doc, body.get("schema", {}))
                assert schema.get("type") == "object" and schema.get("properties"), where
                assert "examples" in schema or "example" in body or "examples" in body, where


def test_no_answer_is_a_bare_object(doc: Doc) -> None:
    """``dict[str, Any]`` answers are gone: every object property is typed, an open
    object only where its values really are free (properties of a node)."""
    for name, schema in doc["components"]["schemas"].items():
        for prop, sub in schema.get("properties", {}).items():
            sub = resolve(doc, sub)
            items = resolve(doc, sub.get("items", {})) if sub.get("type") == "array" else None
            bare = sub == {"type": "object", "additionalProperties": True} or (
                sub.get("type") == "object"
                and not sub.get("properties")
                and not sub.get("additionalProperties")
            )
            assert not bare or prop in FREE, f"{name}.{prop}"
            if items is not None and items.get("type") == "object":
                assert (
                    items.get("properties") or items.get("additionalProperties") or (prop in FREE)
                ), f"{name}.{prop}[]"


#: properties whose values are free by nature: a node's or relationship's properties,
#: an indicator's facts, the audit's parameters, the console's rows
FREE = {"props", "facts", "parameters", "params", "evidence", "inputs", "skipped", "errors"}


def test_ring_routes_give_a_ring_id_as_their_example(doc: Doc) -> None:
    for method, path, op in operations(doc):
        if not path.startswith("/api/v1/rings/{id}"):
            continue
        (param,) = [p for p in op["parameters"] if p["name"] == "id"]
        assert param["schema"]["examples"] == ["jatim:RING1"], f"{method} {path}"
    (links,) = [op for _, p, op in operations(doc) if p == "/api/v1/officials/{id}/links"]
    (param,) = [p for p in links["parameters"] if p["name"] == "id"]
    assert param["schema"]["examples"] == ["jatim:P234457"]  # the demo's top protector


def _models() -> list[type[BaseModel]]:
    return [
        v
        for v in vars(schemas).values()
        if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == schemas.__name__
    ]


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_every_example_is_a_valid_answer(model: type[BaseModel]) -> None:
    extra = model.model_config.get("json_schema_extra")
    examples = extra.get("examples") if isinstance(extra, dict) else None
    for example in examples if isinstance(examples, list) else []:
        assert isinstance(example, dict)
        model.model_validate(example)  # raises on a wrong example
        assert set(example) <= set(model.model_fields), model.__name__


#: each documented answer and the query result it shows
MIRRORS: list[tuple[type[BaseModel], Any]] = [
    (schemas.NodePublic, rows.NodeRow),
    (schemas.RelPublic, rows.RelRow),
    (schemas.SearchHit, query_types.SearchHit),
    (schemas.EntityPublic, query_types.Entity),
    (schemas.Neighbourhood, query_types.Neighbourhood),
    (schemas.PathPublic, query_types.Path),
    (schemas.RingSummary, query_types.RingSummary),
    (schemas.TimelineItem, query_types.TimelineItem),
    (schemas.Trail, query_types.Trail),
    (schemas.Tipoff, query_types.Tipoff),
    (schemas.CaseInterference, query_types.CaseInterference),
    (schemas.RingExpansion, query_types.RingExpansion),
    (schemas.OfficialLinks, query_types.OfficialLinks),
    (schemas.CommonContact, query_cdr.CommonContact),
    (schemas.ColocatedPhone, query_cdr.ColocatedPhone),
    (schemas.ProtectorReport, protector_types.ProtectorReport),
]


@pytest.mark.parametrize(("model", "result"), MIRRORS, ids=lambda x: getattr(x, "__name__", ""))
def test_the_documented_answer_is_made_from_the_query_result(
    model: type[BaseModel], result: Any
) -> None:
    """Each answer takes its fields from the query's own result type (no copy to keep
    equal), and so does every result type nested in it."""
    assert typing.is_typeddict(result)
    assert schemas.DERIVED[result] is model
    fields = set(result.__required_keys__) | set(result.__optional_keys__)
    assert set(model.model_fields) == fields


# -- the derivation itself, on result types of its own ----------------------------------


class Hit(TypedDict):
    """A hit."""

    id: str
    score: float


class Found(TypedDict):
    query: str
    best: Hit | None
    hits: list[Hit]
    by_kind: dict[str, list[Hit]]


def test_a_field_of_a_result_type_is_in_the_answer_without_a_second_edit() -> None:
    @schemas.result_of(Found)
    class FoundPublic(schemas.Open):
        """What a search found."""

    assert set(FoundPublic.model_fields) == {"query", "best", "hits", "by_kind"}
    hit = schemas.DERIVED[Hit]  # a nested result type becomes an open model of its own
    assert hit.__name__ == "Hit" and issubclass(hit, schemas.Open)
    schema = FoundPublic.model_json_schema()
    assert schema["description"] == "What a search found."
    assert schema["required"] == ["query", "best", "hits", "by_kind"]
    assert schema["$defs"]["Hit"]["description"] == "A hit."  # the type's own docstring
    assert schema["properties"]["hits"]["items"] == {"$ref": "#/$defs/Hit"}
    answer = {
        "query": "budi",
        "best": None,
        "hits": [{"id": "a", "score": 1.0, "matched": "name"}],
        "by_kind": {"name": [{"id": "a", "score": 1.0}]},
        "later": 1,
    }
    # open: fields the result type does not (yet) name reach the client
    assert FoundPublic.model_validate(answer).model_dump() == answer
    with pytest.raises(ValidationError):
        FoundPublic.model_validate({**answer, "hits": [{"id": "a"}]})


def test_a_result_type_with_keys_that_may_be_missing_is_refused() -> None:
    class Partial(TypedDict, total=False):
        id: str

    with pytest.raises(TypeError, match="may be missing"):

        @schemas.result_of(Partial)
        class PartialPublic(schemas.Open):
            pass


class Leaf(TypedDict):
    id: str


class Tree(TypedDict):
    leaves: list[Leaf]


def test_a_model_comes_before_the_models_that_nest_it() -> None:
    @schemas.result_of(Tree)
    class TreePublic(schemas.Open):
        pass

    with pytest.raises(TypeError, match="declare a model before the models that nest it"):

        @schemas.result_of(Leaf)
        class LeafPublic(schemas.Open):
            pass


def test_fields_come_from_the_result_type_only() -> None:
    class Ring(TypedDict):
        id: str

    with pytest.raises(TypeError, match="its fields come from Ring"):

        @schemas.result_of(Ring)
        class RingPublic(schemas.Open):
            name: str
