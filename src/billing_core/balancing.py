"""Balancing checks for remittances (835) and prior-payer data (837 COB).

The 835 has to add up at three levels (a positive adjustment reduces
payment):

    line:        SVC03 = SVC02 - sum(line CAS)
    claim:       CLP04 = CLP03 - sum(claim-level CAS) - sum(all line CAS of the claim)
    transaction: BPR02 = sum(CLP04) - sum(PLB)

and an 837 secondary claim's prior-payer data has to add up to the charge:

    line:  charge = sum(prior payer paid) + sum(prior payer line adjustments)
    claim: charge = prior payer paid + sum(claim-level prior adjustments)
                    + sum(line-level prior adjustments)

Informational amounts (allowed amounts, the patient responsibility of CLP05,
units) never enter a check. A reversal (status 22) carries every amount
negated, so it balances by the same rules.

Each ``balance_*`` function returns a [`BalanceCheck`][] instead of raising:
the rule, where, both sides, the residual and every term that went in, so a
caller can show *why* something does not balance. [`balancing_report`][] runs
every check of a remittance and returns a [`BalancingReport`][] with the
failing ones and the findings (an adjustment reported at both claim and line
level).

Examples:
    >>> from billing_core.money import Money
    >>> from billing_core.remittance import CasAdjustment, ServicePayment
    >>> usd = lambda s: Money(s, "USD")
    >>> line = ServicePayment(charge=usd("1200"), paid=usd("550"),
    ...     adjustments=[*CasAdjustment.from_cas("PR", ("1", usd("600"))),
    ...                  *CasAdjustment.from_cas("CO", ("45", usd("55")))])
    >>> check = balance_line(line, location="claim 2 (8765432112) line 1")
    >>> check.ok, check.residual
    (False, Money('5.00', 'USD'))
    >>> print(check)
    claim 2 (8765432112) line 1: does not balance by 5.00 USD (rule 835.line: SVC03 = SVC02 - sum(line CAS))
      SVC03 paid 550.00 USD
      computed 545.00 USD =
        + SVC02 charge 1200.00 USD
        - CAS PR-1 600.00 USD
        - CAS CO-45 55.00 USD
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import attrs

from billing_core.errors import CurrencyMismatchError, Finding, Severity
from billing_core.money import Money
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment

__all__ = [
    "CLAIM_RULE",
    "COB_CLAIM_RULE",
    "COB_LINE_RULE",
    "LINE_RULE",
    "BALANCING_RULES",
    "SAME_ADJUSTMENT_BOTH_LEVELS_RULE",
    "TRANSACTION_RULE",
    "BalanceCheck",
    "BalancingReport",
    "balancing_report",
    "balance_claim",
    "balance_cob_claim",
    "balance_cob_line",
    "balance_line",
    "balance_remittance",
]

LINE_RULE: Final = "835.line"
"""Rule id of [`balance_line`][]."""
CLAIM_RULE: Final = "835.claim"
"""Rule id of [`balance_claim`][]."""
TRANSACTION_RULE: Final = "835.transaction"
"""Rule id of [`balance_remittance`][]."""
COB_LINE_RULE: Final = "837.cob_line"
"""Rule id of [`balance_cob_line`][]."""
COB_CLAIM_RULE: Final = "837.cob_claim"
"""Rule id of [`balance_cob_claim`][]."""
SAME_ADJUSTMENT_BOTH_LEVELS_RULE: Final = "835.adjustment_level"
"""Rule id of the finding: one group/reason reported at claim level and at line level."""

BALANCING_RULES: Final[dict[str, str]] = {
    LINE_RULE: "SVC03 = SVC02 - sum(line CAS)",
    CLAIM_RULE: "CLP04 = CLP03 - sum(claim CAS) - sum(line CAS)",
    TRANSACTION_RULE: "BPR02 = sum(CLP04) - sum(PLB)",
    COB_LINE_RULE: "line charge = sum(prior paid) + sum(prior line adjustments)",
    COB_CLAIM_RULE: "claim charge = prior paid + sum(prior claim and line adjustments)",
    SAME_ADJUSTMENT_BOTH_LEVELS_RULE: "an adjustment is reported at claim or at line level",
}
"""Every rule id with its formula, as printed in explanations."""


def _term(label: str, amount: Money) -> str:
    # Terms are stored signed; print the sign as an operator so an explanation reads
    # like the formula (a CAS that reduces payment shows as "- CAS CO-45 55.00").
    if amount.minor < 0:
        return f"- {label} {-amount}"
    return f"+ {label} {amount}"


@attrs.frozen(kw_only=True)
class BalanceCheck:
    """The explained result of one balancing rule.

    ``right`` is the sum of ``terms``, each term signed as it enters the sum
    (an adjustment that reduces payment appears negative). The check is ok
    when ``left == right``.

    Attributes:
        rule: The rule id (a key of [`BALANCING_RULES`][]).
        location: Where, e.g. ``"claim 2 (8765432112) line 1"``.
        left_label: What the reported side is, e.g. ``"SVC03 paid"``.
        left: The reported amount.
        right: The amount computed from the terms.
        terms: ``(label, signed amount)`` pairs that add up to ``right``.

    Examples:
        >>> c = BalanceCheck(rule=LINE_RULE, location="line 1", left_label="SVC03 paid",
        ...                  left=Money("5", "USD"), right=Money("5", "USD"),
        ...                  terms=(("SVC02 charge", Money("5", "USD")),))
        >>> c.ok, c.residual
        (True, Money('0.00', 'USD'))
        >>> print(c)
        line 1: balanced (rule 835.line: SVC03 = SVC02 - sum(line CAS))
          SVC03 paid 5.00 USD
          computed 5.00 USD =
            + SVC02 charge 5.00 USD
    """

    rule: str
    location: str
    left_label: str
    left: Money
    right: Money
    terms: tuple[tuple[str, Money], ...]

    @property
    def residual(self) -> Money:
        """``left - right``: how much the reported side exceeds the computed one."""
        return self.left - self.right

    @property
    def ok(self) -> bool:
        """Whether both sides are equal."""
        return self.left.minor == self.right.minor

    @property
    def formula(self) -> str:
        """The rule's formula, e.g. ``"SVC03 = SVC02 - sum(line CAS)"``."""
        return BALANCING_RULES.get(self.rule, self.rule)

    def __str__(self) -> str:
        verdict = "balanced" if self.ok else f"does not balance by {self.residual}"
        # A rule from outside the X12 table (posting's reconciliation) has no formula to quote.
        rule = f"{self.rule}: {self.formula}" if self.rule in BALANCING_RULES else self.rule
        lines = [
            f"{self.location}: {verdict} (rule {rule})",
            f"  {self.left_label} {self.left}",
            f"  computed {self.right} =",
        ]
        lines.extend(f"    {_term(label, amount)}" for label, amount in self.terms)
        return "\n".join(lines)

    def to_finding(self) -> Finding:
        """This check as an error [`Finding`][billing_core.errors.Finding] (for failed checks).

        Examples:
            >>> c = BalanceCheck(rule=LINE_RULE, location="line 1", left_label="SVC03 paid",
            ...                  left=Money("6", "USD"), right=Money("5", "USD"), terms=())
            >>> print(c.to_finding())
            line 1: SVC03 paid 6.00 USD but SVC03 = SVC02 - sum(line CAS) gives 5.00 USD (residual 1.00 USD)
        """  # noqa: E501
        return Finding(
            location=self.location,
            message=(
                f"{self.left_label} {self.left} but {self.formula} gives {self.right}"
                f" (residual {self.residual})"
            ),
            severity=Severity.ERROR,
            rule=self.rule,
        )


