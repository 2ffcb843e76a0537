from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.codes import GroupCode
from billing_core.errors import NotFoundError, ValidationError
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    WriteOff,
    WriteOffReason,
)
from billing_core.money import Money
from billing_core.statements import (
    ActionKind,
    DunningHistory,
    FinalAction,
    PeriodUnit,
    Statement,
    StatementPolicy,
    next_action,
    render_html,
    render_text,
    statement,
)
from billing_core.testing.strategies.ledger import ledger_histories

ACCT = "ACCT-000987654"
AS_OF = date(2025, 3, 31)
D1, D2, D3 = date(2025, 1, 2), date(2025, 2, 10), date(2025, 3, 5)
PAYER = Party.payer("AETNA")
PATIENT = Party.patient("PAT-000123456")


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def _history() -> list[Entry]:
    return [
        ChargePosted(id="c1", account_id=ACCT, line_id="L1", effective=D1,
                     amount=usd("200.00"), bucket=Bucket.PRIMARY),
        ChargePosted(id="c2", account_id=ACCT, line_id="L2", effective=D1,
                     amount=usd("45.00"), bucket=Bucket.PATIENT),
        ChargePosted(id="c3", account_id=ACCT, line_id="L3", effective=D3,
                     amount=usd("310.00"), bucket=Bucket.PRIMARY),
        ChargePosted(id="c4", account_id=ACCT, line_id="L4", effective=D1,
                     amount=usd("15.00"), bucket=Bucket.PATIENT),
        PaymentReceived(id="p1", account_id=ACCT, effective=D2, amount=usd("120.00"),
                        party=PAYER),
        PaymentApplied(id="a1", account_id=ACCT, line_id="L1", effective=D2,
                       amount=usd("120.00"), party=PAYER, bucket=Bucket.PRIMARY),
        Adjustment(id="j1", account_id=ACCT, line_id="L1", effective=D2, amount=usd("50.00"),
                   bucket=Bucket.PRIMARY, group=GroupCode.CO, reason="45"),
        Adjustment(id="j2", account_id=ACCT, line_id="L1", effective=D2, amount=usd("30.00"),
                   bucket=Bucket.PRIMARY, group=GroupCode.PR, reason="2",
                   to_bucket=Bucket.PATIENT),
        PaymentReceived(id="p2", account_id=ACCT, effective=D3, amount=usd("50.00"),
                        party=PATIENT),
        PaymentApplied(id="a2", account_id=ACCT, line_id="L2", effective=D3,
                       amount=usd("25.00"), party=PATIENT, bucket=Bucket.PATIENT),
        PaymentApplied(id="a3", account_id=ACCT, line_id="L4", effective=D3,
                       amount=usd("10.00"), party=PATIENT, bucket=Bucket.PATIENT),
        WriteOff(id="w1", account_id=ACCT, line_id="L4", effective=D3, amount=usd("5.00"),
                 bucket=Bucket.PATIENT, reason=WriteOffReason.SMALL_BALANCE),
    ]  # fmt: skip


INFO = {
    "L1": SimpleNamespace(service_date=date(2024, 12, 30), description="Office visit"),
    "L2": SimpleNamespace(service_date=date(2024, 12, 30), description="Flu vaccine"),
    "L3": SimpleNamespace(service_date=date(2025, 3, 3), description="Chest <X-ray>"),
}


# --------------------------------------------------------------------------- statement


def test_statement_known_answer() -> None:
    s = statement(_history(), AS_OF, info=INFO, patient_name="Jane Doe")
    # L4 is paid and written off: not an open line
    assert [sl.line_id for sl in s.lines] == ["L1", "L2", "L3"]
    l1, l2, l3 = s.lines
    assert (l1.charge, l1.insurance_paid, l1.insurance_adjusted, l1.patient_paid) == (
        usd("200.00"),
        usd("120.00"),
        usd("50.00"),
        usd("0.00"),
    )
    assert (l1.patient_balance, l1.due, l1.responsible_since) == (usd("30.00"), usd("30.00"), D2)
    assert (l2.patient_paid, l2.due, l2.responsible_since) == (usd("25.00"), usd("20.00"), D1)
    assert l3.pending and l3.due == usd("0.00") and l3.insurance_pending == usd("310.00")
    assert l1.service_date == date(2024, 12, 30) and l3.description == "Chest <X-ray>"
    # due 30 + 20; the patient's credit is 50 received - 35 applied = 15
    assert s.amount_due == usd("50.00")
    assert s.credit_available == usd("15.00")
    assert s.pay_now == usd("35.00")
    assert s.insurance_pending == usd("310.00")
    assert s.due_date == date(2025, 4, 25)  # 25 days by default
    assert s.patient_id == "PAT-000123456"
    # aging of the due, since the patient became responsible:
    # L1 10 Feb -> 49 days (31-60); L2 2 Jan -> 88 days (61-90)
    assert s.aging == (usd("0.00"), usd("30.00"), usd("20.00"), usd("0.00"), usd("0.00"))
    assert s.oldest_due_since == D1


