"""Posting a remittance: from the payer's answer to ledger entries, every cent accounted for.

[`plan_posting`][] is pure: given a [`Remittance`][billing_core.remittance.Remittance],
our [`Claim`][billing_core.claims.Claim] objects and the history of the
accounts it touches, it returns a [`PostingPlan`][] with the ledger entries
to append per account, the findings, the follow-ups (denials, claims the
payer did not take), the crossovers and the provider sub-ledger postings.
[`apply_posting`][] checks that the plan is still current and not already
posted, and hands back the entries.

How the payer's answer becomes entries (the claim's coverage gives the payer's
[`Bucket`][billing_core.ledger.Bucket]):

| 835 | ledger |
|---|---|
| paid amount (SVC03, CLP04) | one [`PaymentReceived`][billing_core.ledger.PaymentReceived] per account and payer (the net it paid there; a [`Refund`][billing_core.ledger.Refund] when negative), then a [`PaymentApplied`][billing_core.ledger.PaymentApplied] per line from the payer's bucket |
| CO, PI | [`Adjustment`][billing_core.ledger.Adjustment] written off the payer's bucket |
| PR (deductible, coinsurance, copay, ...) | [`Adjustment`][billing_core.ledger.Adjustment] transferred to the next coverage, else the patient |
| OA-23 on a secondary/tertiary claim | nothing: the prior payer's impact, already resolved in the prior payer's bucket |
| other OA | written off the payer's bucket |
| a negative adjustment | the payment it adds stays as the payer's unapplied credit (an overpayment, visible and refundable) |
| claim-level CAS | distributed across the claim's lines by a [`ClaimLevelRule`][], exact to the cent |
| status 22 (reversal) | [`Reversal`][billing_core.ledger.Reversal] of each entry the original posting made |
| PLB | [`ProviderPosting`][] in the provider sub-ledger |

Matching: each claim payment to our claim by patient control number (the
claim id); each service line by line control number (the line item id),
falling back to procedure (without modifiers) + service date + charge when
the payer dropped the control number. Anything unmatched is an error finding,
never a guess.

Refusal: a plan with an error finding is **refused**: it carries the findings
and no entries, and [`apply_posting`][] raises
([`UnbalancedError`][billing_core.errors.UnbalancedError] with the balancing explanation
when the remittance does not balance, else
[`ValidationError`][billing_core.errors.ValidationError]). An unbalanced remittance is
posted only with ``accept_unbalanced=True`` (its imbalances become warnings,
and the provider sub-ledger takes the unreconciled difference).

How the package is cut: [`plan_posting`][] is a short composition of pure
steps, each in its own private module, each taking data and returning data.

| step | module | what it does |
|---|---|---|
| match | `_match` | our claims by id, planning order, service lines to our lines |
| distribute | `_distribute` | claim-level amounts spread over the lines, exact to the cent |
| lines | `_lines` | a line's amounts sorted by effect, then its entries |
| reverse | `_reverse` | a status-22 claim paired with the entries it undoes |
| claim | `_claim` | one claim payment: the step the plan folds over the remittance |
| cash | `_cash` | cash per account and payer, the provider sub-ledger |
| plan | `_plan` | the inputs read once, the fold, the plan assembled |
| apply | `_apply` | idempotency key, already posted, stale plans, last checks |

The result types are defined here, in the package itself (their public
home); what the steps share is in `_common`, and the balances a plan relied
on in `_assumed`. The plan folds `_claim.plan_claim` over the claim
payments; the only state carried from one to the next is the plan's own
moves per bucket, the entries reversed so far and the next entry number. A
new step (holding unmatched claims, a denial policy, a contract check) is
a function of the same kind: it reads the inputs and returns findings and
entries, called from `_claim` for one claim or from `_plan` for the whole.

Examples:
    >>> import datetime
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.claims import Claim
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> from billing_core.parties import Coverage, CoverageSequence, Payer
    >>> from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment
    >>> usd = lambda s: Money(s, "USD")
    >>> day = datetime.date(2024, 3, 4)
    >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
    ...                sequence=CoverageSequence.PRIMARY)
    >>> line = LineItem(id="L1", category=Category.PROCEDURE, service_date=day, charge=usd("100"))
    >>> claim = Claim(id="CLM1", account_id="A1", patient_id="P1", coverage=cov,
    ...               claim_date=day, lines=[line])
    >>> history = [ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day,
    ...                         amount=usd("100"), bucket=Bucket.PRIMARY)]
    >>> remit = Remittance(payer="acme", payee="1234567893", total_payment=usd("60"),
    ...     payment_method="ACH", trace_number="T1", paid_date=datetime.date(2024, 4, 1),
    ...     claims=[ClaimPayment(patient_control_number="CLM1", status="1", charge=usd("100"),
    ...         paid=usd("60"), lines=[ServicePayment(line_control_number="L1", charge=usd("100"),
    ...             paid=usd("60"),
    ...             adjustments=CasAdjustment.from_cas("CO", ("45", usd("30")))
    ...             + CasAdjustment.from_cas("PR", ("2", usd("10"))))])])
    >>> plan = plan_posting(remit, [claim], history)
    >>> plan.refused
    False
    >>> for e in apply_posting(plan, history):
    ...     print(type(e).__name__, e.amount, getattr(e, "to_bucket", None))
    PaymentReceived 60.00 USD None
    PaymentApplied 60.00 USD None
    Adjustment 30.00 USD None
    Adjustment 10.00 USD patient
"""  # noqa: E501 - a Markdown table

