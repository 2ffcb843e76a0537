"""What prior payers decided, carried on a secondary or tertiary claim (837 COB loops).

A secondary claim tells the next payer what the payers before it paid and
adjusted, per claim (loop 2320) and per line (loop 2430). Whether those amounts
add up to the charges is a question for
[`balance_cob_claim`][billing_core.balancing.balance_cob_claim] and
[`balance_cob_line`][billing_core.balancing.balance_cob_line].

Examples:
    >>> from billing_core.money import Money
    >>> PriorLineAdjudication(line_id="L1", paid=Money("80.00", "USD")).adjustments
    ()
"""

from __future__ import annotations

import datetime

import attrs

from billing_core._fields import date_field, items_of, of_type, text, to_tuple
from billing_core.money import Money
from billing_core.parties import Coverage
from billing_core.remittance import CasAdjustment

__all__ = [
    "PriorLineAdjudication",
    "PriorPayerAdjudication",
]


@attrs.frozen(kw_only=True)
class PriorLineAdjudication:
    """A prior payer's answer for one line (837 loop 2430).

    Attributes:
        line_id: The id of the line on this claim.
        paid: What the prior payer paid for the line.
        adjustments: Its line-level adjustments.

    Examples:
        >>> from billing_core.money import Money
        >>> PriorLineAdjudication(line_id="L1", paid=Money("80.00", "USD")).adjustments
        ()
    """

    line_id: str = attrs.field(validator=text("prior line adjudication"))
    paid: Money = attrs.field(validator=of_type("prior line adjudication", Money))
    adjustments: tuple[CasAdjustment, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=items_of("prior line adjudication", CasAdjustment),
    )


@attrs.frozen(kw_only=True)
class PriorPayerAdjudication:
    """What a prior payer decided, carried on a secondary or tertiary claim (837 loop 2320).

    Attributes:
        coverage: The prior payer's coverage.
        paid: The total the prior payer paid on the claim.
        adjudicated_on: The prior payer's adjudication or payment date.
        payer_claim_number: The prior payer's claim control number, if known.
        claim_adjustments: Claim-level adjustments.
        lines: Per-line payments and adjustments.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> from billing_core.parties import Coverage, CoverageSequence, Payer
        >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
        ...                sequence=CoverageSequence.PRIMARY)
        >>> PriorPayerAdjudication(coverage=cov, paid=Money("80.00", "USD"),
        ...                        adjudicated_on=datetime.date(2024, 4, 1)).paid
        Money('80.00', 'USD')
    """

    coverage: Coverage = attrs.field(validator=of_type("prior payer adjudication", Coverage))
    paid: Money = attrs.field(validator=of_type("prior payer adjudication", Money))
    adjudicated_on: datetime.date = attrs.field(validator=date_field("prior payer adjudication"))
    payer_claim_number: str | None = attrs.field(
        default=None, validator=text("prior payer adjudication", optional=True)
    )
    claim_adjustments: tuple[CasAdjustment, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=items_of("prior payer adjudication", CasAdjustment),
    )
    lines: tuple[PriorLineAdjudication, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=items_of("prior payer adjudication", PriorLineAdjudication),
    )
