"""The model declares what each relationship type means; nothing else spells a type.

Queries, the ranking cache, pages and graph pages take their lists of types from
:mod:`graph.model` (``MODEL.meaning(...)``, ``MODEL.instruments(...)``,
``{{types:...}}`` in Cypher), so a new type with a declared meaning is picked up
everywhere at once. This test fails when a module spells a type name instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from graph.model import MODEL
from queries._loader import expand_types
from viz.styles import GROUP_COLORS

ROOT = Path(__file__).resolve().parent.parent
#: where type lists must come from the model
CHECKED = ("queries", "viz", "graph_api/web", "graph_api/pages")
#: places that may spell types: the declaration itself, and code that makes data
#: (sample graphs) rather than reading it
#: the model itself, a sample page, and the API's response examples (what a client reads
#: back, written out as documentation; no code there decides anything by a type's name)
ALLOWED = {"graph/model.py", "viz/sample.py", "graph_api/web/schemas.py"}
TYPES = set(MODEL.types)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                ids.add(id(value))
    return ids


def _spelled_in_python(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    skip = _docstrings(tree)
    return sorted(
        {
            f"{node.value} (line {node.lineno})"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value in TYPES
            and id(node) not in skip
        }
    )


_CYPHER_TYPE = re.compile(r"(?:[:|]|')([A-Z][A-Z_]+)\b")


def _spelled_in_cypher(path: Path) -> list[str]:
    code = [ln for ln in path.read_text().splitlines() if not ln.lstrip().startswith("//")]
    return sorted({m for ln in code for m in _CYPHER_TYPE.findall(ln) if m in TYPES})


def _files() -> list[Path]:
    out: list[Path] = []
    for folder in CHECKED:
        out += sorted((ROOT / folder).rglob("*.py")) + sorted((ROOT / folder).rglob("*.cypher"))
    return out


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_spells_a_type_name(path: Path) -> None:
    rel = str(path.relative_to(ROOT))
    if rel in ALLOWED:
        return
    spelled = _spelled_in_cypher(path) if path.suffix == ".cypher" else _spelled_in_python(path)
    assert not spelled, (
        f"{rel} spells relationship types {spelled}: take them from graph.model "
        "(MODEL.meaning(...), MODEL.instruments(...), or {{types:...}} in Cypher)"
    )


def test_every_type_declares_what_pages_and_queries_need() -> None:
    for t, spec in MODEL.rels.items():
        assert spec.names.id and spec.names.en, t
        assert spec.style in GROUP_COLORS, t
        if spec.meaning == "money":
            assert spec.amount and spec.timed_by and spec.currency, t
        if spec.meaning == "communication":
            assert spec.timed_by, t
        assert (spec.meaning == "instrument") == (spec.channel is not None), t
        for prop in (spec.amount, spec.timed_by, spec.currency):
            assert prop is None or spec.prop(prop) is not None, (t, prop)
    for label, node in MODEL.nodes.items():
        assert node.names.id and node.names.en, label


def test_meanings_expand_in_cypher_and_unknown_ones_fail() -> None:
    """The expansion is the model's declarations (whatever types they name today)."""
    money, calls = MODEL.meaning("money"), MODEL.meaning("communication")
    assert "TRANSFERRED" in money and "CALLED" in calls
    assert expand_types("[r:{{types:money,communication}}]") == f"[r:{'|'.join(money + calls)}]"
    assert expand_types("type(r) IN {{list:communication}}") == f"type(r) IN {list(calls)!r}"
    holds = "|".join(MODEL.instruments("money"))
    assert expand_types("(a)-[:{{types:instrument/money}}]->(b)") == f"(a)-[:{holds}]->(b)"
    with pytest.raises(ValueError, match="no relationship type means 'bribery'"):
        expand_types("[r:{{types:bribery}}]")
