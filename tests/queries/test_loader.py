"""The query files: every query loads, and a malformed file is reported precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import QueryError
from queries import _loader, all_queries, get


def test_every_packaged_query_loads() -> None:
    found = all_queries()
    assert [q.name for q in found] == sorted(q.name for q in found)
    assert {"money_trail", "tipoffs", "timeline", "neighbourhood_level"} <= {q.name for q in found}
    for q in found:
        assert q.mode == "read" and q.doc and q.returns and q.text
        assert q.file.startswith("queries/cypher/") and q.line >= 1
    mt = get("money_trail")
    assert mt.params == ("starts", "targets", "to_officials", "min_amount", "window_hours",
                         "max_hops", "limit")
    with pytest.raises(QueryError, match="no query named"):
        get("nope")


GOOD = """// name: one
// params: id
// mode: read
// returns: rows of {id}
// doc: first line
//   and its continuation
MATCH (n {id: $id}) RETURN n.id AS id

// name: two
// params:
// mode: read
// returns: one row
// doc: no parameters; '$notaparam' in a string and // $nor in a comment
RETURN '$notaparam' AS x
"""


def test_parse_good_file() -> None:
    one, two = _loader.parse_text(GOOD, "good.cypher")
    assert (one.name, one.params, one.line, one.doc) == (
        "one", ("id",), 1, "first line and its continuation")
    assert (two.name, two.params, two.line) == ("two", (), 9)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (GOOD.replace("{id: $id}", "{id: $id, x: $x}"),
         r"query 'one' in .*bad\.cypher, line 1: uses undeclared parameters \['x'\]"),
        (GOOD.replace("// params:\n", "// params: y\n"),
         r"query 'two' in .*bad\.cypher, line 9: declares parameters it does not use \['y'\]"),
        (GOOD.replace("// mode: read\n// returns: one row", "// mode: write-ish\n// returns: x"),
         r"query 'two' in .*bad\.cypher, line 9: mode must be read or write"),
        (GOOD.replace("// doc: first line\n", ""), r"line 1: header lacks 'doc:'"),
        ("MATCH (n) RETURN n\n" + GOOD, r"line 1: text before the first"),
        (GOOD.replace("// returns: one row", "// returns: one row\n// colour: blue"),
         r"query 'two' in .*bad\.cypher, line 13: unknown header line"),
    ],
)
def test_malformed_file_names_query_file_and_line(tmp_path: Path, text: str, error: str) -> None:
    bad = tmp_path / "bad.cypher"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError, match=error):
        _loader.load([(str(bad), bad.read_text(encoding="utf-8"))])


def test_duplicate_names_across_files() -> None:
    with pytest.raises(QueryError, match=r"query 'one' in b\.cypher, line 1: already defined"):
        _loader.load([("a.cypher", GOOD), ("b.cypher", GOOD)])
