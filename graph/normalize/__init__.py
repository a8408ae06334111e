"""Normalisation of raw bundle cells: pure functions from a CSV string to a clean value.

Every function raises :class:`NormalizeError` (a ``ValueError``) with a short
reason for the rejects report, except :func:`check_nik`, which reports an
invalid NIK in its result because a bad NIK is flagged, not rejected.
"""

from graph.normalize.amounts import amount_to_float, parse_amount, parse_currency
from graph.normalize.dates import parse_date, parse_datetime, parse_to_iso, to_iso_utc
from graph.normalize.errors import NormalizeError
from graph.normalize.names import name_similarity, normalize_name
from graph.normalize.nik import NikCheck, check_nik
from graph.normalize.phones import normalize_phone, split_multi
from graph.normalize.textio import EXTRA_KEY, SniffResult, header, read_rows, sniff_file

__all__ = [
    "EXTRA_KEY",
    "NikCheck",
    "NormalizeError",
    "SniffResult",
    "amount_to_float",
    "check_nik",
    "header",
    "name_similarity",
    "normalize_name",
    "normalize_phone",
    "parse_amount",
    "parse_currency",
    "parse_date",
    "parse_datetime",
    "parse_to_iso",
    "read_rows",
    "sniff_file",
    "split_multi",
    "to_iso_utc",
]
