from __future__ import annotations

import decimal
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.errors import CurrencyMismatchError, ValidationError
from billing_core.kpis import (
    RATIO_PLACES,
    Ratio,
    RatioUnit,
    average_lag,
    bad_debt_rate,
    charge_lag,
    claim_lag,
    clean_claim_rate,
    days_in_ar,
    denial_rate_by_amount,
    denial_rate_by_count,
    first_pass_resolution_rate,
    gross_collection_rate,
    net_collection_rate,
    payment_lag,
    percent_ar_over_90,
    percent_ar_over_120,
)
from billing_core.money import Money


def usd(amount: str) -> Money:
    return Money(amount, "USD")


# --------------------------------------------------------------------------- known answers
# Every expected value below is worked out by hand in the comment beside it.


def test_days_in_ar() -> None:
    # 12,345.67 x 90 / 30,000.00 = 1,111,110.30 / 30,000 = 37.037010 -> 37.04
    r = days_in_ar(usd("12345.67"), usd("30000.00"), 90)
    assert r.value == Decimal("37.04")
    assert r.unit is RatioUnit.DAYS
    assert r.scale == 90
    assert (r.numerator, r.denominator) == (usd("12345.67"), usd("30000.00"))
    assert r.exact == Fraction(1234567 * 90, 3000000)
    assert str(r) == "37.04 days"


def test_gross_collection_rate() -> None:
    # 6,543.21 / 10,000.00 = 65.4321 % -> 65.43
    assert gross_collection_rate(usd("6543.21"), usd("10000.00")).value == Decimal("65.43")


def test_net_collection_rate() -> None:
    # 5,880.00 / (10,000.00 - 4,000.00) = 5,880 / 6,000 = 98 %
    r = net_collection_rate(usd("5880.00"), usd("10000.00"), usd("4000.00"))
    assert r.value == Decimal("98.00")
    assert r.denominator == usd("6000.00")


def test_denial_rates() -> None:
    # 7 / 120 = 5.8333 % -> 5.83
    assert denial_rate_by_count(7, 120).value == Decimal("5.83")
    # 2,500.00 / 40,000.00 = 6.25 %
    assert denial_rate_by_amount(usd("2500.00"), usd("40000.00")).value == Decimal("6.25")


def test_clean_claim_and_first_pass_rates() -> None:
    # 93 / 100 = 93 %; 85 / 90 = 94.444 % -> 94.44
    assert clean_claim_rate(93, 100).value == Decimal("93.00")
    assert first_pass_resolution_rate(85, 90).value == Decimal("94.44")


def test_ar_over_90_and_120() -> None:
    # 1,234.56 / 8,000.00 = 15.432 % -> 15.43; 617.28 / 8,000.00 = 7.716 % -> 7.72
    assert percent_ar_over_90(usd("1234.56"), usd("8000.00")).value == Decimal("15.43")
    assert percent_ar_over_120(usd("617.28"), usd("8000.00")).value == Decimal("7.72")


def test_bad_debt_rate() -> None:
    # 45.00 / 12,000.00 = 0.375 % -> 0.38 (half up)
    assert bad_debt_rate(usd("45.00"), usd("12000.00")).value == Decimal("0.38")


def test_lags() -> None:
    # 31 Jan -> 2 Feb = 2 days; 28 Feb 2024 -> 1 Mar 2024 = 2 days (leap); 1 Mar -> 1 Mar = 0
    r = charge_lag(
        [
            (date(2025, 1, 31), date(2025, 2, 2)),
            (date(2024, 2, 28), date(2024, 3, 1)),
            (date(2025, 3, 1), date(2025, 3, 1)),
        ]
    )
    # 4 days / 3 charges = 1.333 -> 1.33
    assert (r.numerator, r.denominator, r.value) == (4, 3, Decimal("1.33"))
    # 28 Feb 2025 -> 1 Mar 2025 = 1 day (not a leap year)
    assert claim_lag([(date(2025, 2, 28), date(2025, 3, 1))]).value == Decimal("1.00")
    # 31 Dec 2024 -> 30 Jan 2025 = 30 days; 31 Dec 2024 -> 31 Jan 2025 = 31 days; avg 30.5
    assert payment_lag(
        [(date(2024, 12, 31), date(2025, 1, 30)), (date(2024, 12, 31), date(2025, 1, 31))]
    ).value == Decimal("30.50")


def test_rounding_is_half_up_not_half_even() -> None:
    # 1 cent / 8.00 = 0.125 % -> 0.13 half up (half even would give 0.12)
    assert gross_collection_rate(usd("0.01"), usd("8.00")).value == Decimal("0.13")
    # -1 cent / 8.00 = -0.125 % -> -0.13 (ties away from zero)
    assert gross_collection_rate(usd("-0.01"), usd("8.00")).value == Decimal("-0.13")
    # 3 cents / 8.00 = 0.375 % -> 0.38
    assert gross_collection_rate(usd("0.03"), usd("8.00")).value == Decimal("0.38")


