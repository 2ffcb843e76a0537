"""What an estimate starts from: priced lines, the plan's switches, the accumulators met.

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> line = PricedLine(line_id="L1", service_date=datetime.date(2024, 3, 4),
    ...                   charge=Money("180.00", "USD"), allowed=Money("120.00", "USD"))
    >>> line.covered, Accumulators.zero("USD").deductible_met
    (True, Money('0.00', 'USD'))
"""

from __future__ import annotations

import datetime
import enum
from typing import Any

import attrs

from billing_core._fields import date_field, of_type, text
from billing_core.charges import LineItem, authorization_problem
from billing_core.errors import CurrencyMismatchError, InvalidAmountError
from billing_core.money import Money
from billing_core.parties import PlanBenefits

__all__ = [
    "Accumulators",
    "CopayMode",
    "CopayPer",
    "CostSharingRules",
    "PricedLine",
    "check_accumulators",
]


class CopayMode(enum.Enum):
    """Whether a line's copay comes before its coinsurance or replaces it.

    Examples:
        >>> CopayMode("instead_of_coinsurance")
        <CopayMode.INSTEAD_OF_COINSURANCE: 'instead_of_coinsurance'>
    """

    BEFORE_COINSURANCE = "before_coinsurance"
    """The copay first, then coinsurance on what is left of the allowed amount."""
    INSTEAD_OF_COINSURANCE = "instead_of_coinsurance"
    """A line subject to a copay has no coinsurance."""


class CopayPer(enum.Enum):
    """Whether the copay is charged once per visit or on every service.

    Examples:
        >>> CopayPer.VISIT.value
        'visit'
    """

    VISIT = "visit"
    """Once per visit: the lines of one service date share one copay."""
    SERVICE = "service"
    """On every covered line."""


@attrs.frozen(kw_only=True)
class CostSharingRules:
    """The plan switches of the cost-sharing rule, each explicit.

    Attributes:
        deductible_waived_for_copay: A line subject to a copay skips the
            deductible (the usual office-visit copay); otherwise the
            deductible comes first and the copay applies once it is met.
        copay_counts_toward_deductible: The copay paid also counts as
            deductible met (it matters where the deductible is waived for
            copay lines: otherwise a copay is charged only once the
            deductible is met).
        copay_mode: Copay before coinsurance, or instead of it.
        copay_per: Copay once per visit (service date) or per service.
        embedded_deductible: On a family plan, each person has their own
            deductible within the family's (embedded); otherwise only the
            family deductible applies (aggregate). The out-of-pocket maximum is
            always embedded: the individual's and the family's both cap.

    Examples:
        >>> CostSharingRules().copay_mode
        <CopayMode.BEFORE_COINSURANCE: 'before_coinsurance'>
    """

    deductible_waived_for_copay: bool = attrs.field(
        default=False, validator=of_type("cost sharing rules", bool)
    )
    copay_counts_toward_deductible: bool = attrs.field(
        default=False, validator=of_type("cost sharing rules", bool)
    )
    copay_mode: CopayMode = attrs.field(
        default=CopayMode.BEFORE_COINSURANCE, validator=of_type("cost sharing rules", CopayMode)
    )
    copay_per: CopayPer = attrs.field(
        default=CopayPer.VISIT, validator=of_type("cost sharing rules", CopayPer)
    )
    embedded_deductible: bool = attrs.field(
        default=True, validator=of_type("cost sharing rules", bool)
    )


def _where(instance: Any) -> str:
    line_id = getattr(instance, "line_id", None)
    return "accumulators" if line_id is None else f"priced line {line_id!r}"


def _not_negative(instance: Any, attribute: attrs.Attribute[Any], value: Money | None) -> None:
    if value is not None and value.minor < 0:
        raise InvalidAmountError(
            f"{_where(instance)}.{attribute.name} must not be negative, got {value}"
        )


_optional_amount = [of_type("accumulators", Money, optional=True), _not_negative]