def _make_check(
    rule: str, location: str, left_label: str, left: Money, terms: list[tuple[str, Money]]
) -> BalanceCheck:
    # The one currency check of every rule: a remittance's constructors already refuse a
    # second currency, but the COB rules take loose amounts, and adding minor units of two
    # currencies would give a verdict on nothing.
    code = left.currency
    total = 0
    mixed = False
    # One plain loop sums and checks (cheaper than the sum alone over a generator): this
    # runs for every line and claim that posting plans.
    for _, m in terms:
        mixed = mixed or m.currency != code
        total += m.minor
    if mixed:
        others = ", ".join(f"{label} in {m.currency}" for label, m in terms if m.currency != code)
        raise CurrencyMismatchError(f"{location}: {left_label} in {code}, but {others}")
    right = Money.from_minor(total, code)
    return BalanceCheck(
        rule=rule,
        location=location,
        left_label=left_label,
        left=left,
        right=right,
        terms=tuple(terms),
    )


def _cas_terms(prefix: str, adjustments: Iterable[CasAdjustment]) -> list[tuple[str, Money]]:
    # 835 sign convention: a positive CAS amount reduces the payment, so it enters the
    # computed side negated (a negative CAS, e.g. OA-94, raises the payment).
    return [(f"{prefix}CAS {a.group.value}-{a.reason.code}", -a.amount) for a in adjustments]