def test_line_without_info_uses_charge_date_and_line_id() -> None:
    s = statement(_history(), AS_OF)
    assert (s.lines[0].service_date, s.lines[0].description) == (D1, "L1")


def test_statement_as_of_before_payments() -> None:
    s = statement(_history(), date(2025, 1, 15), info=INFO)
    # only the charges: L1 with the primary payer (pending), L2 and L4 due in full
    assert [(sl.line_id, sl.pending, sl.due) for sl in s.lines] == [
        ("L1", True, usd("0.00")),
        ("L2", False, usd("45.00")),
        ("L4", False, usd("15.00")),
    ]
    assert s.credit_available == usd("0.00")


def test_statement_as_of_before_all_activity_has_nothing_due() -> None:
    s = statement(_history(), date(2024, 1, 1), info=INFO)
    assert s.lines == ()
    assert (s.amount_due, s.pay_now, s.credit_available) == (usd("0.00"),) * 3
    assert s.aging == (usd("0.00"),) * 5
    assert next_action(DunningHistory.from_statement(s), s.statement_date, POLICY).kind is (
        ActionKind.NONE
    )
    assert "No open charges." in render_text(s)


def test_statement_picks_one_account() -> None:
    other = ChargePosted(id="x1", account_id="B", line_id="X1", effective=D1,
                         amount=usd("9.00"), bucket=Bucket.PATIENT)  # fmt: skip
    with pytest.raises(ValidationError, match="hold several accounts"):
        statement([*_history(), other], AS_OF)
    assert statement([*_history(), other], AS_OF, account_id="B").amount_due == usd("9.00")
    with pytest.raises(ValidationError, match="hold no entries"):
        statement(_history(), AS_OF, account_id="nope")


@settings(max_examples=60)
@given(ledger_histories(max_lines=4, max_steps=20), st.integers(min_value=0, max_value=300))
def test_statement_lines_conserve_and_due_ages_fully(
    history: tuple[Entry, ...], offset: int
) -> None:
    as_of = date(2024, 1, 1) + timedelta(days=offset)
    s = statement(history, as_of)
    for sl in s.lines:
        parts = (
            sl.insurance_paid + sl.insurance_adjusted + sl.patient_paid + sl.written_off
            + sl.insurance_pending + sl.patient_balance
        )  # fmt: skip
        assert parts == sl.charge
        assert sl.due.minor >= 0
        assert not (sl.pending and sl.due.minor)
    assert sum(m.minor for m in s.aging) == s.amount_due.minor
    assert s.pay_now.minor == max(0, s.amount_due.minor - s.credit_available.minor)
    # as of: later entries change nothing
    assert statement([e for e in history if e.effective <= as_of], as_of) == s


# --------------------------------------------------------------------------- rendering


def test_render_text_en_us_masked() -> None:
    s = statement(_history(), AS_OF, info=INFO, patient_name="Jane Doe")
    text = render_text(s)
    assert "Account: ****7654    Statement date: Mar 31, 2025    Due date: Apr 25, 2025" in text
    # the office copy hides the name entirely and keeps the ids' last 4 characters
    assert "Patient: **** (****3456)" in text
    assert ACCT not in text and "PAT-000123456" not in text and "Jane" not in text
    assert "Patient: Jane Doe (PAT-000123456)" in render_text(s, patient_copy=True)
    assert "Dec 30, 2024" in text and "$200.00" in text
    assert "Chest <X-ray> (pending insurance)" in text
    assert "Amount due: $50.00" in text
    assert "Credit on your account: $15.00" in text
    assert "Please pay $35.00 by Apr 25, 2025" in text
    assert "Waiting for insurance: $310.00" in text
    assert "31-60: $30.00  61-90: $20.00" in text
    assert str(s) == text