from __future__ import annotations

import datetime
import enum
from typing import Final

import attrs

from billing_core.balancing import BalanceCheck, BalancingReport
from billing_core.errors import Finding, Severity
from billing_core.ledger import Bucket, Entry, PaymentReceived, Refund
from billing_core.money import Money
from billing_core.posting._assumed import Assumed
from billing_core.remittance import ProviderAdjustmentReason

NON_COVERED_REASONS: Final = frozenset({"49", "50", "51", "55", "56", "96", "204"})
"""CARCs meaning "not covered": a PR amount with one of them needs the patient's authorization
on the line (an ABN or waiver) before the provider may bill the patient."""

PRIOR_PAYER_IMPACT_REASONS: Final = frozenset({"23"})
"""OA reasons that carry the prior payer's impact on a secondary or tertiary claim (not posted)."""


class ClaimLevelRule(enum.Enum):
    """How a claim-level amount is spread across the claim's lines (always exact to the cent).

    Examples:
        >>> ClaimLevelRule("proportional_to_paid")
        <ClaimLevelRule.PROPORTIONAL_TO_PAID: 'proportional_to_paid'>
    """

    PROPORTIONAL_TO_CHARGE = "proportional_to_charge"
    """In proportion to each line's charge (largest remainder)."""
    PROPORTIONAL_TO_PAID = "proportional_to_paid"
    """In proportion to what the payer paid on each line (charge when nothing was paid)."""
    DESIGNATED_LINE = "designated_line"
    """All of it on one line: ``designated_lines[claim id]``, else the claim's first line."""


