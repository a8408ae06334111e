"""The indicators of backing: one module each, and the weights file they are checked against.

Each public module of this package is one indicator: its compute function, its
evidence words in Bahasa Indonesia and English, and a module-level
``KIND = IndicatorKind(...)`` declaring them with its colour group, its constants
and how it depends on the ranking's moment (:class:`IndicatorKind`). The module
is named after its kind. :data:`KINDS` holds them in the order of the
``[weights]`` table of ``queries/protectors.toml`` (the order that breaks ties
between equally strong indicators), and everything else (the ranking, the
evidence words, the graph pages' colours and legend, the API's cache) reads it.

Loading this package checks the weights file against the declarations, so a
mistake fails at import with the file and the key: a weight for a kind no module
declares, a kind without a weight, a section or key of ``protectors.toml`` no
indicator reads (a misspelling), or one it reads that is missing.

Adding an indicator: a module here, its weight and section in ``protectors.toml``,
and its test.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any, Final

from queries.protectors._kind import Aging, IndicatorKind

__all__ = ["KINDS", "Aging", "IndicatorKind", "kind", "weights"]

#: sections of protectors.toml that belong to no single indicator, and their keys
SHARED: Final[Mapping[str, frozenset[str]]] = {
    "grade": frozenset({"reliability", "credibility", "standing", "weak"}),
    "via": frozenset({"self", "family", "associate", "extended", "extended_words"}),
    "output": frozenset({"evidence", "cap", "kind_min"}),
    "band": frozenset({"strong", "medium"}),
    "side": frozenset(
        {"min", "money", "calls", "member_scale", "busy_share", "recruit", "board", "suspect"}
    ),
    "innocent": frozenset(
        {
            "ordinary_words",
            "alike_min",
            "alike_tolerance",
            "ordinary",
            "neighbour_words",
            "explained",
            "single_call",
            "kin_alone",
            "case_alone",
            "irregular_alone",
            "contact_alone",
            "bridge_alone",
        }
    ),
}


class ConfigError(ValueError):
    """``protectors.toml`` and the declared indicators disagree."""


def _declared() -> dict[str, IndicatorKind]:
    """Every indicator module's ``KIND``, by kind."""
    found: dict[str, IndicatorKind] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        declared = getattr(module, "KIND", None)
        if not isinstance(declared, IndicatorKind):
            raise TypeError(f"{module.__name__}: no KIND = IndicatorKind(...)")
        if declared.name != info.name:
            raise ValueError(
                f"{module.__name__} declares kind {declared.name!r}: name the module after it"
            )
        found[declared.name] = declared
    return found


def _read() -> dict[str, Any]:
    text = resources.files("queries").joinpath("protectors.toml").read_text("utf-8")
    return tomllib.loads(text)


def checked(data: dict[str, Any], declared: Mapping[str, IndicatorKind]) -> dict[str, Any]:
    """``data`` (parsed ``protectors.toml``) if it fits the declared indicators.

    Raises
    ------
    ConfigError
        Naming the section and keys that are unknown or missing.
    """
    where = "queries/protectors.toml"
    weights_ = data.get("weights", {})
    unknown = sorted(set(weights_) - set(declared))
    if unknown:
        raise ConfigError(
            f"{where} [weights]: unknown indicator kind(s) {unknown} (declared: "
            f"{sorted(declared)}; an indicator is a module of queries/protectors/indicators/)"
        )
    missing = sorted(set(declared) - set(weights_))
    if missing:
        raise ConfigError(f"{where} [weights]: no weight for {missing}")
    expected = {**SHARED, **{k.name: k.keys for k in declared.values() if k.section}}
    extra = sorted(set(data) - set(expected) - {"weights"})
    if extra:
        raise ConfigError(f"{where}: section(s) {extra} that no indicator reads")
    for section, keys in expected.items():
        have = set(data.get(section, {}))
        if have != keys:
            raise ConfigError(
                f"{where} [{section}]: unknown key(s) {sorted(have - keys)}, "
                f"missing key(s) {sorted(keys - have)}"
            )
    return data


@functools.cache
def weights() -> dict[str, Any]:
    """The weights and constants of the ranking (parsed once; the file ships inside
    the package and is checked against the indicators when this package loads)."""
    return checked(_read(), _DECLARED)


_DECLARED = _declared()
#: every indicator, by kind, in the order of ``[weights]``
KINDS: Final[Mapping[str, IndicatorKind]] = {name: _DECLARED[name] for name in weights()["weights"]}


def kind(name: str) -> IndicatorKind:
    """The indicator of kind ``name``.

    Raises
    ------
    ValueError
        If no indicator has that kind.
    """
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown indicator kind {name!r}; known: {list(KINDS)}") from None
