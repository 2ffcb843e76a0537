"""COB balancing refuses amounts in several currencies instead of adding their minor units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.balancing import balance_cob_claim, balance_cob_line
from billing_core.errors import BillingError, CurrencyMismatchError
from billing_core.money import Money
from billing_core.remittance import CasAdjustment


def usd(text: str) -> Money:
    return Money(text, "USD")


def eur(text: str) -> Money:
    return Money(text, "EUR")


def test_the_reviewers_line_case_is_refused() -> None:
    # 100.00 USD charged, 100.00 EUR paid: the minor units agree (10000 = 10000) but the
    # amounts cannot be compared at all, so no verdict, ok or not.
    with pytest.raises(CurrencyMismatchError) as raised:
        balance_cob_line(usd("100"), eur("100"), ())
    message = str(raised.value)
    assert "line charge in USD" in message
    assert "prior payer paid in EUR" in message
    assert message.startswith("line: ")
    assert isinstance(raised.value, BillingError)
    assert isinstance(raised.value, ValueError)


def test_a_line_adjustment_in_another_currency_is_refused() -> None:
    # 100 USD = 60 USD paid + CO-45 40 EUR: refused, naming the adjustment.
    adjustments = CasAdjustment.from_cas("CO", ("45", eur("40")))
    with pytest.raises(CurrencyMismatchError, match=r"prior CAS CO-45 in EUR"):
        balance_cob_line(usd("100"), usd("60"), adjustments, location="claim C1 line 2")


def test_a_second_prior_payer_in_another_currency_is_refused() -> None:
    with pytest.raises(CurrencyMismatchError, match=r"prior payer 2 paid in EUR") as raised:
        balance_cob_line(usd("100"), [usd("60"), eur("40")], ())
    assert "prior payer 1 paid" not in str(raised.value)


def test_claim_checks_refuse_any_term_in_another_currency() -> None:
    # Claim 100 USD = paid 80 USD + PR-1 20 EUR (claim level), or + PR-2 20 EUR (line level).
    with pytest.raises(CurrencyMismatchError, match=r"^claim: .*prior claim CAS PR-1 in EUR"):
        balance_cob_claim(usd("100"), usd("80"), CasAdjustment.from_cas("PR", ("1", eur("20"))))
    with pytest.raises(CurrencyMismatchError, match=r"prior line CAS PR-2 in EUR"):
        balance_cob_claim(usd("100"), usd("80"), (), CasAdjustment.from_cas("PR", ("2", eur("20"))))
    with pytest.raises(CurrencyMismatchError, match=r"claim charge in EUR"):
        balance_cob_claim(eur("100"), usd("100"), ())


def test_one_currency_still_balances() -> None:
    # 100.00 = 60.00 + PR-2 15.00 + CO-45 25.00: balanced; with CO-45 20.00, off by 5.00.
    ok = balance_cob_line(usd("100"), usd("60"), CasAdjustment.from_cas(
        "PR", ("2", usd("15"))) + CasAdjustment.from_cas("CO", ("45", usd("25"))))  # fmt: skip
    assert ok.ok
    off = balance_cob_line(eur("100"), eur("60"), CasAdjustment.from_cas(
        "PR", ("2", eur("15"))) + CasAdjustment.from_cas("CO", ("45", eur("20"))))  # fmt: skip
    assert not off.ok
    assert off.residual == eur("5")
    assert balance_cob_claim(eur("100"), eur("80"), CasAdjustment.from_cas(
        "PR", ("1", eur("20")))).ok  # fmt: skip


_MINOR = st.integers(min_value=0, max_value=10**9)


@given(_MINOR, st.lists(_MINOR, min_size=1, max_size=3), st.data())
def test_any_term_in_another_currency_is_refused(
    charge: int, paid: list[int], data: st.DataObject
) -> None:
    # Whatever the amounts, one term in JPY among USD terms means no verdict at all.
    odd = data.draw(st.integers(min_value=0, max_value=len(paid) - 1))
    amounts = [Money.from_minor(m, "JPY" if i == odd else "USD") for i, m in enumerate(paid)]
    with pytest.raises(CurrencyMismatchError):
        balance_cob_line(Money.from_minor(charge, "USD"), amounts, ())
    with pytest.raises(CurrencyMismatchError):
        balance_cob_claim(Money.from_minor(charge, "USD"), amounts, ())


@given(_MINOR, st.lists(_MINOR, min_size=1, max_size=3))
def test_one_currency_is_ok_exactly_when_the_sums_agree(charge: int, paid: list[int]) -> None:
    check = balance_cob_line(
        Money.from_minor(charge, "EUR"), [Money.from_minor(m, "EUR") for m in paid], ()
    )
    assert check.ok is (charge == sum(paid))
