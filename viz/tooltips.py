"""Plain-text captions, edge labels and tooltips.

Everything here returns plain text. vis-network 9 puts a string ``title`` into
the tooltip with ``innerText``, so a name like ``<img src=x onerror=…>`` from
case data is shown, never run; never hand it an HTML element built from data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from graph.model import MODEL, Prop
from graph.rows import NodeRow, RelRow
from graph.text import gettext, ngettext
from viz.aggregate import Bundle
from viz.fields import HIDDEN, field_name, value_text
from viz.formats import duration, group_digits, money, plain_date, wib_date, wib_datetime
from viz.i18n import Lang, label_name, type_name
from viz.score import band_meaning, band_of, score_band
from viz.styles import primary_label

#: Detail lines shown in an aggregated edge's tooltip before "… N lainnya".
MAX_LINES: Final = 20
MAX_VALUE: Final = 160
MAX_CAPTION: Final = 40

_MONEY = MODEL.meaning("money")
_CALLS = MODEL.meaning("communication")


def _short(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def caption(node: NodeRow, lang: Lang = "id") -> str:
    """The node's caption property (``NodeSpec.caption``), else its name, else its id."""
    spec = MODEL.nodes.get(primary_label(node["labels"]))
    props = node["props"]
    value = props.get(spec.caption) if spec else None
    if value in (None, "") and spec and spec.label == "Event" and props.get("at"):
        kind = value_text("kind", str(props.get("kind") or ""), lang)
        value = f"{kind} {wib_date(str(props['at']))}".strip()
    elif spec and value not in (None, ""):
        value = value_text(spec.caption, str(value), lang)
    if value in (None, ""):
        value = props.get("name") or node["id"]
    return _short(str(value), MAX_CAPTION)


def _prop_spec(labels: list[str], name: str) -> Prop | None:
    for label in labels:
        spec = MODEL.nodes.get(label)
        if spec and (p := spec.prop(name)):
            return p
    return None


def format_value(prop: Prop | None, name: str, value: Any, lang: Lang = "id") -> str:
    """One property value as an investigator reads it (coded values in words)."""
    kind = prop.type if prop else ""
    if isinstance(value, list):
        out = ", ".join(str(v) for v in value)
    elif kind == "datetime" and isinstance(value, str):
        out = wib_datetime(value)
    elif kind == "date" and isinstance(value, str):
        out = plain_date(value)
    elif isinstance(value, bool):
        out = gettext("yes", lang) if value else gettext("no", lang)
    elif name in ("score", "share") and isinstance(value, float):
        out = group_digits(value) if lang == "id" else f"{value:,.2f}"
    elif isinstance(value, (int, float)) and name != "duration_s":
        out = group_digits(float(value)) if lang == "id" else f"{value:,}"
    elif name == "duration_s" and isinstance(value, int):
        out = duration(value)
    else:
        out = value_text(name, str(value), lang)
    return _short(out, MAX_VALUE)


def _source_line(sources: Any, lang: Lang, sources_info: Mapping[str, str] | None) -> str:
    if not isinstance(sources, list) or not sources:
        return ""
    info = sources_info or {}
    # a source as :func:`viz.views.sources_info` names it; its id when the store lacks it
    items = [info.get(str(s), str(s)) for s in sources]
    return gettext("Sources", lang) + ": " + _short(", ".join(items), 4 * MAX_VALUE)


def node_tooltip(
    node: NodeRow,
    *,
    lang: Lang,
    score: float | None = None,
    sources_info: Mapping[str, str] | None = None,
) -> str:
    """Kind, every property (model order, then extras) and the sources; the score with
    its band and what the band means (:mod:`viz.score`, as the ring table shows it)."""
    labels = node["labels"]
    head = kinds_text(labels, lang)
    lines = [f"{caption(node, lang)}", head]
    if score is not None:
        band = band_of(score)
        lines.append(gettext("Protector score", lang) + f": {score_band(score, lang)}")
        lines.append(band_meaning(band, lang))
    props = node["props"]
    declared = [p.name for label in labels if (s := MODEL.nodes.get(label)) for p in s.props]
    names = list(dict.fromkeys(declared)) + sorted(set(props) - set(declared))
    for name in names:
        if name in HIDDEN or props.get(name) in (None, "", []) or repeats_kind(props, name):
            continue
        value = format_value(_prop_spec(labels, name), name, props[name], lang)
        lines.append(f"{field_name(name, lang)}: {value}")
    if src := _source_line(props.get("sources"), lang, sources_info):
        lines.append(src)
    return "\n".join(lines)