def balance_line(line: ServicePayment, *, location: str = "line") -> BalanceCheck:
    """Check ``SVC03 = SVC02 - sum(line CAS)`` for one service line.

    Args:
        line: The service payment.
        location: Where the line is, for the explanation.

    Returns:
        The explained check.

    Examples:
        >>> from billing_core.remittance import CasAdjustment, ServicePayment
        >>> line = ServicePayment(charge=Money("541", "USD"), paid=Money("34", "USD"),
        ...     adjustments=[*CasAdjustment.from_cas("OA", ("23", Money("516", "USD"))),
        ...                  *CasAdjustment.from_cas("OA", ("94", Money("-9", "USD")))])
        >>> balance_line(line).ok
        True
    """
    terms = [("SVC02 charge", line.charge), *_cas_terms("", line.adjustments)]
    return _make_check(LINE_RULE, location, "SVC03 paid", line.paid, terms)


def _claim_location(claim: ClaimPayment, index: int | None = None) -> str:
    if index is None:
        return f"claim {claim.patient_control_number}"
    return f"claim {index} ({claim.patient_control_number})"


def _line_location(claim_location: str, line: ServicePayment, index: int) -> str:
    lcn = f" ({line.line_control_number})" if line.line_control_number else ""
    return f"{claim_location} line {index}{lcn}"


def balance_claim(claim: ClaimPayment, *, location: str | None = None) -> BalanceCheck:
    """Check ``CLP04 = CLP03 - sum(claim CAS) - sum(line CAS)`` for one claim.

    Args:
        claim: The claim payment.
        location: Where the claim is; ``"claim <patient control number>"`` by default.

    Returns:
        The explained check; the terms name each line's adjustments.

    Examples:
        >>> from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment
        >>> usd = lambda s: Money(s, "USD")
        >>> claim = ClaimPayment(patient_control_number="5554555444", status="1",
        ...     charge=usd("800"), paid=usd("450"), patient_responsibility=usd("300"),
        ...     adjustments=CasAdjustment.from_cas("CO", ("A2", usd("50"))),
        ...     lines=[ServicePayment(charge=usd("800"), paid=usd("500"),
        ...                           adjustments=CasAdjustment.from_cas("PR", ("1", usd("300"))))])
        >>> print(balance_claim(claim))
        claim 5554555444: balanced (rule 835.claim: CLP04 = CLP03 - sum(claim CAS) - sum(line CAS))
          CLP04 paid 450.00 USD
          computed 450.00 USD =
            + CLP03 charge 800.00 USD
            - claim CAS CO-A2 50.00 USD
            - line 1 CAS PR-1 300.00 USD
    """
    terms = [("CLP03 charge", claim.charge), *_cas_terms("claim ", claim.adjustments)]
    for index, line in enumerate(claim.lines, 1):
        # Line CAS count at claim level too: CLP04 is what the claim pays after every
        # adjustment, whether the payer reported it on the claim or on a line.
        terms.extend(_cas_terms(f"line {index} ", line.adjustments))
    where = _claim_location(claim) if location is None else location
    return _make_check(CLAIM_RULE, where, "CLP04 paid", claim.paid, terms)


