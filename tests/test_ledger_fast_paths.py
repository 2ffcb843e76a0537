"""Ledger construction shortcuts give what the general path gives, errors included.

Adjustments remember reason codes already checked (one shared string per code);
entries build their error messages only for a bad field. Each property compares
with the general path (``CARC``) or pins the error a bad field still gets.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from billing_core.codes import CARC, GroupCode
from billing_core.errors import InvalidCodeError, ValidationError
from billing_core.ledger import Adjustment, Bucket, ChargePosted, Source
from billing_core.money import Money

DAY = datetime.date(2024, 3, 4)


def _adjustment(reason: str) -> Adjustment:
    return Adjustment(
        id="j1",
        account_id="A1",
        line_id="L1",
        effective=DAY,
        amount=Money("5.00", "USD"),
        bucket=Bucket.PRIMARY,
        group=GroupCode.CO,
        reason=reason,
    )


def _outcome(reason: str) -> tuple[str, str]:
    try:
        return "ok", _adjustment(reason).reason
    except (InvalidCodeError, TypeError) as error:
        return type(error).__name__, str(error)


def _carc(reason: str) -> tuple[str, str]:
    try:
        return "ok", CARC(reason).code
    except (InvalidCodeError, TypeError) as error:
        return type(error).__name__, str(error)


@given(st.one_of(st.text(max_size=5), st.sampled_from(["45", "b7", "B7", "045", " 45", "P12"])))
@example("45")
@example("b7")
def test_adjustment_reason_is_the_checked_code_every_time(reason: str) -> None:
    first, second = _outcome(reason), _outcome(reason)  # the second may come from memory
    assert first == second == _carc(reason)


def test_known_reason_codes_share_one_string() -> None:
    # "b7" is CARC B7 in upper case (X12 code lists are upper case).
    a, b = _adjustment("b7"), _adjustment("b7")
    assert a.reason == "B7"
    assert a.reason is b.reason


@pytest.mark.parametrize(
    ("field", "value", "error", "message"),
    [
        ("id", "", ValidationError, "ChargePosted.id: must be non-empty text"),
        ("id", 7, TypeError, "ChargePosted.id must be a str"),
        ("account_id", "", ValidationError, "ChargePosted.account_id: must be non-empty text"),
        ("effective", datetime.datetime(2024, 3, 4), TypeError, "ChargePosted.effective must"),
        ("source", "web", TypeError, "ChargePosted.source must be a Source"),
        ("line_id", "", ValidationError, "ChargePosted.line_id: must be non-empty text"),
    ],
)
def test_a_bad_field_still_gets_its_message(
    field: str, value: object, error: type[Exception], message: str
) -> None:
    fields: dict[str, object] = {
        "id": "c1",
        "account_id": "A1",
        "line_id": "L1",
        "effective": DAY,
        "amount": Money("5.00", "USD"),
        "bucket": Bucket.PRIMARY,
        "source": Source(),
    }
    fields[field] = value
    with pytest.raises(error) as raised:
        ChargePosted(**fields)  # type: ignore[arg-type]
    assert message in str(raised.value)
