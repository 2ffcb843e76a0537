"""The patient's share of each line, accumulators carried in service-date order.

For each covered line, in service-date order (lines of one date in the order given):

1. **deductible**: up to what remains of it (the individual's and, on a family
   plan, the family's; see
   [`CostSharingRules.embedded_deductible`][billing_core.benefits.CostSharingRules]),
   unless the plan waives it for lines with a copay;
2. **copay**: the line's copay (per visit or per service), up to what the
   deductible left; counted toward the deductible when the plan says so;
3. **coinsurance**: the coinsurance rate on what is left after both (none on
   a line with a copay when the copay replaces coinsurance), rounded once;
4. **out-of-pocket cap**: the patient's share is capped by what remains of the
   out-of-pocket maximum; the cap takes from coinsurance first, then copay,
   then deductible;
5. **plan pays** the allowed amount less the patient's share, less any payment
   reductions (applied after cost sharing, each rounded once).

A line the plan does not cover is the patient's (in full, counting toward
no accumulator) only when the patient authorized it; otherwise the provider
bears it. The loop runs over integers; amounts become `Money` only when a
line or a total is asked for.

Examples:
    >>> import datetime
    >>> from decimal import Decimal
    >>> from billing_core.money import Money
    >>> from billing_core.parties import PlanBenefits
    >>> usd = lambda s: Money(s, "USD")
    >>> plan = PlanBenefits(deductible=usd("500"), coinsurance_rate=Decimal("0.2"),
    ...                     out_of_pocket_max=usd("1000"))
    >>> day = datetime.date(2024, 3, 4)
    >>> est = estimate([PricedLine(line_id="L1", service_date=day, charge=usd("1200"),
    ...                            allowed=usd("1000"))], plan)
    >>> est.deductible, est.coinsurance, est.plan_pays
    (Money('500.00', 'USD'), Money('100.00', 'USD'), Money('400.00', 'USD'))
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Final

from billing_core._checks import describe
from billing_core.benefits._result import Estimate
from billing_core.benefits._terms import (
    Accumulators,
    CopayMode,
    CopayPer,
    CostSharingRules,
    PricedLine,
    check_accumulators,
)
from billing_core.cob import PaymentReduction
from billing_core.errors import CurrencyMismatchError, InvalidAmountError
from billing_core.money import DEFAULT_ROUNDING, Money, RoundingMode, round_ratio
from billing_core.parties import PlanBenefits

__all__ = ["estimate"]

_SERVICE_DATE: Final = operator.attrgetter("service_date")
# An int rather than None keeps the loop free of "is there a limit" branches.
_NO_LIMIT: Final = 10**30  # above any amount (|minor| <= 10**18): "no maximum"


def _minor(value: Money | None, default: int) -> int:
    return default if value is None else value.minor


class _State:
    """What carries from one line to the next: what is left of each limit, what was counted."""

    __slots__ = ("deductible_counted", "deductible_left", "oop_counted", "oop_left")

    def __init__(self, benefits: PlanBenefits, met: Accumulators, embedded: bool) -> None:
        individual = _minor(benefits.deductible, 0) - met.deductible_met.minor
        # A family plan without a family figure given counts the individual's as the family's:
        # the family has met at least what this member has.
        family_met = _minor(met.family_deductible_met, met.deductible_met.minor)
        family = _minor(benefits.family_deductible, _NO_LIMIT) - family_met
        if benefits.family_deductible is None:
            self.deductible_left = individual
        else:
            # Embedded: each member stops at their own deductible or when the family's is met,
            # whichever comes first; aggregate: only the family's counts.
            self.deductible_left = min(individual, family) if embedded else family
        oop_family_met = _minor(met.family_out_of_pocket_met, met.out_of_pocket_met.minor)
        self.oop_left = min(
            _minor(benefits.out_of_pocket_max, _NO_LIMIT) - met.out_of_pocket_met.minor,
            _minor(benefits.family_out_of_pocket_max, _NO_LIMIT) - oop_family_met,
        )
        # Accumulators are checked against the maxima first; the floors guard a
        # family met left out (it then counts as the individual's).
        self.deductible_left = max(self.deductible_left, 0)
        self.oop_left = max(self.oop_left, 0)
        self.deductible_counted = 0
        self.oop_counted = 0

    def after(self, met: Accumulators) -> Accumulators:
        """The accumulators once the counted amounts are added."""

        def plus(value: Money | None, counted: int) -> Money | None:
            return (
                None if value is None else Money.from_minor(value.minor + counted, value.currency)
            )

        return Accumulators(
            deductible_met=met.deductible_met
            + Money.from_minor(self.deductible_counted, met.currency),
            out_of_pocket_met=met.out_of_pocket_met
            + Money.from_minor(self.oop_counted, met.currency),
            family_deductible_met=plus(met.family_deductible_met, self.deductible_counted),
            family_out_of_pocket_met=plus(met.family_out_of_pocket_met, self.oop_counted),
        )


class _Plan:
    """The plan's terms as the integers the loop reads."""

    __slots__ = (
        "copay",
        "copay_counts",
        "denominator",
        "instead",
        "numerator",
        "per_visit",
        "waived",
    )

    def __init__(self, benefits: PlanBenefits, rules: CostSharingRules) -> None:
        rate = Fraction(0 if benefits.coinsurance_rate is None else benefits.coinsurance_rate)
        self.numerator, self.denominator = rate.numerator, rate.denominator
        self.copay = _minor(benefits.copay, 0)
        self.instead = rules.copay_mode is CopayMode.INSTEAD_OF_COINSURANCE
        self.per_visit = rules.copay_per is CopayPer.VISIT
        self.copay_counts = rules.copay_counts_toward_deductible
        self.waived = rules.deductible_waived_for_copay


