from __future__ import annotations

import datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given

from billing_core.codes import CARC, RARC, GroupCode, ProcedureCode
from billing_core.errors import CurrencyMismatchError, InvalidAmountError, InvalidCodeError
from billing_core.money import Money
from billing_core.remittance import (
    CasAdjustment,
    ClaimPayment,
    ClaimStatus,
    PaymentMethod,
    ProviderAdjustment,
    ProviderAdjustmentReason,
    Remittance,
    ServicePayment,
)
from billing_core.testing.strategies.remittance import balanced_claim_payments

D = datetime.date


def usd(text: str) -> Money:
    return Money(text, "USD")


def eur(text: str) -> Money:
    return Money(text, "EUR")


# --- ClaimStatus -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "member", "sequence", "forwarded"),
    [
        ("1", ClaimStatus.PROCESSED_PRIMARY, 1, False),
        ("2", ClaimStatus.PROCESSED_SECONDARY, 2, False),
        ("3", ClaimStatus.PROCESSED_TERTIARY, 3, False),
        ("4", ClaimStatus.DENIED, None, False),
        ("19", ClaimStatus.PROCESSED_PRIMARY_FORWARDED, 1, True),
        ("20", ClaimStatus.PROCESSED_SECONDARY_FORWARDED, 2, True),
        ("21", ClaimStatus.PROCESSED_TERTIARY_FORWARDED, 3, True),
        ("22", ClaimStatus.REVERSAL, None, False),
        ("23", ClaimStatus.NOT_OUR_CLAIM, None, True),
        ("25", ClaimStatus.PREDETERMINATION, None, False),
    ],
)
def test_claim_status_codes(
    code: str, member: ClaimStatus, sequence: int | None, forwarded: bool
) -> None:
    assert ClaimStatus.parse(code) is member
    assert member.sequence == sequence
    assert member.forwarded is forwarded
    assert str(member) == code


@pytest.mark.parametrize("bad", ["0", "5", "24", "26", "", "P", "1.0"])
def test_unknown_claim_status_is_a_clear_error_with_location(bad: str) -> None:
    with pytest.raises(InvalidCodeError, match=r"unknown claim status .* at claim 7 \(X\)"):
        ClaimStatus.parse(bad, location="claim 7 (X)")


def test_claim_status_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        ClaimStatus.parse(1)  # type: ignore[arg-type]


def test_claim_payment_parses_a_status_string_and_refuses_unknown() -> None:
    with pytest.raises(InvalidCodeError, match="unknown claim status '9'"):
        ClaimPayment(patient_control_number="A", status="9", charge=usd("1"), paid=usd("1"))


def test_payment_method_and_plb_reason_parse() -> None:
    assert PaymentMethod.parse(" ach ") is PaymentMethod.ACH
    assert PaymentMethod.parse("FWT") is PaymentMethod.WIRE
    with pytest.raises(InvalidCodeError, match="unknown payment method 'CASH' at BPR04"):
        PaymentMethod.parse("CASH", location="BPR04")
    assert ProviderAdjustmentReason.parse("fb") is ProviderAdjustmentReason.FORWARDING_BALANCE
    assert ProviderAdjustmentReason.parse("72") is ProviderAdjustmentReason.AUTHORIZED_RETURN
    with pytest.raises(InvalidCodeError, match="at PLB03"):
        ProviderAdjustmentReason.parse("Q9", location="PLB03")


# --- CasAdjustment ----------------------------------------------------------------------


def test_adjustment_converts_group_and_reason() -> None:
    a = CasAdjustment(group="pr", reason="2", amount=usd("5.13"), quantity="1")
    assert a.group is GroupCode.PR
    assert a.reason == CARC("2")
    assert a.quantity == Decimal(1)
    assert a.key == "PR-2"
    assert str(a) == "PR-2 5.13 USD"


def test_adjustment_refuses_unknown_and_legacy_group_strings() -> None:
    with pytest.raises(InvalidCodeError, match="invalid group code 'XX'"):
        CasAdjustment(group="XX", reason="45", amount=usd("1"))
    with pytest.raises(InvalidCodeError, match="4010"):
        CasAdjustment(group="CR", reason="45", amount=usd("1"))
    # A member parsed with allow_legacy=True is kept (reading 4010 data).
    legacy = CasAdjustment(
        group=GroupCode.parse("CR", allow_legacy=True), reason="18", amount=usd("1")
    )
    assert legacy.group is GroupCode.CR


