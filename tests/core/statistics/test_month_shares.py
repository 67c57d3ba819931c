"""A decision's amount on the months its period covers (month_shares.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.statistics.month_shares import month_shares, share_in


def test_one_month_takes_it_all():
    assert month_shares(Decimal("4000"), date(2026, 10, 1), date(2026, 10, 31)) == [
        (date(2026, 10, 1), Decimal("4000"))
    ]
    assert month_shares(Decimal("900"), date(2026, 10, 10), date(2026, 10, 20)) == [
        (date(2026, 10, 1), Decimal("900"))
    ]


def test_whole_months_share_equally():
    assert month_shares(Decimal("3000"), date(2026, 9, 1), date(2026, 10, 31)) == [
        (date(2026, 9, 1), Decimal("1500.00")),
        (date(2026, 10, 1), Decimal("1500.00")),
    ]


def test_part_months_by_the_part_of_each_month_covered():
    # 16 of September's 30 days against 14 of October's 31
    shares = month_shares(Decimal("6000"), date(2026, 9, 15), date(2026, 10, 14))
    assert shares == [
        (date(2026, 9, 1), Decimal("3248.91")),
        (date(2026, 10, 1), Decimal("2751.09")),
    ]
    assert share_in(Decimal("6000"), date(2026, 9, 15), date(2026, 10, 14), date(2026, 10, 9)) == (
        Decimal("2751.09")
    )
    assert share_in(Decimal("6000"), date(2026, 9, 15), date(2026, 10, 14), date(2026, 11, 1)) == 0


def test_the_shares_add_up_to_the_total_in_ore():
    shares = month_shares(Decimal("100.00"), date(2026, 1, 1), date(2026, 3, 31))
    assert [s for _m, s in shares] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    odd = month_shares(Decimal("12345.67"), date(2025, 12, 20), date(2026, 4, 3))
    assert [m for m, _s in odd] == [date(2025, 12, 1), *(date(2026, n, 1) for n in (1, 2, 3, 4))]
    assert sum(s for _m, s in odd) == Decimal("12345.67")