def balance_remittance(remittance: Remittance, *, location: str | None = None) -> BalanceCheck:
    """Check ``BPR02 = sum(CLP04) - sum(PLB)`` for a whole remittance.

    Args:
        remittance: The remittance.
        location: Where; ``"remittance <trace number>"`` by default.

    Returns:
        The explained check; one term per claim and per provider adjustment.

    Examples:
        >>> import datetime
        >>> from billing_core.remittance import ProviderAdjustment, Remittance
        >>> r = Remittance(payer="P", payee="Q", total_payment=Money("1.27", "USD"),
        ...     payment_method="ACH", trace_number="12345", paid_date=datetime.date(2002, 9, 13),
        ...     provider_adjustments=[ProviderAdjustment(reason="CV", reference="CP",
        ...                                              amount=Money("-1.27", "USD"))])
        >>> print(balance_remittance(r))
        remittance 12345: balanced (rule 835.transaction: BPR02 = sum(CLP04) - sum(PLB))
          BPR02 total payment 1.27 USD
          computed 1.27 USD =
            + PLB CV CP 1.27 USD
    """
    terms: list[tuple[str, Money]] = [
        (f"{_claim_location(c, i)} CLP04", c.paid) for i, c in enumerate(remittance.claims, 1)
    ]
    for plb in remittance.provider_adjustments:
        ref = f" {plb.reference}" if plb.reference else ""
        # A PLB amount follows the CAS sign: positive takes money back (a recoupment), negative
        # adds to the check (interest), so it too enters negated.
        terms.append((f"PLB {plb.reason.value}{ref}", -plb.amount))
    where = f"remittance {remittance.trace_number}" if location is None else location
    return _make_check(
        TRANSACTION_RULE, where, "BPR02 total payment", remittance.total_payment, terms
    )


def _paid_terms(prior_paid: Money | Iterable[Money]) -> list[tuple[str, Money]]:
    # One term per prior payer: a tertiary claim carries the primary's and the secondary's
    # payments, and an explanation that merged them could not say which one is off.
    if isinstance(prior_paid, Money):
        return [("prior payer paid", prior_paid)]
    amounts = list(prior_paid)
    if len(amounts) == 1:
        return [("prior payer paid", amounts[0])]
    return [(f"prior payer {i} paid", m) for i, m in enumerate(amounts, 1)]


def balance_cob_line(
    charge: Money,
    prior_paid: Money | Iterable[Money],
    adjustments: Iterable[CasAdjustment],
    *,
    location: str = "line",
) -> BalanceCheck:
    """Check a secondary claim line's prior-payer data (837 loop 2430).

    Rule: ``line charge = sum(prior payer paid) + sum(prior payer line adjustments)``.

    Args:
        charge: The line charge (SV102 / SV203).
        prior_paid: What the prior payer(s) paid for the line (SVD02); one
            amount or one per prior payer.
        adjustments: The prior payers' line adjustments (CAS in 2430).
        location: Where, for the explanation.

    Returns:
        The explained check.

    Raises:
        CurrencyMismatchError: An amount in another currency than the charge,
            named by its term.

    Examples:
        >>> from billing_core.remittance import CasAdjustment
        >>> usd = lambda s: Money(s, "USD")
        >>> check = balance_cob_line(usd("100"), usd("60"),
        ...     CasAdjustment.from_cas("PR", ("2", usd("15"))) + CasAdjustment.from_cas("CO", ("45", usd("20"))))
        >>> check.ok, check.residual
        (False, Money('5.00', 'USD'))
    """  # noqa: E501
    terms = _paid_terms(prior_paid)
    # Not negated, unlike the 835 rules: here the adjustments are what the prior payers
    # did not pay, so with what they paid they add up to the charge.
    terms.extend((f"prior CAS {a.key}", a.amount) for a in adjustments)
    return _make_check(COB_LINE_RULE, location, "line charge", charge, terms)


def balance_cob_claim(
    charge: Money,
    prior_paid: Money | Iterable[Money],
    claim_adjustments: Iterable[CasAdjustment],
    line_adjustments: Iterable[CasAdjustment] = (),
    *,
    location: str = "claim",
) -> BalanceCheck:
    """Check a secondary claim's prior-payer data (837 loop 2320).

    Rule: ``claim charge = prior payer paid + sum(claim-level prior
    adjustments) + sum(line-level prior adjustments)``; leave
    ``line_adjustments`` empty when the prior payer adjusted only at claim level.

    Args:
        charge: The claim charge (CLM02).
        prior_paid: What the prior payer(s) paid (AMT*D in 2320).
        claim_adjustments: The prior payer's claim-level adjustments (CAS in 2320).
        line_adjustments: The prior payer's line-level adjustments (CAS in 2430).
        location: Where, for the explanation.

    Returns:
        The explained check.

    Raises:
        CurrencyMismatchError: An amount in another currency than the charge,
            named by its term.

    Examples:
        >>> from billing_core.remittance import CasAdjustment
        >>> usd = lambda s: Money(s, "USD")
        >>> prior = CasAdjustment.from_cas("PR", ("1", usd("20")))
        >>> balance_cob_claim(usd("100"), usd("80"), prior).ok
        True
        >>> balance_cob_claim(usd("100"), Money("80", "EUR"), prior)
        Traceback (most recent call last):
        ...
        billing_core.errors.CurrencyMismatchError: claim: claim charge in USD, but prior payer paid in EUR
    """  # noqa: E501
    terms = _paid_terms(prior_paid)
    terms.extend((f"prior claim CAS {a.key}", a.amount) for a in claim_adjustments)
    terms.extend((f"prior line CAS {a.key}", a.amount) for a in line_adjustments)
    return _make_check(COB_CLAIM_RULE, location, "claim charge", charge, terms)


