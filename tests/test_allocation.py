from __future__ import annotations

import datetime
from collections.abc import Callable
from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.allocation import (
    AllocationStrategy,
    MatchStatement,
    OldestFirst,
    OpenItem,
    Payment,
    PriorityClasses,
    Proportional,
    SpecificLines,
    apply_allocation,
    open_items,
    plan_allocation,
    plan_credit_use,
    receipt,
    refund,
    small_balance_write_offs,
)
from billing_core.balances import Credit, credits, line_balances
from billing_core.errors import (
    BillingError,
    CurrencyMismatchError,
    DuplicateError,
    InsufficientCreditError,
    InvalidAmountError,
    NotFoundError,
    StalePlanError,
    ValidationError,
)
from billing_core.ledger import (
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    WriteOffReason,
    check_history,
    reverse,
)
from billing_core.money import Money

PAT = Party.patient("P1")
AETNA = Party.payer("AETNA")
PAY_DAY = datetime.date(2024, 5, 1)
DATES = {
    "L1": datetime.date(2024, 1, 10),
    "L2": datetime.date(2024, 2, 5),
    "L3": datetime.date(2024, 1, 20),
}
OPEN = {"L1": "30.00", "L2": "50.00", "L3": "20.00"}
CATEGORY = {"L1": "fee", "L2": "copay", "L3": "visit"}


def usd(text: str) -> Money:
    return Money(text, "USD")


def items() -> list[OpenItem]:
    return [
        OpenItem(line_id=k, service_date=DATES[k], open=usd(OPEN[k]), category=CATEGORY[k])
        for k in ("L1", "L2", "L3")
    ]


def payment(amount: str, id: str = "PAY-1") -> Payment:
    return Payment(id=id, account_id="A1", party=PAT, amount=usd(amount), received=PAY_DAY)


def shares(strategy: AllocationStrategy, amount: str) -> tuple[dict[str, str], str]:
    plan = plan_allocation(payment(amount), items(), strategy)
    return {a.line_id: str(a.amount.amount) for a in plan.applications}, str(plan.unapplied.amount)


def charges() -> list[Entry]:
    return [
        ChargePosted(
            id=f"c-{k}",
            account_id="A1",
            line_id=k,
            effective=DATES[k],
            amount=usd(OPEN[k]),
            bucket=Bucket.PATIENT,
        )
        for k in ("L1", "L2", "L3")
    ]


# --------------------------------------------------------------------------- known answers


def test_oldest_first() -> None:
    assert shares(OldestFirst(), "60.00") == ({"L1": "30.00", "L3": "20.00", "L2": "10.00"}, "0.00")
    assert shares(OldestFirst(), "120.00") == (
        {"L1": "30.00", "L3": "20.00", "L2": "50.00"},
        "20.00",
    )


def test_oldest_first_ties_keep_given_order() -> None:
    same = [OpenItem(line_id=x, service_date=PAY_DAY, open=usd("5.00")) for x in ("B", "A", "C")]
    plan = plan_allocation(payment("7.00"), same, OldestFirst())
    assert [(a.line_id, a.amount) for a in plan.applications] == [
        ("B", usd("5.00")),
        ("A", usd("2.00")),
    ]


def test_proportional_exact_and_largest_remainder() -> None:
    # 60 over 30/50/20 (of 100): exactly 18, 30, 12
    assert shares(Proportional(), "60.00") == (
        {"L1": "18.00", "L2": "30.00", "L3": "12.00"},
        "0.00",
    )
    # 7 cents: 2.1, 3.5, 1.4 -> floors 2, 3, 1; the spare cent goes to the largest remainder (L2)
    assert shares(Proportional(), "0.07") == ({"L1": "0.02", "L2": "0.04", "L3": "0.01"}, "0.00")
    # more than is open: each line in full, the rest unapplied
    assert shares(Proportional(), "130.00") == (
        {"L1": "30.00", "L2": "50.00", "L3": "20.00"},
        "30.00",
    )


def test_specific_lines() -> None:
    assert shares(SpecificLines(lines=["L2", "L3"]), "60.00") == (
        {"L2": "50.00", "L3": "10.00"},
        "0.00",
    )
    assert shares(SpecificLines(lines=["L2", "L3"]), "100.00") == (
        {"L2": "50.00", "L3": "20.00"},
        "30.00",
    )
    # an amount above the open balance is capped; the rest stays unapplied
    assert shares(SpecificLines(amounts={"L2": usd("20"), "L1": usd("40")}), "60.00") == (
        {"L2": "20.00", "L1": "30.00"},
        "10.00",
    )