@attrs.frozen(kw_only=True)
class Accumulators:
    """What a patient has met so far this plan year: deductible and out-of-pocket.

    Attributes:
        deductible_met: The individual's deductible met.
        out_of_pocket_met: The individual's out-of-pocket spending counted
            toward the maximum.
        family_deductible_met: The family's deductible met, on a family plan.
        family_out_of_pocket_met: The family's out-of-pocket spending, on a family plan.

    Raises:
        TypeError: An amount that is not a `Money`.
        InvalidAmountError: A negative amount.
        CurrencyMismatchError: Amounts in different currencies.

    Examples:
        >>> Accumulators(deductible_met=Money("200", "USD"), out_of_pocket_met=Money("250", "EUR"))
        Traceback (most recent call last):
        ...
        billing_core.errors.CurrencyMismatchError: accumulators.out_of_pocket_met is in EUR, deductible_met is in USD
    """  # noqa: E501

    deductible_met: Money = attrs.field(validator=[of_type("accumulators", Money), _not_negative])
    out_of_pocket_met: Money = attrs.field(
        validator=[of_type("accumulators", Money), _not_negative]
    )
    family_deductible_met: Money | None = attrs.field(default=None, validator=_optional_amount)
    family_out_of_pocket_met: Money | None = attrs.field(default=None, validator=_optional_amount)

    def __attrs_post_init__(self) -> None:
        currency = self.deductible_met.currency
        for name in ("out_of_pocket_met", "family_deductible_met", "family_out_of_pocket_met"):
            value = getattr(self, name)
            if value is not None and value.currency != currency:
                raise CurrencyMismatchError(
                    f"accumulators.{name} is in {value.currency}, deductible_met is in {currency}"
                )

    @classmethod
    def zero(cls, currency: str, *, family: bool = False) -> Accumulators:
        """Nothing met yet: the start of a plan year.

        Examples:
            >>> Accumulators.zero("USD", family=True).family_deductible_met
            Money('0.00', 'USD')
        """
        nothing = Money.zero(currency)
        return cls(
            deductible_met=nothing,
            out_of_pocket_met=nothing,
            family_deductible_met=nothing if family else None,
            family_out_of_pocket_met=nothing if family else None,
        )

    @property
    def currency(self) -> str:
        """The currency of the amounts."""
        return self.deductible_met.currency


_LIMITS = (
    ("deductible_met", "deductible"),
    ("out_of_pocket_met", "out_of_pocket_max"),
    ("family_deductible_met", "family_deductible"),
    ("family_out_of_pocket_met", "family_out_of_pocket_max"),
)


def check_accumulators(
    accumulators: Accumulators, benefits: PlanBenefits, rules: CostSharingRules | None = None
) -> None:
    """Refuse accumulators that do not fit the plan: above a maximum, or in another currency.

    Args:
        accumulators: What has been met so far.
        benefits: The plan's terms.
        rules: The plan switches; with an aggregate (not embedded) family
            deductible, the individual's deductible met is not bounded by the
            individual deductible (only the family's applies).

    Raises:
        InvalidAmountError: An amount met above the plan's maximum, naming both.
        CurrencyMismatchError: The accumulators in another currency than the plan.
        TypeError: Arguments of the wrong type.

    Examples:
        >>> plan = PlanBenefits(deductible=Money("500", "USD"))
        >>> check_accumulators(Accumulators(deductible_met=Money("600", "USD"),
        ...                                 out_of_pocket_met=Money("600", "USD")), plan)
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: accumulators.deductible_met 600.00 USD is above the plan's deductible 500.00 USD
    """  # noqa: E501
    if not isinstance(accumulators, Accumulators):
        raise TypeError(f"accumulators must be Accumulators, got {type(accumulators).__name__}")
    if not isinstance(benefits, PlanBenefits):
        raise TypeError(f"benefits must be PlanBenefits, got {type(benefits).__name__}")
    plan_currency = benefits.currency
    if plan_currency is not None and plan_currency != accumulators.currency:
        raise CurrencyMismatchError(
            f"the accumulators are in {accumulators.currency}, the plan benefits in {plan_currency}"
        )
    aggregate = (
        rules is not None
        and not rules.embedded_deductible
        and benefits.family_deductible is not None
    )
    for met_name, limit_name in _LIMITS:
        # Under an aggregate family deductible the individual amount is no limit at all: one
        # person may meet the whole family deductible.
        if aggregate and limit_name == "deductible":
            continue
        met: Money | None = getattr(accumulators, met_name)
        limit: Money | None = getattr(benefits, limit_name)
        # Equal is fine (the limit is met); above it the accumulators contradict the plan,
        # and refusing beats guessing which of the two is wrong.
        if met is not None and limit is not None and met.minor > limit.minor:
            raise InvalidAmountError(
                f"accumulators.{met_name} {met} is above the plan's {limit_name.replace('_', ' ')}"
                f" {limit}"
            )