class FollowUpKind(enum.Enum):
    """Why a claim needs someone's attention after posting.

    Examples:
        >>> str(FollowUpKind.DENIED)
        'denied'
    """

    DENIED = "denied"
    """The payer paid nothing, with reasons (posted as adjustments)."""
    NOT_OUR_CLAIM = "not_our_claim"
    """The payer did not recognise the claim (status 23): nothing posted; bill the right payer."""
    PREDETERMINATION = "predetermination"
    """Pricing only (status 25): nothing posted."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen(kw_only=True)
class FollowUp:
    """A claim marked for follow-up by a posting.

    Attributes:
        kind: Why.
        claim_id: Our claim.
        location: Where in the remittance, e.g. ``"claim 2 (CLM7)"``.
        reasons: The group-reason codes the payer gave (``"CO-16"``), in order.
        remarks: The remark codes (RARC) of the claim and its lines.
        amount: The amount concerned (the claim charge).

    Examples:
        >>> f = FollowUp(kind=FollowUpKind.DENIED, claim_id="CLM7", location="claim 1 (CLM7)",
        ...              reasons=("CO-16",), remarks=("N14",), amount=Money("50", "USD"))
        >>> str(f)
        'claim 1 (CLM7): denied 50.00 USD (CO-16; N14)'
    """

    kind: FollowUpKind
    claim_id: str
    location: str
    reasons: tuple[str, ...] = ()
    remarks: tuple[str, ...] = ()
    amount: Money

    def __str__(self) -> str:
        why = "; ".join(x for x in ("/".join(self.reasons), "/".join(self.remarks)) if x)
        return f"{self.location}: {self.kind} {self.amount}" + (f" ({why})" if why else "")


@attrs.frozen(kw_only=True)
class Crossover:
    """A claim the payer forwarded to the next payer itself (835 status 19, 20 or 21).

    Do not send the next payer a claim for it: it already has one.

    Attributes:
        claim_id: Our claim.
        account_id: Its account.
        from_bucket: The bucket of the payer that forwarded it.
        to_bucket: Where the patient responsibility went (the next coverage, or the patient).
        payer_claim_control_number: The forwarding payer's claim number.

    Examples:
        >>> Crossover(claim_id="CLM1", account_id="A1", from_bucket=Bucket.PRIMARY,
        ...           to_bucket=Bucket.SECONDARY, payer_claim_control_number="X9").to_bucket
        <Bucket.SECONDARY: 'secondary'>
    """

    claim_id: str
    account_id: str
    from_bucket: Bucket
    to_bucket: Bucket
    payer_claim_control_number: str = ""


class ProviderPostingKind(enum.Enum):
    """What a provider sub-ledger posting is.

    Examples:
        >>> ProviderPostingKind.of(ProviderAdjustmentReason.INTEREST_OWED)
        <ProviderPostingKind.INTEREST: 'interest'>
    """

    INTEREST = "interest"
    """Interest the payer paid (PLB L6, 51 or CR)."""
    RECOUPMENT = "recoupment"
    """Money the payer took back (PLB WO, WU, 72, B2, ...)."""
    FORWARDING_BALANCE = "forwarding_balance"
    """A balance carried to or from another remittance (PLB FB)."""
    OTHER = "other"
    """Any other provider-level adjustment."""
    UNMATCHED_CLAIM = "unmatched_claim"
    """A claim payment held in suspense because no claim of ours matched (``skip_unmatched``)."""
    UNRECONCILED = "unreconciled"
    """The difference of an accepted unbalanced remittance."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def of(cls, reason: ProviderAdjustmentReason) -> ProviderPostingKind:
        """The kind of posting a PLB reason makes.

        Examples:
            >>> ProviderPostingKind.of(ProviderAdjustmentReason.FORWARDING_BALANCE).value
            'forwarding_balance'
        """
        return _PLB_KINDS.get(reason, cls.OTHER)


_PLB_KINDS: Final = {
    ProviderAdjustmentReason.INTEREST_OWED: ProviderPostingKind.INTEREST,
    ProviderAdjustmentReason.INTEREST_PENALTY_CHARGE: ProviderPostingKind.INTEREST,
    ProviderAdjustmentReason.CAPITATION_INTEREST: ProviderPostingKind.INTEREST,
    ProviderAdjustmentReason.OVERPAYMENT_RECOVERY: ProviderPostingKind.RECOUPMENT,
    ProviderAdjustmentReason.UNSPECIFIED_RECOVERY: ProviderPostingKind.RECOUPMENT,
    ProviderAdjustmentReason.AUTHORIZED_RETURN: ProviderPostingKind.RECOUPMENT,
    ProviderAdjustmentReason.RECOVERY_ALLOWANCE: ProviderPostingKind.RECOUPMENT,
    ProviderAdjustmentReason.FORWARDING_BALANCE: ProviderPostingKind.FORWARDING_BALANCE,
}