def _bad_line(index: int, line: object, currency: str) -> Exception:
    if not isinstance(line, PricedLine):
        return TypeError(f"lines[{index}] must be a PricedLine, got {describe(line)}")
    return CurrencyMismatchError(
        f"lines[{index}] ({line.line_id!r}) is in {line.charge.currency},"
        f" the estimate in {currency}"
    )


def _cap(excess: int, coinsurance: int, copay: int, deductible: int) -> tuple[int, int, int]:
    """Take ``excess`` off the patient's share: coinsurance first, then copay, then deductible."""
    take = min(excess, coinsurance)
    coinsurance, excess = coinsurance - take, excess - take
    take = min(excess, copay)
    return coinsurance, copay - take, deductible - (excess - take)


def _run(
    items: Sequence[PricedLine],
    code: str,
    order: Iterable[tuple[int, PricedLine]],
    plan: _Plan,
    state: _State,
    reductions: Sequence[tuple[int, int]],
    rounding: RoundingMode,
) -> list[tuple[int, ...]]:
    """The cost-sharing rule over every line (see the module), in ``order``; rows in input order."""
    # The hot loop of an estimate: everything it reads is a local name.
    rows: list[tuple[int, ...]] = [()] * len(items)
    deductible_left, oop_left, deductible_counted, oop_counted = (
        state.deductible_left, state.oop_left, 0, 0
    )  # fmt: skip
    numerator, denominator, instead = plan.numerator, plan.denominator, plan.instead
    plan_copay, per_visit, copay_counts, waived = (
        plan.copay, plan.per_visit, plan.copay_counts, plan.waived
    )  # fmt: skip
    visit: datetime.date | None = None
    visit_left = 0
    for i, line in order:
        if line.__class__ is not PricedLine or (charge := line.charge).currency is not code:
            raise _bad_line(i, line, code)
        allowed = line.allowed
        if allowed is None:  # not covered: the patient's only when authorized
            rows[i] = _not_covered(charge.minor, line.patient_authorized, len(reductions))
            continue
        a = allowed.minor
        copay = c = plan_copay if line.copay is None else line.copay.minor
        # The deductible comes first: it takes what it can of the allowed amount, and copay and
        # coinsurance apply only to the rest (DESIGN.md section 7).
        d = 0 if copay and waived else a if a < deductible_left else deductible_left
        rest = a - d
        if copay:
            if per_visit:
                # Lines of one date are adjacent (the order is by service date), so a
                # change of date is a new visit with a fresh copay.
                if line.service_date != visit:
                    visit, visit_left = line.service_date, copay
                c = visit_left
            # A copay never exceeds what the deductible left: the patient never pays more than the
            # allowed amount on a line.
            c = c if c < rest else rest
            visit_left -= c
        ci = 0
        if numerator and not (copay and instead):
            ci = round_ratio((rest - c) * numerator, denominator, rounding)
        p = d + c + ci
        # Past the out-of-pocket maximum the plan pays 100%. The cut takes coinsurance first,
        # so the deductible the patient did pay stays counted toward the deductible.
        if p > oop_left:  # the out-of-pocket maximum is reached on this line
            ci, c, d = _cap(p - oop_left, ci, c, d) if oop_left else (0, 0, 0)
            p = oop_left
        # A copay counted toward the deductible counts only up to what is left of it.
        counted = d + min(c, deductible_left - d) if copay_counts else d
        deductible_left -= counted
        deductible_counted += counted
        oop_left -= p
        oop_counted += p
        if reductions:
            rows[i] = _reduced((charge.minor, a, d, c, ci, a - p), reductions, rounding)
        else:
            rows[i] = (charge.minor, a, d, c, ci, a - p, 0, p, 1)
    state.deductible_counted, state.oop_counted = deductible_counted, oop_counted
    return rows


