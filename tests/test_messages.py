"""The one message catalogue (:mod:`graph.text`): complete, current, read right, and used.

Messages are extracted from the code and the templates exactly as
``pybabel extract -F babel.cfg`` does; the English is the message itself, Bahasa
Indonesia is ``graph/locale/id/LC_MESSAGES/telusur.po``, which the service reads
itself (:func:`graph.text.read_po`, checked here against Babel's compile).
"""

from __future__ import annotations

import ast
import fnmatch
import gettext as stdlib_gettext
import io
import re
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from graph import text
from graph.rows import Subgraph
from graph.store import EmbeddedStore
from graph.text import DOMAIN, LOCALE_DIR, gettext, ngettext
from graph_api.web import problem_words
from graph_api.web.problems import STATUS
from queries.protectors.words import describe
from viz.render import render_subgraph

ROOT = Path(__file__).resolve().parents[1]
PO = LOCALE_DIR / "id" / "LC_MESSAGES" / f"{DOMAIN}.po"
FIELD = re.compile(r"\{(\w*)[^{}]*\}")

Key = str | tuple[str, str]


@cache
def extracted() -> dict[Key, list[str]]:
    """Every message of the code and templates (singular, or singular and plural) and
    where it was found."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)  # type: ignore[no-untyped-call]
    found: dict[Key, list[str]] = {}
    for path, line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        assert context is None, f"{path}:{line}: a message with a context: {message!r}"
        key: Key = message if isinstance(message, str) else (message[0], message[1])
        found.setdefault(key, []).append(f"{path}:{line}")
    return found


@cache
def catalogue() -> Catalog:
    with open(PO, "rb") as f:
        return read_po(f)


def _all(value: object) -> tuple[str, ...]:
    """A catalogue entry's id or string as a tuple (one item, or singular and plural)."""
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, tuple | list) else ()


def _key(message_id: object) -> Key:
    ids = _all(message_id)
    return ids[0] if len(ids) == 1 else (ids[0], ids[1])


def test_messages_are_found_in_python_and_in_templates() -> None:
    """The extraction itself reaches every kind of place (a broken babel.cfg finds none)."""
    where = {p for places in extracted().values() for p in places}
    for place in (
        "graph_api/pages/templates/",
        "viz/page.html.jinja",
        "graph_api/web/problem_words.py",
        "queries/protectors/indicators/",
        "graph_api/cli/",
        "viz/render.py",
    ):
        assert any(w.startswith(place) for w in where), place


def test_every_message_has_bahasa_indonesia() -> None:
    in_po = {_key(m.id): m for m in catalogue() if m.id}
    missing = {k: extracted()[k] for k in extracted() if k not in in_po}
    assert not missing, f"not in {PO.name} (run the recipe in CONTRIBUTING.md): {missing}"
    for key, m in in_po.items():
        strings = _all(m.string)
        assert strings and all(s.strip() for s in strings), f"no Bahasa Indonesia for {key!r}"
        assert not m.fuzzy, f"{key!r} is marked fuzzy: check it and remove the flag"


def test_the_catalogue_holds_no_message_the_code_no_longer_uses() -> None:
    unused = sorted(str(k) for k in {_key(m.id) for m in catalogue() if m.id} - set(extracted()))
    assert not unused, f"in {PO.name} but used nowhere: {unused}"
    assert not catalogue().obsolete, "obsolete (#~) entries: drop them"


def test_a_translation_fills_in_the_values_its_message_has() -> None:
    """``{n}`` dropped or misspelt in a translation would show a wrong or no value."""
    for m in catalogue():
        if not m.id:
            continue
        want = {f for i in _all(m.id) for f in FIELD.findall(i)}
        for s in _all(m.string):
            assert set(FIELD.findall(s)) == want, (m.id, s)


