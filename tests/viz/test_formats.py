from __future__ import annotations

from viz.formats import duration, money, wib_date, wib_datetime


def test_rupiah_uses_dots_for_thousands_and_comma_for_decimals() -> None:
    assert money(15_000_000) == "Rp 15.000.000"
    assert money(1_500_000.5) == "Rp 1.500.000,50"
    assert money(999, "usd") == "USD 999"


def test_instants_are_shown_in_wib() -> None:
    # 20:00 UTC on the 4th is 03:00 WIB on the 5th
    assert wib_date("2023-06-04T20:00:00Z") == "05/06/2023"
    assert wib_datetime("2023-06-05T07:30:00Z") == "05/06/2023 14:30 WIB"
    assert wib_datetime("2023-06-05T07:30:00+00:00") == "05/06/2023 14:30 WIB"


def test_plain_dates_are_not_shifted_and_junk_is_kept() -> None:
    assert wib_date("2023-06-05") == "05/06/2023"
    assert wib_datetime("kemarin") == "kemarin"
    assert duration(75) == "1:15"


def test_a_day_without_a_time_is_shown_without_one() -> None:
    # a source that gave only a day is stored as 00:00 WIB of that day
    assert wib_datetime("2023-04-09T17:00:00Z") == "10/04/2023"
    assert wib_datetime("2023-04-09T17:00:01Z") == "10/04/2023 00:00 WIB"
    assert wib_datetime("2023-04-10") == "10/04/2023"