def _not_covered(charge: int, authorized: bool, reductions: int) -> tuple[int, ...]:
    return (charge, 0, 0, 0, 0, 0, 0, charge if authorized else 0, 0, *(0,) * reductions)


def _reduced(
    row: tuple[int, int, int, int, int, int],
    reductions: Sequence[tuple[int, int]],
    rounding: RoundingMode,
) -> tuple[int, ...]:
    """A covered line's row with the plan's payment reduced, each reduction rounded once."""
    charge, a, d, c, ci, pays = row
    withheld = []
    for numerator, denominator in reductions:
        # Each reduction applies to what the previous ones left, as a payer takes them in turn.
        amount = round_ratio(pays * numerator, denominator, rounding)
        withheld.append(amount)
        pays -= amount
    return (charge, a, d, c, ci, pays, sum(withheld), d + c + ci, 1, *withheld)


def _date_order(items: Sequence[PricedLine]) -> Iterable[tuple[int, PricedLine]]:
    """``(index, line)`` in service-date order, stable; no sort when already in order."""
    try:
        dates = list(map(_SERVICE_DATE, items))
        # Accumulators are met in service-date order: a later visit must not use up the
        # deductible ahead of an earlier one listed after it.
        if all(map(operator.le, dates, dates[1:])):
            return enumerate(items)
        return ((i, items[i]) for i in sorted(range(len(items)), key=dates.__getitem__))
    except (AttributeError, TypeError):
        # Not every item is a PricedLine: the loop names the first that is not.
        return enumerate(items)


def _currency(
    items: Sequence[PricedLine], benefits: PlanBenefits, accumulators: Accumulators | None
) -> str:
    candidates = [
        (
            "the lines",
            items[0].charge.currency if items and isinstance(items[0], PricedLine) else None,
        ),
        ("the plan benefits", benefits.currency),
        ("the accumulators", None if accumulators is None else accumulators.currency),
    ]
    known = [(what, code) for what, code in candidates if code is not None]
    if not known:
        raise InvalidAmountError(
            "an estimate of no lines needs a currency: give the plan benefits an amount,"
            " or accumulators"
        )
    for what, code in known[1:]:
        if code != known[0][1]:
            raise CurrencyMismatchError(f"{what} are in {code}, {known[0][0]} in {known[0][1]}")
    return known[0][1]


