"""Column mappings: a unit's own export layout, declared once in YAML, into bundle files.

A mapping file (``docs`` in ``examples/mappings/README.md``) lists layouts; each names
the files (and sheets) it applies to, the bundle file they become and how::

    version: 1
    files:
      - match: "mutasi_bri*.xlsx"     # file name pattern (glob, case-insensitive)
        sheet: Mutasi                 # optional: sheet name or pattern (default: the first)
        kind: transfers               # the bundle file: transfers, calls, people, ...
        header_row: 5                 # optional: default, the first row naming every column
        columns:                      # bundle column: export column (or a list, joined
          at: [Tanggal, Jam]          #   by a space: a date and a time in two columns)
          reference: Keterangan
        constants: {currency: IDR}    # bundle column: the same value on every row
        values: {channel: {TRF: transfer}}   # bundle column: export value -> bundle value
        statement:                    # transfers only: a statement of one account
          account: {bank: BRI, number: "0123-01-000456-50-7", holder_name: SITI AMINAH}
          debit: Debet                # money out of the account ...
          credit: Kredit              # ... and in; or amount + direction + outgoing/incoming
          counterpart: {number: Rekening Lawan, bank: Bank Lawan, holder_name: Nama Lawan}
      - match: "cdr_*.xlsx"
        kind: calls
        cdr: {a_number: Nomor A, b_number: Nomor B, direction: Arah,
              outgoing: [MO], incoming: [MT]}

Errors name the mapping file, the line and the key (``m.yaml:7: files[0].statement:
give debit/credit or amount and direction``). A row the mapping cannot turn into a
bundle row (a direction that is neither outgoing nor incoming, no counterpart
account) is rejected with its reason, never dropped.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from graph.errors import InputError
from graph.normalize import NormalizeError, parse_amount
from ingest.bundle.spec import BY_NAME

#: Names of a mapping file inside a bundle folder.
MAPPING_NAMES = ("mapping.yaml", "mapping.yml")
MAPPING_SUFFIXES = (".mapping.yaml", ".mapping.yml")
#: ``calls`` columns that describe the A-number (its handset and serving cell): kept on
#: outgoing rows only, where the A-number is ``from_phone`` (the spec's columns describe
#: ``from_phone``).
A_NUMBER_ONLY = ("imei", "cell_id", "lac")
_ENTRY_KEYS = frozenset(
    {"match", "sheet", "kind", "header_row", "columns", "constants", "values", "statement", "cdr"}
)


def is_mapping_file(name: str) -> bool:
    low = name.lower()
    return low in MAPPING_NAMES or low.endswith(MAPPING_SUFFIXES)


class MapError(Exception):
    """A row the mapping cannot turn into a bundle row (the message is the reason)."""


@dataclass(frozen=True)
class Statement:
    account: dict[str, str]
    counterpart: dict[str, str]
    debit: str | None = None
    credit: str | None = None
    amount: str | None = None
    direction: str | None = None
    outgoing: frozenset[str] = frozenset()
    incoming: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Cdr:
    a_number: str
    b_number: str
    direction: str
    outgoing: frozenset[str]
    incoming: frozenset[str]


@dataclass(frozen=True)
class Layout:
    """One entry of a mapping file."""

    where: str  # "<mapping file>:<line>", for messages and the report
    match: str
    kind: str  # the bundle file name, "transfers.csv"
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    statement: Statement | None = None
    cdr: Cdr | None = None

    def matches(self, file_name: str, sheet: str | None) -> bool:
        if not fnmatch.fnmatch(file_name.lower(), self.match.lower()):
            return False
        if sheet is None or self.sheet is None:
            return True
        return fnmatch.fnmatch(sheet.strip().lower(), self.sheet.strip().lower())

    def source_columns(self) -> list[str]:
        """Every export column the layout names (the header row must hold them all)."""
        names = [c for cols in self.columns.values() for c in cols]
        if self.statement is not None:
            st = self.statement
            names += [c for c in (st.debit, st.credit, st.amount, st.direction) if c]
            names += list(st.counterpart.values())
        if self.cdr is not None:
            names += [self.cdr.a_number, self.cdr.b_number, self.cdr.direction]
        return list(dict.fromkeys(names))


def account_key(bank: str, number: str) -> str:
    """The bundle key a mapping gives an account: ``<BANK>:<letters and digits of number>``."""
    return f"{bank.strip().upper()}:{''.join(c for c in number if c.isalnum())}"


# -- reading and validating -----------------------------------------------------------


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        #: value node -> the line of its key (a block mapping's own mark is its first key)
        self.lines: dict[int, int] = {}

    def fail(self, node: yaml.Node, key: str, message: str) -> InputError:
        line = self.lines.get(id(node), node.start_mark.line) + 1
        return InputError(f"{self.path.name}:{line}: {key}: {message}")

    def mapping(self, node: yaml.Node, key: str, allowed: frozenset[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, key, "expected a mapping (key: value lines)")
        out: dict[str, yaml.Node] = {}
        for k, v in node.value:
            name = self.text(k, key)
            if name in out:
                raise self.fail(k, f"{key}.{name}", "given twice")
            if allowed and name not in allowed:
                raise self.fail(
                    k, f"{key}.{name}", f"unknown key (known: {', '.join(sorted(allowed))})"
                )
            out[name] = v
            self.lines[id(v)] = k.start_mark.line
        return out

    def text(self, node: yaml.Node, key: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
            raise self.fail(node, key, "expected a value (text or number)")
        value = str(node.value).strip()
        if not value:
            raise self.fail(node, key, "empty value")
        return value

    def texts(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        if isinstance(node, yaml.SequenceNode):
            items = tuple(self.text(n, f"{key}[{i}]") for i, n in enumerate(node.value))
            if not items:
                raise self.fail(node, key, "empty list")
            return items
        return (self.text(node, key),)

    def require(
        self, node: yaml.Node, found: dict[str, yaml.Node], key: str, names: Sequence[str]
    ) -> None:
        missing = [n for n in names if n not in found]
        if missing:
            raise self.fail(node, key, f"missing {', '.join(missing)}")


def read_mapping(path: Path) -> list[Layout]:
    """Read and check the mapping file at ``path``; raise InputError naming line and key."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(f"{path.name}: cannot read mapping: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"{path.name}{line}: not valid YAML: {problem}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not UTF-8 text") from exc
    if root is None:
        raise InputError(f"{path.name}: empty mapping file")
    c = _Checker(path)
    top = c.mapping(root, "mapping", frozenset({"version", "files"}))
    if "version" in top and c.text(top["version"], "version") != "1":
        raise c.fail(top["version"], "version", "only version 1 is known")
    if "files" not in top:
        raise c.fail(root, "mapping", "missing files (the list of layouts)")
    files = top["files"]
    if not isinstance(files, yaml.SequenceNode) or not files.value:
        raise c.fail(files, "files", "expected a list of layouts (lines starting with -)")
    return [_layout(c, node, f"files[{i}]") for i, node in enumerate(files.value)]


