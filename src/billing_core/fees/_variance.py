"""Did the payer pay the contract? The variance of each line of a claim payment.

For each line the payer answered, what it accepted as the line's value is
what it paid plus what it made the patient owe (the ``PR`` adjustments) plus
the reductions the contract itself takes (its
[`reductions`][billing_core.fees.Contract], such as ``CO-253``):

    variance = paid + patient responsibility + contract reductions - contract allowed

A negative variance is an **underpayment** (money to claim back from the
payer), a positive one an **overpayment** (money the payer may recoup). The
claim as a whole is compared the same way, from the claim's paid amount
(CLP04) and every ``PR`` and reduction adjustment, claim- and line-level: an
adjustment the payer took at claim level shows there.
The function reads only a [`ClaimPayment`][billing_core.remittance.ClaimPayment]
(what posting takes in) and our [`Claim`][billing_core.claims.Claim]: it needs
nothing from posting itself.

Examples:
    >>> import datetime
    >>> from decimal import Decimal
    >>> from billing_core._examples import example_claim
    >>> from billing_core.fees import Contract, PercentOfCharge
    >>> from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment
    >>> usd = lambda s: Money(s, "USD")
    >>> claim = example_claim()  # one line L1 of 125.00
    >>> contract = Contract(name="Acme", currency="USD", terms=[PercentOfCharge(rate=Decimal("0.8"))])
    >>> paid = ClaimPayment(patient_control_number="CLM1", status="1", charge=usd("125"),
    ...     paid=usd("70"), lines=[ServicePayment(line_control_number="L1", charge=usd("125"),
    ...         paid=usd("70"), adjustments=CasAdjustment.from_cas("CO", ("45", usd("35")))
    ...         + CasAdjustment.from_cas("PR", ("2", usd("20"))))])
    >>> report = payment_variance(claim, paid, contract)
    >>> print(report.lines[0])
    L1: paid 70.00 USD + patient 20.00 USD + reductions 0.00 USD = 90.00 USD vs contract 100.00 USD: underpaid by 10.00 USD
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from billing_core._coverage import (
    arguments_of_types,
    pair_service_lines,
    payment_for_claim,
    same_service,
)
from billing_core._fields import invalid
from billing_core.claims import Claim
from billing_core.codes import GroupCode
from billing_core.errors import CurrencyMismatchError, Finding, Severity
from billing_core.money import Money
from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment
from billing_core.views import Record, to_records

if TYPE_CHECKING:  # imported where used: a plan's VarianceReport needs no contract machinery
    from billing_core.fees._contract import Contract, ContractPrice

__all__ = ["LineVariance", "VarianceReport", "payment_variance"]

UNDERPAID_RULE = "contract.underpaid"
OVERPAID_RULE = "contract.overpaid"
UNMATCHED_RULE = "contract.unmatched_line"


@attrs.frozen(kw_only=True)
class LineVariance:
    """One line's payment set against the contract.

    Attributes:
        line_id: The line.
        expected: The contract's allowed amount (``None``: the contract does not price it).
        paid: What the payer paid (SVC03).
        patient: The patient responsibility it assigned (the line's ``PR`` adjustments).
        reductions: The contract's own reductions it took (``CO-253``...).

    Examples:
        >>> usd = lambda s: Money(s, "USD")
        >>> v = LineVariance(line_id="L1", expected=usd("100"), paid=usd("80"),
        ...                  patient=usd("20"), reductions=usd("0"))
        >>> v.variance, v.ok
        (Money('0.00', 'USD'), True)
    """

    line_id: str
    expected: Money | None
    paid: Money
    patient: Money
    reductions: Money

    @property
    def actual(self) -> Money:
        """What the payer accepted as the line's value: paid + patient + reductions."""
        return self.paid + self.patient + self.reductions

    @property
    def variance(self) -> Money:
        """``actual - expected``: negative when underpaid (zero when nothing is expected)."""
        expected = self.expected if self.expected is not None else Money.zero(self.paid.currency)
        return self.actual - expected

    @property
    def ok(self) -> bool:
        """Whether the payer paid exactly the contract."""
        return self.variance.minor == 0

    def __str__(self) -> str:
        head = (
            f"{self.line_id}: paid {self.paid} + patient {self.patient} + reductions"
            f" {self.reductions} = {self.actual}"
        )
        if self.expected is None:
            return f"{head}; the contract does not price it"
        verdict = "as contracted"
        if self.variance.minor < 0:
            verdict = f"underpaid by {-self.variance}"
        elif self.variance.minor > 0:
            verdict = f"overpaid by {self.variance}"
        return f"{head} vs contract {self.expected}: {verdict}"


@attrs.frozen(kw_only=True)
class VarianceReport:
    """A claim payment set against the contract, line by line and in total.

    Attributes:
        claim_id: Our claim.
        contract: The contract's name.
        lines: The variance of each line the payer answered and we claimed.
        expected: The contract's total for every line of the claim it prices.
        paid: What the payer paid for the claim (CLP04).
        patient: The patient responsibility it assigned, claim- and line-level.
        reductions: The contract's own reductions it took, claim- and line-level.
        findings: One warning per line not paid as contracted, for the claim
            when its total says more than its lines, and per line only one
            side has.

    Examples:
        >>> usd = lambda s: Money(s, "USD")
        >>> report = VarianceReport(claim_id="C1", contract="Acme", lines=(), expected=usd("100"),
        ...     paid=usd("90"), patient=usd("20"), reductions=usd("0"), findings=())
        >>> report.variance
        Money('10.00', 'USD')
    """

    claim_id: str
    contract: str
    lines: tuple[LineVariance, ...]
    expected: Money
    paid: Money
    patient: Money
    reductions: Money
    findings: tuple[Finding, ...]

    @property
    def actual(self) -> Money:
        """What the payer accepted for the claim: paid + patient + reductions."""
        return self.paid + self.patient + self.reductions

    @property
    def variance(self) -> Money:
        """``actual - expected`` for the claim: negative when underpaid."""
        return self.actual - self.expected

    @property
    def ok(self) -> bool:
        """Whether the claim was paid as contracted, with nothing unmatched."""
        return not self.findings

    def to_records(self) -> list[Record]:
        """The lines as flat rows (``pandas.DataFrame(records)`` works), with the variance."""
        return [dict(record, variance=v.variance.amount)
                for record, v in zip(to_records(self.lines), self.lines, strict=True)]  # fmt: skip

    def __str__(self) -> str:
        verdict = "paid as contracted" if self.variance.minor == 0 else f"variance {self.variance}"
        head = f"claim {self.claim_id} under {self.contract}: {verdict}"
        return "\n".join([head, *(f"  {line}" for line in self.lines)])


def _part_of_allowed(contract: Contract) -> set[tuple[GroupCode, str]]:
    return {(r.group, r.reason.code) for r in contract.reductions}


def _sums(
    adjustments: Iterable[CasAdjustment], reductions: set[tuple[GroupCode, str]]
) -> tuple[int, int]:
    """The patient responsibility and the contract's reductions among ``adjustments``."""
    patient = reduced = 0
    for a in adjustments:
        if a.group is GroupCode.PR:
            patient += a.amount.minor
        # A reduction the contract itself takes (CO-253) is part of what the payer accepted:
        # without it every sequestered line would read as underpaid.
        elif (a.group, a.reason.code) in reductions:
            reduced += a.amount.minor
    return patient, reduced


def _line(
    price: ContractPrice, answer: ServicePayment, reductions: set[tuple[GroupCode, str]]
) -> LineVariance:
    code = answer.charge.currency
    patient, reduced = _sums(answer.adjustments, reductions)
    return LineVariance(
        line_id=price.line.id,
        expected=price.allowed,
        paid=answer.paid,
        patient=Money.from_minor(patient, code),
        reductions=Money.from_minor(reduced, code),
    )


def _check_inputs(claim: Claim, claim_payment: ClaimPayment, contract: Contract) -> None:
    from billing_core.fees._contract import Contract  # loaded already: the caller has one

    arguments_of_types(
        (claim, Claim, "claim"),
        (claim_payment, ClaimPayment, "claim_payment"),
        (contract, Contract, "contract"),
    )
    payment_for_claim(claim, claim_payment, "claim_payment", "contract.claim")
    if claim_payment.is_reversal:
        raise invalid(
            f"claim payment {claim.id!r}.status",
            "a reversal (status 22) undoes a payment: compare the original payment instead",
            "contract.reversal",
        )
    if claim_payment.currency != contract.currency:
        raise CurrencyMismatchError(
            f"the claim payment is in {claim_payment.currency},"
            f" contract {contract.name!r} in {contract.currency}"
        )


def _finding(location: str, rule: str, message: str) -> Finding:
    return Finding(location=location, message=message, severity=Severity.WARNING, rule=rule)


def _unmatched_finding(claim: Claim, number: int, sp: ServicePayment) -> Finding:
    lcn = sp.line_control_number
    if not lcn:
        return _finding(
            f"claim {claim.id!r} remitted line {number} (no control number)",
            UNMATCHED_RULE,
            "no line control number, and not exactly one line of the claim has its procedure,"
            " service date and charge",
        )
    if any(line.id == lcn for line in claim.lines):
        return _finding(
            f"claim {claim.id!r} remitted line {number} ({lcn!r})",
            UNMATCHED_RULE,
            f"line {lcn!r} is answered twice: only the first answer is compared",
        )
    return _finding(
        f"claim {claim.id!r} remitted line {lcn!r}",
        UNMATCHED_RULE,
        "no line of the claim has this id",
    )


def payment_variance(
    claim: Claim, claim_payment: ClaimPayment, contract: Contract
) -> VarianceReport:
    """Set the payer's answer for a claim against its contract, line by line.

    Lines are matched by line control number (our line's id); a service line
    without one (or with one that is none of ours) is matched, as posting
    does, to the one line with its procedure, service date and charge, and is
    otherwise a finding of its own. See the module for the rule.

    Args:
        claim: Our claim.
        claim_payment: The payer's answer for it (835 loop 2100).
        contract: The payer's contract.

    Returns:
        The report, with a warning finding per line not paid as contracted.

    Raises:
        ValidationError: A payment for another claim (a different patient
            control number), or a reversal.
        CurrencyMismatchError: The payment in another currency than the contract.
        TypeError: Arguments of the wrong type.

    Examples:
        >>> from decimal import Decimal
        >>> from billing_core._examples import example_claim
        >>> from billing_core.fees import Contract, PercentOfCharge
        >>> from billing_core.remittance import ClaimPayment
        >>> contract = Contract(name="Acme", currency="USD",
        ...                     terms=[PercentOfCharge(rate=Decimal("0.8"))])
        >>> other = ClaimPayment(patient_control_number="CLM9", status="1",
        ...                      charge=Money("125", "USD"), paid=Money("100", "USD"))
        >>> payment_variance(example_claim(), other, contract)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: claim_payment.patient_control_number: 'CLM9' is not claim 'CLM1': the payment is for another claim
    """  # noqa: E501
    from billing_core.fees._contract import price_claim

    _check_inputs(claim, claim_payment, contract)
    reductions = _part_of_allowed(contract)
    code = contract.currency
    lines: list[LineVariance] = []
    findings: list[Finding] = []
    prices = price_claim(claim, contract)
    expected = sum(p.allowed.minor for p in prices if p.allowed is not None)
    # Matched as posting matches them: a service line without a control number by procedure,
    # service date and charge, never on a guess; none is dropped.
    answers, unmatched = pair_service_lines(
        [p.line.id for p in prices],
        claim_payment.lines,
        lambda index, sp: same_service(prices[index].line, sp),
    )
    for index, price in enumerate(prices):
        answer = answers.get(index)
        if answer is None:
            # A claim answered without lines has no line to miss: it is compared at claim level.
            if claim_payment.lines:
                where = f"claim {claim.id!r} line {price.line.id!r}"
                findings.append(
                    _finding(where, UNMATCHED_RULE, "the payer did not answer this line")
                )
            continue
        variance = _line(price, answer, reductions)
        lines.append(variance)
        if not variance.ok:
            rule = UNDERPAID_RULE if variance.variance.minor < 0 else OVERPAID_RULE
            findings.append(
                _finding(f"claim {claim.id!r} line {price.line.id!r}", rule, str(variance))
            )
    findings.extend(_unmatched_finding(claim, number, sp) for number, sp in unmatched)
    every = (*claim_payment.adjustments, *(a for sp in claim_payment.lines for a in sp.adjustments))
    patient, reduced = _sums(every, reductions)
    report = VarianceReport(
        claim_id=claim.id,
        contract=contract.name,
        lines=tuple(lines),
        expected=Money.from_minor(expected, code),
        paid=claim_payment.paid,
        patient=Money.from_minor(patient, code),
        reductions=Money.from_minor(reduced, code),
        findings=(),
    )
    total = report.variance
    # The claim-level comparison catches what lines cannot: claim-level PR or reductions,
    # and lines the payer did not answer.
    if total.minor != sum(v.variance.minor for v in lines):  # the claim level says more
        rule = UNDERPAID_RULE if total.minor < 0 else OVERPAID_RULE
        findings.append(_finding(f"claim {claim.id!r}", rule, f"{report.actual} paid and owed"
                                 f" vs contract {report.expected}: variance {total}"))  # fmt: skip
    return attrs.evolve(report, findings=tuple(findings))