def test_specific_lines_refusals() -> None:
    with pytest.raises(InsufficientCreditError, match="more than the 60.00 USD available"):
        shares(SpecificLines(amounts={"L2": usd("50"), "L1": usd("20")}), "60.00")
    with pytest.raises(NotFoundError, match="L9"):
        shares(SpecificLines(lines=["L9"]), "60.00")
    with pytest.raises(ValueError, match="exactly one"):
        SpecificLines()
    with pytest.raises(InvalidAmountError):
        SpecificLines(amounts={"L1": usd("-1")})
    with pytest.raises(TypeError):
        SpecificLines(lines="L1")


def test_a_line_named_twice_is_refused() -> None:
    # filling L1 twice would apply 2 x 30.00 to a line with 30.00 open
    with pytest.raises(ValidationError, match=r"lines\[2\]: line L1 is named twice"):
        SpecificLines(lines=["L1", "L1"])
    with pytest.raises(ValidationError, match="line L3 is named twice"):
        SpecificLines(amounts=[("L3", usd("5")), ("L3", usd("5"))])
    with pytest.raises(ValidationError, match="line L3 is named twice"):
        MatchStatement(lines=[("L3", usd("20")), ("L1", usd("1")), ("L3", usd("20"))])


def test_open_item_service_date_must_be_a_date() -> None:
    with pytest.raises(TypeError, match="service_date of line L1"):
        OpenItem(line_id="L1", service_date=datetime.datetime(2024, 1, 1), open=usd("1"))


def test_priority_classes() -> None:
    assert shares(PriorityClasses(order=["copay", "visit"]), "60.00") == (
        {"L2": "50.00", "L3": "10.00"},
        "0.00",
    )
    # unlisted classes come last, oldest first
    assert shares(PriorityClasses(order=["visit"]), "45.00") == (
        {"L3": "20.00", "L1": "25.00"},
        "0.00",
    )


def test_match_statement() -> None:
    statement = MatchStatement(lines={"L3": usd("20.00"), "L1": usd("25.00")})
    assert shares(statement, "60.00") == ({"L3": "20.00", "L1": "25.00"}, "15.00")
    assert shares(statement, "30.00") == ({"L3": "20.00", "L1": "10.00"}, "0.00")
    # the balance dropped since the statement: only what is open now
    lower = MatchStatement(lines={"L3": usd("99.00")})
    assert shares(lower, "99.00") == ({"L3": "20.00"}, "79.00")


def test_bad_items_are_refused() -> None:
    payer_item = OpenItem(line_id="L1", service_date=PAY_DAY, open=usd("1"), bucket=Bucket.PRIMARY)
    with pytest.raises(ValidationError, match="cannot pay the primary bucket"):
        plan_allocation(payment("1"), [payer_item], OldestFirst())
    eur = OpenItem(line_id="L1", service_date=PAY_DAY, open=Money("1", "EUR"))
    with pytest.raises(CurrencyMismatchError):
        plan_allocation(payment("1"), [eur], OldestFirst())
    with pytest.raises(ValidationError, match="listed twice"):
        plan_allocation(payment("1"), [items()[0], items()[0]], OldestFirst())
    with pytest.raises(InvalidAmountError, match="must not be negative"):
        OpenItem(line_id="L1", service_date=PAY_DAY, open=usd("-1"))
    with pytest.raises(InvalidAmountError, match="must be positive"):
        payment("-10.00")


# ------------------------------------------------------------- apply_allocation, credit, refund


def test_apply_records_the_plan() -> None:
    history = charges()
    plan = plan_allocation(payment("120.00"), items(), OldestFirst())
    new = apply_allocation(plan, history)
    assert isinstance(new[0], PaymentReceived) and new[0].id == "PAY-1"
    assert [(e.id, e.amount) for e in new[1:]] == [
        ("PAY-1:L1", usd("30")),
        ("PAY-1:L3", usd("20")),
        ("PAY-1:L2", usd("50")),
    ]
    assert all(isinstance(e, PaymentApplied) and e.source.payment_id == "PAY-1" for e in new[1:])
    after = [*history, *new]
    check_history(after)
    assert all(lb.balance.minor == 0 for lb in line_balances(after, PAY_DAY).values())
    assert credits(after, PAY_DAY)[PAT].available == usd("20.00")


