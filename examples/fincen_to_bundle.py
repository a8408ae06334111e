"""Turn the ICIJ FinCEN Files (jexp/fincen CSVs) into a Telusur case bundle.

Usage: ``python examples/fincen_to_bundle.py OUT_DIR [--data ../shared/data/fincen]``

Source: International Consortium of Investigative Journalists (ICIJ), FinCEN
Files, ``download_transactions_map.csv``. See ``examples/README.md`` for the
mapping and the decisions behind it.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bundle import read_csv, write_csv  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "fincen"


def iso_date(raw: str) -> str:
    """``Mar 25, 2015`` -> ``2015-03-25T00:00:00Z`` (explicit UTC: the bundle's default is WIB)."""
    return datetime.strptime(raw.strip(), "%b %d, %Y").strftime("%Y-%m-%dT00:00:00Z")


def plain_amount(raw: str) -> str:
    """``5.689852347E7`` -> ``56898523.47`` (the bundle reads plain numbers, not exponents)."""
    return format(Decimal(raw.strip()).normalize(), "f")


def account_number(bank_id: str) -> str:
    """A stand-in account number per ICIJ bank id.

    The loader compares numbers without punctuation, and ICIJ has ids that differ
    only in dashes (``akbank-t-a-s-turkey-tur``, ``akbank-tas-turkey-tur``); a digest
    keeps one account per ICIJ id instead of merging them behind the reader's back.
    """
    return "ICIJ" + hashlib.sha1(bank_id.encode()).hexdigest()[:16].upper()


def convert(data: Path, out: Path) -> dict[str, int]:
    rows = read_csv(data / "download_transactions_map.csv")
    banks: dict[str, dict[str, str]] = {}
    sars: dict[str, dict[str, str]] = {}
    transfers = []
    for r in rows:
        for side, country, iso in (
            ("originator_bank", "originator_bank_country", "originator_iso"),
            ("beneficiary_bank", "beneficiary_bank_country", "beneficiary_iso"),
        ):
            banks.setdefault(r[side + "_id"], {
                "org_id": f"bank:{r[side + '_id']}", "name": r[side], "kind": "bank",
                "x_icij_id": r[side + "_id"], "x_country": r[country], "x_iso": r[iso],
            })
        sars.setdefault(r["icij_sar_id"], {
            "source_id": f"sar:{r['icij_sar_id']}", "kind": "other",
            "title": f"FinCEN SAR {r['icij_sar_id']} filed by {r['filer_org_name']} (ICIJ)",
            "x_filer": r["filer_org_name"],
        })
        begin = r["begin_date"].strip() or r["end_date"].strip()
        transfers.append({
            "transfer_id": f"tx:{r['id']}",
            "from_account": f"acct:{r['originator_bank_id']}",
            "to_account": f"acct:{r['beneficiary_bank_id']}",
            "amount": plain_amount(r["amount_transactions"]),
            "currency": "USD",
            "at": iso_date(begin) if begin else "",
            "channel": "transfer",
            "reference": f"ICIJ SAR {r['icij_sar_id']}, filing {r['id']}",
            "source_id": f"sar:{r['icij_sar_id']}",
            "x_number_transactions": r["number_transactions"],
            "x_end_date": iso_date(r["end_date"]) if r["end_date"].strip() else "",
            "x_begin_missing": "" if r["begin_date"].strip() else "yes",
        })
    counts = {
        "sources.csv": write_csv(
            out, "sources.csv", ["source_id", "kind", "title", "x_filer"],
            (sars[k] for k in sorted(sars, key=int)),
        ),
        "organizations.csv": write_csv(
            out, "organizations.csv",
            ["org_id", "name", "kind", "x_icij_id", "x_country", "x_iso"],
            (banks[k] for k in sorted(banks)),
        ),
        "accounts.csv": write_csv(
            out, "accounts.csv",
            ["account_id", "bank", "number", "holder_id", "holder_name", "kind", "x_icij_id"],
            ({"account_id": f"acct:{k}", "bank": b["name"], "number": account_number(k),
              "holder_id": b["org_id"], "holder_name": b["name"], "kind": "other",
              "x_icij_id": k}
             for k, b in sorted(banks.items())),
        ),
        "transfers.csv": write_csv(
            out, "transfers.csv",
            ["transfer_id", "from_account", "to_account", "amount", "currency", "at", "channel",
             "reference", "source_id", "x_number_transactions", "x_end_date", "x_begin_missing"],
            transfers,
        ),
    }
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="bundle folder to write")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="jexp/fincen CSV folder")
    args = parser.parse_args(argv)
    if not (args.data / "download_transactions_map.csv").is_file():
        parser.error(f"no download_transactions_map.csv in {args.data}")
    for name, n in convert(args.data, args.out).items():
        print(f"{name:20} {n:>7} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