def _kind(c: _Checker, node: yaml.Node, key: str) -> str:
    raw = c.text(node, key).lower()
    name = raw if raw.endswith(".csv") else f"{raw}.csv"
    if name not in BY_NAME:
        known = ", ".join(n.removesuffix(".csv") for n in BY_NAME)
        raise c.fail(node, key, f"unknown kind {raw!r} (known: {known})")
    return name


def _target(c: _Checker, node: yaml.Node, key: str, kind: str, target: str) -> str:
    target = target.strip().lower()
    if target not in BY_NAME[kind].known and not target.startswith("x_"):
        known = ", ".join(BY_NAME[kind].columns)
        raise c.fail(
            node,
            f"{key}.{target}",
            f"not a column of {kind} (known: {known}; x_<name> for an extra column)",
        )
    return target


def _directions(
    c: _Checker, found: dict[str, yaml.Node], key: str
) -> tuple[frozenset[str], frozenset[str]]:
    out = frozenset(v.lower() for v in c.texts(found["outgoing"], f"{key}.outgoing"))
    inc = frozenset(v.lower() for v in c.texts(found["incoming"], f"{key}.incoming"))
    both = out & inc
    if both:
        raise c.fail(
            found["incoming"], f"{key}.incoming", f"also outgoing: {', '.join(sorted(both))}"
        )
    return out, inc


def _statement(c: _Checker, node: yaml.Node, key: str) -> Statement:
    allowed = frozenset(
        {"account", "counterpart", "debit", "credit", "amount", "direction", "outgoing", "incoming"}
    )
    f = c.mapping(node, key, allowed)
    c.require(node, f, key, ("account", "counterpart"))
    acc = {
        k: c.text(v, f"{key}.account.{k}")
        for k, v in c.mapping(
            f["account"],
            f"{key}.account",
            frozenset({"bank", "number", "holder_name", "holder_id", "kind"}),
        ).items()
    }
    c.require(f["account"], {k: f["account"] for k in acc}, f"{key}.account", ("bank", "number"))
    if acc.get("kind", "bank") not in BY_NAME["accounts.csv"].enums["kind"]:
        raise c.fail(f["account"], f"{key}.account.kind", "expected bank, ewallet or other")
    cp = {
        k: c.text(v, f"{key}.counterpart.{k}")
        for k, v in c.mapping(
            f["counterpart"], f"{key}.counterpart", frozenset({"number", "bank", "holder_name"})
        ).items()
    }
    c.require(
        f["counterpart"], {k: f["counterpart"] for k in cp}, f"{key}.counterpart", ("number",)
    )
    cols = {
        k: c.text(f[k], f"{key}.{k}") for k in ("debit", "credit", "amount", "direction") if k in f
    }
    if "debit" in cols or "credit" in cols:
        if "amount" in cols or "direction" in cols:
            raise c.fail(node, key, "give debit/credit or amount and direction, not both")
        if "outgoing" in f or "incoming" in f:
            raise c.fail(node, key, "outgoing/incoming go with direction, not debit/credit")
        return Statement(acc, cp, debit=cols.get("debit"), credit=cols.get("credit"))
    if "amount" in cols and "direction" in cols:
        c.require(node, f, key, ("outgoing", "incoming"))
        out, inc = _directions(c, f, key)
        return Statement(
            acc, cp, amount=cols["amount"], direction=cols["direction"], outgoing=out, incoming=inc
        )
    raise c.fail(node, key, "give debit/credit or amount and direction")