def test_apply_refuses_a_stale_plan() -> None:
    history = charges()
    first = apply_allocation(
        plan_allocation(payment("10.00", "PAY-0"), items(), OldestFirst()), history
    )
    stale = plan_allocation(payment("60.00"), items(), OldestFirst())
    with pytest.raises(
        StalePlanError, match=r"line L1 patient: planned on 30.00 USD, now 20.00 USD"
    ):
        apply_allocation(stale, [*history, *first])


def test_apply_refuses_duplicates_and_unknown_lines() -> None:
    history = charges()
    plan = plan_allocation(payment("10.00"), items(), OldestFirst())
    with pytest.raises(DuplicateError):
        apply_allocation(plan, [*history, *apply_allocation(plan, history)])
    with pytest.raises(NotFoundError, match="L1"):
        apply_allocation(plan, history[1:])


def test_overpayment_credit_use_and_refund() -> None:
    history = charges()
    history += apply_allocation(plan_allocation(payment("150.00"), items(), OldestFirst()), history)
    credit = credits(history, PAY_DAY)[PAT]
    assert credit.available == usd("50.00")
    later = datetime.date(2024, 6, 1)
    history.append(
        ChargePosted(
            id="c-L4",
            account_id="A1",
            line_id="L4",
            effective=later,
            amount=usd("40"),
            bucket=Bucket.PATIENT,
        )
    )
    todo = open_items(line_balances(history, later), Bucket.PATIENT, service_dates={"L4": later})
    plan = plan_credit_use(
        credits(history, later)[PAT],
        todo,
        OldestFirst(),
        id="CU-1",
        effective=later,
        payment_id="PAY-1",
    )
    assert (plan.applied, plan.unapplied, plan.payment) == (usd("40"), usd("10"), None)
    used = apply_allocation(plan, history)
    assert [(e.id, e.amount) for e in used] == [("CU-1:L4", usd("40"))]
    history += used
    credit = credits(history, later)[PAT]
    assert credit.available == usd("10")
    with pytest.raises(InsufficientCreditError, match="only 10.00 USD of credit"):
        refund(credit, usd("10.01"), id="f1", effective=later)
    back = refund(
        credit, usd("10"), id="f1", effective=later, reason="overpaid", payment_id="PAY-1"
    )
    history.append(back)
    check_history(history)
    assert credits(history, later)[PAT].available == usd("0")
    with pytest.raises(InsufficientCreditError, match="no credit available"):
        plan_credit_use(
            credits(history, later)[PAT], todo, OldestFirst(), id="CU-2", effective=later
        )
    # the receipt follows the payment through credit use and refund
    r = receipt("PAY-1", history, as_of=later)
    assert [(x.line_id, x.applied, x.settled) for x in r.lines] == [
        ("L1", usd("30"), True),
        ("L3", usd("20"), True),
        ("L2", usd("50"), True),
        ("L4", usd("40"), True),
    ]
    assert (r.refunded, r.unapplied) == (usd("10"), usd("0"))


def test_credit_use_plan_goes_stale_after_a_refund() -> None:
    history = charges()
    history += apply_allocation(plan_allocation(payment("150.00"), items(), OldestFirst()), history)
    credit = credits(history, PAY_DAY)[PAT]
    history.append(
        ChargePosted(
            id="c-L4",
            account_id="A1",
            line_id="L4",
            effective=PAY_DAY,
            amount=usd("40"),
            bucket=Bucket.PATIENT,
        )
    )
    todo = [OpenItem(line_id="L4", service_date=PAY_DAY, open=usd("40"))]
    plan = plan_credit_use(credit, todo, OldestFirst(), id="CU-1", effective=PAY_DAY)
    history.append(refund(credit, usd("25"), id="f1", effective=PAY_DAY))
    with pytest.raises(StalePlanError, match=r"credit of patient:\*\*\*\*: planned on 50\.00"):
        apply_allocation(plan, history)


