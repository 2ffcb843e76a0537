"""The claim for the next payer, built from the claim and the prior payer's answer.

[`secondary_claim`][billing_core.secondary.secondary_claim] copies the claim
(lines, diagnoses, care team, dates) to the next coverage and adds the prior
payer's adjudication: what it paid, its claim- and line-level adjustments
with their groups and reasons as sent, its claim control number and
adjudication date. Earlier prior payers stay, so a tertiary claim is built
the same way from the secondary claim and the secondary's answer. The result
satisfies the COB balancing checks
([`balance_prior_payers`][billing_core.secondary.balance_prior_payers]).

It refuses, saying why: a payment for another claim, a payer that already
forwarded the claim (a crossover, status 19-21 or 23), a reversal or a
predetermination, a payment that does not balance or does not answer our
lines, a next coverage that is not later in sequence, and a claim where
nothing is left for the patient (no ``PR`` adjustment) to claim.

Examples:
    >>> import datetime
    >>> from billing_core._examples import example_claim
    >>> from billing_core.money import Money
    >>> from billing_core.parties import Coverage, CoverageSequence, Payer
    >>> from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment
    >>> usd = lambda s: Money(s, "USD")
    >>> claim = example_claim()  # one line L1 of 125.00, to Acme as primary
    >>> acme = ClaimPayment(patient_control_number="CLM1", status="1", charge=usd("125"),
    ...     paid=usd("80"), payer_claim_control_number="ACME-77", lines=[ServicePayment(
    ...         line_control_number="L1", charge=usd("125"), paid=usd("80"),
    ...         adjustments=CasAdjustment.from_cas("CO", ("45", usd("25")))
    ...         + CasAdjustment.from_cas("PR", ("2", usd("20"))))])
    >>> beacon = Coverage(id="C2", payer=Payer(id="beacon", name="Beacon"), member_id="B-1",
    ...                   sequence=CoverageSequence.SECONDARY)
    >>> second = secondary_claim(claim, acme, beacon, adjudicated_on=datetime.date(2024, 4, 2))
    >>> second.id, second.payer.name, second.prior_payers[0].payer_claim_number
    ('CLM1-2', 'Beacon', 'ACME-77')
"""

from __future__ import annotations

import datetime

import attrs

from billing_core._checks import check_date
from billing_core._coverage import arguments_of_types, payment_for_claim
from billing_core._fields import invalid, refused
from billing_core.balancing import balance_claim, balance_line
from billing_core.charges import LineItem
from billing_core.claims import Claim, ClaimFrequency, PriorLineAdjudication, PriorPayerAdjudication
from billing_core.errors import CurrencyMismatchError, Finding, UnbalancedError, ValidationError
from billing_core.parties import Coverage
from billing_core.remittance import ClaimPayment, ClaimStatus, ServicePayment
from billing_core.secondary._balance import balance_prior_payers, remaining_patient_liability

__all__ = ["secondary_claim"]

_NOT_ADJUDICATED = {
    ClaimStatus.REVERSAL: "it is a reversal (status 22), not an adjudication",
    ClaimStatus.PREDETERMINATION: "it is a predetermination (status 25): nothing was adjudicated",
}


def _check_payment(claim: Claim, payment: ClaimPayment, coverage: Coverage) -> None:
    """Refuse a payment that is not the prior payer's adjudication of this claim."""
    what = f"secondary claim for claim {claim.id!r}"
    payment_for_claim(claim, payment, "primary_claim_payment", "secondary.claim")
    if payment.currency != claim.currency:
        raise CurrencyMismatchError(
            f"the payment is in {payment.currency}, claim {claim.id!r} in {claim.currency}"
        )
    # The payer sent the claim on itself (a crossover): a second claim from us would reach
    # the next payer twice.
    if payment.status.forwarded:
        raise refused(what, "build a", f"the payer already forwarded the claim to the next payer"
                      f" (status {payment.status.value}, {payment.status.name.lower()}):"
                      " a second claim would be a duplicate")  # fmt: skip
    if payment.status in _NOT_ADJUDICATED:
        raise refused(what, "build a", _NOT_ADJUDICATED[payment.status])
    ours = claim.coverage.sequence.value
    # A payer that processed the claim as secondary when we billed it as primary has
    # applied another coordination: building on its answer would compound the error.
    if payment.status.sequence not in (None, ours):
        raise invalid(
            "primary_claim_payment.status",
            f"the payer processed the claim as payer {payment.status.sequence} in sequence,"
            f" but claim {claim.id!r} was sent to payer {ours}",
            "secondary.sequence",
        )
    # Claims go forward in sequence only; a claim back to an earlier payer is a corrected
    # claim (frequency 7), not a secondary one.
    if coverage.sequence.value <= ours:
        raise invalid(
            "next_coverage.sequence",
            f"{coverage.sequence.name.lower()} is not after the claim's coverage"
            f" ({claim.coverage.sequence.name.lower()})",
            "secondary.sequence",
        )


def _check_balanced(claim: Claim, payment: ClaimPayment) -> None:
    """The payment adds up (835 rules) and answers our charges, or an explained error."""
    failed = [check for check in (balance_claim(payment), *map(balance_line, payment.lines))
              if not check.ok]  # fmt: skip
    if failed:
        raise UnbalancedError("\n".join(str(check) for check in failed))
    # The 837 COB rule balances prior-payer data against our claim charge: a payer answer
    # for another total would make the new claim fail balancing at the next payer.
    if payment.charge != claim.total_charge:
        raise invalid(
            "primary_claim_payment.charge",
            f"the payer answered a charge of {payment.charge}, claim {claim.id!r} charges"
            f" {claim.total_charge}: the prior payer data would not balance",
            "secondary.charge",
        )