@attrs.frozen(kw_only=True, weakref_slot=False)
class PricedLine:
    """A line to estimate: what was charged and what the plan allows for it.

    Attributes:
        line_id: The line's id (its line control number on the claim).
        service_date: When the service was (or will be) given.
        charge: The billed amount.
        allowed: The plan's allowed amount, or ``None`` when the plan does
            not cover the service.
        patient_authorized: For a service the plan does not cover: the
            patient signed an authorization to be billed for it (else the
            provider bears it).
        copay: This line's copay instead of the plan's (a specialist copay;
            zero for a service without copay), or ``None`` for the plan's.

    Raises:
        TypeError: A field of the wrong type.
        InvalidAmountError: A negative amount.
        CurrencyMismatchError: Amounts in different currencies.

    Examples:
        >>> PricedLine(line_id="L1", service_date=datetime.date(2024, 3, 4),
        ...            charge=Money("80", "USD"), allowed=Money("-1", "USD"))
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: priced line 'L1'.allowed must not be negative, got -1.00 USD
    """  # noqa: E501

    line_id: str = attrs.field(validator=text("priced line", nonempty=True))
    service_date: datetime.date = attrs.field(validator=date_field("priced line", show_id=False))
    charge: Money = attrs.field(validator=[of_type("priced line", Money), _not_negative])
    allowed: Money | None = attrs.field(
        validator=[of_type("priced line", Money, optional=True), _not_negative]
    )
    patient_authorized: bool = attrs.field(default=False, validator=of_type("priced line", bool))
    copay: Money | None = attrs.field(
        default=None, validator=[of_type("priced line", Money, optional=True), _not_negative]
    )

    def __attrs_post_init__(self) -> None:
        currency = self.charge.currency
        for name in ("allowed", "copay"):
            value = getattr(self, name)
            if value is not None and value.currency != currency:
                raise CurrencyMismatchError(
                    f"priced line {self.line_id!r}.{name} is in {value.currency},"
                    f" the charge in {currency}"
                )

    @property
    def covered(self) -> bool:
        """Whether the plan covers the service (it has an allowed amount)."""
        return self.allowed is not None

    @classmethod
    def of(cls, line: LineItem, allowed: Money | None, *, copay: Money | None = None) -> PricedLine:
        """The priced line of a [`LineItem`][billing_core.charges.LineItem].

        A service the plan does not cover (``allowed`` is ``None``) is the
        patient's only when the line carries a valid patient authorization
        (see [`authorization_problem`][billing_core.charges.authorization_problem]).

        Examples:
            >>> from billing_core.charges import Category, LineItem
            >>> item = LineItem(id="L9", category=Category.PROCEDURE,
            ...                 service_date=datetime.date(2024, 3, 4), charge=Money("60", "USD"))
            >>> PricedLine.of(item, None).patient_authorized
            False
        """
        if not isinstance(line, LineItem):
            raise TypeError(f"line must be a LineItem, got {type(line).__name__}")
        # Only a non-covered service needs the patient's authorization to be theirs; for a
        # covered one the flag means nothing, so it stays False.
        authorized = allowed is None and authorization_problem(line, required=True) is None
        return cls(
            line_id=line.id,
            service_date=line.service_date,
            charge=line.charge,
            allowed=allowed,
            patient_authorized=authorized,
            copay=copay,
        )