def test_the_service_reads_the_po_as_babel_compiles_it() -> None:
    """What :func:`graph.text.read_po` reads is what the ``.mo`` compiled from the same
    ``.po`` would hold (Babel's reader and compiler, the standard library's reader)."""
    compiled = io.BytesIO()
    write_mo(compiled, catalogue())
    compiled.seek(0)
    want = stdlib_gettext.GNUTranslations(compiled)
    got = text.read_po(PO)
    assert got._catalog == want._catalog  # type: ignore[attr-defined]
    assert len(got._catalog) > 100  # type: ignore[attr-defined]
    assert [got.plural(n) for n in (0, 1, 2)] == [0, 0, 0]  # type: ignore[attr-defined]


def test_read_po_plurals_contexts_escapes_fuzzy_and_bad_lines(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, fuzzy\nmsgid "old"\nmsgstr "lama"\n\n'
        'msgctxt "evidence path"\nmsgid "case"\nmsgstr "perkara"\n\n'
        'msgid "{n} call"\nmsgid_plural "{n} calls"\nmsgstr[0] "{n} panggilan"\n'
        'msgstr[1] "{n} panggilan-panggilan"\n\n'
        'msgid "two\\nlines \\"quoted\\""\nmsgstr ""\n"dua\\n"\n"baris \\"dikutip\\""\n\n'
        'msgid "untranslated"\nmsgstr ""\n\n#~ msgid "gone"\n#~ msgstr "hilang"\n',
        "utf-8",
    )
    compiled = io.BytesIO()
    with open(po, "rb") as f:
        write_mo(compiled, read_po(f))
    compiled.seek(0)
    want = stdlib_gettext.GNUTranslations(compiled)
    got = text.read_po(po)
    # (Babel writes a header of its own over the one-line header above)
    ours: dict[object, str] = got._catalog  # type: ignore[attr-defined]
    babel: dict[object, str] = want._catalog  # type: ignore[attr-defined]
    assert {k: v for k, v in ours.items() if k} == {k: v for k, v in babel.items() if k}
    assert got.pgettext("evidence path", "case") == "perkara"
    assert got.ngettext("{n} call", "{n} calls", 1) == "{n} panggilan"
    assert got.ngettext("{n} call", "{n} calls", 2) == "{n} panggilan-panggilan"
    assert got.gettext('two\nlines "quoted"') == 'dua\nbaris "dikutip"'
    assert got.gettext("old") == "old" and got.gettext("untranslated") == "untranslated"
    po.write_text('msgid "a"\nmsgstr "b"\nmsgfoo "c"\n', "utf-8")
    with pytest.raises(ValueError, match=r"x\.po:3: unknown line"):
        text.read_po(po)


def test_the_package_ships_the_catalogue() -> None:
    with open(ROOT / "pyproject.toml", "rb") as f:
        patterns = tomllib.load(f)["tool"]["setuptools"]["package-data"]["graph"]
    inside = PO.relative_to(ROOT / "graph").as_posix()
    assert any(fnmatch.fnmatch(inside, p) for p in patterns)


def test_bahasa_indonesia_by_default_english_on_request() -> None:
    assert gettext("Sign in", "id") == "Masuk"
    assert gettext("Sign in", "en") == "Sign in"
    assert gettext("Sign in", "fr") == "Masuk"  # as every caller did: Indonesian unless en
    assert ngettext("{n} call", "{n} calls", 1, "en") == "{n} call"
    assert ngettext("{n} call", "{n} calls", 2, "en") == "{n} calls"
    assert ngettext("{n} call", "{n} calls", 2, "id") == "{n} panggilan"