def test_refund_refusals() -> None:
    history = charges()
    history += apply_allocation(plan_allocation(payment("150.00"), items(), OldestFirst()), history)
    credit = credits(history, PAY_DAY)[PAT]
    with pytest.raises(InvalidAmountError):
        refund(credit, usd("0"), id="f", effective=PAY_DAY)
    with pytest.raises(CurrencyMismatchError):
        refund(credit, Money("1", "EUR"), id="f", effective=PAY_DAY)


def test_small_balance_write_offs() -> None:
    history = charges()
    history += apply_allocation(plan_allocation(payment("97.50"), items(), OldestFirst()), history)
    balances = line_balances(history, PAY_DAY)
    proposals = small_balance_write_offs(balances, usd("5.00"), PAY_DAY)
    assert [(w.id, w.line_id, w.amount, w.reason) for w in proposals] == [
        ("L2:small-balance:2024-05-01", "L2", usd("2.50"), WriteOffReason.SMALL_BALANCE)
    ]
    check_history([*history, *proposals])
    assert small_balance_write_offs(balances, usd("2.50"), PAY_DAY) == ()
    with pytest.raises(InvalidAmountError):
        small_balance_write_offs(balances, usd("0"), PAY_DAY)


def test_receipt_known_answer_and_reversal() -> None:
    history = charges()
    pay = payment("40.00")
    history += apply_allocation(plan_allocation(pay, items(), OldestFirst()), history)
    r = receipt(pay, history, as_of=PAY_DAY)
    assert [(x.line_id, x.applied, x.remaining) for x in r.lines] == [
        ("L1", usd("30"), usd("0")),
        ("L3", usd("10"), usd("10")),
    ]
    assert r.text.splitlines() == [
        "Receipt for payment PAY-1 on account A1",
        "Received 2024-05-01 from patient:****: $40.00",
        "  line L1: $30.00 applied, paid in full",
        "  line L3: $10.00 applied, $10.00 remaining",
        "As of 2024-05-01",
    ]
    undo = reverse(history[-1], id="r1", effective=PAY_DAY)
    r2 = receipt(pay, [*history, undo], as_of=PAY_DAY)
    assert [x.line_id for x in r2.lines] == ["L1"]
    assert r2.unapplied == usd("10")
    with pytest.raises(NotFoundError, match="PAY-9"):
        receipt("PAY-9", history, as_of=PAY_DAY)
    with pytest.raises(NotFoundError):
        receipt(pay, history, as_of=datetime.date(2024, 4, 30))


def test_payer_plan_over_coverage_buckets() -> None:
    c = ChargePosted(
        id="c1",
        account_id="A1",
        line_id="L1",
        effective=PAY_DAY,
        amount=usd("100"),
        bucket=Bucket.PRIMARY,
    )
    todo = open_items(line_balances([c], PAY_DAY), Bucket.PRIMARY, service_dates={"L1": PAY_DAY})
    pay = Payment(id="ERA-1", account_id="A1", party=AETNA, amount=usd("70"), received=PAY_DAY)
    new = apply_allocation(plan_allocation(pay, todo, OldestFirst()), [c])
    lb = line_balances([c, *new], PAY_DAY)["L1"]
    assert (lb.open.of(Bucket.PRIMARY), dict(lb.paid_by_party)) == (usd("30"), {AETNA: usd("70")})
    with pytest.raises(NotFoundError, match="service date"):
        open_items(line_balances([c], PAY_DAY), Bucket.PRIMARY, service_dates={})


# --------------------------------------------------------------------------- properties

open_items_st = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=50_000),
        st.dates(min_value=datetime.date(2023, 1, 1), max_value=datetime.date(2024, 4, 30)),
        st.sampled_from(["copay", "visit", "fee", ""]),
    ),
    max_size=12,
).map(
    lambda rows: [
        OpenItem(
            line_id=f"L{n}",
            service_date=d,
            open=Money.from_minor(m, "USD"),
            category=c,
        )
        for n, (m, d, c) in enumerate(rows)
    ]
)
fixed_strategies_st = st.sampled_from(
    [OldestFirst(), Proportional(), PriorityClasses(order=["copay", "fee"])]
)