@attrs.frozen(kw_only=True)
class BalancingReport:
    """Every imbalance of a remittance, with its location.

    Attributes:
        location: The remittance, e.g. ``"remittance 12345"``.
        failures: The checks that do not balance, in file order (claims and
            their lines first, the transaction check last).
        findings: Other problems: an adjustment reported at both claim and
            line level (a warning).
        checked: How many checks were made.

    Examples:
        >>> import datetime
        >>> from billing_core.remittance import Remittance
        >>> r = Remittance(payer="P", payee="Q", total_payment=Money("1", "USD"),
        ...     payment_method="CHK", trace_number="9", paid_date=datetime.date(2024, 1, 2))
        >>> report = balancing_report(r)
        >>> report.ok, len(report.failures), report.checked
        (False, 1, 1)
        >>> print(report)
        remittance 9: 1 problem in 1 check
        remittance 9: does not balance by 1.00 USD (rule 835.transaction: BPR02 = sum(CLP04) - sum(PLB))
          BPR02 total payment 1.00 USD
          computed 0.00 USD =
    """  # noqa: E501

    location: str
    failures: tuple[BalanceCheck, ...]
    findings: tuple[Finding, ...]
    checked: int

    @property
    def ok(self) -> bool:
        """True when every check balances and no finding is an error."""
        return not self.failures and not any(f.severity is Severity.ERROR for f in self.findings)

    def count(self, rule: str) -> int:
        """How many checks of ``rule`` failed.

        Examples:
            >>> import datetime
            >>> from billing_core.remittance import Remittance
            >>> r = Remittance(payer="P", payee="Q", total_payment=Money("0", "USD"),
            ...     payment_method="NON", trace_number="9", paid_date=datetime.date(2024, 1, 2))
            >>> balancing_report(r).count(CLAIM_RULE)
            0
        """
        return sum(1 for c in self.failures if c.rule == rule)

    def as_findings(self) -> tuple[Finding, ...]:
        """Every failure as an error finding, followed by the other findings.

        Examples:
            >>> import datetime
            >>> from billing_core.remittance import Remittance
            >>> r = Remittance(payer="P", payee="Q", total_payment=Money("0", "USD"),
            ...     payment_method="NON", trace_number="9", paid_date=datetime.date(2024, 1, 2))
            >>> balancing_report(r).as_findings()
            ()
        """
        return tuple(c.to_finding() for c in self.failures) + self.findings

    def __str__(self) -> str:
        problems = len(self.failures) + len(self.findings)
        if problems == 0:
            return f"{self.location}: balanced ({self.checked} checks)"
        noun = "problem" if problems == 1 else "problems"
        checks = "check" if self.checked == 1 else "checks"
        parts = [f"{self.location}: {problems} {noun} in {self.checked} {checks}"]
        parts.extend(str(c) for c in self.failures)
        parts.extend(str(f) for f in self.findings)
        return "\n".join(parts)