def _cdr(c: _Checker, node: yaml.Node, key: str) -> Cdr:
    names = ("a_number", "b_number", "direction", "outgoing", "incoming")
    f = c.mapping(node, key, frozenset(names))
    c.require(node, f, key, names)
    out, inc = _directions(c, f, key)
    return Cdr(
        c.text(f["a_number"], f"{key}.a_number"),
        c.text(f["b_number"], f"{key}.b_number"),
        c.text(f["direction"], f"{key}.direction"),
        out,
        inc,
    )


def _layout(c: _Checker, node: yaml.Node, key: str) -> Layout:
    f = c.mapping(node, key, _ENTRY_KEYS)
    c.require(node, f, key, ("match", "kind"))
    kind = _kind(c, f["kind"], f"{key}.kind")
    columns: dict[str, tuple[str, ...]] = {}
    if "columns" in f:
        for name, v in c.mapping(f["columns"], f"{key}.columns", frozenset()).items():
            target = _target(c, v, f"{key}.columns", kind, name)
            columns[target] = c.texts(v, f"{key}.columns.{name}")
    constants: dict[str, str] = {}
    if "constants" in f:
        for name, v in c.mapping(f["constants"], f"{key}.constants", frozenset()).items():
            target = _target(c, v, f"{key}.constants", kind, name)
            if target in columns:
                raise c.fail(v, f"{key}.constants.{name}", "also under columns")
            constants[target] = c.text(v, f"{key}.constants.{name}")
    values: dict[str, dict[str, str]] = {}
    if "values" in f:
        for name, v in c.mapping(f["values"], f"{key}.values", frozenset()).items():
            target = _target(c, v, f"{key}.values", kind, name)
            pairs = c.mapping(v, f"{key}.values.{name}", frozenset())
            values[target] = {
                raw.strip().lower(): c.text(n, f"{key}.values.{name}.{raw}")
                for raw, n in pairs.items()
            }
    header_row = None
    if "header_row" in f:
        raw = c.text(f["header_row"], f"{key}.header_row")
        if not raw.isdigit() or int(raw) < 1:
            raise c.fail(f["header_row"], f"{key}.header_row", "expected a row number (1 or more)")
        header_row = int(raw)
    statement = cdr = None
    if "statement" in f:
        if kind != "transfers.csv":
            raise c.fail(f["statement"], f"{key}.statement", "only for kind transfers")
        statement = _statement(c, f["statement"], f"{key}.statement")
        for made in ("from_account", "to_account", "amount"):
            if made in columns or made in constants:
                raise c.fail(f["statement"], f"{key}.statement", f"{made} comes from the statement")
    if "cdr" in f:
        if kind != "calls.csv":
            raise c.fail(f["cdr"], f"{key}.cdr", "only for kind calls")
        cdr = _cdr(c, f["cdr"], f"{key}.cdr")
        for made in ("from_phone", "to_phone"):
            if made in columns or made in constants:
                raise c.fail(f["cdr"], f"{key}.cdr", f"{made} comes from the A and B numbers")
    return Layout(
        where=f"{c.path.name}:{node.start_mark.line + 1}",
        match=c.text(f["match"], f"{key}.match"),
        kind=kind,
        sheet=c.text(f["sheet"], f"{key}.sheet") if "sheet" in f else None,
        header_row=header_row,
        columns=columns,
        constants=constants,
        values=values,
        statement=statement,
        cdr=cdr,
    )


# -- applying ---------------------------------------------------------------------------