def strategies_for(todo: list[OpenItem]) -> st.SearchStrategy[AllocationStrategy]:
    """Every strategy, the line-naming ones over some of ``todo``'s lines (any order)."""
    ids = [i.line_id for i in todo]
    if not ids:
        return fixed_strategies_st
    some = st.lists(st.sampled_from(ids), min_size=1, unique=True)
    amounts = st.integers(min_value=1, max_value=60_000).map(lambda m: Money.from_minor(m, "USD"))
    targets = some.flatmap(
        lambda chosen: st.lists(amounts, min_size=len(chosen), max_size=len(chosen)).map(
            lambda ms: list(zip(chosen, ms, strict=True))
        )
    )
    return st.one_of(
        fixed_strategies_st,
        some.map(lambda chosen: SpecificLines(lines=chosen)),
        targets.map(lambda pairs: MatchStatement(lines=pairs)),
        targets.map(lambda pairs: SpecificLines(amounts=pairs)),
    )


@settings(max_examples=150)
@given(open_items_st, st.integers(min_value=1, max_value=400_000), st.data())
def test_plans_conserve_and_never_overpay(
    todo: list[OpenItem], minor: int, data: st.DataObject
) -> None:
    strategy = data.draw(strategies_for(todo))
    pay = Payment(
        id="P", account_id="A1", party=PAT, amount=Money.from_minor(minor, "USD"), received=PAY_DAY
    )
    if isinstance(strategy, SpecificLines) and strategy.amounts:
        asked = sum(m.minor for _line, m in strategy.amounts)
        if asked > minor:
            with pytest.raises(InsufficientCreditError):
                plan_allocation(pay, todo, strategy)
            return
    plan = plan_allocation(pay, todo, strategy)
    by_line = {i.line_id: i for i in todo}
    assert plan.applied + plan.unapplied == pay.amount
    assert plan.unapplied.minor >= 0
    total_open = sum(i.open.minor for i in todo)
    # what each line gets in all, never more than it has open in the party's bucket
    per_line: dict[str, int] = {}
    for a in plan.applications:
        assert a.amount.minor > 0
        assert a.bucket is Bucket.PATIENT
        assert a.open_before == by_line[a.line_id].open
        per_line[a.line_id] = per_line.get(a.line_id, 0) + a.amount.minor
    assert all(per_line[k] <= by_line[k].open.minor for k in per_line)
    assert sum(per_line.values()) == plan.applied.minor
    if isinstance(strategy, OldestFirst | Proportional | PriorityClasses):
        assert plan.applied.minor == min(minor, total_open)
    elif isinstance(strategy, SpecificLines) and strategy.lines:
        # only the named lines, as much as they hold
        named = sum(by_line[k].open.minor for k in strategy.lines)
        assert set(per_line) <= set(strategy.lines)
        assert plan.applied.minor == min(minor, named)
    else:
        # each named line gets the lesser of its amount and what is open, while money lasts
        pairs = strategy.amounts if isinstance(strategy, SpecificLines) else strategy.lines
        left = minor
        for line_id, wanted in pairs:
            take = min(wanted.minor, by_line[line_id].open.minor, left)
            left -= take
            assert per_line.get(line_id, 0) == take
        assert set(per_line) <= {line_id for line_id, _m in pairs}
    if isinstance(strategy, Proportional) and minor <= total_open:
        got = {a.line_id: a.amount.minor for a in plan.applications}
        for i in todo:
            exact = Fraction(minor * i.open.minor, total_open)
            assert abs(got.get(i.line_id, 0) - exact) < 1


@settings(max_examples=60)
@given(open_items_st, st.integers(min_value=1, max_value=400_000), fixed_strategies_st)
def test_applied_plans_make_valid_histories(
    todo: list[OpenItem], minor: int, strategy: AllocationStrategy
) -> None:
    history: list[Entry] = [
        ChargePosted(
            id=f"c-{i.line_id}",
            account_id="A1",
            line_id=i.line_id,
            effective=i.service_date,
            amount=i.open,
            bucket=Bucket.PATIENT,
        )
        for i in todo
    ]
    pay = Payment(
        id="P", account_id="A1", party=PAT, amount=Money.from_minor(minor, "USD"), received=PAY_DAY
    )
    plan = plan_allocation(pay, todo, strategy)
    after = [*history, *apply_allocation(plan, history)]
    check_history(after)
    lines = line_balances(after, PAY_DAY)
    for a in plan.applications:
        assert lines[a.line_id].patient_open == a.open_after
    assert credits(after, PAY_DAY)[PAT].available == plan.unapplied


