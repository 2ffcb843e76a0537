"""An estimate, shaped like the payer's adjudication, and its comparison with the 835.

Each [`EstimatedLine`][billing_core.benefits.EstimatedLine] holds what a
payer's answer for the line holds (submitted, allowed, deductible, copay,
coinsurance, plan pays, patient pays) and turns into the same adjustments a
payer would send: ``CO-45`` for the contractual difference, ``PR-1``
deductible, ``PR-2`` coinsurance, ``PR-3`` copay, the payment reductions
(``CO-253``), and ``PR-96``/``CO-96`` for a service the plan does not cover.
[`compare_estimate`][billing_core.benefits.compare_estimate] sets it line by
line against the [`ClaimPayment`][billing_core.remittance.ClaimPayment] that arrives.

Examples:
    >>> import datetime
    >>> from decimal import Decimal
    >>> from billing_core.benefits import PricedLine, estimate
    >>> from billing_core.money import Money
    >>> from billing_core.parties import PlanBenefits
    >>> plan = PlanBenefits(deductible=Money("50", "USD"), coinsurance_rate=Decimal("0.2"))
    >>> est = estimate([PricedLine(line_id="L1", service_date=datetime.date(2024, 3, 4),
    ...     charge=Money("130", "USD"), allowed=Money("100", "USD"))], plan)
    >>> [str(a) for a in est.lines[0].adjustments]
    ['CO-45 30.00 USD', 'PR-1 50.00 USD', 'PR-2 10.00 USD']
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Final

import attrs

from billing_core._coverage import pair_service_lines
from billing_core.benefits._terms import Accumulators, PricedLine
from billing_core.codes import GroupCode
from billing_core.errors import CurrencyMismatchError, NotFoundError
from billing_core.money import Money
from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment
from billing_core.views import Record, html_table, to_records

__all__ = ["Estimate", "EstimateDifference", "EstimatedLine", "compare_estimate"]

# The positions in a row of ints, as the estimate loop writes it; the amount of each
# payment reduction follows, in the order of Estimate.reduction_codes.
CHARGE, ALLOWED, DEDUCTIBLE, COPAY, COINSURANCE, PLAN, REDUCED, PATIENT, COVERED = range(9)

_COLUMNS: Final = (
    "line",
    "date",
    "submitted",
    "allowed",
    "deductible",
    "copay",
    "coinsurance",
    "plan pays",
    "patient pays",
)


@attrs.frozen(kw_only=True)
class EstimatedLine:
    """One line of an estimate, as a payer would adjudicate it.

    For a covered line ``allowed = deductible + copay + coinsurance +
    reductions + plan_pays``; the patient pays the first three. For a line the
    plan does not cover, ``allowed`` is zero and the patient pays the charge
    only with a patient authorization on the line; otherwise the provider
    bears it.

    Attributes:
        line_id: The line's id.
        service_date: Its service date.
        covered: Whether the plan covers the service.
        submitted: The charge.
        allowed: The allowed amount (zero when not covered).
        deductible: The patient's deductible on the line (``PR-1``).
        copay: The patient's copay (``PR-3``).
        coinsurance: The patient's coinsurance (``PR-2``).
        reductions: The payment reductions taken from the plan's payment (``CO-253``, ...).
        plan_pays: What the plan pays, after reductions.
        patient_pays: What the patient pays: deductible, copay and
            coinsurance, or the charge of an authorized non-covered service.

    Examples:
        >>> from billing_core.money import Money
        >>> zero = Money("0", "USD")
        >>> line = EstimatedLine(line_id="L1", service_date=datetime.date(2024, 3, 4),
        ...     covered=False, submitted=Money("60", "USD"), allowed=zero, deductible=zero,
        ...     copay=zero, coinsurance=zero, reductions=(), plan_pays=zero, patient_pays=zero)
        >>> [str(a) for a in line.adjustments]
        ['CO-96 60.00 USD']
    """

    line_id: str
    service_date: datetime.date
    covered: bool
    submitted: Money
    allowed: Money
    deductible: Money
    copay: Money
    coinsurance: Money
    reductions: tuple[CasAdjustment, ...]
    plan_pays: Money
    patient_pays: Money

    @property
    def adjustments(self) -> tuple[CasAdjustment, ...]:
        """The line's adjustments as a payer reports them; zero amounts left out."""
        found: list[CasAdjustment] = []

        def add(group: GroupCode, reason: str, amount: Money) -> None:
            if amount.minor:
                found.append(CasAdjustment(group=group, reason=reason, amount=amount))

        if not self.covered:
            # CARC 96 (non-covered charges) goes to the patient only with their authorization on
            # file; without it the provider bears it, which is what CO says.
            group = GroupCode.PR if self.patient_pays.minor else GroupCode.CO
            add(group, "96", self.submitted)
            return tuple(found)
        # Above the allowed amount is the contractual write-off (CO-45), never the patient's.
        add(GroupCode.CO, "45", self.submitted - self.allowed)
        add(GroupCode.PR, "1", self.deductible)
        add(GroupCode.PR, "2", self.coinsurance)
        add(GroupCode.PR, "3", self.copay)
        return (*found, *(r for r in self.reductions if r.amount.minor))

    def as_service_payment(self) -> ServicePayment:
        """The line as the 835 service payment the estimate expects; it balances.

        Examples:
            >>> from billing_core.balancing import balance_line
            >>> from billing_core.money import Money
            >>> usd = lambda s: Money(s, "USD")
            >>> line = EstimatedLine(line_id="L1", service_date=datetime.date(2024, 3, 4),
            ...     covered=True, submitted=usd("130"), allowed=usd("100"), deductible=usd("50"),
            ...     copay=usd("0"), coinsurance=usd("10"), reductions=(), plan_pays=usd("40"),
            ...     patient_pays=usd("60"))
            >>> balance_line(line.as_service_payment()).ok
            True
        """
        return ServicePayment(
            line_control_number=self.line_id,
            charge=self.submitted,
            paid=self.plan_pays,
            allowed=self.allowed if self.covered else None,
            service_date=self.service_date,
            adjustments=self.adjustments,
        )