def test_adjustment_refuses_float_amount_and_quantity() -> None:
    with pytest.raises(TypeError):
        CasAdjustment(group="CO", reason="45", amount=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        CasAdjustment(group="CO", reason="45", amount=usd("1"), quantity=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmountError):
        CasAdjustment(group="CO", reason="45", amount=usd("1"), quantity="abc")


def test_from_cas_builds_one_adjustment_per_triplet() -> None:
    # CAS*PR*1*150**2*70 (stupidedi secondary-payments): two reasons in one segment.
    adjs = CasAdjustment.from_cas("PR", ("1", usd("150")), ("2", usd("70"), 1))
    assert [a.key for a in adjs] == ["PR-1", "PR-2"]
    assert [a.amount for a in adjs] == [usd("150"), usd("70")]
    assert adjs[1].quantity == Decimal(1)
    with pytest.raises(InvalidCodeError, match="1 to 6"):
        CasAdjustment.from_cas("PR")
    with pytest.raises(InvalidCodeError, match="1 to 6"):
        CasAdjustment.from_cas("CO", *[("45", usd("1"))] * 7)


# --- currency and type checks --------------------------------------------------------


def test_service_payment_refuses_mixed_currencies_naming_the_field() -> None:
    with pytest.raises(CurrencyMismatchError, match=r"ServicePayment.paid is 5.00 EUR"):
        ServicePayment(charge=usd("5"), paid=eur("5"))
    with pytest.raises(CurrencyMismatchError, match=r"adjustments\[0\]"):
        ServicePayment(
            charge=usd("5"),
            paid=usd("4"),
            adjustments=[CasAdjustment(group="CO", reason="45", amount=eur("1"))],
        )
    with pytest.raises(CurrencyMismatchError, match="allowed"):
        ServicePayment(charge=usd("5"), paid=usd("4"), allowed=eur("4"))


def test_claim_payment_refuses_a_line_in_another_currency() -> None:
    with pytest.raises(CurrencyMismatchError, match=r"lines\[0\].charge"):
        ClaimPayment(
            patient_control_number="A",
            status="1",
            charge=usd("5"),
            paid=usd("5"),
            lines=[ServicePayment(charge=eur("5"), paid=eur("5"))],
        )


def test_remittance_refuses_a_claim_or_plb_in_another_currency() -> None:
    claim = ClaimPayment(patient_control_number="A", status="1", charge=eur("5"), paid=eur("5"))
    with pytest.raises(CurrencyMismatchError, match=r"claims\[0\]"):
        Remittance(
            payer="P",
            payee="Q",
            total_payment=usd("5"),
            payment_method="ACH",
            trace_number="T",
            paid_date=D(2024, 1, 1),
            claims=[claim],
        )
    with pytest.raises(CurrencyMismatchError, match=r"provider_adjustments\[0\]"):
        Remittance(
            payer="P",
            payee="Q",
            total_payment=usd("5"),
            payment_method="ACH",
            trace_number="T",
            paid_date=D(2024, 1, 1),
            provider_adjustments=[ProviderAdjustment(reason="L6", amount=eur("-1"))],
        )


def test_money_fields_must_be_money() -> None:
    with pytest.raises(TypeError, match="ServicePayment.charge must be a Money"):
        ServicePayment(charge="5.00", paid=usd("5"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"ClaimPayment.lines\[0\] must be a ServicePayment"):
        ClaimPayment(
            patient_control_number="A",
            status="1",
            charge=usd("5"),
            paid=usd("5"),
            lines=["x"],  # type: ignore[list-item]
        )


def test_collections_are_tuples_and_objects_are_frozen_and_hashable() -> None:
    line = ServicePayment(
        charge=usd("5"),
        paid=usd("5"),
        remarks=["n206"],
        procedure=ProcedureCode("CPT", "99213"),
    )
    claim = ClaimPayment(
        patient_control_number="A", status="1", charge=usd("5"), paid=usd("5"), lines=[line]
    )
    assert claim.lines == (line,)
    assert line.remarks == (RARC("N206"),)
    assert hash(claim) == hash(attrs.evolve(claim))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        claim.paid = usd("1")  # type: ignore[misc]


def test_remarks_refuse_a_single_string() -> None:
    with pytest.raises(TypeError, match="single str"):
        ServicePayment(charge=usd("5"), paid=usd("5"), remarks="N206")  # type: ignore[arg-type]


def test_remittance_id_defaults_to_trace_number() -> None:
    r = Remittance(
        payer="P",
        payee="Q",
        total_payment=usd("0"),
        payment_method=PaymentMethod.NONE,
        trace_number="TRACE-1",
        paid_date=D(2024, 1, 1),
    )
    assert r.id == "TRACE-1"
    assert attrs.evolve(r, id="mine").id == "mine"


# --- derived values ------------------------------------------------------------------


def test_is_denied() -> None:
    def claim(status: str, paid: str, charge: str = "10") -> ClaimPayment:
        return ClaimPayment(
            patient_control_number="A", status=status, charge=usd(charge), paid=usd(paid)
        )

    assert claim("4", "0").is_denied
    assert claim("1", "0").is_denied
    assert not claim("1", "5").is_denied
    assert not claim("1", "0", charge="0").is_denied
    assert not claim("22", "0").is_denied
    assert not claim("25", "0").is_denied


def test_as_reversal_negates_every_amount_and_keeps_codes() -> None:
    line = ServicePayment(
        line_control_number="L1",
        charge=usd("100"),
        paid=usd("80"),
        allowed=usd("80"),
        units=2,
        adjustments=CasAdjustment.from_cas("CO", ("45", usd("20"))),
    )
    claim = ClaimPayment(
        patient_control_number="A",
        status="1",
        charge=usd("100"),
        paid=usd("80"),
        patient_responsibility=usd("0"),
        payer_claim_control_number="PCCN",
        lines=[line],
    )
    rev = claim.as_reversal()
    assert rev.status is ClaimStatus.REVERSAL
    assert (rev.charge, rev.paid) == (usd("-100"), usd("-80"))
    assert rev.payer_claim_control_number == "PCCN"
    (rline,) = rev.lines
    assert (rline.charge, rline.paid, rline.allowed, rline.units) == (
        usd("-100"),
        usd("-80"),
        usd("-80"),
        Decimal(-2),
    )
    assert [(a.key, a.amount) for a in rline.adjustments] == [("CO-45", usd("-20"))]
    assert rline.line_control_number == "L1"


@given(balanced_claim_payments())
def test_reversal_of_reversal_is_the_original_amounts(claim: ClaimPayment) -> None:
    back = claim.as_reversal().as_reversal()
    assert attrs.evolve(back, status=claim.status) == claim


def test_adjusted_by_group_sums_claim_and_line_adjustments() -> None:
    usd = lambda s: Money(s, "USD")  # noqa: E731
    lines = [
        ServicePayment(
            line_control_number="L1",
            charge=usd("100.00"),
            paid=usd("70.00"),
            adjustments=CasAdjustment.from_cas("CO", ("45", usd("20.00")))
            + CasAdjustment.from_cas("PR", ("2", usd("10.00"))),
        ),
        ServicePayment(
            line_control_number="L2",
            charge=usd("50.00"),
            paid=usd("25.00"),
            adjustments=CasAdjustment.from_cas("PR", ("1", usd("15.00"))),
        ),
    ]
    claim = ClaimPayment(
        patient_control_number="C1",
        status="1",
        charge=usd("150.00"),
        paid=usd("100.00"),
        adjustments=CasAdjustment.from_cas("OA", ("23", usd("5.00"))),
        lines=lines,
    )
    # by hand: OA 5.00 (claim level); CO 20.00; PR 10.00 + 15.00 = 25.00;
    # and 100.00 paid + 5 + 20 + 25 = 150.00 charged.
    assert claim.adjusted_by_group() == {
        GroupCode.OA: usd("5.00"),
        GroupCode.CO: usd("20.00"),
        GroupCode.PR: usd("25.00"),
    }
    assert claim.paid + sum(claim.adjusted_by_group().values(), usd("0")) == claim.charge


# --- one definition of a date; bounded input ---------------------------------------------


def test_remittance_dates_refuse_a_datetime_naming_the_field() -> None:
    stamp = datetime.datetime(2024, 1, 1, 9, 30)
    with pytest.raises(TypeError, match=r"^Remittance\.paid_date must be a datetime\.date"):
        Remittance(
            payer="P",
            payee="Q",
            total_payment=usd("0"),
            payment_method="NON",
            trace_number="T",
            paid_date=stamp,  # type: ignore[arg-type]
        )
    with pytest.raises(TypeError, match=r"^ServicePayment\.service_date must be a datetime\.date"):
        ServicePayment(charge=usd("5"), paid=usd("5"), service_date=stamp)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^ProviderAdjustment\.fiscal_period_end"):
        ProviderAdjustment(reason="L6", amount=usd("-1"), fiscal_period_end="2024-12-31")  # type: ignore[arg-type]


def test_control_numbers_must_be_text() -> None:
    with pytest.raises(TypeError, match=r"^ClaimPayment\.patient_control_number must be a str"):
        ClaimPayment(patient_control_number=17, status="1", charge=usd("5"), paid=usd("5"))  # type: ignore[arg-type]


@pytest.mark.parametrize("quantity", ["1e-100000000", Decimal("1e100000000"), "9" * 10_000])
def test_unbounded_quantities_are_refused_before_any_arithmetic(quantity: object) -> None:
    with pytest.raises(InvalidAmountError) as info:
        CasAdjustment(group="CO", reason="45", amount=usd("1"), quantity=quantity)  # type: ignore[arg-type]
    assert len(str(info.value)) < 250


def test_a_huge_unknown_code_gives_a_short_message() -> None:
    with pytest.raises(InvalidCodeError) as info:
        ClaimStatus.parse("9" * 100_000, location="CLP02")
    assert len(str(info.value)) < 300
    assert "at CLP02" in str(info.value)