def repeats_kind(props: Mapping[str, Any], name: str) -> bool:
    """``kind_raw`` says nothing more when it is the kind as written (``raid``)."""
    return name == "kind_raw" and str(props[name]).strip().lower() == str(props.get("kind"))


def kinds_text(labels: list[str], lang: Lang) -> str:
    """``Pejabat``, not ``Orang · Pejabat``: a label another one implies is left out."""
    implied = {i for label in labels if (s := MODEL.nodes.get(label)) for i in s.implies}
    shown = [label for label in labels if label not in implied] or labels
    return " · ".join(label_name(label, lang) for label in sorted(shown, key=_label_order))


def _label_order(label: str) -> int:
    return MODEL.labels.index(label) if label in MODEL.labels else len(MODEL.labels)


def _amounts(rels: list[RelRow]) -> str:
    totals: dict[str, float] = {}
    for r in rels:
        amount = r["props"].get("amount")
        if isinstance(amount, (int, float)):
            code = str(r["props"].get("currency") or "IDR").upper()
            totals[code] = totals.get(code, 0.0) + float(amount)
    return " + ".join(money(v, c) for c, v in sorted(totals.items(), key=lambda kv: kv[0] != "IDR"))


def edge_label(b: Bundle, lang: Lang) -> str:
    """``Rp 45.000.000 (3×)``, ``30 panggilan``, a date for one call, else the type name."""
    n = len(b.rels)
    first_at = b.rels[0]["props"].get("at")
    if b.type in _MONEY:
        total = _amounts(b.rels) or type_name(b.type, lang)
        if n > 1:
            return f"{total} ({n}×)"
        return f"{total}\n{wib_date(first_at)}" if isinstance(first_at, str) else total
    if b.type in _CALLS:
        if n == 1 and isinstance(first_at, str):
            return wib_date(first_at)
        return ngettext("{n} call", "{n} calls", n, lang).format(n=n)
    return type_name(b.type, lang) + (f" ({n}×)" if n > 1 else "")


def _rel_line(r: RelRow, names: Mapping[str, str], b: Bundle, lang: Lang) -> str:
    p = r["props"]
    parts: list[str] = []
    if isinstance(p.get("at"), str):
        parts.append(wib_datetime(p["at"]))
    if not b.directed:
        parts.append(f"{names.get(r['start'], r['start'])} → {names.get(r['end'], r['end'])}")
    if isinstance(p.get("amount"), (int, float)):
        parts.append(money(float(p["amount"]), p.get("currency")))
    if isinstance(p.get("duration_s"), int):
        parts.append(duration(p["duration_s"]))
    spec = MODEL.rels.get(r["type"])
    for prop in spec.props if spec else ():
        if prop.name not in ("at", "amount", "currency", "duration_s") and p.get(prop.name):
            value = format_value(prop, prop.name, p[prop.name], lang)
            parts.append(f"{field_name(prop.name, lang)}: {value}")
    return " · ".join(parts) or type_name(r["type"], lang)


def edge_tooltip(
    b: Bundle,
    *,
    names: Mapping[str, str],
    lang: Lang,
    sources_info: Mapping[str, str] | None = None,
) -> str:
    """Type and ends, then one line per relationship (by time), then the sources."""
    arrow = "→" if b.directed else "↔"
    start, end = names.get(b.start, b.start), names.get(b.end, b.end)
    lines = [f"{type_name(b.type, lang)}: {start} {arrow} {end}"]
    if len(b.rels) > 1:
        lines.append(edge_label(b, lang))
    rels = sorted(b.rels, key=lambda r: (str(r["props"].get("at") or ""), r["id"]))
    lines += [_rel_line(r, names, b, lang) for r in rels[:MAX_LINES]]
    if len(rels) > MAX_LINES:
        lines.append(gettext("… {n} more", lang).format(n=len(rels) - MAX_LINES))
    sources = list(dict.fromkeys(s for r in b.rels for s in r["props"].get("sources") or []))
    if src := _source_line(sources, lang, sources_info):
        lines.append(src)
    return "\n".join(lines)