@attrs.frozen(kw_only=True)
class ProviderPosting:
    """One posting to the provider sub-ledger (money of the remittance that belongs to no line).

    ``amount`` keeps the 835 sign: positive reduces the payment (a recoupment,
    a balance forwarded from an earlier remittance), negative increases it
    (interest, a balance carried to a later one). [`cash`][] is its effect
    on the money received.

    Attributes:
        id: The posting's id.
        remittance_id: The remittance it came from.
        kind: What it is.
        reason: The PLB reason, if it came from a PLB.
        reference: The payer's reference (PLB03-2) or the claim held.
        amount: The signed amount (835 sign).
        effective: The date.

    Examples:
        >>> p = ProviderPosting(id="k.1", remittance_id="T1", kind=ProviderPostingKind.INTEREST,
        ...     reason=ProviderAdjustmentReason.INTEREST_OWED, reference="CLM1",
        ...     amount=Money("-1.27", "USD"), effective=datetime.date(2024, 4, 1))
        >>> p.cash
        Money('1.27', 'USD')
    """

    id: str
    remittance_id: str
    kind: ProviderPostingKind
    reason: ProviderAdjustmentReason | None = None
    reference: str = ""
    amount: Money
    effective: datetime.date

    @property
    def cash(self) -> Money:
        """The effect on the money received: ``-amount``."""
        return -self.amount