def estimate(
    lines: Iterable[PricedLine],
    benefits: PlanBenefits,
    accumulators: Accumulators | None = None,
    *,
    rules: CostSharingRules | None = None,
    reductions: Sequence[PaymentReduction] = (),
    rounding: RoundingMode = DEFAULT_ROUNDING,
) -> Estimate:
    """Estimate what the patient and the plan pay for ``lines``, and the accumulators after.

    The rule is in the module's description: deductible, copay, coinsurance,
    capped by the out-of-pocket maximum, in service-date order; the plan pays
    the rest, less the payment ``reductions``.

    Args:
        lines: The lines with their allowed amounts (see
            [`PricedLine`][billing_core.benefits.PricedLine]; a contract's
            [`price_claim`][billing_core.fees.price_claim] gives them).
        benefits: The plan's terms; a term left out is not part of the plan
            (no deductible, no copay, no coinsurance, no maximum).
        accumulators: What was met before these lines; nothing by default.
        rules: The plan switches (copay per visit, before coinsurance, not
            counted toward the deductible; embedded family deductible by default).
        reductions: Payment reductions taken from the plan's payment after cost
            sharing, in order (e.g. [`SEQUESTRATION`][billing_core.cob.SEQUESTRATION]).
        rounding: How coinsurance and reductions are rounded to the minor unit.

    Returns:
        The estimate, line by line in the order given.

    Raises:
        TypeError: A line that is not a `PricedLine`, or arguments of the wrong type.
        CurrencyMismatchError: Lines, benefits and accumulators not all in one currency.
        InvalidAmountError: Accumulators above the plan's maxima, or no
            currency to estimate in.

    Examples:
        >>> import datetime
        >>> from decimal import Decimal
        >>> from billing_core.money import Money
        >>> usd = lambda s: Money(s, "USD")
        >>> plan = PlanBenefits(copay=usd("25"), coinsurance_rate=Decimal("0.2"))
        >>> day = datetime.date(2024, 3, 4)
        >>> lines = [PricedLine(line_id=f"L{i}", service_date=day, charge=usd("150"),
        ...                     allowed=usd("100")) for i in (1, 2)]
        >>> per_visit = estimate(lines, plan)
        >>> [(line.copay, line.coinsurance) for line in per_visit.lines]
        [(Money('25.00', 'USD'), Money('15.00', 'USD')), (Money('0.00', 'USD'), Money('20.00', 'USD'))]
        >>> estimate(lines, plan, rules=CostSharingRules(copay_per=CopayPer.SERVICE)).copay
        Money('50.00', 'USD')
    """  # noqa: E501
    items = lines if isinstance(lines, list | tuple) else list(lines)
    if not isinstance(benefits, PlanBenefits):
        raise TypeError(f"benefits must be PlanBenefits, got {describe(benefits)}")
    rules = CostSharingRules() if rules is None else rules
    if not isinstance(rules, CostSharingRules):
        raise TypeError(f"rules must be CostSharingRules, got {describe(rules)}")
    code = _currency(items, benefits, accumulators)
    family = benefits.family_deductible is not None or benefits.family_out_of_pocket_max is not None
    met = Accumulators.zero(code, family=family) if accumulators is None else accumulators
    # Checked against the plan up front: accumulators above a maximum contradict the plan,
    # and the loop would only floor what is left at zero without saying so.
    check_accumulators(met, benefits, rules)
    codes = []
    for index, reduction in enumerate(reductions):
        if not isinstance(reduction, PaymentReduction):
            raise TypeError(
                f"reductions[{index}] must be a PaymentReduction, got {describe(reduction)}"
            )
        codes.append((reduction.group, reduction.reason.code))
    state = _State(benefits, met, rules.embedded_deductible)
    ratios = [r.ratio for r in reductions]
    rows = _run(items, code, _date_order(items), _Plan(benefits, rules), state, ratios, rounding)
    return Estimate(
        currency=code,
        accumulators_after=state.after(met),
        priced=tuple(items),
        rows=tuple(rows),
        reduction_codes=tuple(codes),
    )
