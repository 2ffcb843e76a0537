"""Payment plans: a pure preview of which line gets what, before anything is recorded.

[`plan_allocation`][] plans a [`Payment`][billing_core.allocation.Payment];
[`plan_credit_use`][] plans a party's unapplied credit. Either takes the
[`OpenItem`][billing_core.allocation.OpenItem] lines the paying party owes and an
allocation strategy, and returns an
[`AllocationPlan`][]: per-line applications, and what stays unapplied as the
party's credit. [`apply_allocation`][billing_core.allocation.apply_allocation]
records a plan.

Examples:
    >>> import datetime
    >>> from billing_core.allocation._inputs import OpenItem, Payment
    >>> from billing_core.allocation._strategies import PriorityClasses
    >>> from billing_core.ledger import Party
    >>> day = datetime.date(2024, 5, 1)
    >>> pay = Payment(id="PAY-7", account_id="A1", party=Party.patient("P1"),
    ...               amount=Money("30.00", "USD"), received=day)
    >>> owed = [OpenItem(line_id=line, service_date=day, open=Money("20.00", "USD"),
    ...                  category=kind) for line, kind in (("L1", "fee"), ("L2", "copay"))]
    >>> plan = plan_allocation(pay, owed, PriorityClasses(order=["copay"]))
    >>> [(a.line_id, str(a.amount)) for a in plan.applications]
    [('L2', '20.00 USD'), ('L1', '10.00 USD')]
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs

from billing_core._checks import check_date, describe
from billing_core.allocation._fields import check_text
from billing_core.allocation._inputs import OpenItem, Payment
from billing_core.allocation._strategies import (
    AllocationStrategy,
    MatchStatement,
    OldestFirst,
    PriorityClasses,
    Proportional,
    SpecificLines,
)
from billing_core.balances import Credit
from billing_core.errors import (
    CurrencyMismatchError,
    Finding,
    InsufficientCreditError,
    NotFoundError,
    ValidationError,
)
from billing_core.ledger import Bucket, Party, PartyKind
from billing_core.money import Money, allocate
from billing_core.money._core import make as _make
from billing_core.views import Protected, protected

__all__ = [
    "AllocationPlan",
    "LineApplication",
    "plan_allocation",
    "plan_credit_use",
]


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
    """A preview of how money will be applied; `apply_allocation` records it.

    See [`apply_allocation`][billing_core.allocation.apply_allocation].

    Attributes:
        id: The plan's id; the entries `apply_allocation` makes derive their ids
            from it (a payment's plan has the payment's id).
        account_id: The account.
        party: Whose money is applied.
        effective: The date of the entries (the payment's date).
        funds: The money available: the payment, or the credit assumed.
        payment: The payment, or ``None`` when applying existing credit.
        payment_id: The payment the money came from, when known (linked in
            the entries' [`Source`][billing_core.ledger.Source] and receipts).
        allocations: The compact form of the plan: ``(open item, minor units
            applied)`` pairs in the order applied (see [`applications`][]); a plan
            made by [`plan_allocation`][] builds them on first read.
        unapplied: What stays as the party's credit.
        assumed: The open items the plan was built on (checked by
            `apply_allocation`).

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
    account_id: str = attrs.field(**protected(Protected.ID))
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

_Takes = list[tuple[str, int]]
"""``(line id, minor units applied)`` pairs in the order applied (see ``_LineTakes``)."""


def _all_clean(items: tuple[OpenItem, ...], currency: str, patient: bool) -> bool:
    """The fast pass: identity tests only, no message built (a plan is made per payment)."""
    cls, own = OpenItem, _PATIENT
    for item in items:
        if (
            item.__class__ is not cls
            # Currency codes are canonical objects in Money, so `is` is a sound fast test;
            # a false alarm only sends the items to the slow pass, which compares by value.
            or item.open.currency is not currency
            or (item.bucket is own) is not patient
        ):
            return False
    return len({item.line_id for item in items}) == len(items)


def _check_items(
    party: Party, currency: str, open_items: Iterable[OpenItem]
) -> tuple[OpenItem, ...]:
    """The items as a tuple, once each is an open item of the party in the plan's currency."""
    items = open_items if isinstance(open_items, tuple) else tuple(open_items)
    patient = party.kind is PartyKind.PATIENT
    if _all_clean(items, currency, patient):
        return items
    allowed = _PATIENT_BUCKETS if patient else _PAYER_BUCKETS
    seen: set[str] = set()
    findings: list[Finding] = []
    for item in items:
        if item.__class__ is not OpenItem:
            raise TypeError(f"open items must be OpenItem values, got {describe(item)}")
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


def _fill(order: Iterable[OpenItem], funds: int) -> tuple[_Takes, int]:
    """Fill each line in full, in ``order``, while money lasts (the last one perhaps in part)."""
    takes: _Takes = []
    if funds <= 0:
        return takes, funds
    for item in order:
        cap = item.open.minor
        if cap:  # a line with nothing open gets no application (not one of 0.00)
            if cap < funds:
                funds -= cap
                takes.append((item.line_id, cap))
            else:
                takes.append((item.line_id, funds))
                return takes, 0
    return takes, funds


def _capped(
    items: Sequence[OpenItem], targets: Sequence[tuple[str, Money]], funds: int
) -> tuple[_Takes, int]:
    """Give each named line the least of its asked amount, what it has open and what is left."""
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
            takes.append((item.line_id, take))
    return takes, funds


def _proportional(items: Sequence[OpenItem], funds: int, currency: str) -> tuple[_Takes, int]:
    # Lines with nothing open are left out rather than given a zero ratio, and no more
    # than the total open is split: then no part can exceed its line's open balance.
    # allocate() is largest remainder with ties by position, so between equal
    # remainders the spare cent goes to the line given first.
    payable = [item for item in items if item.open.minor]
    to_apply = min(funds, sum(item.open.minor for item in payable))
    if not to_apply:
        return [], funds
    parts = allocate(Money.from_minor(to_apply, currency), [i.open.minor for i in payable])
    takes = [(i.line_id, p.minor) for i, p in zip(payable, parts, strict=True) if p.minor]
    return takes, funds - to_apply


def _specific(
    items: Sequence[OpenItem], funds: int, currency: str, strategy: SpecificLines
) -> tuple[_Takes, int]:
    if strategy.lines:
        return _fill(_by_line(items, strategy.lines), funds)
    asked = sum(amount.minor for _line, amount in strategy.amounts)
    if asked > funds:
        raise InsufficientCreditError(
            f"the amounts given add up to {Money.from_minor(asked, currency)},"
            f" more than the {Money.from_minor(funds, currency)} available"
        )
    return _capped(items, strategy.amounts, funds)


def _distribute(
    items: tuple[OpenItem, ...], funds: int, currency: str, strategy: AllocationStrategy
) -> tuple[_Takes, int]:
    """What each line gets under ``strategy``, and the minor units left over."""
    # sorted() is stable: lines with the same service date (and class) keep the order
    # the caller gave them, so a plan never depends on anything but its inputs.
    if strategy.__class__ is OldestFirst:  # the common case, tested first and by identity
        return _fill(sorted(items, key=_by_date), funds)
    if isinstance(strategy, Proportional):
        return _proportional(items, funds, currency)
    if isinstance(strategy, SpecificLines):
        return _specific(items, funds, currency, strategy)
    if isinstance(strategy, PriorityClasses):
        rank = {name: n for n, name in enumerate(strategy.order)}
        last = len(rank)  # every unlisted class shares the last rank: oldest first among them
        return _fill(
            sorted(items, key=lambda i: (rank.get(i.category, last), i.service_date)), funds
        )
    if isinstance(strategy, MatchStatement):
        return _capped(items, strategy.lines, funds)
    raise TypeError(f"strategy must be an allocation strategy, got {describe(strategy)}")


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
    items = _check_items(party, currency, open_items)
    takes, left = _distribute(items, funds.minor, currency, strategy)
    # Internal construction: every part was checked above or by its own constructor. The
    # slots are set through their descriptors (object.__setattr__ looks each name up).
    plan = _new(AllocationPlan)
    _set_id(plan, plan_id)
    _set_account_id(plan, account_id)
    _set_party(plan, party)
    _set_effective(plan, effective)
    _set_funds(plan, funds)
    _set_payment(plan, payment)
    _set_payment_id(plan, payment_id)
    _set_allocations(plan, _LineTakes(takes))
    _set_unapplied(plan, _make(left, currency) if left else _zero(currency))
    _set_assumed(plan, items)
    return plan


# Most payments are applied in full: their plans share one zero per currency (Money is
# immutable), one object fewer per plan for the garbage collector to walk.
_ZEROS: dict[str, Money] = {}


def _zero(currency: str) -> Money:
    found = _ZEROS.get(currency)
    if found is None:
        found = _ZEROS[currency] = _make(0, currency)
    return found


(
    _set_id,
    _set_account_id,
    _set_party,
    _set_effective,
    _set_funds,
    _set_payment,
    _set_payment_id,
    _set_allocations,
    _set_unapplied,
    _set_assumed,
) = (AllocationPlan.__dict__[f.name].__set__ for f in attrs.fields(AllocationPlan))


class _LineTakes(tuple[tuple[str, int], ...]):
    """A new plan's allocations as ``(line id, minor units)`` pairs, until first read.

    Pairs holding an ``OpenItem`` stay tracked by the garbage collector, and a batch
    of plans kept ~7 of them alive per plan: every collection walked them all (issue
    14: planning 10^5 payments ran 5x the integer floor, 2.3x at 10^4). Pairs of a
    str and an int are untracked; ``_Allocations`` swaps in the item pairs on first
    read, so ``plan.allocations`` (and equality, hashing, repr, pickling) see them.
    """

    __slots__ = ()


class _Allocations:
    """``AllocationPlan.allocations``: ``(item, minor)`` pairs, built from ``_LineTakes`` once."""

    __slots__ = ("_slot",)

    def __init__(self, slot: Any) -> None:
        self._slot = slot

    def __get__(self, plan: AllocationPlan | None, owner: type | None = None) -> Any:
        if plan is None:
            return self
        value = self._slot.__get__(plan, owner)
        if value.__class__ is _LineTakes:
            # Line ids are unique among the assumed items (checked when the plan was made).
            by_id = {item.line_id: item for item in plan.assumed}
            value = tuple([(by_id[line_id], minor) for line_id, minor in value])
            self._slot.__set__(plan, value)
        return value

    def __set__(self, plan: AllocationPlan, value: object) -> None:
        self._slot.__set__(plan, value)

    def __delete__(self, plan: AllocationPlan) -> None:
        self._slot.__delete__(plan)


type.__setattr__(
    AllocationPlan, "allocations", _Allocations(AllocationPlan.__dict__["allocations"])
)


def plan_allocation(
    payment: Payment, open_items: Iterable[OpenItem], strategy: AllocationStrategy
) -> AllocationPlan:
    """Preview how a payment would be applied to the paying party's open lines.

    Pure: nothing is recorded until
    [`apply_allocation`][billing_core.allocation.apply_allocation].

    Args:
        payment: The payment.
        open_items: The lines the party owes, with their open balance in the
            party's bucket as of the payment date (see
            [`open_items`][billing_core.allocation.open_items]).
        strategy: How to choose lines and amounts.

    Returns:
        The plan: per-line applications, and what stays unapplied.

    Raises:
        CurrencyMismatchError: If an item is in another currency.
        ValidationError: If an item is in a bucket the party does not pay, or
            a line is listed twice.
        NotFoundError: If the strategy names a line that is not an open item.
        InsufficientCreditError: If
            [`SpecificLines`][billing_core.allocation.SpecificLines] amounts add up
            to more than the payment.
        TypeError: If ``payment`` is not a [`Payment`][billing_core.allocation.Payment],
            an item not an [`OpenItem`][billing_core.allocation.OpenItem], or
            ``strategy`` not an allocation strategy.

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
        raise TypeError(f"payment must be a Payment, got {describe(payment)}")
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
        TypeError: If ``credit`` is not a [`Credit`][billing_core.balances.Credit],
            ``effective`` not a plain date, or an id not a str.
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
        raise TypeError(f"credit must be a Credit, got {describe(credit)}")
    check_text(id, "id")
    check_date(effective, "effective")
    check_text(payment_id, "payment_id", optional=True)
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