def _match(line: LineItem, answers: list[ServicePayment]) -> ServicePayment | None:
    """The payer's answer for ``line``: by line control number, else by code, date and charge."""
    for answer in answers:
        if answer.line_control_number == line.id:
            return answer
    code = None if line.procedure is None else line.procedure.without_modifiers()
    # Only answers that name no line: one naming another line of ours is that line's.
    fallback = [
        a
        for a in answers
        if a.line_control_number is None
        and a.procedure is not None
        and a.procedure.without_modifiers() == code
        and a.service_date in (None, line.service_date)
        and a.charge == line.charge
    ]
    # Two identical candidates cannot be told apart: nothing is matched on a guess.
    return fallback[0] if len(fallback) == 1 else None


def _prior_lines(claim: Claim, payment: ClaimPayment) -> list[PriorLineAdjudication]:
    """Each of our lines with the payer's answer for it; every line answered, once."""
    if not payment.lines:
        return []  # adjudicated at claim level only (an institutional claim, say)
    answers = list(payment.lines)
    findings: list[Finding] = []
    prior: list[PriorLineAdjudication] = []
    for line in claim.lines:
        answer = _match(line, answers)
        where = f"claim {claim.id!r} line {line.id!r}"
        if answer is None:
            findings.append(Finding(location=where, message="the prior payer's payment has no"
                                    " answer for this line", rule="secondary.line"))  # fmt: skip
            continue
        answers.remove(answer)
        if answer.charge != line.charge:
            findings.append(Finding(location=where, message=f"the payer answered a charge of"
                                    f" {answer.charge}, the line charges {line.charge}",
                                    rule="secondary.line"))  # fmt: skip
        prior.append(
            PriorLineAdjudication(line_id=line.id, paid=answer.paid, adjustments=answer.adjustments)
        )
    findings.extend(
        Finding(location=f"primary_claim_payment line {a.line_control_number or '?'!r}",
                message="matches no line of the claim", rule="secondary.line")
        for a in answers
    )  # fmt: skip
    if findings:
        raise ValidationError(findings)
    return prior


def secondary_claim(
    primary_claim: Claim,
    primary_claim_payment: ClaimPayment,
    next_coverage: Coverage,
    *,
    adjudicated_on: datetime.date,
    claim_id: str | None = None,
    claim_date: datetime.date | None = None,
) -> Claim:
    """The claim for the next payer, carrying the prior payer's adjudication.

    Args:
        primary_claim: The claim the prior payer answered (for a tertiary
            claim: the secondary claim).
        primary_claim_payment: The prior payer's answer for it (835 loop 2100).
        next_coverage: The coverage to claim from next.
        adjudicated_on: The prior payer's adjudication or payment date (the
            remittance's paid date).
        claim_id: The new claim's id; by default the claim's id and the next
            coverage's sequence number (``"CLM1-2"``).
        claim_date: The new claim's date; ``adjudicated_on`` by default.

    Returns:
        The claim, frequency original, with the prior payers in order.

    Raises:
        ValidationError: A payment for another claim, a payment that does not
            answer each of our lines, a payer that processed the claim in
            another position, or a next coverage that is not later in sequence.
        InvalidTransitionError: The payer already forwarded the claim (a
            crossover), the payment is a reversal or a predetermination, or
            nothing is left for the next payer.
        UnbalancedError: The payment does not balance (with the explanation).
        CurrencyMismatchError: The payment in another currency than the claim.
        TypeError: Arguments of the wrong type.
    """
    arguments_of_types(
        (primary_claim, Claim, "primary_claim"),
        (primary_claim_payment, ClaimPayment, "primary_claim_payment"),
        (next_coverage, Coverage, "next_coverage"),
    )
    check_date(adjudicated_on, "adjudicated_on")
    check_date(claim_date, "claim_date", optional=True)
    _check_payment(primary_claim, primary_claim_payment, next_coverage)
    _check_balanced(primary_claim, primary_claim_payment)
    prior = PriorPayerAdjudication(
        coverage=primary_claim.coverage,
        paid=primary_claim_payment.paid,
        adjudicated_on=adjudicated_on,
        payer_claim_number=primary_claim_payment.payer_claim_control_number or None,
        claim_adjustments=primary_claim_payment.adjustments,
        lines=_prior_lines(primary_claim, primary_claim_payment),
    )
    left = remaining_patient_liability(prior)
    # With no PR left there is nothing for the next payer to consider: a claim for it
    # could only be denied.
    if left.minor <= 0:
        raise refused(
            f"claim {primary_claim.id!r}",
            "claim the next payer for",
            f"the prior payer left nothing to the patient (patient responsibility {left})",
        )
    if claim_id is None:
        claim_id = f"{primary_claim.id}-{next_coverage.sequence.value}"
    claim = attrs.evolve(
        primary_claim,
        id=claim_id,
        coverage=next_coverage,
        claim_date=adjudicated_on if claim_date is None else claim_date,
        # A new claim to a new payer: original frequency and no original claim number, even
        # when the claim it is built from was itself a replacement.
        frequency=ClaimFrequency.ORIGINAL,
        original_claim_number=None,
        prior_payers=(*primary_claim.prior_payers, prior),
    )
    # Checked on the finished claim, earlier prior payers included: the next payer checks
    # every loop 2320/2430, not just the one added now.
    failed = [check for check in balance_prior_payers(claim) if not check.ok]
    if failed:
        raise UnbalancedError("\n".join(str(check) for check in failed))
    return claim
