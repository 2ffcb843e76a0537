"""The plan's result types: what a posting plan says and carries."""

from __future__ import annotations

import datetime
import enum
from typing import Final

import attrs

from billing_core.balancing import BalanceCheck, BalancingReport
from billing_core.errors import Finding, Severity
from billing_core.fees import VarianceReport
from billing_core.ledger import Bucket, Entry
from billing_core.money import Money
from billing_core.posting._assumed import Assumed
from billing_core.posting._reconcile import plan_terms
from billing_core.posting._views import plan_html, plan_records
from billing_core.remittance import ProviderAdjustmentReason
from billing_core.views import MoneyForm, Protected, Record, protected

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


class UnmatchedPolicy(enum.Enum):
    """What posting does with a claim payment or service line that matches nothing of ours.

    Examples:
        >>> UnmatchedPolicy("hold")
        <UnmatchedPolicy.HOLD: 'hold'>
    """

    HOLD = "hold"
    """Post everything that matches; hold the money of what does not (its CLP04, or a
    service line's SVC03 with its adjustments) as unapplied cash on the remittance's
    account, with a follow-up naming it (the default)."""
    REFUSE = "refuse"
    """Refuse the whole plan: nothing is posted until every claim and line matches."""

    def __str__(self) -> str:
        return self.value


class FollowUpKind(enum.Enum):
    """Why a claim needs someone's attention after posting.

    Examples:
        >>> str(FollowUpKind.DENIED)
        'denied'
    """

    DENIED = "denied"
    """The payer paid nothing, with reasons (adjusted off, as the denial policy says)."""
    APPEAL = "appeal"
    """Denied amounts held open in the payer's bucket for appeal (or a corrected claim),
    with the appeal deadline."""
    APPEAL_CLOSED = "appeal_closed"
    """A later answer of the payer settled a claim held for appeal (its hold is reversed)."""
    NOT_OUR_CLAIM = "not_our_claim"
    """The payer did not recognise the claim (status 23): nothing posted; bill the right payer."""
    PREDETERMINATION = "predetermination"
    """Pricing only (status 25): nothing posted."""
    UNMATCHED = "unmatched"
    """A claim payment or service line matching nothing of ours: its money is held
    (``entry_id``); apply it to the right claim, or refund it."""
    RECOUPMENT = "recoupment"
    """The payer took money back at provider level naming one of our claims: review it."""
    UNLINKED_RECOUPMENT = "unlinked_recoupment"
    """The payer took money back naming nothing we can tell is ours (a refund letter's
    number, a claim we do not have): recorded, not guessed; find what it is for."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen(kw_only=True)
class FollowUp:
    """A claim marked for follow-up by a posting.

    Attributes:
        kind: Why.
        claim_id: Our claim; for money matching nothing of ours, the patient
            control number the payer sent; for a recoupment not linked to a
            claim, the payer's reference.
        location: Where in the remittance, e.g. ``"claim 2 (CLM7)"``.
        reasons: The group-reason codes the payer gave (``"CO-16"``), in order.
        remarks: The remark codes (RARC) of the claim and its lines.
        amount: The amount concerned: the claim charge; the amount held for
            appeal, held unapplied, or taken back.
        deadline: The last day to act (the appeal deadline), if there is one.
        entry_id: The ledger entry it is about (the held cash, the appeal hold,
            the recoupment), if any.

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
    deadline: datetime.date | None = None
    entry_id: str | None = None

    def __str__(self) -> str:
        why = "; ".join(x for x in ("/".join(self.reasons), "/".join(self.remarks)) if x)
        by = f", by {self.deadline.isoformat()}" if self.deadline is not None else ""
        return f"{self.location}: {self.kind} {self.amount}" + (f" ({why})" if why else "") + by


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
    account_id: str = attrs.field(**protected(Protected.ID))
    from_bucket: Bucket
    to_bucket: Bucket
    payer_claim_control_number: str = ""