def balancing_report(remittance: Remittance) -> BalancingReport:
    """Run every balancing check of a remittance and report the imbalances.

    Checks each line ([`balance_line`][]), each claim ([`balance_claim`][])
    and the transaction ([`balance_remittance`][]); only failing checks are
    kept, each with its location (``"claim 3 (PCN) line 2 (LCN)"``, claims
    and lines numbered from 1 in file order). Also reports, as a warning, a
    group/reason with a non-zero amount present at claim level and at line
    level of the same claim.

    The sums run over integer minor units; the full explanation is built only
    for failing checks.

    Args:
        remittance: The remittance.

    Returns:
        The report.

    Examples:
        >>> import datetime
        >>> from billing_core.remittance import CasAdjustment, ClaimPayment
        >>> from billing_core.remittance import Remittance, ServicePayment
        >>> usd = lambda s: Money(s, "USD")
        >>> co45 = lambda s: CasAdjustment.from_cas("CO", ("45", usd(s)))
        >>> claim = ClaimPayment(patient_control_number="A-1", status="1", charge=usd("100"),
        ...     paid=usd("70"), adjustments=co45("10"),
        ...     lines=[ServicePayment(charge=usd("100"), paid=usd("80"), adjustments=co45("20"))])
        >>> r = Remittance(payer="P", payee="Q", total_payment=usd("70"), payment_method="CHK",
        ...     trace_number="T", paid_date=datetime.date(2024, 1, 2), claims=[claim])
        >>> report = balancing_report(r)
        >>> report.ok, [str(f) for f in report.findings]
        (True, ['claim 1 (A-1): CO-45 is reported at claim level and at line level (line 1); the 835 reports an adjustment at one level only (warning)'])
    """  # noqa: E501
    failures: list[BalanceCheck] = []
    findings: list[Finding] = []
    # One pass over integer minor units; a BalanceCheck (with its labelled terms) is
    # built only on a failure, since nearly every remittance balances.
    checked = 1
    claim_paid_sum = 0
    for ci, claim in enumerate(remittance.claims, 1):
        claim_loc: str | None = None
        claim_cas = sum(a.amount.minor for a in claim.adjustments)
        line_cas_total = 0
        line_failures: list[BalanceCheck] = []
        # Only non-zero claim-level CAS can collide with a line's: a zero amount moves no
        # money, so reporting it at both levels cannot double-count.
        claim_keys = (
            {a.key for a in claim.adjustments if a.amount.minor} if claim.adjustments else None
        )
        both: dict[str, list[int]] = {}
        for li, line in enumerate(claim.lines, 1):
            line_cas = 0
            for adj in line.adjustments:
                line_cas += adj.amount.minor
            line_cas_total += line_cas
            if line.paid.minor != line.charge.minor - line_cas:
                if claim_loc is None:
                    claim_loc = _claim_location(claim, ci)
                line_failures.append(
                    balance_line(line, location=_line_location(claim_loc, line, li))
                )
            if claim_keys:
                for adj in line.adjustments:
                    if adj.amount.minor and adj.key in claim_keys:
                        both.setdefault(adj.key, []).append(li)
        checked += 1 + len(claim.lines)
        claim_paid_sum += claim.paid.minor
        if claim.paid.minor != claim.charge.minor - claim_cas - line_cas_total:
            if claim_loc is None:
                claim_loc = _claim_location(claim, ci)
            # The claim's failure goes before its lines': file order reads top-down, and a
            # wrong CLP04 usually explains the lines below it.
            failures.append(balance_claim(claim, location=claim_loc))
        failures.extend(line_failures)
        for key, line_numbers in both.items():
            if claim_loc is None:
                claim_loc = _claim_location(claim, ci)
            where = ", ".join(str(n) for n in dict.fromkeys(line_numbers))
            plural = "lines" if len(set(line_numbers)) > 1 else "line"
            # A warning, not a failure: the claim still balances arithmetically, but posting
            # the same group/reason from both levels would take the amount twice.
            findings.append(
                Finding(
                    location=claim_loc,
                    message=(
                        f"{key} is reported at claim level and at line level ({plural} {where});"
                        " the 835 reports an adjustment at one level only"
                    ),
                    severity=Severity.WARNING,
                    rule=SAME_ADJUSTMENT_BOTH_LEVELS_RULE,
                )
            )
    plb_sum = sum(p.amount.minor for p in remittance.provider_adjustments)
    location = f"remittance {remittance.trace_number}"
    if remittance.total_payment.minor != claim_paid_sum - plb_sum:
        failures.append(balance_remittance(remittance, location=location))
    return BalancingReport(
        location=location, failures=tuple(failures), findings=tuple(findings), checked=checked
    )