@attrs.frozen(kw_only=True)
class Estimate:
    """What the patient and the plan are expected to pay, line by line, and the accumulators after.

    The lines are held as integers and built into
    [`EstimatedLine`][billing_core.benefits.EstimatedLine] objects when asked
    for, so an estimate of a million lines costs no more than its arithmetic.
    Lines come in the order given; the accumulators were applied in
    service-date order.

    Attributes:
        currency: The currency of every amount.
        accumulators_after: The accumulators once every line is counted.
        priced: The lines estimated, as given.
        rows: Per line, the amounts in minor units (the order of
            [`EstimatedLine`][billing_core.benefits.EstimatedLine]'s amounts);
            read them through [`lines`][] or the totals.
        reduction_codes: The group and reason of each payment reduction.

    Examples:
        >>> from billing_core.benefits import PricedLine, estimate
        >>> from billing_core.parties import PlanBenefits
        >>> est = estimate([], PlanBenefits(copay=Money("25", "USD")))
        >>> len(est), est.patient_pays
        (0, Money('0.00', 'USD'))
    """

    currency: str
    accumulators_after: Accumulators
    priced: tuple[PricedLine, ...] = attrs.field(repr=False)
    rows: tuple[tuple[int, ...], ...] = attrs.field(repr=False)
    reduction_codes: tuple[tuple[GroupCode, str], ...] = attrs.field(default=(), repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def _line(self, index: int) -> EstimatedLine:
        row, code = self.rows[index], self.currency

        def m(minor: int) -> Money:
            return Money.from_minor(minor, code)

        reductions = tuple(
            CasAdjustment(group=group, reason=reason, amount=m(minor))
            for (group, reason), minor in zip(self.reduction_codes, row[COVERED + 1 :], strict=True)
        )
        priced = self.priced[index]
        return EstimatedLine(
            line_id=priced.line_id,
            service_date=priced.service_date,
            covered=bool(row[COVERED]),
            submitted=m(row[CHARGE]),
            allowed=m(row[ALLOWED]),
            deductible=m(row[DEDUCTIBLE]),
            copay=m(row[COPAY]),
            coinsurance=m(row[COINSURANCE]),
            reductions=reductions,
            plan_pays=m(row[PLAN]),
            patient_pays=m(row[PATIENT]),
        )

    @property
    def lines(self) -> tuple[EstimatedLine, ...]:
        """Every line, in the order given (built on each access)."""
        return tuple(self._line(i) for i in range(len(self.rows)))

    def __iter__(self) -> Iterator[EstimatedLine]:
        return (self._line(i) for i in range(len(self.rows)))

    def line(self, line_id: str) -> EstimatedLine:
        """The estimated line with id ``line_id``.

        Raises:
            NotFoundError: No line has that id.
        """
        try:
            index = next(i for i, p in enumerate(self.priced) if p.line_id == line_id)
        except StopIteration:
            raise NotFoundError(f"the estimate has no line {line_id!r}") from None
        return self._line(index)

    def _total(self, column: int) -> Money:
        return Money.from_minor(sum(row[column] for row in self.rows), self.currency)

    @property
    def submitted(self) -> Money:
        """The total charge."""
        return self._total(CHARGE)

    @property
    def allowed(self) -> Money:
        """The total allowed amount."""
        return self._total(ALLOWED)

    @property
    def deductible(self) -> Money:
        """The total deductible."""
        return self._total(DEDUCTIBLE)

    @property
    def copay(self) -> Money:
        """The total copay."""
        return self._total(COPAY)

    @property
    def coinsurance(self) -> Money:
        """The total coinsurance."""
        return self._total(COINSURANCE)

    @property
    def reduced(self) -> Money:
        """The total of the payment reductions."""
        return self._total(REDUCED)

    @property
    def plan_pays(self) -> Money:
        """What the plan pays in all, after reductions."""
        return self._total(PLAN)

    @property
    def patient_pays(self) -> Money:
        """What the patient pays in all."""
        return self._total(PATIENT)

    def to_records(self) -> list[Record]:
        """The lines as flat rows of plain values (``pandas.DataFrame(records)`` works)."""
        return to_records(self)

    def _cells(self) -> list[list[str]]:
        def cells(line: EstimatedLine) -> list[str]:
            amounts = (line.submitted, line.allowed, line.deductible, line.copay)
            rest = (line.coinsurance, line.plan_pays, line.patient_pays)
            return [line.line_id, line.service_date.isoformat(), *map(_amount, amounts + rest)]

        return [*map(cells, self), ["total", "", *map(_amount, self._totals())]]

    def _totals(self) -> tuple[Money, ...]:
        return (self.submitted, self.allowed, self.deductible, self.copay, self.coinsurance,
                self.plan_pays, self.patient_pays)  # fmt: skip

    def __str__(self) -> str:
        table = [list(_COLUMNS), *self._cells()]
        widths = [max(len(row[i]) for row in table) for i in range(len(_COLUMNS))]
        return "\n".join(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
            for r in table
        )

    def _repr_html_(self) -> str:
        return html_table(_COLUMNS, self._cells(), right=range(2, len(_COLUMNS)))


def _amount(m: Money) -> str:
    return str(m.amount)


@attrs.frozen(kw_only=True)
class EstimateDifference:
    """One amount on which an estimate and the payer's answer differ.

    Attributes:
        line_id: The line, or ``None`` for the claim level.
        item: ``"paid"``, or an adjustment's ``group-reason`` (``"PR-1"``), or
            ``"line"`` for a line only one side has.
        estimated: What the estimate said (``None``: the estimate has no such line).
        remitted: What the payer said (``None``: the remittance has no such line).

    Examples:
        >>> from billing_core.money import Money
        >>> print(EstimateDifference(line_id="L1", item="PR-1", estimated=Money("120", "USD"),
        ...                          remitted=Money("0", "USD")))
        line L1 PR-1: estimated 120.00 USD, remitted 0.00 USD
    """

    line_id: str | None
    item: str
    estimated: Money | None
    remitted: Money | None

    def __str__(self) -> str:
        where = "claim" if self.line_id is None else f"line {self.line_id}"
        return (
            f"{where} {self.item}: estimated {_or_nothing(self.estimated)},"
            f" remitted {_or_nothing(self.remitted)}"
        )


def _or_nothing(amount: Money | None) -> str:
    return "nothing" if amount is None else str(amount)


def _amounts(payment: ServicePayment | ClaimPayment) -> dict[str, int]:
    found = {"paid": payment.paid.minor} if isinstance(payment, ServicePayment) else {}
    for adjustment in payment.adjustments:
        # Summed per group-reason: a payer may report one reason in several CAS entries, and
        # the comparison is about amounts, not how the payer split them.
        found[adjustment.key] = found.get(adjustment.key, 0) + adjustment.amount.minor
    return found


def _differences(
    line_id: str | None, estimated: dict[str, int], remitted: dict[str, int], currency: str
) -> list[EstimateDifference]:
    keys = sorted(estimated.keys() | remitted.keys(), key=lambda k: (k != "paid", k))
    return [
        EstimateDifference(
            line_id=line_id,
            item=key,
            estimated=Money.from_minor(estimated.get(key, 0), currency),
            remitted=Money.from_minor(remitted.get(key, 0), currency),
        )
        for key in keys
        if estimated.get(key, 0) != remitted.get(key, 0)
    ]


def _same_service(line: EstimatedLine, payment: ServicePayment) -> bool:
    # Only a line without a control number: with no procedure to confirm it, a date and a
    # charge are too little to take a number that is none of ours for one of our lines.
    if payment.line_control_number:
        return False
    # The payer's service date may be left out (then the claim's dates hold): any date matches.
    day = payment.service_date
    return line.submitted.minor == payment.charge.minor and (
        day is None or day == line.service_date
    )


def _remitted_id(number: int, payment: ServicePayment, known: set[str]) -> str:
    """How a service line no estimate line matched is named in a difference."""
    lcn = payment.line_control_number
    if not lcn:
        return f"(service line {number})"
    # A control number of ours answered a second time: the number tells the two apart.
    return f"{lcn} (service line {number})" if lcn in known else lcn


def compare_estimate(
    estimate: Estimate, claim_payment: ClaimPayment
) -> tuple[EstimateDifference, ...]:
    """Where the payer's answer differs from the estimate, line by line and amount by amount.

    Lines are matched by id (the 835 line control number). A service line
    without one is matched to the one line not matched yet with its service
    date and charge; when none or several have them, it is a line of its own,
    named ``"(service line N)"`` by its place in the answer (never dropped). A
    control number that is none of ours is a line of its own. For each matched
    line the paid amount and every adjustment (by ``group-reason``) are
    compared; a line only one side has is one difference (``item="line"``),
    and the payer's claim-level adjustments are differences at the claim level.

    Args:
        estimate: The estimate.
        claim_payment: The payer's answer for the claim.

    Returns:
        The differences; empty when the payer answered as estimated.

    Raises:
        CurrencyMismatchError: The payment in another currency than the estimate.

    Examples:
        >>> import datetime
        >>> from decimal import Decimal
        >>> from billing_core.benefits import PricedLine, estimate as estimate_lines
        >>> from billing_core.parties import PlanBenefits
        >>> usd = lambda s: Money(s, "USD")
        >>> plan = PlanBenefits(deductible=usd("50"), coinsurance_rate=Decimal("0.2"))
        >>> est = estimate_lines([PricedLine(line_id="L1", service_date=datetime.date(2024, 3, 4),
        ...     charge=usd("130"), allowed=usd("100"))], plan)
        >>> paid = ClaimPayment(patient_control_number="C1", status="1", charge=usd("130"),
        ...     paid=usd("50"), lines=[ServicePayment(line_control_number="L1", charge=usd("130"),
        ...         paid=usd("50"), adjustments=CasAdjustment.from_cas("CO", ("45", usd("30")))
        ...         + CasAdjustment.from_cas("PR", ("1", usd("40")), ("2", usd("10"))))])
        >>> for difference in compare_estimate(est, paid):
        ...     print(difference)
        line L1 paid: estimated 40.00 USD, remitted 50.00 USD
        line L1 PR-1: estimated 50.00 USD, remitted 40.00 USD
    """
    code = estimate.currency
    if claim_payment.currency != code:
        raise CurrencyMismatchError(
            f"the claim payment is in {claim_payment.currency}, the estimate in {code}"
        )
    lines = estimate.lines
    # Matched as posting matches them; an estimate has no procedure, so a service line
    # without a control number is matched by service date and charge, never on a guess.
    answers, unmatched = pair_service_lines(
        [line.line_id for line in lines],
        claim_payment.lines,
        lambda index, sp: _same_service(lines[index], sp),
    )
    found: list[EstimateDifference] = []
    for index, line in enumerate(lines):
        answer = answers.get(index)
        if answer is None:
            found.append(EstimateDifference(
                line_id=line.line_id, item="line", estimated=line.plan_pays, remitted=None
            ))  # fmt: skip
            continue
        found.extend(
            _differences(line.line_id, _amounts(line.as_service_payment()), _amounts(answer), code)
        )
    known = {line.line_id for line in lines}
    found.extend(
        EstimateDifference(
            line_id=_remitted_id(number, sp, known), item="line", estimated=None, remitted=sp.paid
        )
        for number, sp in unmatched
    )
    # The estimate has nothing at claim level: any claim-level CAS of the payer differs.
    found.extend(_differences(None, {}, _amounts(claim_payment), code))
    return tuple(found)