def test_render_patient_copy_and_locales() -> None:
    s = statement(_history(), AS_OF, info=INFO)
    mine = render_text(s, patient_copy=True)
    assert f"Account: {ACCT}" in mine and "PAT-000123456" in mine
    german = render_text(s, "de_DE")
    assert "31.03.2025" in german and "200,00\xa0$" in german
    french = render_text(s, "fr_FR")
    assert "31 mars 2025" in french and "200,00\xa0$US" in french
    yen = Statement(
        account_id="A", statement_date=AS_OF, due_date=AS_OF, currency="JPY", lines=(),
        credit_available=Money(0, "JPY"), aging_edges=(30,),
        aging=(Money(1500, "JPY"), Money(0, "JPY")),
    )  # fmt: skip
    line = "Amount due by age (days since you became responsible): 0-30: ¥1,500"
    assert line in render_text(yen, "en_US")


def test_render_html_escapes_and_masks() -> None:
    s = statement(_history(), AS_OF, info=INFO, patient_name="<b>Jane</b>")
    page = render_html(s)
    assert "Chest &lt;X-ray&gt;" in page and "<X-ray>" not in page
    assert "Jane" not in page and "Patient: **** (****3456)" in page
    assert ACCT not in page and "****7654" in page
    assert ACCT in render_html(s, patient_copy=True)
    assert "&lt;b&gt;Jane&lt;/b&gt;" in render_html(s, patient_copy=True)
    assert s._repr_html_() == page
    assert "Mar 31, 2025" in page and "$200.00" in page
    german = render_html(s, "de_DE")
    assert "31.03.2025" in german and "200,00\xa0$" in german and ACCT not in german


def test_repr_masks_patient_identifiers() -> None:
    s = statement(_history(), AS_OF, info=INFO, patient_name="Jane Doe")
    text = repr(s)
    assert "Jane Doe" not in text and "PAT-000123456" not in text
    assert "patient_id='****3456'" in text and "patient_name='****'" in text
    assert (s.patient_id, s.patient_name) == ("PAT-000123456", "Jane Doe")


def test_statement_to_records() -> None:
    s = statement(_history(), AS_OF, info=INFO)
    records = s.to_records(unmasked=True)
    assert s.to_records()[0]["account_id"] == "****7654"
    # minor units: the same amounts as exact ints (cents), which pandas can plot
    minor = s.to_records(money="minor")[0]
    assert (minor["charge"], minor["insurance_paid"], minor["due"]) == (20000, 12000, 3000)
    assert records[0] == {
        "account_id": ACCT,
        "line_id": "L1",
        "service_date": date(2024, 12, 30),
        "description": "Office visit",
        "charge": Decimal("200.00"),
        "insurance_paid": Decimal("120.00"),
        "insurance_adjusted": Decimal("50.00"),
        "patient_paid": Decimal("0.00"),
        "written_off": Decimal("0.00"),
        "insurance_pending": Decimal("0.00"),
        "patient_balance": Decimal("30.00"),
        "due": Decimal("30.00"),
        "pending": False,
        "currency": "USD",
    }


