"""Applying payments and credits to open lines; refunds, small-balance write-offs, receipts.

A payment is planned before it is recorded. [`plan_allocation`][] is a pure
preview: given a [`Payment`][], the [`OpenItem`][] lines the paying party
owes, and a strategy, it says which line gets what and what stays unapplied.
[`apply_allocation`][] turns the plan into ledger entries, after checking that the
balances the plan assumed have not changed (else
[`StalePlanError`][billing_core.errors.StalePlanError]).

Strategies:

- [`OldestFirst`][]: oldest service date first;
- [`Proportional`][]: in proportion to each line's open balance
  (largest remainder, exact to the cent);
- [`SpecificLines`][]: lines (and optionally amounts) chosen by the caller;
- [`PriorityClasses`][]: a caller-ordered list of line categories (e.g.
  today's copay first, fees last), oldest first within a class;
- [`MatchStatement`][]: exactly the lines a statement listed, each up to
  what the statement showed.

No strategy applies more to a line than its open balance in the paying party's
bucket; what cannot be applied stays as the party's unapplied credit, which
[`plan_credit_use`][] can apply later and [`refund`][] can give back.

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> from billing_core.ledger import Party
    >>> usd = lambda s: Money(s, "USD")
    >>> pay = Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
    ...               amount=usd("50.00"), received=datetime.date(2024, 5, 1))
    >>> items = [
    ...     OpenItem(line_id="L2", service_date=datetime.date(2024, 3, 9), open=usd("40.00")),
    ...     OpenItem(line_id="L1", service_date=datetime.date(2024, 2, 1), open=usd("25.00")),
    ... ]
    >>> plan = plan_allocation(pay, items, OldestFirst())
    >>> [(a.line_id, str(a.amount)) for a in plan.applications], plan.unapplied
    ([('L1', '25.00 USD'), ('L2', '25.00 USD')], Money('0.00', 'USD'))
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, TypeAlias

import attrs

from billing_core.balances import Credit, LineBalance, credits, line_balances
from billing_core.errors import (
    CurrencyMismatchError,
    DuplicateError,
    Finding,
    InsufficientCreditError,
    InvalidAmountError,
    NotFoundError,
    StalePlanError,
    ValidationError,
)
from billing_core.ledger import (
    Bucket,
    Entry,
    Party,
    PartyKind,
    PaymentApplied,
    PaymentReceived,
    Refund,
    Reversal,
    Source,
    WriteOff,
    WriteOffReason,
    check_history,
)
from billing_core.money import Money, _make, allocate, format_money

__all__ = [
    "AllocationPlan",
    "AllocationStrategy",
    "LineApplication",
    "MatchStatement",
    "OldestFirst",
    "OpenItem",
    "Payment",
    "PriorityClasses",
    "Proportional",
    "Receipt",
    "ReceiptLine",
    "SpecificLines",
    "apply_allocation",
    "open_items",
    "plan_allocation",
    "plan_credit_use",
    "receipt",
    "refund",
    "small_balance_write_offs",
]


def _positive_money(value: object, what: str) -> None:
    if not isinstance(value, Money):
        raise TypeError(f"{what} must be a Money, got {type(value).__name__} ({value!r})")
    if value.minor <= 0:
        raise InvalidAmountError(f"{what} must be positive, got {value}")


@attrs.frozen(kw_only=True)
class Payment:
    """Money received from a party, to be applied to its open lines.

    Attributes:
        id: The payment's id (becomes the id of its [`PaymentReceived`][]).
        account_id: The account paid.
        party: Who paid (a patient/guarantor, or a payer).
        amount: How much; must be positive.
        received: The date it was received (the entries' effective date).
        reference: The check number, card authorization, EFT trace, ...

    Examples:
        >>> import datetime
        >>> Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...         amount=Money("-5.00", "USD"), received=datetime.date(2024, 5, 1))
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: Payment.amount must be positive, got -5.00 USD
    """

    id: str
    account_id: str
    party: Party
    amount: Money
    received: datetime.date
    reference: str | None = None

    def __attrs_post_init__(self) -> None:
        _positive_money(self.amount, "Payment.amount")
        if not isinstance(self.party, Party):
            raise TypeError(f"Payment.party must be a Party, got {self.party!r}")
        if type(self.received) is not datetime.date:
            raise TypeError(f"Payment.received must be a datetime.date, got {self.received!r}")


@attrs.frozen(kw_only=True)
class OpenItem:
    """A line's open balance in one bucket, as a payment plan sees it.

    Build them yourself or with [`open_items`][].

    Attributes:
        line_id: The line item.
        service_date: Its date of service (for oldest-first).
        open: What is open in ``bucket``; zero or positive.
        bucket: The bucket the paying party pays (the patient's by default).
        category: The line's class for [`PriorityClasses`][], e.g.
            ``"copay"``, ``"visit"``, ``"fee"``.

    Examples:
        >>> import datetime
        >>> OpenItem(line_id="L1", service_date=datetime.date(2024, 2, 1),
        ...          open=Money("25.00", "USD")).bucket
        <Bucket.PATIENT: 'patient'>
    """

    line_id: str
    service_date: datetime.date
    open: Money
    bucket: Bucket = Bucket.PATIENT
    category: str = ""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.open, Money):
            raise TypeError(f"OpenItem.open must be a Money, got {self.open!r}")
        if self.open.minor < 0:
            raise InvalidAmountError(
                f"OpenItem.open of line {self.line_id} must not be negative, got {self.open}"
            )
        if not isinstance(self.bucket, Bucket):
            raise TypeError(f"OpenItem.bucket must be a Bucket, got {self.bucket!r}")
        if type(self.service_date) is not datetime.date:
            raise TypeError(
                f"OpenItem.service_date of line {self.line_id} must be a datetime.date,"
                f" got {self.service_date!r}"
            )


# --------------------------------------------------------------------------- strategies


@attrs.frozen
class OldestFirst:
    """Pay the oldest service date first; ties keep the order the items were given.

    Examples:
        >>> OldestFirst()
        OldestFirst()
    """


@attrs.frozen
class Proportional:
    """Split the payment in proportion to each line's open balance.

    Uses [`allocate`][billing_core.money.allocate] (largest remainder), so the parts
    add up exactly and none exceeds its line's open balance.

    Examples:
        >>> Proportional()
        Proportional()
    """


def _once_each(line_ids: Iterable[str], what: str) -> None:
    """Refuse a line named twice: filling it twice could apply more than its open balance."""
    seen: set[str] = set()
    for position, line_id in enumerate(line_ids, 1):
        if line_id in seen:
            raise ValidationError(
                [
                    Finding(
                        location=f"{what}[{position}]",
                        message=f"line {line_id} is named twice",
                        rule="allocation.duplicate_line",
                    )
                ]
            )
        seen.add(line_id)


def _targets(
    value: Mapping[str, Money] | Iterable[tuple[str, Money]],
) -> tuple[tuple[str, Money], ...]:
    pairs = tuple(value.items() if isinstance(value, Mapping) else value)
    for line_id, amount in pairs:
        _positive_money(amount, f"amount for line {line_id}")
    _once_each((line_id for line_id, _amount in pairs), "lines")
    return pairs


def _line_ids(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("lines must be a sequence of line ids, not a single str")
    ids = tuple(value)
    _once_each(ids, "lines")
    return ids


@attrs.frozen(kw_only=True)
class SpecificLines:
    """Pay the lines the caller names: in order up to each open balance, or exact amounts.

    Give ``lines`` (fill them in that order) or ``amounts`` (line -> amount).
    An amount above a line's open balance is capped at it, the rest staying
    unapplied; amounts adding up to more than the payment are refused.

    Attributes:
        lines: Line ids, in the order to fill them.
        amounts: ``(line_id, amount)`` pairs (a mapping is accepted).

    Examples:
        >>> SpecificLines(amounts={"L1": Money("10.00", "USD")}).amounts
        (('L1', Money('10.00', 'USD')),)
    """

    lines: tuple[str, ...] = attrs.field(default=(), converter=_line_ids)
    amounts: tuple[tuple[str, Money], ...] = attrs.field(default=(), converter=_targets)

    def __attrs_post_init__(self) -> None:
        if bool(self.lines) == bool(self.amounts):
            raise ValueError("SpecificLines needs either lines or amounts (exactly one)")


def _classes(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("order must be a sequence of category names, not a single str")
    return tuple(value)


@attrs.frozen(kw_only=True)
class PriorityClasses:
    """Pay lines by class in the caller's order, oldest first within a class.

    A line's class is its `OpenItem.category`; lines whose class is not
    listed come last, oldest first.

    Attributes:
        order: Category names, most urgent first.

    Examples:
        >>> PriorityClasses(order=["copay", "visit", "fee"]).order
        ('copay', 'visit', 'fee')
    """

    order: tuple[str, ...] = attrs.field(converter=_classes)


@attrs.frozen(kw_only=True)
class MatchStatement:
    """Pay exactly the lines a statement listed, each up to what it showed.

    Lines are filled in statement order, each with the lesser of its amount
    on the statement and what is open now; no other line is touched, and
    anything left stays unapplied (e.g. when insurance paid since).

    Attributes:
        lines: ``(line_id, amount shown)`` pairs in statement order (a
            mapping is accepted).

    Examples:
        >>> MatchStatement(lines={"L1": Money("20.00", "USD")}).lines[0][0]
        'L1'
    """

    lines: tuple[tuple[str, Money], ...] = attrs.field(converter=_targets)


AllocationStrategy: TypeAlias = (
    OldestFirst | Proportional | SpecificLines | PriorityClasses | MatchStatement
)
"""Any allocation strategy."""


# --------------------------------------------------------------------------- plans


@attrs.frozen(kw_only=True)
class LineApplication:
    """What a plan applies to one line.

    Attributes:
        line_id: The line.
        bucket: The bucket reduced.
        amount: How much is applied (positive).
        open_before: The line's open balance in ``bucket`` the plan assumed.

    Examples:
        >>> usd = lambda s: Money(s, "USD")
        >>> LineApplication(line_id="L1", bucket=Bucket.PATIENT, amount=usd("5"),
        ...                 open_before=usd("8")).open_after
        Money('3.00', 'USD')
    """

    line_id: str
    bucket: Bucket
    amount: Money
    open_before: Money

    @property
    def open_after(self) -> Money:
        """What stays open in the bucket after this application.

        Examples:
            >>> usd = lambda s: Money(s, "USD")
            >>> LineApplication(line_id="L1", bucket=Bucket.PATIENT, amount=usd("8"),
            ...                 open_before=usd("8")).open_after
            Money('0.00', 'USD')
        """
        return self.open_before - self.amount


@attrs.frozen(kw_only=True)
class AllocationPlan:
    """A preview of how money will be applied; [`apply_allocation`][] records it.

    Attributes:
        id: The plan's id; the entries [`apply_allocation`][] makes derive their ids
            from it (a payment's plan has the payment's id).
        account_id: The account.
        party: Whose money is applied.
        effective: The date of the entries (the payment's date).
        funds: The money available: the payment, or the credit assumed.
        payment: The payment, or ``None`` when applying existing credit.
        payment_id: The payment the money came from, when known (linked in
            the entries' [`Source`][billing_core.ledger.Source] and receipts).
        allocations: The compact form of the plan: ``(open item, minor units
            applied)`` pairs in the order applied (see [`applications`][]).
        unapplied: What stays as the party's credit.
        assumed: The open items the plan was built on (checked by
            [`apply_allocation`][]).

    Examples:
        >>> import datetime
        >>> usd = lambda s: Money(s, "USD")
        >>> pay = Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...               amount=usd("100.00"), received=datetime.date(2024, 5, 1))
        >>> item = OpenItem(line_id="L1", service_date=datetime.date(2024, 2, 1),
        ...                 open=usd("25.00"))
        >>> plan = plan_allocation(pay, [item], OldestFirst())
        >>> plan.applied, plan.unapplied
        (Money('25.00', 'USD'), Money('75.00', 'USD'))
    """

    id: str
    account_id: str
    party: Party
    effective: datetime.date
    funds: Money
    payment: Payment | None
    payment_id: str | None
    allocations: tuple[tuple[OpenItem, int], ...]
    unapplied: Money
    assumed: tuple[OpenItem, ...]

    @functools.cached_property
    def applications(self) -> tuple[LineApplication, ...]:
        """What each line gets, in the order applied (built once, on first use).

        Examples:
            >>> import datetime
            >>> pay = Payment(id="P", account_id="A1", party=Party.patient("P1"),
            ...               amount=Money("9", "USD"), received=datetime.date(2024, 5, 1))
            >>> item = OpenItem(line_id="L1", service_date=datetime.date(2024, 2, 1),
            ...                 open=Money("5", "USD"))
            >>> plan_allocation(pay, [item], OldestFirst()).applications
            (LineApplication(line_id='L1', bucket=<Bucket.PATIENT: 'patient'>, amount=Money('5.00', 'USD'), open_before=Money('5.00', 'USD')),)
        """  # noqa: E501
        currency = self.funds.currency
        return tuple(
            LineApplication(
                line_id=item.line_id,
                bucket=item.bucket,
                amount=Money.from_minor(take, currency),
                open_before=item.open,
            )
            for item, take in self.allocations
        )

    @property
    def applied(self) -> Money:
        """The total applied to lines.

        Examples:
            >>> import datetime
            >>> pay = Payment(id="P", account_id="A1", party=Party.patient("P1"),
            ...               amount=Money("1", "USD"), received=datetime.date(2024, 5, 1))
            >>> plan_allocation(pay, [], OldestFirst()).applied
            Money('0.00', 'USD')
        """
        return self.funds - self.unapplied


_PATIENT_BUCKETS: Final = frozenset({Bucket.PATIENT})
_PAYER_BUCKETS: Final = frozenset(b for b in Bucket if b.is_insurance)
_by_date = operator.attrgetter("service_date")
_new = object.__new__
_PATIENT: Final = Bucket.PATIENT  # a module constant: enum attribute access is slow
_set = object.__setattr__


def _checked_items(
    party: Party, currency: str, open_items: Iterable[OpenItem]
) -> tuple[OpenItem, ...]:
    items = open_items if isinstance(open_items, tuple) else tuple(open_items)
    patient = party.kind is PartyKind.PATIENT
    # Fast pass (identity tests only); the slow pass below explains any problem.
    clean = len({item.line_id for item in items}) == len(items)
    if clean:
        cls, own = OpenItem, _PATIENT
        for item in items:
            if (
                item.__class__ is not cls
                or item.open.currency is not currency
                or (item.bucket is own) is not patient
            ):
                clean = False
                break
    if clean:
        return items
    allowed = _PATIENT_BUCKETS if patient else _PAYER_BUCKETS
    seen: set[str] = set()
    findings: list[Finding] = []
    for item in items:
        if item.__class__ is not OpenItem:
            raise TypeError(f"open items must be OpenItem values, got {item!r}")
        if item.open.currency != currency:
            raise CurrencyMismatchError(
                f"line {item.line_id} is open in {item.open.currency}, the money is in {currency}"
            )
        if item.bucket not in allowed:
            findings.append(
                Finding(
                    location=f"open item {item.line_id}",
                    message=f"{party} cannot pay the {item.bucket} bucket",
                    rule="allocation.party_bucket",
                )
            )
        if item.line_id in seen:
            findings.append(
                Finding(
                    location=f"open item {item.line_id}",
                    message="the line is listed twice",
                    rule="allocation.duplicate_line",
                )
            )
        seen.add(item.line_id)
    if findings:
        raise ValidationError(findings)
    return items


def _by_line(items: Sequence[OpenItem], wanted: Iterable[str]) -> list[OpenItem]:
    index = {item.line_id: item for item in items}
    chosen = []
    for line_id in wanted:
        item = index.get(line_id)
        if item is None:
            raise NotFoundError(f"line {line_id} is not among the open items")
        chosen.append(item)
    return chosen


def _fill(order: Iterable[OpenItem], funds: int) -> tuple[list[tuple[OpenItem, int]], int]:
    takes = []
    for item in order:
        if funds <= 0:
            break
        cap = item.open.minor
        if cap:
            take = cap if cap < funds else funds
            funds -= take
            takes.append((item, take))
    return takes, funds


def _capped(
    items: Sequence[OpenItem], targets: Sequence[tuple[str, Money]], funds: int
) -> tuple[list[tuple[OpenItem, int]], int]:
    takes = []
    for item, (_line, wanted) in zip(
        _by_line(items, [t[0] for t in targets]), targets, strict=True
    ):
        if wanted.currency != item.open.currency:
            raise CurrencyMismatchError(
                f"amount for line {item.line_id} is in {wanted.currency},"
                f" the line in {item.open.currency}"
            )
        take = min(wanted.minor, item.open.minor, funds)
        if take:
            funds -= take
            takes.append((item, take))
    return takes, funds


def _allocate(
    items: tuple[OpenItem, ...], funds: int, currency: str, strategy: AllocationStrategy
) -> tuple[list[tuple[OpenItem, int]], int]:
    if strategy.__class__ is OldestFirst:
        return _fill(sorted(items, key=_by_date), funds)
    if isinstance(strategy, Proportional):
        payable = [item for item in items if item.open.minor]
        total_open = sum(item.open.minor for item in payable)
        to_apply = min(funds, total_open)
        if not to_apply:
            return [], funds
        parts = allocate(Money.from_minor(to_apply, currency), [i.open.minor for i in payable])
        return [
            (i, p.minor) for i, p in zip(payable, parts, strict=True) if p.minor
        ], funds - to_apply
    if isinstance(strategy, SpecificLines):
        if strategy.lines:
            return _fill(_by_line(items, strategy.lines), funds)
        asked = sum(amount.minor for _line, amount in strategy.amounts)
        if asked > funds:
            raise InsufficientCreditError(
                f"the amounts given add up to {Money.from_minor(asked, currency)},"
                f" more than the {Money.from_minor(funds, currency)} available"
            )
        return _capped(items, strategy.amounts, funds)
    if isinstance(strategy, PriorityClasses):
        rank = {name: n for n, name in enumerate(strategy.order)}
        last = len(rank)
        return _fill(
            sorted(items, key=lambda i: (rank.get(i.category, last), i.service_date)), funds
        )
    if isinstance(strategy, MatchStatement):
        return _capped(items, strategy.lines, funds)
    raise TypeError(f"strategy must be an allocation strategy, got {strategy!r}")


def _plan(
    *,
    plan_id: str,
    account_id: str,
    party: Party,
    effective: datetime.date,
    funds: Money,
    payment: Payment | None,
    payment_id: str | None,
    open_items: Iterable[OpenItem],
    strategy: AllocationStrategy,
) -> AllocationPlan:
    currency = funds.currency
    items = _checked_items(party, currency, open_items)
    takes, left = _allocate(items, funds.minor, currency, strategy)
    # Internal construction: every part was checked above or by its own constructor.
    plan = _new(AllocationPlan)
    _set(plan, "id", plan_id)
    _set(plan, "account_id", account_id)
    _set(plan, "party", party)
    _set(plan, "effective", effective)
    _set(plan, "funds", funds)
    _set(plan, "payment", payment)
    _set(plan, "payment_id", payment_id)
    _set(plan, "allocations", tuple(takes))
    _set(plan, "unapplied", _make(left, currency))
    _set(plan, "assumed", items)
    return plan


def plan_allocation(
    payment: Payment, open_items: Iterable[OpenItem], strategy: AllocationStrategy
) -> AllocationPlan:
    """Preview how a payment would be applied to the paying party's open lines.

    Pure: nothing is recorded until [`apply_allocation`][].

    Args:
        payment: The payment.
        open_items: The lines the party owes, with their open balance in the
            party's bucket as of the payment date (see [`open_items`][]).
        strategy: How to choose lines and amounts.

    Returns:
        The plan: per-line applications, and what stays unapplied.

    Raises:
        CurrencyMismatchError: If an item is in another currency.
        ValidationError: If an item is in a bucket the party does not pay, or
            a line is listed twice.
        NotFoundError: If the strategy names a line that is not an open item.
        InsufficientCreditError: If [`SpecificLines`][] amounts add up to
            more than the payment.

    Examples:
        >>> import datetime
        >>> usd = lambda s: Money(s, "USD")
        >>> pay = Payment(id="PAY-2", account_id="A1", party=Party.patient("P1"),
        ...               amount=usd("10.00"), received=datetime.date(2024, 5, 1))
        >>> items = [OpenItem(line_id=f"L{n}", service_date=datetime.date(2024, 2, n),
        ...                   open=usd("10.00")) for n in (1, 2, 3)]
        >>> plan = plan_allocation(pay, items, Proportional())
        >>> [str(a.amount) for a in plan.applications]
        ['3.34 USD', '3.33 USD', '3.33 USD']
    """
    if not isinstance(payment, Payment):
        raise TypeError(f"payment must be a Payment, got {payment!r}")
    return _plan(
        plan_id=payment.id,
        account_id=payment.account_id,
        party=payment.party,
        effective=payment.received,
        funds=payment.amount,
        payment=payment,
        payment_id=payment.id,
        open_items=open_items,
        strategy=strategy,
    )


def plan_credit_use(
    credit: Credit,
    open_items: Iterable[OpenItem],
    strategy: AllocationStrategy,
    *,
    id: str,
    effective: datetime.date,
    payment_id: str | None = None,
) -> AllocationPlan:
    """Preview applying a party's unapplied credit to its other open lines.

    Args:
        credit: The party's credit (from [`credits`][billing_core.balances.credits]
            as of ``effective``); its ``available`` amount is what can be applied.
        open_items: The lines the party owes.
        strategy: How to choose lines and amounts.
        id: The plan's id (the entries' ids derive from it).
        effective: The date of the entries.
        payment_id: The payment the credit came from, if known (linked in the
            entries and shown on its receipt).

    Returns:
        The plan.

    Raises:
        InsufficientCreditError: If the party has no credit available.
        CurrencyMismatchError, ValidationError, NotFoundError: As for
            [`plan_allocation`][].

    Examples:
        >>> import datetime
        >>> usd = lambda s: Money(s, "USD")
        >>> credit = Credit(account_id="A1", party=Party.patient("P1"), received=usd("30"),
        ...                 applied=usd("0"), refunded=usd("0"))
        >>> item = OpenItem(line_id="L7", service_date=datetime.date(2024, 6, 1),
        ...                 open=usd("12.50"))
        >>> plan = plan_credit_use(credit, [item], OldestFirst(), id="CU-1",
        ...                        effective=datetime.date(2024, 6, 2))
        >>> plan.applied, plan.unapplied
        (Money('12.50', 'USD'), Money('17.50', 'USD'))
    """
    if not isinstance(credit, Credit):
        raise TypeError(f"credit must be a Credit, got {credit!r}")
    available = credit.available
    if available.minor <= 0:
        raise InsufficientCreditError(
            f"{credit.party} has no credit available on account {credit.account_id} ({available})"
        )
    return _plan(
        plan_id=id,
        account_id=credit.account_id,
        party=credit.party,
        effective=effective,
        funds=available,
        payment=None,
        payment_id=payment_id,
        open_items=open_items,
        strategy=strategy,
    )


def apply_allocation(plan: AllocationPlan, current: Iterable[Entry]) -> tuple[Entry, ...]:
    """The ledger entries that record a plan, after checking it is still current.

    For a payment plan: a [`PaymentReceived`][billing_core.ledger.PaymentReceived] (id:
    the payment's id) and one [`PaymentApplied`][billing_core.ledger.PaymentApplied] per
    line (id: ``"<plan id>:<line id>"``). For a credit-use plan: only the
    applications.

    Args:
        plan: The plan.
        current: The current history of the account (at least every entry
            of the plan's lines and of the party's credit).

    Returns:
        The new entries; nothing is recorded here, append them to the history.

    Raises:
        StalePlanError: If a line's open balance, or the credit a credit-use
            plan assumed, is no longer what the plan was built on.
        DuplicateError: If the payment is already recorded.
        NotFoundError: If a line of the plan is not in the history, or is on
            another account.
        ValidationError: If the history with the new entries would not be
            valid (see [`check_history`][billing_core.ledger.check_history]).

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import ChargePosted
        >>> usd = lambda s: Money(s, "USD")
        >>> charge = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                       effective=datetime.date(2024, 2, 1), amount=usd("25.00"),
        ...                       bucket=Bucket.PATIENT)
        >>> pay = Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...               amount=usd("30.00"), received=datetime.date(2024, 5, 1))
        >>> item = OpenItem(line_id="L1", service_date=datetime.date(2024, 2, 1),
        ...                 open=usd("25.00"))
        >>> plan = plan_allocation(pay, [item], OldestFirst())
        >>> [type(e).__name__ for e in apply_allocation(plan, [charge])]
        ['PaymentReceived', 'PaymentApplied']
        >>> apply_allocation(plan, [charge, *apply_allocation(plan, [charge])])
        Traceback (most recent call last):
        ...
        billing_core.errors.DuplicateError: payment PAY-1 is already recorded
    """
    history = tuple(current)
    if plan.payment is not None and any(e.id == plan.payment.id for e in history):
        raise DuplicateError(f"payment {plan.payment.id} is already recorded")
    wanted = {item.line_id for item in plan.assumed}
    lines = line_balances([e for e in history if e.line_id in wanted], plan.effective)
    stale = []
    for item in plan.assumed:
        balance = lines.get(item.line_id)
        if balance is None or balance.account_id != plan.account_id:
            raise NotFoundError(
                f"line {item.line_id} has no charge on account {plan.account_id}"
                f" by {plan.effective}"
            )
        now = balance.open.of(item.bucket)
        if now != item.open:
            stale.append(f"line {item.line_id} {item.bucket}: planned on {item.open}, now {now}")
    if plan.payment is None:
        mine = [e for e in history if e.account_id == plan.account_id]
        credit = credits(mine, plan.effective).get(plan.party)
        now = credit.available if credit is not None else Money.zero(plan.funds.currency)
        if now != plan.funds:
            stale.append(f"credit of {plan.party}: planned on {plan.funds}, now {now}")
    if stale:
        raise StalePlanError("the plan is stale; re-plan it: " + "; ".join(stale))
    source = Source(payment_id=plan.payment_id)
    new: list[Entry] = []
    if plan.payment is not None:
        new.append(
            PaymentReceived(
                id=plan.payment.id,
                account_id=plan.account_id,
                effective=plan.effective,
                amount=plan.payment.amount,
                source=Source(payment_id=plan.payment.id, reason=plan.payment.reference),
                party=plan.party,
            )
        )
    for app in plan.applications:
        new.append(
            PaymentApplied(
                id=f"{plan.id}:{app.line_id}",
                account_id=plan.account_id,
                line_id=app.line_id,
                effective=plan.effective,
                amount=app.amount,
                source=source,
                party=plan.party,
                bucket=app.bucket,
            )
        )
    check_history((*history, *new))
    return tuple(new)


# --------------------------------------------------------------------------- helpers


def open_items(
    balances: Mapping[str, LineBalance] | Iterable[LineBalance],
    bucket: Bucket,
    *,
    service_dates: Mapping[str, datetime.date],
    categories: Mapping[str, str] | None = None,
) -> tuple[OpenItem, ...]:
    """The open items of one bucket, from line balances and the lines' facts.

    Args:
        balances: Line balances (from [`line_balances`][billing_core.balances.line_balances]).
        bucket: The bucket the paying party pays.
        service_dates: Each line's date of service.
        categories: Each line's class for [`PriorityClasses`][] (optional).

    Returns:
        One item per line with something open in ``bucket``, in the given order.

    Raises:
        NotFoundError: If a line with an open balance has no service date.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import ChargePosted
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 2, 1), amount=Money("25", "USD"),
        ...                  bucket=Bucket.PATIENT)
        >>> lbs = line_balances([c], datetime.date(2024, 2, 1))
        >>> open_items(lbs, Bucket.PATIENT, service_dates={"L1": datetime.date(2024, 1, 30)})
        (OpenItem(line_id='L1', service_date=datetime.date(2024, 1, 30), open=Money('25.00', 'USD'), bucket=<Bucket.PATIENT: 'patient'>, category=''),)
    """  # noqa: E501
    values = balances.values() if isinstance(balances, Mapping) else balances
    cats = categories or {}
    items = []
    for balance in values:
        amount = balance.open.of(bucket)
        if amount.minor <= 0:
            continue
        service_date = service_dates.get(balance.line_id)
        if service_date is None:
            raise NotFoundError(f"no service date given for line {balance.line_id}")
        items.append(
            OpenItem(
                line_id=balance.line_id,
                service_date=service_date,
                open=amount,
                bucket=bucket,
                category=cats.get(balance.line_id, ""),
            )
        )
    return tuple(items)


def refund(
    credit: Credit,
    amount: Money,
    *,
    id: str,
    effective: datetime.date,
    reason: str | None = None,
    payment_id: str | None = None,
) -> Refund:
    """The entry that returns part of a party's credit to it.

    Args:
        credit: The party's credit (from [`credits`][billing_core.balances.credits]).
        amount: How much to return; positive, at most ``credit.available``.
        id: The refund entry's id.
        effective: Its date.
        reason: Why (kept in its source).
        payment_id: The payment being refunded, if any (shown on its receipt).

    Returns:
        The [`Refund`][billing_core.ledger.Refund] entry.

    Raises:
        InsufficientCreditError: If ``amount`` is more than the credit available.
        InvalidAmountError: If ``amount`` is not positive.
        CurrencyMismatchError: If ``amount`` is in another currency.

    Examples:
        >>> import datetime
        >>> usd = lambda s: Money(s, "USD")
        >>> credit = Credit(account_id="A1", party=Party.patient("P1"), received=usd("30"),
        ...                 applied=usd("25"), refunded=usd("0"))
        >>> refund(credit, usd("5"), id="f1", effective=datetime.date(2024, 6, 1)).amount
        Money('5.00', 'USD')
        >>> refund(credit, usd("6"), id="f1", effective=datetime.date(2024, 6, 1))
        Traceback (most recent call last):
        ...
        billing_core.errors.InsufficientCreditError: cannot refund 6.00 USD to patient:P1: only 5.00 USD of credit is available
    """  # noqa: E501
    _positive_money(amount, "refund amount")
    available = credit.available
    if amount > available:
        raise InsufficientCreditError(
            f"cannot refund {amount} to {credit.party}: only {available} of credit is available"
        )
    return Refund(
        id=id,
        account_id=credit.account_id,
        effective=effective,
        amount=amount,
        source=Source(payment_id=payment_id, reason=reason),
        party=credit.party,
    )


def small_balance_write_offs(
    balances: Mapping[str, LineBalance] | Iterable[LineBalance],
    threshold: Money,
    as_of: datetime.date,
) -> tuple[WriteOff, ...]:
    """Propose write-offs of patient balances under a threshold, line by line.

    A line whose patient bucket holds more than zero and less than
    ``threshold`` gets a [`WriteOff`][billing_core.ledger.WriteOff] of exactly
    that amount, reason ``SMALL_BALANCE``, effective ``as_of``, with the id
    ``"<line id>:small-balance:<as_of>"``. Nothing is recorded: review the
    proposals, then append them to the history.

    Args:
        balances: Line balances as of ``as_of``.
        threshold: Write off patient balances strictly below this.
        as_of: The write-offs' date.

    Returns:
        The proposed write-offs, in the order of ``balances``.

    Raises:
        InvalidAmountError: If ``threshold`` is not positive.
        CurrencyMismatchError: If a line is in another currency.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import ChargePosted
        >>> day = datetime.date(2024, 6, 1)
        >>> history = [ChargePosted(id=f"c{n}", account_id="A1", line_id=f"L{n}",
        ...                         effective=day, amount=Money(a, "USD"), bucket=Bucket.PATIENT)
        ...            for n, a in enumerate(["2.50", "5.00", "80.00"])]
        >>> [(w.line_id, w.amount) for w in small_balance_write_offs(
        ...     line_balances(history, day), Money("5.00", "USD"), day)]
        [('L0', Money('2.50', 'USD'))]
    """
    _positive_money(threshold, "threshold")
    values = balances.values() if isinstance(balances, Mapping) else balances
    proposals = []
    for balance in values:
        owed = balance.open.of(Bucket.PATIENT)
        if owed.minor > 0 and owed < threshold:
            proposals.append(
                WriteOff(
                    id=f"{balance.line_id}:small-balance:{as_of.isoformat()}",
                    account_id=balance.account_id,
                    line_id=balance.line_id,
                    effective=as_of,
                    amount=owed,
                    source=Source(reason=f"patient balance under {threshold}"),
                    bucket=Bucket.PATIENT,
                    reason=WriteOffReason.SMALL_BALANCE,
                )
            )
    return tuple(proposals)


# --------------------------------------------------------------------------- receipts


@attrs.frozen(kw_only=True)
class ReceiptLine:
    """One line a payment was applied to, on a receipt.

    Attributes:
        line_id: The line.
        bucket: The bucket the payment reduced.
        applied: How much of the payment went to it.
        remaining: What is still open in that bucket (as of the receipt date).

    Examples:
        >>> usd = lambda s: Money(s, "USD")
        >>> ReceiptLine(line_id="L1", bucket=Bucket.PATIENT, applied=usd("25"),
        ...             remaining=usd("0")).settled
        True
    """

    line_id: str
    bucket: Bucket
    applied: Money
    remaining: Money

    @property
    def settled(self) -> bool:
        """Whether nothing remains open in the bucket.

        Examples:
            >>> usd = lambda s: Money(s, "USD")
            >>> ReceiptLine(line_id="L1", bucket=Bucket.PATIENT, applied=usd("5"),
            ...             remaining=usd("1")).settled
            False
        """
        return not self.remaining


@attrs.frozen(kw_only=True)
class Receipt:
    """Proof of payment: what a payment settled and what remains.

    Attributes:
        payment_id: The payment.
        account_id: The account.
        party: Who paid.
        received: When the payment was received.
        amount: How much was received.
        reversed: Whether the payment itself was reversed (e.g. a returned check).
        lines: The lines it was applied to.
        refunded: How much of it was refunded.
        unapplied: What of it is still unapplied credit.
        as_of: The date the receipt describes.

    Examples:
        >>> import datetime
        >>> usd = lambda s: Money(s, "USD")
        >>> r = Receipt(payment_id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...             received=datetime.date(2024, 5, 1), amount=usd("30"), reversed=False,
        ...             lines=(), refunded=usd("0"), unapplied=usd("30"),
        ...             as_of=datetime.date(2024, 5, 1))
        >>> r.applied
        Money('0.00', 'USD')
    """

    payment_id: str
    account_id: str
    party: Party
    received: datetime.date
    amount: Money
    reversed: bool
    lines: tuple[ReceiptLine, ...] = attrs.field(converter=tuple[ReceiptLine, ...])
    refunded: Money
    unapplied: Money
    as_of: datetime.date

    @property
    def applied(self) -> Money:
        """Total applied to lines.

        Examples:
            >>> import datetime
            >>> usd = lambda s: Money(s, "USD")
            >>> line = ReceiptLine(line_id="L1", bucket=Bucket.PATIENT, applied=usd("5"),
            ...                    remaining=usd("1"))
            >>> Receipt(payment_id="P", account_id="A1", party=Party.patient("P1"),
            ...         received=datetime.date(2024, 5, 1), amount=usd("5"), reversed=False,
            ...         lines=[line], refunded=usd("0"), unapplied=usd("0"),
            ...         as_of=datetime.date(2024, 5, 1)).applied
            Money('5.00', 'USD')
        """
        return Money.from_minor(sum(x.applied.minor for x in self.lines), self.amount.currency)

    @property
    def text(self) -> str:
        """The receipt as plain text, for the patient's records.

        Examples:
            >>> import datetime
            >>> usd = lambda s: Money(s, "USD")
            >>> r = Receipt(payment_id="PAY-1", account_id="A1", party=Party.patient("P1"),
            ...             received=datetime.date(2024, 5, 1), amount=usd("30"),
            ...             reversed=False, lines=(), refunded=usd("0"), unapplied=usd("30"),
            ...             as_of=datetime.date(2024, 5, 1))
            >>> print(r.text)
            Receipt for payment PAY-1 on account A1
            Received 2024-05-01 from patient:P1: $30.00
            Unapplied credit: $30.00
            As of 2024-05-01
        """
        fmt = format_money
        out = [
            f"Receipt for payment {self.payment_id} on account {self.account_id}",
            f"Received {self.received} from {self.party}: {fmt(self.amount)}"
            + (" (REVERSED)" if self.reversed else ""),
        ]
        for line in self.lines:
            state = "paid in full" if line.settled else f"{fmt(line.remaining)} remaining"
            out.append(f"  line {line.line_id}: {fmt(line.applied)} applied, {state}")
        if self.refunded:
            out.append(f"Refunded: {fmt(self.refunded)}")
        if self.unapplied:
            out.append(f"Unapplied credit: {fmt(self.unapplied)}")
        out.append(f"As of {self.as_of}")
        return "\n".join(out)


def receipt(payment: Payment | str, entries: Iterable[Entry], *, as_of: datetime.date) -> Receipt:
    """Proof of a payment: the lines it was applied to and what remains open.

    Applications and refunds are linked to the payment by their source's
    ``payment_id`` (set by [`apply_allocation`][], and by [`plan_credit_use`][] and
    [`refund`][] when given one); reversed ones are netted out.

    Args:
        payment: The payment, or its id.
        entries: The account's history, including the payment.
        as_of: Only entries effective on or before it count.

    Returns:
        The receipt.

    Raises:
        NotFoundError: If the payment is not recorded by ``as_of``.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import ChargePosted
        >>> usd = lambda s: Money(s, "USD")
        >>> day = datetime.date(2024, 5, 1)
        >>> charges = [ChargePosted(id=f"c{n}", account_id="A1", line_id=f"L{n}",
        ...                         effective=datetime.date(2024, 2, n), amount=usd("25.00"),
        ...                         bucket=Bucket.PATIENT) for n in (1, 2)]
        >>> pay = Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...               amount=usd("40.00"), received=day)
        >>> items = open_items(line_balances(charges, day), Bucket.PATIENT,
        ...                    service_dates={"L1": charges[0].effective,
        ...                                   "L2": charges[1].effective})
        >>> plan = plan_allocation(pay, items, OldestFirst())
        >>> history = [*charges, *apply_allocation(plan, charges)]
        >>> print(receipt(pay, history, as_of=day).text)
        Receipt for payment PAY-1 on account A1
        Received 2024-05-01 from patient:P1: $40.00
          line L1: $25.00 applied, paid in full
          line L2: $15.00 applied, $10.00 remaining
        As of 2024-05-01
    """
    payment_id = payment.id if isinstance(payment, Payment) else payment
    counted = [e for e in entries if e.effective <= as_of]
    found: PaymentReceived | None = None
    reversed_ = False
    applied: dict[tuple[str, Bucket], int] = {}
    refunded = 0
    for entry in counted:
        original = entry.original if isinstance(entry, Reversal) else entry
        if isinstance(original, PaymentReceived) and original.id == payment_id:
            if isinstance(entry, Reversal):
                reversed_ = True
            else:
                found = original
        elif original.source.payment_id == payment_id:
            m = entry.amount.minor
            if isinstance(original, PaymentApplied):
                key = (original.line_id or "", original.bucket)
                applied[key] = applied.get(key, 0) + m
            elif isinstance(original, Refund):
                refunded += m
    if found is None:
        raise NotFoundError(f"payment {payment_id} is not recorded by {as_of}")
    currency = found.amount.currency
    line_ids = {line_id for line_id, _bucket in applied}
    mine = [e for e in counted if e.line_id in line_ids]
    lines = line_balances(mine, as_of) if applied else {}
    rows = []
    for (line_id, bucket), m in applied.items():
        if not m:
            continue
        rows.append(
            ReceiptLine(
                line_id=line_id,
                bucket=bucket,
                applied=Money.from_minor(m, currency),
                remaining=lines[line_id].open.of(bucket),
            )
        )
    total_applied = sum(applied.values())
    net_received = 0 if reversed_ else found.amount.minor
    return Receipt(
        payment_id=payment_id,
        account_id=found.account_id,
        party=found.party,
        received=found.effective,
        amount=found.amount,
        reversed=reversed_,
        lines=rows,
        refunded=Money.from_minor(refunded, currency),
        unapplied=Money.from_minor(net_received - total_applied - refunded, currency),
        as_of=as_of,
    )