class Mapper:
    """Turns the rows under one header into rows of ``layout.kind`` (and, for a
    statement, the rows of ``accounts.csv`` it names)."""

    def __init__(self, layout: Layout, header: Sequence[str]) -> None:
        self.layout = layout
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            index.setdefault(name.strip().lower(), i)
        self._index = index
        missing = [n for n in layout.source_columns() if n.strip().lower() not in index]
        if missing:
            raise InputError(
                f"mapping {layout.where}: no column {', '.join(missing)} in the header"
            )
        used = {n.strip().lower() for n in layout.source_columns()}
        self.unused = [h for h in header if h and h.strip().lower() not in used]
        self.accounts: dict[str, dict[str, str]] = {}
        columns = set(layout.columns) | set(layout.constants)
        if layout.statement is not None:
            columns |= {"from_account", "to_account", "amount"}
            st = layout.statement
            self._own = account_key(st.account["bank"], st.account["number"])
            self._add_account(self._own, {k: v for k, v in st.account.items()})
        if layout.cdr is not None:
            columns |= {"from_phone", "to_phone"}
        self.columns = sorted(columns)

    def _cell(self, cells: Sequence[str], name: str) -> str:
        i = self._index[name.strip().lower()]
        return cells[i] if i < len(cells) else ""

    def _add_account(self, key: str, row: dict[str, str]) -> None:
        if key not in self.accounts:
            row = {k: v for k, v in row.items() if v}
            row.setdefault("kind", "bank")
            self.accounts[key] = {"account_id": key, **row}

    def row(self, cells: Sequence[str]) -> dict[str, str]:
        """The bundle row of ``cells``; raises MapError with the reason."""
        lay = self.layout
        out = {
            target: " ".join(v for v in (self._cell(cells, s) for s in sources) if v)
            for target, sources in lay.columns.items()
        }
        out.update(lay.constants)
        for target, table in lay.values.items():
            if target in out:
                out[target] = table.get(out[target].strip().lower(), out[target])
        if lay.statement is not None:
            self._statement(lay.statement, cells, out)
        if lay.cdr is not None:
            self._cdr(lay.cdr, cells, out)
        return out

    def _direction(self, raw: str, column: str, out: frozenset[str], inc: frozenset[str]) -> bool:
        value = raw.strip().lower()
        if value in out:
            return True
        if value in inc:
            return False
        raise MapError(
            f"{column} {raw!r} is neither outgoing ({', '.join(sorted(out))}) "
            f"nor incoming ({', '.join(sorted(inc))})"
        )

    def _statement(self, st: Statement, cells: Sequence[str], out: dict[str, str]) -> None:
        if st.direction is not None and st.amount is not None:
            outgoing = self._direction(
                self._cell(cells, st.direction), st.direction, st.outgoing, st.incoming
            )
            amount = self._cell(cells, st.amount)
        else:
            debit = self._cell(cells, st.debit) if st.debit else ""
            credit = self._cell(cells, st.credit) if st.credit else ""
            d, k = _nonzero(debit, st.debit), _nonzero(credit, st.credit)
            if d and k:
                raise MapError(f"both {st.debit} and {st.credit} hold an amount")
            if not d and not k:
                raise MapError(
                    f"neither {st.debit or st.credit} nor {st.credit or st.debit} holds an amount"
                )
            outgoing, amount = d, debit if d else credit
        number = self._cell(cells, st.counterpart["number"])
        if not any(ch.isalnum() for ch in number):
            raise MapError(f"no counterpart account in {st.counterpart['number']}")
        bank = self._cell(cells, st.counterpart["bank"]) if "bank" in st.counterpart else ""
        bank = bank or st.account["bank"]
        other = account_key(bank, number)
        name = (
            self._cell(cells, st.counterpart["holder_name"])
            if "holder_name" in st.counterpart
            else ""
        )
        self._add_account(
            other,
            {
                "bank": bank,
                "number": number,
                "holder_name": name,
                "kind": st.account.get("kind", "bank"),
            },
        )
        out["from_account"], out["to_account"] = (
            (self._own, other) if outgoing else (other, self._own)
        )
        out["amount"] = amount

    def _cdr(self, cdr: Cdr, cells: Sequence[str], out: dict[str, str]) -> None:
        outgoing = self._direction(
            self._cell(cells, cdr.direction), cdr.direction, cdr.outgoing, cdr.incoming
        )
        a, b = self._cell(cells, cdr.a_number), self._cell(cells, cdr.b_number)
        out["from_phone"], out["to_phone"] = (a, b) if outgoing else (b, a)
        if not outgoing:
            for column in A_NUMBER_ONLY:
                if column in out:
                    out[column] = ""


def _nonzero(raw: str, column: str | None) -> bool:
    if not raw.strip() or raw.strip() in {"-", "0"}:
        return False
    try:
        return parse_amount(raw) != 0
    except NormalizeError as exc:
        raise MapError(f"bad amount in {column}: {exc}") from exc