def test_fast_built_plan_is_complete_and_equal() -> None:
    plan = plan_allocation(payment("60.00"), items(), OldestFirst())
    # evolve reads every field: a field the fast constructor forgot would raise here
    assert attrs.evolve(plan) == plan
    assert plan == plan_allocation(payment("60.00"), items(), OldestFirst())
    assert hash(plan) == hash(attrs.evolve(plan))


# --------------------------------------------------------------------------- bad input, edges


def test_specific_lines_naming_no_line_is_a_library_error() -> None:
    # An empty list names no line: the same refusal as giving nothing, as a BillingError
    # that says where the problem is (it was a bare ValueError).
    for strategy in (
        lambda: SpecificLines(lines=[]),
        lambda: SpecificLines(amounts={}),
        lambda: SpecificLines(lines=[], amounts=[]),
    ):
        with pytest.raises(ValidationError) as info:
            strategy()
        assert isinstance(info.value, BillingError)
        assert [(f.location, f.message) for f in info.value.findings] == [
            ("SpecificLines", "needs lines or amounts (exactly one), got neither")
        ]
    with pytest.raises(ValidationError, match="got both"):
        SpecificLines(lines=["L1"], amounts={"L2": usd("1")})


def test_one_cent_open_is_an_open_item() -> None:
    # 0.01 is the smallest amount that can be open: it is owed and can be paid.
    history = [
        ChargePosted(
            id=f"c-{k}",
            account_id="A1",
            line_id=k,
            effective=PAY_DAY,
            amount=usd(amount),
            bucket=Bucket.PATIENT,
        )
        for k, amount in (("CENT", "0.01"), ("ZERO", "0.00"), ("TWO", "0.02"))
    ]
    balances = line_balances(history, PAY_DAY)
    owed = open_items(balances, Bucket.PATIENT, service_dates=dict.fromkeys(balances, PAY_DAY))
    assert [(i.line_id, i.open) for i in owed] == [("CENT", usd("0.01")), ("TWO", usd("0.02"))]
    plan = plan_allocation(payment("0.02"), owed, OldestFirst())
    assert [(a.line_id, a.amount) for a in plan.applications] == [
        ("CENT", usd("0.01")),
        ("TWO", usd("0.01")),
    ]
    # a small-balance write-off takes the cent, not the empty line
    proposals = small_balance_write_offs(balances, usd("0.02"), PAY_DAY)
    assert [(w.line_id, w.amount) for w in proposals] == [("CENT", usd("0.01"))]


def test_one_cent_of_credit_can_be_used() -> None:
    credit = Credit(
        account_id="A1", party=PAT, received=usd("30.00"), applied=usd("29.99"), refunded=usd("0")
    )
    item = OpenItem(line_id="L1", service_date=PAY_DAY, open=usd("5.00"))
    plan = plan_credit_use(credit, [item], OldestFirst(), id="CU", effective=PAY_DAY)
    assert (plan.applied, plan.unapplied) == (usd("0.01"), usd("0.00"))
    spent = Credit(
        account_id="A1", party=PAT, received=usd("30.00"), applied=usd("30.00"), refunded=usd("0")
    )
    with pytest.raises(InsufficientCreditError, match=r"no credit available on account A1"):
        plan_credit_use(spent, [item], OldestFirst(), id="CU", effective=PAY_DAY)


def test_duplicate_and_wrong_bucket_items_are_each_reported_once() -> None:
    l1, l2 = items()[0], items()[1]
    with pytest.raises(ValidationError) as info:
        plan_allocation(payment("1"), [l1, l2, l1], OldestFirst())
    assert [(f.location, f.message) for f in info.value.findings] == [
        ("open item L1", "the line is listed twice")
    ]
    payer_item = OpenItem(line_id="L9", service_date=PAY_DAY, open=usd("1"), bucket=Bucket.PRIMARY)
    with pytest.raises(ValidationError) as info:
        plan_allocation(payment("1"), [l1, payer_item, l1], OldestFirst())
    assert [f.rule for f in info.value.findings] == [
        "allocation.party_bucket",
        "allocation.duplicate_line",
    ]
    # a payer pays coverage buckets only
    pay = Payment(id="ERA", account_id="A1", party=AETNA, amount=usd("1"), received=PAY_DAY)
    with pytest.raises(ValidationError, match="payer:AETNA cannot pay the patient bucket"):
        plan_allocation(pay, [l1], OldestFirst())