def test_zero_value_has_two_places() -> None:
    assert str(denial_rate_by_count(0, 5)) == "0.00%"
    assert denial_rate_by_count(0, 5).value == Decimal("0.00")


def test_other_currencies_use_their_minor_units() -> None:
    # JPY has no minor unit: 1,500 / 4,000 = 37.5 %
    jpy = gross_collection_rate(Money(1500, "JPY"), Money(4000, "JPY"))
    assert jpy.value == Decimal("37.50")
    # BHD has 3 places: 1.001 / 3.000 = 33.3666 % -> 33.37
    bhd = gross_collection_rate(Money("1.001", "BHD"), Money("3.000", "BHD"))
    assert bhd.value == Decimal("33.37")


# --------------------------------------------------------------------------- undefined


@pytest.mark.parametrize(
    ("ratio", "reason"),
    [
        (days_in_ar(usd("10.00"), usd("0.00"), 30), "no charges in the period"),
        (gross_collection_rate(usd("10.00"), usd("0.00")), "no charges in the period"),
        (
            net_collection_rate(usd("0.00"), usd("100.00"), usd("100.00")),
            "charges net of contractual adjustments are zero",
        ),
        (denial_rate_by_count(0, 0), "no claims submitted"),
        (denial_rate_by_amount(usd("0.00"), usd("0.00")), "no charges submitted"),
        (clean_claim_rate(0, 0), "no claims submitted"),
        (first_pass_resolution_rate(0, 0), "no claims adjudicated"),
        (percent_ar_over_90(usd("0.00"), usd("0.00")), "no A/R"),
        (percent_ar_over_120(usd("0.00"), usd("0.00")), "no A/R"),
        (bad_debt_rate(usd("0.00"), usd("0.00")), "no charges in the period"),
        (charge_lag([]), "no intervals"),
        (claim_lag([]), "no intervals"),
        (payment_lag([]), "no intervals"),
    ],
)
def test_zero_denominator_is_undefined(ratio: Ratio, reason: str) -> None:
    assert ratio.value is None
    assert not ratio.is_defined
    assert ratio.exact is None
    assert ratio.undefined_reason == reason
    assert str(ratio) == f"undefined ({reason})"
    assert ratio.to_record()["value"] is None


# --------------------------------------------------------------------------- properties


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=-(10**12), max_value=10**12),
)
def test_value_is_exact_ratio_rounded_once(num: int, den: int) -> None:
    r = gross_collection_rate(Money.from_minor(num, "USD"), Money.from_minor(den, "USD"))
    if den == 0:
        assert r.value is None
        return
    exact = Fraction(num * 100, den)
    assert r.exact == exact
    assert r.value is not None
    assert r.value.as_tuple().exponent == -RATIO_PLACES
    error = Fraction(r.value) - exact
    assert abs(error) <= Fraction(1, 2 * 10**RATIO_PLACES)
    if abs(error) == Fraction(1, 2 * 10**RATIO_PLACES):  # a tie: away from zero
        assert abs(Fraction(r.value)) > abs(exact)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_count_rates_between_0_and_100(part: int, extra: int) -> None:
    r = denial_rate_by_count(part, part + extra)
    if part + extra == 0:
        assert not r.is_defined
    else:
        assert r.value is not None
        assert Decimal(0) <= r.value <= Decimal(100)


def test_global_decimal_context_is_neither_used_nor_changed() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = decimal.ROUND_DOWN
        ctx.traps[decimal.Inexact] = True
        before = ctx.copy()
        # 123,456,789.01 / 3.00 x 100 = 4,115,226,300.333... % -> 4115226300.33
        r = gross_collection_rate(usd("123456789.01"), usd("3.00"))
        assert ctx.prec == before.prec and ctx.rounding == before.rounding
        assert ctx.traps == before.traps
    assert r.value == Decimal("4115226300.33")


# --------------------------------------------------------------------------- bad input


def test_currency_mismatch() -> None:
    with pytest.raises(CurrencyMismatchError, match="payments in USD, charges in EUR"):
        gross_collection_rate(usd("1.00"), Money("1.00", "EUR"))


def test_non_money_amounts_are_refused() -> None:
    with pytest.raises(TypeError, match=r"charges must be a Money, got 1\.0 \(float\)"):
        gross_collection_rate(usd("1.00"), 1.0)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"total_ar must be a Money, got Decimal\('1\.00'\) \(Decimal\)"
    ):
        days_in_ar(Decimal("1.00"), usd("1.00"), 30)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [True, 1.0, "3"])