@attrs.frozen(kw_only=True)
class PostingPlan:
    """What posting a remittance will do; [`apply_posting`][] records it.

    Attributes:
        idempotency_key: A SHA-256 hex digest of the remittance's content
            (`idempotency_key`); the same remittance always gives the same
            key, two different ones never (in practice) the same.
        remittance_id: The remittance.
        effective: The date of every entry (the remittance's paid date unless given).
        entries: The ledger entries to append, account by account in the order
            the remittance first names them; empty when [`refused`][].
        findings: Every problem and notice, with its location.
        follow_ups: Claims that need attention (denials, claims not taken).
        crossovers: Claims the payer forwarded to the next payer.
        provider_entries: The provider sub-ledger postings (PLB, held claims,
            an accepted imbalance); empty when [`refused`][].
        balancing: The remittance's balancing report.
        accepted_unbalanced: Whether the caller accepted an unbalanced remittance.
        assumed: The bucket balances the plan was built on (checked by
            [`apply_posting`][]).

    Examples:
        >>> plan = PostingPlan(idempotency_key="0" * 64, remittance_id="T1",
        ...     effective=datetime.date(2024, 4, 1), entries=(), findings=(), follow_ups=(),
        ...     crossovers=(), provider_entries=(), balancing=None, accepted_unbalanced=False,
        ...     total_payment=Money("0", "USD"))
        >>> plan.refused, plan.accounts
        (False, ())
    """

    idempotency_key: str
    remittance_id: str
    effective: datetime.date
    entries: tuple[Entry, ...]
    findings: tuple[Finding, ...]
    follow_ups: tuple[FollowUp, ...]
    crossovers: tuple[Crossover, ...]
    provider_entries: tuple[ProviderPosting, ...]
    balancing: BalancingReport | None
    accepted_unbalanced: bool
    total_payment: Money
    assumed: tuple[Assumed, ...] = attrs.field(default=(), repr=False)

    @property
    def refused(self) -> bool:
        """Whether a finding is an error: the plan then has no entries."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The error findings (why the plan is refused)."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def accounts(self) -> tuple[str, ...]:
        """The accounts the entries touch, in order."""
        return tuple(dict.fromkeys(e.account_id for e in self.entries))

    def entries_for(self, account_id: str) -> tuple[Entry, ...]:
        """The entries to append to one account's ledger, in order.

        Examples:
            >>> plan = PostingPlan(idempotency_key="0" * 64, remittance_id="T1",
            ...     effective=datetime.date(2024, 4, 1), entries=(), findings=(), follow_ups=(),
            ...     crossovers=(), provider_entries=(), balancing=None, accepted_unbalanced=False,
            ...     total_payment=Money("0", "USD"))
            >>> plan.entries_for("A1")
            ()
        """
        return tuple(e for e in self.entries if e.account_id == account_id)

    @property
    def crossed_over_claims(self) -> frozenset[str]:
        """Ids of the claims the payer forwarded: propose no claim to the next payer for them."""
        return frozenset(c.claim_id for c in self.crossovers)

    def reconciliation(self) -> BalanceCheck:
        """Check that the plan accounts for the whole payment.

        Rule ``posting.reconciliation``: total payment = money posted to the
        accounts (payments received minus recoupments refunded) - provider
        sub-ledger amounts. A refused plan posts nothing, so it reconciles
        only an empty remittance.

        Examples:
            >>> plan = PostingPlan(idempotency_key="0" * 64, remittance_id="T1",
            ...     effective=datetime.date(2024, 4, 1), entries=(), findings=(), follow_ups=(),
            ...     crossovers=(), provider_entries=(), balancing=None, accepted_unbalanced=False,
            ...     total_payment=Money("0", "USD"))
            >>> plan.reconciliation().ok
            True
        """
        terms: list[tuple[str, Money]] = []
        for e in self.entries:
            if isinstance(e, PaymentReceived):
                terms.append((f"received on account {e.account_id}", e.amount))
            elif isinstance(e, Refund):
                terms.append((f"recouped on account {e.account_id}", -e.amount))
        for p in self.provider_entries:
            terms.append((f"provider {p.kind} {p.reference}".rstrip(), p.cash))
        total = self.total_payment
        return BalanceCheck(
            rule="posting.reconciliation",
            location=f"remittance {self.remittance_id}",
            left_label="total payment",
            left=total,
            right=Money.from_minor(sum(m.minor for _, m in terms), total.currency),
            terms=tuple(terms),
        )

    def explain(self) -> str:
        """The findings, one per line, then the balancing explanation if it does not balance.

        Examples:
            >>> plan = PostingPlan(idempotency_key="0" * 64, remittance_id="T1",
            ...     effective=datetime.date(2024, 4, 1), entries=(), findings=(), follow_ups=(),
            ...     crossovers=(), provider_entries=(), balancing=None, accepted_unbalanced=False,
            ...     total_payment=Money("0", "USD"))
            >>> plan.explain()
            'remittance T1: nothing to report'
        """
        parts = [str(f) for f in self.findings]
        if self.balancing is not None and self.balancing.failures:
            parts.append(str(self.balancing))
        return "\n".join(parts) if parts else f"remittance {self.remittance_id}: nothing to report"


# The steps use the types above, so they are imported after them (each step
# module imports those types from this package, which is initialised this far).
from billing_core.posting._apply import apply_posting, idempotency_key  # noqa: E402
from billing_core.posting._plan import plan_posting  # noqa: E402

# The public home of the entry points is this package, not the private step
# module that defines them: pickles and the API reference name it. (Doctest
# then runs their examples in this package's namespace: they import what they use.)
for _function in (apply_posting, idempotency_key, plan_posting):
    _function.__module__ = __name__
del _function

__all__ = [
    "NON_COVERED_REASONS",
    "PRIOR_PAYER_IMPACT_REASONS",
    "ClaimLevelRule",
    "Crossover",
    "FollowUp",
    "FollowUpKind",
    "PostingPlan",
    "ProviderPosting",
    "ProviderPostingKind",
    "apply_posting",
    "idempotency_key",
    "plan_posting",
]