def test_named_amounts_in_another_currency_are_refused() -> None:
    eur = Money("5.00", "EUR")
    for strategy in (SpecificLines(amounts={"L1": eur}), MatchStatement(lines={"L1": eur})):
        with pytest.raises(CurrencyMismatchError, match="amount for line L1 is in EUR"):
            plan_allocation(payment("10.00"), items(), strategy)


def test_statement_line_no_longer_open_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="line L7 is not among the open items"):
        plan_allocation(payment("10.00"), items(), MatchStatement(lines={"L7": usd("1")}))


def test_reversed_payment_receipt() -> None:
    pay = payment("40.00")
    received = apply_allocation(plan_allocation(pay, [], OldestFirst()), [])
    undo = reverse(received[0], id="r1", effective=PAY_DAY)
    r = receipt(pay, [*received, undo], as_of=PAY_DAY)
    # a returned check: nothing was received after all, so nothing is unapplied
    assert (r.reversed, r.amount, r.unapplied, r.lines) == (True, usd("40.00"), usd("0.00"), ())
    assert "Received 2024-05-01 from patient:****: $40.00 (REVERSED)" in r.text
    assert "Unapplied" not in r.text


class _Day(datetime.date):
    """A date subclass that is not a datetime: a date by the library's one definition."""


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: payment_with(party="P1"), "Payment.party must be a Party, got 'P1' (str)"),
        (lambda: payment_with(amount="5.00"), "Payment.amount must be a Money, got '5.00' (str)"),
        (
            lambda: payment_with(received=datetime.datetime(2024, 5, 1)),
            "Payment.received must be a datetime.date, got datetime.datetime(2024, 5, 1, 0, 0)",
        ),
        (lambda: payment_with(id=1), "Payment.id must be a str, got 1 (int)"),
        (lambda: payment_with(account_id=None), "Payment.account_id must be a str"),
        (lambda: payment_with(reference=42), "Payment.reference must be a str or None"),
        (lambda: item_with(open="1.00"), "OpenItem.open must be a Money, got '1.00' (str)"),
        (lambda: item_with(bucket="patient"), "OpenItem.bucket must be a Bucket, got 'patient'"),
        (lambda: item_with(category=["fee"]), "OpenItem.category must be a str, got ['fee']"),
        (lambda: item_with(line_id=3), "OpenItem.line_id must be a str, got 3 (int)"),
        (lambda: PriorityClasses(order="copay"), "order must be a sequence of category names"),
        (lambda: SpecificLines(amounts={"L1": 5}), "amount for line L1 must be a Money"),
    ],
)
def test_values_of_the_wrong_type_are_refused_naming_the_field(
    build: Callable[[], object], message: str
) -> None:
    with pytest.raises(TypeError) as info:
        build()
    assert str(info.value).startswith(message)


def payment_with(**changes: object) -> Payment:
    fields: dict[str, object] = {
        "id": "PAY-1",
        "account_id": "A1",
        "party": PAT,
        "amount": usd("5.00"),
        "received": PAY_DAY,
    }
    return Payment(**{**fields, **changes})  # type: ignore[arg-type]