def test_non_int_counts_are_refused(bad: object) -> None:
    with pytest.raises(TypeError, match="denied_claims must be an int count"):
        denial_rate_by_count(bad, 10)  # type: ignore[arg-type]


def test_negative_count_is_named() -> None:
    with pytest.raises(ValidationError, match="submitted_claims: must not be negative, got -1"):
        clean_claim_rate(0, -1)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: clean_claim_rate(11, 10), "clean_claims: 11 is more than submitted_claims (10)"),
        (
            lambda: first_pass_resolution_rate(3, 2),
            "resolved_first_pass: 3 is more than adjudicated_claims (2)",
        ),
        (
            lambda: denial_rate_by_amount(usd("2.00"), usd("1.00")),
            "denied: 2.00 USD is more than submitted (1.00 USD)",
        ),
        (
            lambda: percent_ar_over_90(usd("2.00"), usd("1.00")),
            "ar_over_90: 2.00 USD is more than total_ar (1.00 USD)",
        ),
        (
            lambda: net_collection_rate(usd("1.00"), usd("1.00"), usd("-1.00")),
            "contractual_adjustments: must not be negative, got -1.00 USD",
        ),
        (
            lambda: net_collection_rate(usd("1.00"), usd("1.00"), usd("2.00")),
            "contractual_adjustments: 2.00 USD is more than charges (1.00 USD)",
        ),
    ],
)
def test_part_larger_than_whole_is_refused(call: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        call()  # type: ignore[operator]
    assert str(info.value) == message


@pytest.mark.parametrize("period", [0, -30, 30.0, True])
def test_bad_period(period: object) -> None:
    with pytest.raises(ValidationError, match="period_days: must be a positive int"):
        days_in_ar(usd("1.00"), usd("1.00"), period)  # type: ignore[arg-type]


def test_bad_intervals_are_all_named() -> None:
    with pytest.raises(ValidationError) as info:
        average_lag(
            [
                (date(2025, 1, 2), date(2025, 1, 1)),
                (date(2025, 1, 1), date(2025, 1, 3)),
                (datetime(2025, 1, 1), date(2025, 1, 2)),  # type: ignore[list-item]
                "nope",  # type: ignore[list-item]
            ]
        )
    assert [f.location for f in info.value.findings] == [
        "intervals[0]",
        "intervals[2]",
        "intervals[3]",
    ]
    assert "ends 2025-01-01 before it starts 2025-01-02" in str(info.value)


# --------------------------------------------------------------------------- records


def test_to_record_is_flat_and_plain() -> None:
    rec = net_collection_rate(usd("5880.00"), usd("10000.00"), usd("4000.00")).to_record()
    assert rec == {
        "name": "net collection rate",
        "value": Decimal("98.00"),
        "unit": "percent",
        "numerator": Decimal("5880.00"),
        "denominator": Decimal("6000.00"),
        "currency": "USD",
        "definition": "payments / (gross charges - contractual adjustments) x 100",
    }
    count = denial_rate_by_count(1, 4).to_record()
    assert (count["numerator"], count["denominator"], count["currency"]) == (1, 4, None)


def test_ratio_is_frozen() -> None:
    r = clean_claim_rate(1, 2)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        r.value = Decimal(1)  # type: ignore[misc]


# --------------------------------------------------------------------------- Ratio.of


def test_ratio_of_known_answers() -> None:
    # 45 visits / 30 days = 1.5 per day
    r = Ratio.of(
        "visits per day",
        45,
        30,
        scale=1,
        unit=RatioUnit.DAYS,
        definition="visits / days",
        undefined="no days",
    )
    assert (r.value, r.exact, r.scale, str(r)) == (Decimal("1.50"), Fraction(3, 2), 1, "1.50 days")
    # 30.00 of 90.00 = 33.333 % -> 33.33 (percent is the default)
    share = Ratio.of("share", usd("30.00"), usd("90.00"), definition="d", undefined="u")
    assert (share.value, share.unit, share.scale) == (Decimal("33.33"), RatioUnit.PERCENT, 100)
    # 2 of 3 = 66.666 % -> 66.67 (half up is also round half away from zero here)
    assert Ratio.of("two thirds", 2, 3, definition="d", undefined="u").value == Decimal("66.67")
    none = Ratio.of("x", 5, 0, definition="d", undefined="nothing counted")
    assert (none.value, str(none)) == (None, "undefined (nothing counted)")


def test_ratio_of_matches_the_kpi_functions() -> None:
    # A twin computed elsewhere builds the same Ratio from the same totals.
    assert Ratio.of(
        "gross collection rate",
        usd("4200.00"),
        usd("10000.00"),
        definition="payments / gross charges x 100",
        undefined="no charges in the period",
    ) == gross_collection_rate(usd("4200.00"), usd("10000.00"))


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale", "error", "message"),
    [
        (True, 2, 100, TypeError, "numerator must be a Money or an int, got True (bool)"),
        (1, 2.0, 100, TypeError, "denominator must be a Money or an int, got 2.0 (float)"),
        (1, 2, 1.0, TypeError, "scale must be an int, got 1.0 (float)"),
        (1, 2, 0, ValidationError, "scale: must be at least 1, got 0"),
        (
            Money("1.00", "USD"),
            Money("1.00", "EUR"),
            100,
            CurrencyMismatchError,
            "numerator is in USD, denominator in EUR",
        ),
    ],
)
def test_ratio_of_refuses_bad_terms(
    numerator: object, denominator: object, scale: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        Ratio.of("x", numerator, denominator, scale=scale, definition="d", undefined="u")  # type: ignore[arg-type]
    assert str(info.value) == message


# --------------------------------------------------------------------------- more bad input


def test_lag_of_something_not_iterable_names_the_argument() -> None:
    with pytest.raises(TypeError, match=r"intervals must be an iterable of \(start, end\) pairs"):
        charge_lag(None)  # type: ignore[arg-type]


def test_every_amount_kpi_checks_types_and_currencies() -> None:
    eur = Money("1.00", "EUR")
    calls = [
        lambda: days_in_ar(usd("1.00"), eur, 30),
        lambda: percent_ar_over_90(usd("1.00"), eur),
        lambda: percent_ar_over_120(eur, usd("1.00")),
        lambda: gross_collection_rate(eur, usd("1.00")),
        lambda: net_collection_rate(usd("1.00"), usd("1.00"), eur),
        lambda: bad_debt_rate(usd("1.00"), eur),
        lambda: denial_rate_by_amount(eur, usd("1.00")),
    ]
    for call in calls:
        with pytest.raises(CurrencyMismatchError, match="amounts must share one currency"):
            call()
    with pytest.raises(TypeError, match="bad_debt must be a Money"):
        bad_debt_rate(45, usd("1.00"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="contractual_adjustments must be a Money"):
        net_collection_rate(usd("1.00"), usd("1.00"), "0")  # type: ignore[arg-type]


def test_counts_are_checked_on_every_count_kpi() -> None:
    for kpi in (denial_rate_by_count, clean_claim_rate, first_pass_resolution_rate):
        with pytest.raises(TypeError, match="must be an int count"):
            kpi(1, "10")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="must not be negative, got -1"):
            kpi(-1, 10)


def test_a_part_equal_to_its_whole_is_allowed() -> None:
    # 100 %: every claim denied is a bad month, not bad input
    assert denial_rate_by_count(4, 4).value == Decimal("100.00")
    assert percent_ar_over_90(usd("5.00"), usd("5.00")).value == Decimal("100.00")
    assert net_collection_rate(usd("0.00"), usd("5.00"), usd("0.00")).value == Decimal("0.00")


def test_one_day_period_is_allowed() -> None:
    # 10.00 x 1 / 20.00 = 0.5 days
    assert days_in_ar(usd("10.00"), usd("20.00"), 1).value == Decimal("0.50")


def test_error_messages_stay_short_for_huge_bad_values() -> None:
    huge = "7" * 1_000_000
    for call in (
        lambda: denial_rate_by_count(huge, 10),
        lambda: gross_collection_rate(huge, usd("1.00")),
        lambda: Ratio.of("x", huge, 1, definition="d", undefined="u"),
    ):
        with pytest.raises(TypeError) as info:
            call()
        assert len(str(info.value)) < 200
    with pytest.raises(ValidationError) as bad:
        days_in_ar(usd("1.00"), usd("1.00"), huge)  # type: ignore[arg-type]
    assert len(str(bad.value)) < 200
    with pytest.raises(ValidationError) as lag:
        average_lag([huge])  # type: ignore[list-item]
    assert len(str(lag.value)) < 200


def test_ar_over_120_names_itself() -> None:
    r = percent_ar_over_120(usd("1.00"), usd("4.00"))
    assert (r.name, r.definition) == (
        "% of A/R over 120 days",
        "A/R aged over 120 days / total A/R x 100",
    )
    with pytest.raises(ValidationError) as info:
        percent_ar_over_120(usd("2.00"), usd("1.00"))
    assert str(info.value) == "ar_over_120: 2.00 USD is more than total_ar (1.00 USD)"


def test_rates_of_charges_may_exceed_100_percent() -> None:
    # Payments and bad debt of a period may come from earlier periods' charges:
    # 150.00 / 100.00 = 150 %
    assert gross_collection_rate(usd("150.00"), usd("100.00")).value == Decimal("150.00")
    assert bad_debt_rate(usd("150.00"), usd("100.00")).value == Decimal("150.00")