class ProviderPostingKind(enum.Enum):
    """What a posting of money of no line is (a PLB, money held, an accepted imbalance).

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
    """A claim payment held unapplied because no claim of ours matched it."""
    UNMATCHED_LINE = "unmatched_line"
    """A service line's payment held unapplied because no line of the claim matched it."""
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
    """Money of the remittance that belongs to no line, in 835 terms.

    Each is one ledger entry of the plan on the remittance's account (same
    id): [`CashHeld`][billing_core.ledger.CashHeld] for a claim or line held
    unapplied, [`ProviderPayment`][billing_core.ledger.ProviderPayment] or
    [`ProviderWithholding`][billing_core.ledger.ProviderWithholding] for a
    PLB or an accepted imbalance. ``amount`` keeps the 835 sign: positive
    reduces the payment (a recoupment, a balance forwarded from an earlier
    remittance), negative increases it (interest, a balance carried to a later
    one, money held). [`cash`][] is its effect on the money received.

    Attributes:
        id: The id of its ledger entry.
        remittance_id: The remittance it came from.
        kind: What it is.
        reason: The PLB reason, if it came from a PLB.
        reference: The payer's reference (PLB03-2) or the claim held.
        amount: The signed amount (835 sign).
        effective: The date.
        claim_id: Our claim the payer's reference names, when it names one.

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
    claim_id: str | None = None

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
            the remittance first names them, the remittance's own account (money
            held, provider-level adjustments) last; empty when [`refused`][].
        findings: Every problem and notice, with its location.
        follow_ups: What needs someone's attention: denials, appeals (with
            their deadline), money held unapplied, recoupments, claims not taken.
        crossovers: Claims the payer forwarded to the next payer.
        provider_entries: The entries of the remittance's account (money held,
            PLB, an accepted imbalance) in 835 terms; empty when [`refused`][].
        balancing: The remittance's balancing report.
        accepted_unbalanced: Whether the caller accepted an unbalanced remittance.
        assumed: The bucket balances the plan was built on (checked by
            [`apply_posting`][]).
        variances: Each claim payment set against its payer's contract, when
            [`plan_posting`][billing_core.posting.plan_posting] was given
            contracts (their findings are among the plan's ``findings``, as warnings).

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
    variances: tuple[VarianceReport, ...] = attrs.field(default=(), repr=False)

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
        """Check that the plan accounts for the whole payment, and applies no more than it got.

        Rule ``posting.reconciliation``: total payment = what is applied to
        each account's lines + what stays there as the payer's credit + money
        held unapplied + provider-level adjustments (+ held cash moved, for a
        plan applying it). An account and party that would apply more than the
        plan gives it shows as a residual (its credit is never counted below
        zero), so the check holds only when the cash adds up. A refused plan
        posts nothing, so it reconciles only an empty remittance.

        Examples:
            >>> plan = PostingPlan(idempotency_key="0" * 64, remittance_id="T1",
            ...     effective=datetime.date(2024, 4, 1), entries=(), findings=(), follow_ups=(),
            ...     crossovers=(), provider_entries=(), balancing=None, accepted_unbalanced=False,
            ...     total_payment=Money("0", "USD"))
            >>> plan.reconciliation().ok
            True
        """
        total = self.total_payment
        terms = plan_terms(self.entries, total.currency)
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

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, *, unmasked: bool = False) -> str:
        """The plan as HTML (a notebook shows it): summary, entries, findings; accounts masked.

        Examples:
            >>> plan = PostingPlan(idempotency_key="0" * 64, remittance_id="T1",
            ...     effective=datetime.date(2024, 4, 1), entries=(), findings=(), follow_ups=(),
            ...     crossovers=(), provider_entries=(), balancing=None, accepted_unbalanced=False,
            ...     total_payment=Money("0", "USD"))
            >>> "remittance T1" in plan.to_html()
            True
        """
        return plan_html(self, unmasked=unmasked)

    def to_records(self, *, unmasked: bool = False, money: MoneyForm = "decimal") -> list[Record]:
        """The entries to append as flat records (account ids masked unless ``unmasked``).

        Examples:
            >>> plan = PostingPlan(idempotency_key="0" * 64, remittance_id="T1",
            ...     effective=datetime.date(2024, 4, 1), entries=(), findings=(), follow_ups=(),
            ...     crossovers=(), provider_entries=(), balancing=None, accepted_unbalanced=False,
            ...     total_payment=Money("0", "USD"))
            >>> plan.to_records()
            []
        """
        return plan_records(self, unmasked=unmasked, money=money)