def item_with(**changes: object) -> OpenItem:
    fields: dict[str, object] = {"line_id": "L1", "service_date": PAY_DAY, "open": usd("1.00")}
    return OpenItem(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_date_subclass_is_a_date() -> None:
    # One definition of a date everywhere: a date subclass that is not a datetime is a date.
    day = _Day(2024, 5, 1)
    assert payment_with(received=day).received == day
    assert item_with(service_date=day).service_date == day


def test_calls_with_the_wrong_type_are_refused() -> None:
    history = charges()
    credit = credits(
        [
            *history,
            *apply_allocation(plan_allocation(payment("150"), items(), OldestFirst()), history),
        ],
        PAY_DAY,
    )[PAT]
    calls: list[tuple[Callable[[], object], str]] = [
        (lambda: plan_allocation("PAY-1", items(), OldestFirst()), "payment must be a Payment"),  # type: ignore[arg-type]
        (
            lambda: plan_allocation(payment("1"), [*items(), "L4"], OldestFirst()),  # type: ignore[list-item]
            "open items must be OpenItem values, got 'L4' (str)",
        ),
        (
            lambda: plan_allocation(payment("1"), items(), "oldest"),  # type: ignore[arg-type]
            "strategy must be an allocation strategy, got 'oldest' (str)",
        ),
        (
            lambda: plan_credit_use(usd("5"), items(), OldestFirst(), id="C", effective=PAY_DAY),  # type: ignore[arg-type]
            "credit must be a Credit",
        ),
        (
            lambda: plan_credit_use(
                credit, items(), OldestFirst(), id="C", effective=datetime.datetime(2024, 5, 1)
            ),
            "effective must be a datetime.date",
        ),
        (
            lambda: plan_credit_use(credit, items(), OldestFirst(), id=7, effective=PAY_DAY),  # type: ignore[arg-type]
            "id must be a str",
        ),
        (lambda: refund(usd("5"), usd("1"), id="f", effective=PAY_DAY), "credit must be a Credit"),  # type: ignore[arg-type]
        (lambda: refund(credit, 1, id="f", effective=PAY_DAY), "refund amount must be a Money"),  # type: ignore[arg-type]
        (lambda: apply_allocation("plan", history), "plan must be an AllocationPlan"),  # type: ignore[arg-type]
        (
            lambda: receipt("PAY-1", history, as_of=datetime.datetime(2024, 5, 1)),
            "as_of must be a datetime.date",
        ),
        (lambda: receipt(7, history, as_of=PAY_DAY), "payment must be a str"),  # type: ignore[arg-type]
        (
            lambda: open_items(line_balances(history, PAY_DAY), "patient", service_dates=DATES),  # type: ignore[arg-type]
            "bucket must be a Bucket",
        ),
        (
            lambda: open_items(["L1"], Bucket.PATIENT, service_dates=DATES),  # type: ignore[list-item]
            "balances must hold LineBalance values, got 'L1' (str)",
        ),
        (
            lambda: small_balance_write_offs({}, usd("5"), datetime.datetime(2024, 5, 1)),
            "as_of must be a datetime.date",
        ),
        (
            lambda: small_balance_write_offs({"L1": usd("1")}, usd("5"), PAY_DAY),  # type: ignore[dict-item]
            "balances must hold LineBalance values",
        ),
    ]
    for call, message in calls:
        with pytest.raises(TypeError) as info:
            call()
        assert message in str(info.value)


def test_refund_amount_must_be_positive() -> None:
    credit = Credit(
        account_id="A1", party=PAT, received=usd("9"), applied=usd("0"), refunded=usd("0")
    )
    with pytest.raises(InvalidAmountError, match="refund amount must be positive, got -1.00 USD"):
        refund(credit, usd("-1"), id="f", effective=PAY_DAY)


def test_apply_refuses_a_line_charged_on_another_account() -> None:
    elsewhere = [attrs.evolve(c, account_id="A2") for c in charges()]
    plan = plan_allocation(payment("10.00"), items(), OldestFirst())
    with pytest.raises(NotFoundError, match="line L1 has no charge on account A1 by 2024-05-01"):
        apply_allocation(plan, elsewhere)


def test_error_messages_stay_short_for_huge_bad_values() -> None:
    huge = "9" * 1_000_000
    with pytest.raises(TypeError) as info:
        payment_with(amount=huge)
    assert len(str(info.value)) < 200


def test_ties_are_broken_by_the_order_given() -> None:
    # Same class and date: the order given. Equal remainders: the spare cent to the first.
    same = [
        OpenItem(line_id=x, service_date=PAY_DAY, open=usd("5.00"), category="copay")
        for x in ("B", "A", "C")
    ]
    by_class = plan_allocation(payment("7.00"), same, PriorityClasses(order=["copay"]))
    assert [(a.line_id, a.amount) for a in by_class.applications] == [
        ("B", usd("5.00")),
        ("A", usd("2.00")),
    ]
    # 0.04 over three equal lines: 0.0133 each, floors 0.01; one spare cent, to B
    split = plan_allocation(payment("0.04"), same, Proportional())
    assert [(a.line_id, a.amount) for a in split.applications] == [
        ("B", usd("0.02")),
        ("A", usd("0.01")),
        ("C", usd("0.01")),
    ]