def test_evidence_sentences_count_in_english_and_stay_as_they_were_in_indonesian() -> None:
    facts = {"calls": 1, "members": 2, "other_calls": 1}
    assert describe("comms", facts, "en") == "1 call with 2 members (1 other call)"
    assert describe("comms", facts) == "1 panggilan dengan 2 anggota (1 panggilan lain)"
    money = {"count": 1, "amount": 5e6, "regular": True, "months": 3, "routes": ["org_payment"]}
    assert describe("money", money, "en") == (
        "received 1 transfer (Rp 5.000.000) from ring accounts, from a ring company, "
        "regular over 3 months"
    )
    assert describe("money", money) == (
        "menerima 1 transfer (Rp 5.000.000) dari rekening anggota jaringan, "
        "dari perusahaan jaringan, rutin selama 3 bulan"
    )
    tip = {"calls": 2, "raids": 1, "min_hours_before": 5}
    assert describe("tipoff", tip, "en") == "2 calls before 1 failed raid, the closest 5 h before"
    assert describe("tipoff", tip) == (
        "2 panggilan menjelang 1 penggerebekan yang gagal, paling dekat 5 jam sebelumnya"
    )


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        ("no ring 'jatim:R1'", "tidak ada jaringan 'jatim:R1'"),
        ("no such flag", "tanda ini tidak ada"),
        ("the reskrim role cannot use this", "peran reskrim tidak boleh memakai ini"),
        ("the limit is 1024 bytes", "batasnya 1024 bita"),
        ("Neo.ClientError.Statement.SyntaxError: x", "Neo.ClientError.Statement.SyntaxError: x"),
    ],
)
def test_problem_details_are_translated_with_their_values(english: str, indonesian: str) -> None:
    assert problem_words.detail(english, "id") == indonesian
    assert problem_words.detail(english, "en") == english


def test_every_problem_detail_with_values_reads_back_its_values() -> None:
    for message in problem_words.DETAILS:
        fields = FIELD.findall(message)
        if not fields:
            continue
        filled = message.format(**{f: f"<{f}>" for f in fields})
        said = problem_words.detail(filled, "id")
        assert said != filled and all(f"<{f}>" in said for f in fields), message


def _problems_raised() -> list[tuple[str, str, str | None]]:
    """(place, title, detail or None) of every ``Problem(status, title, detail)`` and
    ``problem_response(request, status, title, detail)`` whose words are literals."""
    found = []
    for path in sorted((ROOT / "graph_api").rglob("*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            start = {"Problem": 1, "problem_response": 2}.get(name)
            if start is None or len(call.args) <= start:
                continue
            words = [
                a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in call.args[start : start + 2]
            ]
            if words[0] is not None:
                place = f"{path.relative_to(ROOT)}:{call.lineno}"
                found.append((place, words[0], words[1] if len(words) > 1 else None))
    return found


def test_every_problem_the_service_raises_has_bahasa_indonesia() -> None:
    raised = _problems_raised()
    assert len(raised) > 10  # the scan finds them
    titles = {t for _s, t in STATUS.values()} | {t for _p, t, _d in raised}
    assert titles <= problem_words.TITLES, titles - problem_words.TITLES
    for place, _title, detail in raised:
        assert detail is None or detail in problem_words.DETAILS, (place, detail)


def test_graph_page_counts_nodes_and_lines_in_either_language() -> None:
    one: Subgraph = {
        "nodes": [{"id": "a", "labels": ["Person"], "props": {"name": "A"}}],
        "relationships": [],
    }
    assert "1 node, 0 lines shown" in render_subgraph(one, title="t", lang="en")
    assert "1 simpul, 0 garis ditampilkan" in render_subgraph(one, title="t", lang="id")


def test_the_protectors_table_of_the_command_line_in_either_language(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.upsert([{"id": "t:R", "labels": ["Ring"], "props": {"name": "Timur"}}], [])
    store.close()
    said = {}
    for lang in ("id", "en"):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "from graph_api.cli import main; main()",
                "protectors",
                "t:R",
                "--store",
                f"embedded:{tmp_path / 'store'}",
                "--lang",
                lang,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        assert out.returncode == 0, out.stderr
        said[lang] = out.stdout
    assert "Dugaan beking jaringan t:R" in said["id"] and "bukti terkuat" in said["id"]
    assert "Likely protectors of t:R" in said["en"] and "strongest evidence" in said["en"]


def test_reading_messages_does_not_import_babel() -> None:
    """The service and the command line read the catalogue without Babel."""
    code = (
        "import sys, graph_api.cli\n"
        "from graph.text import gettext\n"
        "assert gettext('Sign in', 'id') == 'Masuk'\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'babel'], 'babel'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
