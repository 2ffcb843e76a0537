"""The COB balancing of a secondary claim, per prior payer, and what the patient still owes.

An 837 carries each prior payer's adjudication in its own loop (2320 for the
claim, 2430 per line), and each must add up to the charges on its own:

    per line:  line charge = prior payer's line paid + its line adjustments
    per claim: claim charge = prior payer's paid + its claim and line adjustments

[`balance_prior_payers`][billing_core.secondary.balance_prior_payers] runs
[`balance_cob_claim`][billing_core.balancing.balance_cob_claim] and
[`balance_cob_line`][billing_core.balancing.balance_cob_line] for every prior
payer of a claim and returns every check, explained.

Examples:
    >>> from billing_core._examples import example_claim
    >>> balance_prior_payers(example_claim())
    ()
"""

from __future__ import annotations

from billing_core._checks import describe
from billing_core.balancing import BalanceCheck, balance_cob_claim, balance_cob_line
from billing_core.claims import Claim, PriorPayerAdjudication
from billing_core.codes import GroupCode
from billing_core.money import Money

__all__ = ["balance_prior_payers", "remaining_patient_liability"]


def remaining_patient_liability(prior: PriorPayerAdjudication) -> Money:
    """What a prior payer left the patient to pay: its ``PR`` adjustments, claim and line level.

    This is the remaining patient liability of the 837's loop 2320 (AMT*EAF),
    and what the next payer is asked to consider.

    Examples:
        >>> import datetime
        >>> from billing_core.parties import Coverage, CoverageSequence, Payer
        >>> from billing_core.remittance import CasAdjustment
        >>> cov = Coverage(id="C1", payer=Payer(id="key", name="Key"), member_id="M1",
        ...                sequence=CoverageSequence.PRIMARY)
        >>> usd = lambda s: Money(s, "USD")
        >>> prior = PriorPayerAdjudication(coverage=cov, paid=usd("39.15"),
        ...     adjudicated_on=datetime.date(2005, 10, 15),
        ...     claim_adjustments=CasAdjustment.from_cas("PR", ("1", usd("21.89")),
        ...                                                ("2", usd("15"))))
        >>> remaining_patient_liability(prior)
        Money('36.89', 'USD')
    """
    if not isinstance(prior, PriorPayerAdjudication):
        raise TypeError(f"prior must be a PriorPayerAdjudication, got {describe(prior)}")
    adjustments = (*prior.claim_adjustments, *(a for line in prior.lines for a in line.adjustments))
    # Only PR is the patient's (DESIGN.md section 6): CO and PI never move on to anyone,
    # and OA is not the patient's either.
    minor = sum(a.amount.minor for a in adjustments if a.group is GroupCode.PR)
    return Money.from_minor(minor, prior.paid.currency)


def balance_prior_payers(claim: Claim) -> tuple[BalanceCheck, ...]:
    """Every COB balancing check of a claim's prior payers, explained.

    For each prior payer in order: the claim check, then one check per line
    it adjudicated (a line id not on the claim is a finding of
    [`validate_claim`][billing_core.claims.validate_claim], not a check here).

    Args:
        claim: A claim, usually one with prior payers.

    Returns:
        The checks; all ``ok`` when the prior payers' data adds up.

    Raises:
        TypeError: ``claim`` is not a `Claim`.

    Examples:
        >>> import datetime
        >>> from billing_core._examples import example_claim
        >>> from billing_core.claims import PriorLineAdjudication
        >>> from billing_core.remittance import CasAdjustment
        >>> claim = example_claim()  # one line L1 of 125.00
        >>> usd = lambda s: Money(s, "USD")
        >>> prior = PriorPayerAdjudication(coverage=claim.coverage, paid=usd("80"),
        ...     adjudicated_on=datetime.date(2024, 4, 1), lines=[PriorLineAdjudication(
        ...         line_id="L1", paid=usd("80"),
        ...         adjustments=CasAdjustment.from_cas("CO", ("45", usd("45"))))])
        >>> import attrs
        >>> [c.ok for c in balance_prior_payers(attrs.evolve(claim, prior_payers=[prior]))]
        [True, True]
    """
    if not isinstance(claim, Claim):
        raise TypeError(f"claim must be a Claim, got {describe(claim)}")
    charges = {line.id: line.charge for line in claim.lines}
    checks: list[BalanceCheck] = []
    for index, prior in enumerate(claim.prior_payers, start=1):
        where = f"claim {claim.id} prior payer {index} ({prior.coverage.payer.name})"
        # The claim check always runs: a prior payer that answered at claim level only has
        # no line checks, and the 837 balances the claim and each line (DESIGN.md section 7).
        checks.append(
            balance_cob_claim(
                claim.total_charge,
                prior.paid,
                prior.claim_adjustments,
                [a for line in prior.lines for a in line.adjustments],
                location=where,
            )
        )
        checks.extend(
            balance_cob_line(
                charges[line.line_id],
                line.paid,
                line.adjustments,
                location=f"{where} line {line.line_id}",
            )
            for line in prior.lines
            if line.line_id in charges
        )
    return tuple(checks)