# --------------------------------------------------------------------------- policy


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"final_notice_after": -10}, "StatementPolicy.final_notice_after: -10 puts the final"
         " notice before or on the first statement"),
        ({"final_notice_after": 0}, "0 puts the final notice before or on the first statement"),
        ({"final_notice_after": 60}, "StatementPolicy.final_notice_after: 60 days is not after"
         " the last statement (3 statements every 30 days: the last at 60)"),
        ({"every": 0}, "StatementPolicy.every: must be at least 1, got 0"),
        ({"max_statements": 0}, "StatementPolicy.max_statements: must be at least 1, got 0"),
        ({"every": 1.5}, "StatementPolicy.every: must be an int, got 1.5 (float)"),
        ({"unit": "days"}, "StatementPolicy.unit: must be a PeriodUnit"),
        ({"due_days": -1}, "StatementPolicy.due_days: must be at least 0, got -1"),
        ({"final_action": "collections"}, "StatementPolicy.final_action: must be a FinalAction"),
        ({"small_balance_threshold": usd("-1.00")},
         "StatementPolicy.small_balance_threshold: must not be negative, got -1.00 USD"),
        ({"small_balance_threshold": 5}, "must be a Money or None, got 5 (int)"),
        ({"aging_edges": (60, 30)}, "StatementPolicy.aging_edges: must be strictly increasing"),
        ({"aging_edges": (30, -1)}, "StatementPolicy.aging_edges[1]: must not be negative"),
    ],
)  # fmt: skip
def test_bad_policy_is_named(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        StatementPolicy(**kwargs)  # type: ignore[arg-type]
    assert fragment in str(info.value)


def test_bad_policy_reports_every_problem() -> None:
    with pytest.raises(ValidationError) as info:
        StatementPolicy(every=0, max_statements=0, final_notice_after=-1, due_days=-1)
    assert len(info.value.findings) == 4


def test_monthly_schedule_uses_one_relativedelta_from_the_first() -> None:
    policy = StatementPolicy(every=1, unit=PeriodUnit.MONTHS, max_statements=4,
                             final_notice_after=4)  # fmt: skip
    first = date(2025, 1, 31)
    # stepping month by month would give 28 Feb, 28 Mar, 28 Apr
    assert [policy.after_first(first, k) for k in range(1, 5)] == [
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
    ]
    h = DunningHistory(balance=usd("80.00"), statements_sent=(first, date(2025, 2, 28)))
    assert next_action(h, date(2025, 3, 1), policy).scheduled == date(2025, 3, 31)
    leap = DunningHistory(balance=usd("80.00"), statements_sent=(date(2024, 1, 31),))
    assert next_action(leap, date(2024, 2, 1), policy).scheduled == date(2024, 2, 29)


# --------------------------------------------------------------------------- dunning

POLICY = StatementPolicy(every=30, max_statements=3, final_notice_after=75,
                         final_action_after_days=20,
                         small_balance_threshold=usd("10.00"))  # fmt: skip
FIRST = date(2025, 1, 10)


def _plan(as_of: date, **kwargs: object) -> tuple[str, date, bool, int | None]:
    defaults: dict[str, object] = {"balance": usd("80.00"), "balance_since": FIRST}
    defaults.update(kwargs)
    a = next_action(DunningHistory(**defaults), as_of, POLICY)  # type: ignore[arg-type]
    return a.kind.value, a.on, a.due, a.statement_number


def test_dunning_sequence() -> None:
    # first statement when the balance appears (on it, or today if that has passed)
    assert _plan(FIRST) == ("send_statement", FIRST, True, 1)
    assert _plan(date(2025, 1, 20)) == ("send_statement", date(2025, 1, 20), True, 1)
    one = (FIRST,)
    # 10 Jan + 30 days = 9 Feb; + 60 days = 11 Mar
    assert _plan(date(2025, 1, 20), statements_sent=one) == (
        "send_statement",
        date(2025, 2, 9),
        False,
        2,
    )
    two = (FIRST, date(2025, 2, 9))
    assert _plan(date(2025, 3, 15), statements_sent=two) == (
        "send_statement",
        date(2025, 3, 15),
        True,
        3,
    )
    three = (*two, date(2025, 3, 15))
    # final notice 75 days after 10 Jan = 26 Mar
    assert _plan(date(2025, 3, 16), statements_sent=three) == (
        "send_final_notice",
        date(2025, 3, 26),
        False,
        None,
    )
    # collections 20 days after the notice
    done = {"statements_sent": three, "final_notice_sent": date(2025, 3, 27)}
    assert _plan(date(2025, 4, 1), **done) == (
        "send_to_collections",
        date(2025, 4, 16),
        False,
        None,
    )
    write_off = StatementPolicy(every=30, max_statements=3, final_notice_after=75,
                                final_action=FinalAction.WRITE_OFF)  # fmt: skip
    h = DunningHistory(balance=usd("80.00"), **done)  # type: ignore[arg-type]
    assert next_action(h, date(2025, 5, 1), write_off).kind is ActionKind.WRITE_OFF_BAD_DEBT


def test_small_balance_gets_one_statement_then_a_write_off_proposal() -> None:
    assert _plan(FIRST, balance=usd("9.99"))[0] == "send_statement"
    got = _plan(date(2025, 1, 11), balance=usd("9.99"), statements_sent=(FIRST,))
    assert got == ("propose_small_balance_write_off", date(2025, 2, 9), False, None)
    # exactly the threshold is not small
    assert _plan(date(2025, 1, 11), balance=usd("10.00"), statements_sent=(FIRST,))[0] == (
        "send_statement"
    )


def test_holds_and_nothing_owed() -> None:
    assert _plan(AS_OF, balance=usd("0.00"))[0] == "none"
    assert _plan(AS_OF, balance=usd("-5.00"))[0] == "none"
    assert _plan(AS_OF, insurance_pending=True)[0] == "hold"
    assert _plan(AS_OF, payment_plan_current=True)[0] == "hold"
    relaxed = StatementPolicy(hold_while_insurance_pending=False)
    h = DunningHistory(balance=usd("80.00"), balance_since=FIRST, insurance_pending=True)
    assert next_action(h, AS_OF, relaxed).kind is ActionKind.SEND_STATEMENT


def test_things_sent_after_as_of_do_not_count() -> None:
    later = (date(2025, 4, 1),)
    assert _plan(AS_OF, statements_sent=later)[3] == 1
    three = (FIRST, date(2025, 2, 9), date(2025, 3, 11))
    assert _plan(AS_OF, statements_sent=three, final_notice_sent=date(2025, 4, 2))[0] == (
        "send_final_notice"
    )


def test_history_from_statement() -> None:
    s = statement(_history(), AS_OF, info=INFO)
    h = DunningHistory.from_statement(s, statements_sent=[date(2025, 3, 1)])
    assert (h.balance, h.balance_since, h.insurance_pending) == (usd("35.00"), D1, True)
    assert next_action(h, AS_OF, POLICY).kind is ActionKind.HOLD


def test_bad_dunning_inputs() -> None:
    with pytest.raises(ValidationError, match=r"statements_sent\[1\]: not a datetime.date"):
        DunningHistory(balance=usd("1.00"), statements_sent=[FIRST, "2025-02-01"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="balance"):
        DunningHistory(balance=80)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="final_notice_sent must be a datetime.date"):
        DunningHistory(balance=usd("1.00"), final_notice_sent="2025-01-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="policy must be a StatementPolicy"):
        next_action(DunningHistory(balance=usd("1.00")), AS_OF, None)  # type: ignore[arg-type]


@given(
    st.integers(min_value=1, max_value=5000),
    st.lists(st.integers(min_value=0, max_value=400), max_size=5),
    st.integers(min_value=0, max_value=500),
    st.booleans(),
)
def test_planner_never_schedules_before_today(
    cents: int, sent_offsets: list[int], today: int, notice: bool
) -> None:
    sent = tuple(FIRST + timedelta(days=d) for d in sent_offsets)
    as_of = FIRST + timedelta(days=today)
    h = DunningHistory(
        balance=Money.from_minor(cents, "USD"),
        balance_since=FIRST,
        statements_sent=sent,
        final_notice_sent=max(sent) if notice and sent else None,
    )
    a = next_action(h, as_of, POLICY)
    assert a.on >= as_of
    assert a.on == max(a.scheduled, as_of)
    assert a.due == (a.scheduled <= as_of)
    if a.kind is ActionKind.SEND_STATEMENT:
        assert a.statement_number == len([d for d in sent if d <= as_of]) + 1


# --- a payment starts a new dunning cycle (dates worked by hand) --------------------

_MONTHLY = StatementPolicy(
    every=1,
    unit=PeriodUnit.MONTHS,
    max_statements=2,
    final_notice_after=2,
    final_action=FinalAction.WRITE_OFF,
)
_OWED = Money("80.00", "USD")
_SENT = (date(2025, 1, 31), date(2025, 2, 28))


def test_a_payment_restarts_the_cycle_one_interval_after_the_last_statement() -> None:
    history = DunningHistory(balance=_OWED, statements_sent=_SENT, last_payment=date(2025, 3, 10))
    action = next_action(history, date(2025, 3, 15), _MONTHLY)
    # Without the payment this would be the final notice; with it, statement 1 of a
    # new cycle, due 28 Feb + 1 month = 28 Mar.
    assert action.kind is ActionKind.SEND_STATEMENT
    assert action.on == date(2025, 3, 28)
    assert action.statement_number == 1
    assert "payment of 2025-03-10" in action.reason


def test_a_final_notice_before_the_payment_no_longer_leads_to_write_off() -> None:
    history = DunningHistory(
        balance=_OWED,
        statements_sent=_SENT,
        final_notice_sent=date(2025, 3, 31),
        last_payment=date(2025, 4, 10),
    )
    action = next_action(history, date(2025, 5, 1), _MONTHLY)
    # New cycle: first statement was due 28 Mar, so it is due now (1 May).
    assert action.kind is ActionKind.SEND_STATEMENT
    assert action.on == date(2025, 5, 1)
    assert action.due


def test_statements_after_the_payment_count_in_the_new_cycle() -> None:
    sent = (*_SENT, date(2025, 4, 15))
    history = DunningHistory(balance=_OWED, statements_sent=sent, last_payment=date(2025, 4, 10))
    action = next_action(history, date(2025, 4, 20), _MONTHLY)
    # One statement in the new cycle (15 Apr): the second is due 15 Apr + 1 month.
    assert action.kind is ActionKind.SEND_STATEMENT
    assert action.on == date(2025, 5, 15)
    assert action.statement_number == 2


def test_a_payment_after_as_of_does_not_count_yet() -> None:
    history = DunningHistory(balance=_OWED, statements_sent=_SENT, last_payment=date(2025, 5, 1))
    action = next_action(history, date(2025, 4, 20), _MONTHLY)
    # As of 20 Apr the payment has not happened: final notice, due 31 Jan + 2 months = 31 Mar.
    assert action.kind is ActionKind.SEND_FINAL_NOTICE
    assert action.scheduled == date(2025, 3, 31)


# ------------------------------------------------------------- the edges of the calendar


def test_a_statement_due_after_the_last_date_is_refused_clearly() -> None:
    with pytest.raises(ValidationError) as info:
        statement(_history(), date.max)
    assert str(info.value) == (
        "due_date: 9999-12-31 + 25 days is after 9999-12-31, the last date a datetime.date can hold"
    )
    # with no due days the statement date itself is the due date: fine
    same_day = StatementPolicy(due_days=0)
    assert statement(_history(), date.max, same_day).due_date == date.max


def test_a_schedule_past_the_last_date_is_refused_clearly() -> None:
    late = date(9999, 12, 20)
    h = DunningHistory(balance=usd("80.00"), statements_sent=(late,))
    with pytest.raises(ValidationError, match=r"schedule: 9999-12-20 \+ 30 days is after"):
        next_action(h, date(9999, 12, 25), POLICY)
    monthly = StatementPolicy(every=1, unit=PeriodUnit.MONTHS, final_notice_after=3)
    with pytest.raises(ValidationError, match=r"schedule: 9999-12-20 \+ 1 months is after"):
        next_action(h, date(9999, 12, 25), monthly)
    three = (date(9999, 9, 1), date(9999, 10, 1), date(9999, 10, 31))
    noticed = DunningHistory(balance=usd("80.00"), statements_sent=three, final_notice_sent=late)
    with pytest.raises(ValidationError, match=r"final action: 9999-12-20 \+ 20 days is after"):
        next_action(noticed, date(9999, 12, 25), POLICY)


def test_statement_needs_a_policy_and_a_date() -> None:
    with pytest.raises(TypeError, match="policy must be a StatementPolicy or None, got 'x'"):
        statement(_history(), AS_OF, "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="as_of must be a datetime.date"):
        statement(_history(), "2025-03-31")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="as_of must be a datetime.date"):
        next_action(DunningHistory(balance=usd("1.00")), "2025-03-31", POLICY)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="history must be a DunningHistory"):
        next_action(None, AS_OF, POLICY)  # type: ignore[arg-type]


def test_statement_aging_by_label() -> None:
    s = statement(_history(), AS_OF, info=INFO)
    # L1 10 Feb -> 49 days; L2 2 Jan -> 88 days (see test_statement_known_answer)
    assert s.aging_band("31-60") == usd("30.00")
    assert s.aging_band("61-90") == usd("20.00")
    assert s.aging_band("over 120") == usd("0.00")
    with pytest.raises(NotFoundError, match="no aging band '90-120'; the bands are 0-30, 31-60"):
        s.aging_band("90-120")
    empty = Statement(
        account_id="A", statement_date=AS_OF, due_date=AS_OF, currency="USD", lines=(),
        credit_available=usd("0.00"), aging_edges=(30,), aging=(),
    )  # fmt: skip
    with pytest.raises(NotFoundError, match="the bands are none"):
        empty.aging_band("0-30")


def test_a_statement_needs_one_aging_amount_per_band() -> None:
    with pytest.raises(ValidationError, match="Statement.aging: needs one amount per band"):
        Statement(
            account_id="A", statement_date=AS_OF, due_date=AS_OF, currency="USD", lines=(),
            credit_available=usd("0.00"), aging_edges=(30, 60), aging=(usd("0.00"),) * 2,
        )  # fmt: skip


def test_bad_policy_types_are_named() -> None:
    with pytest.raises(ValidationError, match="final_notice_after: must be an int, got '90'"):
        StatementPolicy(final_notice_after="90")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="hold_while_insurance_pending: must be a bool"):
        StatementPolicy(hold_while_insurance_pending=1)  # type: ignore[arg-type]
