"""Posting a remittance: from the payer's answer to ledger entries, every cent accounted for.

[`plan_posting`][] is pure: given a [`Remittance`][billing_core.remittance.Remittance],
our [`Claim`][billing_core.claims.Claim] objects and the current line balances,
it returns a [`PostingPlan`][] with the ledger entries to append per
account, the findings, the follow-ups (denials, claims the payer did not
take), the crossovers and the provider sub-ledger postings.
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

Examples:
    >>> import datetime
    >>> from billing_core.balances import line_balances
    >>> from billing_core.charges import Category, LineItem
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
    >>> plan = plan_posting(remit, [claim], line_balances(history, day))
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
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from billing_core.balances import Balance, line_balances
from billing_core.balancing import BalanceCheck, BalancingReport, check_all
from billing_core.charges import LineItem, authorization_problem
from billing_core.claims import Claim
from billing_core.codes import GroupCode
from billing_core.errors import (
    DuplicateError,
    Finding,
    Severity,
    StalePlanError,
    UnbalancedError,
    ValidationError,
)
from billing_core.ledger import (
    Adjustment,
    Bucket,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    Refund,
    Reversal,
    Source,
    next_bucket,
    reverse,
    validate_history,
)
from billing_core.money import Money, allocate_minor
from billing_core.parties import Coverage
from billing_core.remittance import (
    CasAdjustment,
    ClaimPayment,
    ClaimStatus,
    ProviderAdjustmentReason,
    Remittance,
    ServicePayment,
)

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

NON_COVERED_REASONS: Final = frozenset({"49", "50", "51", "55", "56", "96", "204"})
"""CARCs meaning "not covered": a PR amount with one of them needs the patient's authorization
on the line (an ABN or waiver) before the provider may bill the patient."""

PRIOR_PAYER_IMPACT_REASONS: Final = frozenset({"23"})
"""OA reasons that carry the prior payer's impact on a secondary or tertiary claim (not posted)."""

_TAG: Final = "835 claim "


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
class _Assumed:
    line_id: str
    account_id: str
    bucket: Bucket
    open_minor: int


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
    assumed: tuple[_Assumed, ...] = attrs.field(default=(), repr=False)

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


# --------------------------------------------------------------------------- idempotency


def _adj_key(adjustments: Iterable[CasAdjustment]) -> list[list[object]]:
    return [[a.group.value, a.reason.code, a.amount.minor] for a in adjustments]


def idempotency_key(remittance: Remittance) -> str:
    """A stable, collision-resistant key of a remittance's content.

    SHA-256 over a canonical JSON rendering of everything that makes the
    payment: payer, payee, trace number, paid date, method, total, and every
    claim (patient and payer control numbers, status, amounts, adjustments,
    lines) and provider adjustment, in file order. Ids chosen by the caller
    (``Remittance.id``) do not enter it, so the same 835 read twice gives the
    same key.

    Args:
        remittance: The remittance.

    Returns:
        64 lower-case hex digits.

    Examples:
        >>> import datetime
        >>> r = Remittance(payer="P", payee="Q", total_payment=Money("0", "USD"),
        ...     payment_method="NON", trace_number="T1", paid_date=datetime.date(2024, 1, 2))
        >>> idempotency_key(r) == idempotency_key(attrs.evolve(r, id="other"))
        True
        >>> idempotency_key(r) == idempotency_key(attrs.evolve(r, trace_number="T2"))
        False
    """
    claims = [
        [
            c.patient_control_number,
            c.status.value,
            c.charge.minor,
            c.paid.minor,
            None if c.patient_responsibility is None else c.patient_responsibility.minor,
            c.payer_claim_control_number,
            _adj_key(c.adjustments),
            [
                [
                    s.line_control_number,
                    None if s.procedure is None else str(s.procedure),
                    s.charge.minor,
                    s.paid.minor,
                    None if s.service_date is None else s.service_date.isoformat(),
                    _adj_key(s.adjustments),
                ]
                for s in c.lines
            ],
        ]
        for c in remittance.claims
    ]
    content = [
        "billing_core.posting/1",
        remittance.payer,
        remittance.payee,
        remittance.trace_number,
        remittance.paid_date.isoformat(),
        remittance.payment_method.value,
        remittance.total_payment.currency,
        remittance.total_payment.minor,
        claims,
        [
            [p.reason.value, p.reference, p.amount.minor, p.provider_id]
            for p in remittance.provider_adjustments
        ],
    ]
    text = json.dumps(content, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# --------------------------------------------------------------------------- helpers


def _err(location: str, message: str, rule: str) -> Finding:
    return Finding(location=location, message=message, rule=rule, severity=Severity.ERROR)


def _warn(location: str, message: str, rule: str) -> Finding:
    return Finding(location=location, message=message, rule=rule, severity=Severity.WARNING)


def _coverage_buckets(items: Iterable[Coverage | Bucket]) -> list[Bucket]:
    out = []
    for item in items:
        if isinstance(item, Bucket):
            out.append(item)
        elif isinstance(item, Coverage):
            out.append(Bucket.coverage(item.sequence.value))
        else:
            raise TypeError(f"coverages must be Coverage or Bucket values, got {item!r}")
    return out


def _allocate_minor(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` minor units by weights, largest remainder; all-zero weights split evenly."""
    if total == 0:
        return [0] * len(weights)
    return list(allocate_minor(total, list(weights) if any(weights) else [1] * len(weights)))


def _allocate_capped(total: int, weights: Sequence[int], caps: Sequence[int]) -> list[int] | None:
    """Split a positive total by weights, no part above its cap; None if the caps are too small."""
    n = len(weights)
    shares = [0] * n
    remaining = total
    active = [i for i in range(n) if caps[i] > 0]
    while remaining > 0 and active:
        ws = [weights[i] for i in active]
        if not any(ws):
            ws = [caps[i] - shares[i] for i in active]
        parts = _allocate_minor(remaining, ws)
        for i, part in zip(active, parts, strict=True):
            take = min(part, caps[i] - shares[i])
            shares[i] += take
            remaining -= take
        active = [i for i in active if shares[i] < caps[i]]
    return shares if remaining == 0 else None


def _same_service(item: LineItem, payment: ServicePayment) -> bool:
    if item.charge.minor != payment.charge.minor:
        return False
    code = payment.submitted_procedure or payment.procedure
    if code is None or item.procedure is None or item.procedure.code != code.code:
        return False
    day = payment.service_date
    return day is None or item.service_date <= day <= item.service_end


class _LinePost:
    """The amounts to post on one line (minor units)."""

    __slots__ = ("adjustments", "item", "paid", "where")

    def __init__(self, item: LineItem, paid: int, where: tuple[str, int, str | None]) -> None:
        self.item = item
        self.paid = paid
        self.where = where  # (claim location, line number or 0 for claim level, control number)
        self.adjustments: list[tuple[GroupCode, str, int]] = []

    @property
    def location(self) -> str:
        loc, number, lcn = self.where
        if number == 0:
            return f"{loc} line {self.item.id} (claim level)"
        return f"{loc} line {number}" + (f" ({lcn})" if lcn else "")


class _Planner:
    def __init__(
        self,
        remittance: Remittance,
        claims: Iterable[Claim],
        balances: Mapping[str, Balance],
        *,
        coverages: Mapping[str, Iterable[Coverage | Bucket]],
        claim_level_rule: ClaimLevelRule,
        designated_lines: Mapping[str, str],
        history: Iterable[Entry],
        skip_unmatched: bool,
        effective: datetime.date,
        key: str,
    ) -> None:
        self.remittance = remittance
        self.balances = balances
        self.coverages = coverages
        self.rule = claim_level_rule
        self.designated = designated_lines
        self.history = history if isinstance(history, list | tuple) else tuple(history)
        self.skip_unmatched = skip_unmatched
        self.effective = effective
        self.key = key
        self.prefix = key[:16]
        self.currency = remittance.currency
        self.findings: list[Finding] = []
        self.entries: list[Entry] = []
        self.follow_ups: list[FollowUp] = []
        self.crossovers: list[Crossover] = []
        self.provider: list[ProviderPosting] = []
        # net cash per (account, paying party): each party's money is its own credit
        self.cash: dict[tuple[str, Party], int] = {}
        self.base: dict[tuple[str, Bucket], int | None] = {}
        self.delta: dict[tuple[str, Bucket], int] = {}
        self.following: dict[tuple[str, Bucket], Bucket] = {}
        self.parties: dict[str, Party] = {}
        self.assumed: dict[tuple[str, Bucket], _Assumed] = {}
        self.seq = 0
        self.claims: dict[str, Claim] = {}
        self.line_owner: dict[str, str] = {}
        self._originals: dict[str, list[Entry]] | None = None
        self._reversed: set[str] = set()
        for claim in claims:
            if claim.id in self.claims:
                self.findings.append(
                    _err(f"claim {claim.id}", "two claims given with this id", "posting.claims")
                )
                continue
            self.claims[claim.id] = claim
            for line in claim.lines:
                owner = self.line_owner.setdefault(line.id, claim.id)
                other = self.claims[owner].account_id
                if other != claim.account_id:
                    # Balances and the bucket simulation are by line id: never mix two
                    # accounts' lines. (A replacement claim on the same account reuses
                    # the original's line items: that is one line, not two.)
                    self.findings.append(
                        _err(
                            f"claim {claim.id} line {line.id}",
                            f"line id {line.id} is also a line of claim {owner} on account"
                            f" {other}; line ids must be unique across accounts",
                            "posting.duplicate_line_id",
                        )
                    )

    def next_id(self) -> str:
        self.seq += 1
        return f"{self.prefix}.{self.seq}"

    # -- bucket simulation ------------------------------------------------------------

    def open_of(self, line_id: str, account_id: str, bucket: Bucket) -> int | None:
        """What the plan so far leaves open in a bucket; None if the line has no balance."""
        k = (line_id, bucket)
        if k in self.base:
            value = self.base[k]
        else:
            balance = self.balances.get(line_id)
            value = None if balance is None else balance.open.of(bucket).minor
            self.base[k] = value
            if value is not None:
                self.assumed[k] = _Assumed(
                    line_id=line_id, account_id=account_id, bucket=bucket, open_minor=value
                )
        if value is None:
            return None
        return value + self.delta.get(k, 0)

    def shift(self, line_id: str, bucket: Bucket, minor: int) -> None:
        k = (line_id, bucket)
        self.delta[k] = self.delta.get(k, 0) + minor

    # -- the run ----------------------------------------------------------------------

    def run(self) -> None:
        by_pcn: dict[str, list[int]] = {}
        for index, cp in enumerate(self.remittance.claims):
            by_pcn.setdefault(cp.patient_control_number, []).append(index)
        order: list[int] = []
        for pcn, indexes in by_pcn.items():
            if len(indexes) > 1:
                reversals = [i for i in indexes if self.remittance.claims[i].is_reversal]
                others = [i for i in indexes if i not in reversals]
                if len(reversals) > 1 or len(others) > 1:
                    where = ", ".join(str(i + 1) for i in indexes)
                    self.findings.append(
                        _err(
                            f"claims {where} ({pcn})",
                            f"claim {pcn} is answered {len(indexes)} times; only a reversal"
                            " and its correction may name the same claim",
                            "posting.duplicate_claim",
                        )
                    )
        for indexes in by_pcn.values():
            # file order of first appearance; a reversal before the correction that follows it
            order.extend(sorted(indexes, key=lambda i: not self.remittance.claims[i].is_reversal))
        for index in order:
            self.claim_payment(index + 1, self.remittance.claims[index])
        self.finish()

    def claim_payment(self, number: int, cp: ClaimPayment) -> None:
        pcn = cp.patient_control_number
        loc = f"claim {number} ({pcn})"
        claim = self.claims.get(pcn)
        if claim is None:
            if self.skip_unmatched:
                self.findings.append(
                    _warn(loc, f"no claim {pcn!r} of ours; its payment is held", "posting.held")
                )
                if cp.paid.minor:
                    self.provider.append(
                        ProviderPosting(
                            id=self.next_id(),
                            remittance_id=self.remittance.id,
                            kind=ProviderPostingKind.UNMATCHED_CLAIM,
                            reference=pcn,
                            amount=-cp.paid,
                            effective=self.effective,
                        )
                    )
            else:
                self.findings.append(
                    _err(
                        loc,
                        f"no claim {pcn!r} of ours matches this patient control number",
                        "posting.unmatched_claim",
                    )
                )
            return
        if claim.currency != self.currency:
            self.findings.append(
                _err(
                    loc,
                    f"the remittance is in {self.currency}, claim {claim.id} in {claim.currency}",
                    "posting.currency",
                )
            )
            return
        status = cp.status
        if status is ClaimStatus.PREDETERMINATION or status is ClaimStatus.NOT_OUR_CLAIM:
            kind = (
                FollowUpKind.PREDETERMINATION
                if status is ClaimStatus.PREDETERMINATION
                else FollowUpKind.NOT_OUR_CLAIM
            )
            self.follow_up(kind, claim, cp, loc)
            if cp.paid.minor:
                self.findings.append(
                    _err(
                        loc, f"status {status.value} with a payment of {cp.paid}", "posting.status"
                    )
                )
            return
        bucket = Bucket.coverage(claim.coverage.sequence.value)
        if status.sequence is not None and status.sequence != bucket.sequence:
            self.findings.append(
                _warn(
                    loc,
                    f"the payer processed the claim as {Bucket.coverage(status.sequence)} but it"
                    f" was billed to the {bucket} coverage; posted to the {bucket} bucket",
                    "posting.sequence",
                )
            )
        following = self.following.get((claim.account_id, bucket))
        if following is None:
            following = next_bucket(
                bucket, _coverage_buckets(self.coverages.get(claim.account_id, ()))
            )
            self.following[(claim.account_id, bucket)] = following
        party = self.parties.get(claim.payer.id)
        if party is None:
            party = self.parties[claim.payer.id] = Party.payer(claim.payer.id)
        source = Source(
            payment_id=self.remittance.trace_number,
            remittance_id=self.remittance.id,
            reason=f"{_TAG}{pcn} payer claim {cp.payer_claim_control_number}",
        )
        # A reversal carries the original's amounts negated: plan from the original's.
        basis = cp.as_reversal() if cp.is_reversal else cp
        posts = self.line_posts(claim, basis, loc, bucket)
        if posts is None:
            return
        if cp.is_reversal:
            self.reverse_claim(claim, cp, loc, source, posts, bucket, following)
        else:
            for post in posts:
                self.post_line(claim, post, bucket, following, party, source)
        k = (claim.account_id, party)
        self.cash[k] = self.cash.get(k, 0) + cp.paid.minor
        if status.forwarded:
            self.crossovers.append(
                Crossover(
                    claim_id=claim.id,
                    account_id=claim.account_id,
                    from_bucket=bucket,
                    to_bucket=following,
                    payer_claim_control_number=cp.payer_claim_control_number,
                )
            )
        if cp.is_denied:
            self.follow_up(FollowUpKind.DENIED, claim, cp, loc)

    def follow_up(self, kind: FollowUpKind, claim: Claim, cp: ClaimPayment, loc: str) -> None:
        reasons = [a.key for a in cp.adjustments]
        remarks = [r.code for r in cp.remarks]
        for line in cp.lines:
            reasons.extend(a.key for a in line.adjustments)
            remarks.extend(r.code for r in line.remarks)
        self.follow_ups.append(
            FollowUp(
                kind=kind,
                claim_id=claim.id,
                location=loc,
                reasons=tuple(dict.fromkeys(reasons)),
                remarks=tuple(dict.fromkeys(remarks)),
                amount=cp.charge,
            )
        )

    # -- matching and distribution ----------------------------------------------------

    def errors_since(self, start: int) -> bool:
        """Whether a finding added since index ``start`` is an error."""
        return any(f.severity is Severity.ERROR for f in self.findings[start:])

    def line_posts(
        self, claim: Claim, cp: ClaimPayment, loc: str, bucket: Bucket
    ) -> list[_LinePost] | None:
        errors_before = len(self.findings)
        posts: list[_LinePost] = []
        if cp.lines:
            remaining = {line.id: line for line in claim.lines}
            found: list[LineItem | None] = []
            # first every line control number, then the fallback for the lines without one
            for sp in cp.lines:
                lcn = sp.line_control_number
                found.append(remaining.pop(lcn, None) if lcn else None)
            for li, (sp, item) in enumerate(zip(cp.lines, found, strict=True), 1):
                lcn = sp.line_control_number
                if item is None:
                    lloc = f"{loc} line {li}" + (f" ({lcn})" if lcn else "")
                    item = self.match_fallback(claim, remaining, sp, lloc)
                    if item is None:
                        continue
                    del remaining[item.id]
                post = _LinePost(item, sp.paid.minor, (loc, li, lcn))
                post.adjustments.extend(
                    (a.group, a.reason.code, a.amount.minor) for a in sp.adjustments
                )
                posts.append(post)
        else:
            posts = [_LinePost(item, 0, (loc, 0, None)) for item in claim.lines]
        if self.errors_since(errors_before):
            return None
        if not posts:
            return posts
        if cp.lines:
            self.distribute_claim_level(claim, cp, loc, posts)
        else:
            self.distribute_whole_claim(claim, cp, loc, posts)
        if self.errors_since(errors_before):
            return None
        return posts

    def match_fallback(
        self, claim: Claim, remaining: dict[str, LineItem], sp: ServicePayment, lloc: str
    ) -> LineItem | None:
        lcn = sp.line_control_number
        if lcn:
            owner = self.line_owner.get(lcn)
            if owner is not None and owner != claim.id:
                self.findings.append(
                    _err(
                        lloc,
                        f"line control number {lcn} is a line of claim {owner}, not of {claim.id}",
                        "posting.line_of_other_claim",
                    )
                )
                return None
            if owner == claim.id:
                self.findings.append(
                    _err(lloc, f"line {lcn} is answered twice", "posting.duplicate_line")
                )
                return None
        candidates = [item for item in remaining.values() if _same_service(item, sp)]
        if len(candidates) == 1:
            found = candidates[0]
            why = "no line control number" if not lcn else f"unknown line control number {lcn}"
            self.findings.append(
                _warn(
                    lloc,
                    f"{why}; matched to line {found.id} by procedure, service date and charge",
                    "posting.line_matched_by_service",
                )
            )
            return found
        what = "several lines" if candidates else "no line"
        self.findings.append(
            _err(
                lloc,
                f"{what} of claim {claim.id} match this service line"
                f" ({sp.procedure or 'no procedure'}, {sp.service_date}, {sp.charge});"
                " nothing is posted for a guess",
                "posting.unmatched_line",
            )
        )
        return None

    def weights(self, claim: Claim, posts: list[_LinePost], paid: bool) -> list[int]:
        if self.rule is ClaimLevelRule.DESIGNATED_LINE:
            wanted = self.designated.get(claim.id, posts[0].item.id)
            weights = [1 if p.item.id == wanted else 0 for p in posts]
            if not any(weights):
                weights[0] = 1
            return weights
        if paid and self.rule is ClaimLevelRule.PROPORTIONAL_TO_PAID:
            ws = [max(p.paid, 0) for p in posts]
            if any(ws):
                return ws
        return [p.item.charge.minor for p in posts]

    def distribute_claim_level(
        self, claim: Claim, cp: ClaimPayment, loc: str, posts: list[_LinePost]
    ) -> None:
        for adj in cp.adjustments:
            amount = adj.amount.minor
            if amount == 0:
                continue
            weights = self.weights(claim, posts, paid=True)
            if amount > 0:
                caps = [max(p.paid, 0) for p in posts]
                shares = _allocate_capped(amount, weights, caps)
                if shares is None:
                    self.findings.append(
                        _err(
                            loc,
                            f"claim-level {adj} is more than the lines paid; it cannot be"
                            " spread over the lines",
                            "posting.claim_level",
                        )
                    )
                    return
            else:
                shares = _allocate_minor(amount, weights)
            for post, share in zip(posts, shares, strict=True):
                if share:
                    post.paid -= share
                    post.adjustments.append((adj.group, adj.reason.code, share))

    def distribute_whole_claim(
        self, claim: Claim, cp: ClaimPayment, loc: str, posts: list[_LinePost]
    ) -> None:
        charges = [p.item.charge.minor for p in posts]
        if sum(charges) != cp.charge.minor:
            self.findings.append(
                _warn(
                    loc,
                    f"the payer answered without lines; its charge {cp.charge} differs from"
                    f" the claim's lines {Money.from_minor(sum(charges), self.currency)}",
                    "posting.claim_charge",
                )
            )
        weights = self.weights(claim, posts, paid=False)
        for adj in cp.adjustments:
            shares = _allocate_minor(adj.amount.minor, weights)
            for post, share in zip(posts, shares, strict=True):
                if share:
                    post.adjustments.append((adj.group, adj.reason.code, share))
        paid_shares = _allocate_minor(cp.paid.minor, weights)
        exact = sum(charges) == cp.charge.minor
        for post, paid_share in zip(posts, paid_shares, strict=True):
            if exact:
                # each line's paid is what its charge leaves, so each line balances exactly
                post.paid = post.item.charge.minor - sum(a for _, _, a in post.adjustments)
            else:
                post.paid = paid_share
            if post.paid < 0:
                self.findings.append(
                    _err(
                        post.location,
                        "the claim-level amounts give this line a negative payment",
                        "posting.claim_level",
                    )
                )

    # -- entries ----------------------------------------------------------------------

    def components(
        self, post: _LinePost, bucket: Bucket
    ) -> tuple[int, list[tuple[GroupCode, str, int]], list[tuple[str, int]], int] | None:
        """(applied, write-offs, transfers, overpaid) for a line; None on error."""
        nets: dict[tuple[GroupCode, str], int] = {}
        for group, reason, amount in post.adjustments:
            nets[(group, reason)] = nets.get((group, reason), 0) + amount
        writeoffs: list[tuple[GroupCode, str, int]] = []
        transfers: list[tuple[str, int]] = []
        overpaid = 0
        secondary = bucket is not Bucket.PRIMARY
        for (group, reason), amount in nets.items():
            if group is GroupCode.OA and secondary and reason in PRIOR_PAYER_IMPACT_REASONS:
                continue
            if group is GroupCode.CR:
                self.findings.append(
                    _err(
                        post.location,
                        f"CR-{reason}: CR (4010 correction/reversal) cannot be posted",
                        "posting.group",
                    )
                )
                return None
            if amount < 0:
                overpaid -= amount
            elif amount == 0:
                continue
            elif group is GroupCode.PR:
                transfers.append((reason, amount))
            else:
                writeoffs.append((group, reason, amount))
        applied = post.paid - overpaid
        if applied < 0:
            self.findings.append(
                _err(
                    post.location,
                    f"negative payment {Money.from_minor(applied, self.currency)} on a line"
                    " that is not a reversal",
                    "posting.negative",
                )
            )
            return None
        return applied, writeoffs, transfers, overpaid

    def post_line(
        self,
        claim: Claim,
        post: _LinePost,
        bucket: Bucket,
        following: Bucket,
        party: Party,
        source: Source,
    ) -> None:
        parts = self.components(post, bucket)
        if parts is None:
            return
        applied, writeoffs, transfers, overpaid = parts
        item = post.item
        line_id, account = item.id, claim.account_id
        need = applied + sum(w[2] for w in writeoffs) + sum(t[1] for t in transfers)
        available = self.open_of(line_id, account, bucket)
        cur = self.currency
        if available is None:
            self.findings.append(
                _err(post.location, f"line {line_id} has no charge posted", "posting.no_charge")
            )
            return
        if need > available:
            self.findings.append(
                _err(
                    post.location,
                    f"would take {Money.from_minor(need, cur)} out of the {bucket} bucket of"
                    f" line {line_id}, which has {Money.from_minor(available, cur)} open",
                    "posting.overdrawn",
                )
            )
            return
        if need < available:
            self.findings.append(
                _warn(
                    post.location,
                    f"{Money.from_minor(available - need, cur)} stays open in the {bucket}"
                    f" bucket of line {line_id}",
                    "posting.left_open",
                )
            )
        if overpaid:
            self.findings.append(
                _warn(
                    post.location,
                    f"a negative adjustment adds {Money.from_minor(overpaid, cur)} to the"
                    " payment; it stays as the payer's unapplied credit",
                    "posting.overpaid",
                )
            )
        self.shift(line_id, bucket, -need)
        eff = self.effective
        new = self.entries.append
        if applied:
            new(
                PaymentApplied(
                    id=self.next_id(),
                    account_id=account,
                    line_id=line_id,
                    effective=eff,
                    amount=Money.from_minor(applied, cur),
                    source=source,
                    party=party,
                    bucket=bucket,
                )
            )

        def adjustment(group: GroupCode, reason: str, amount: int, to: Bucket | None) -> None:
            new(
                Adjustment(
                    id=self.next_id(),
                    account_id=account,
                    line_id=line_id,
                    effective=eff,
                    amount=Money.from_minor(amount, cur),
                    source=source,
                    bucket=bucket,
                    group=group,
                    reason=reason,
                    to_bucket=to,
                )
            )

        for group, reason, amount in writeoffs:
            adjustment(group, reason, amount, None)
        for reason, amount in transfers:
            if reason in NON_COVERED_REASONS:
                problem = authorization_problem(item, required=True)
                if problem is not None:
                    self.findings.append(
                        _warn(
                            post.location,
                            f"PR-{reason} (not covered) goes to the {following} bucket but"
                            f" {problem}; the provider usually cannot bill it",
                            "posting.noncovered_without_authorization",
                        )
                    )
            self.shift(line_id, following, amount)
            adjustment(GroupCode.PR, reason, amount, following)

    # -- reversals --------------------------------------------------------------------

    def originals(self) -> dict[str, list[Entry]]:
        if self._originals is None:
            index: dict[str, list[Entry]] = {}
            for e in self.history:
                if isinstance(e, Reversal):
                    self._reversed.add(e.reverses)
                    continue
                reason = e.source.reason
                if (
                    reason is not None
                    and reason.startswith(_TAG)
                    and e.source.remittance_id is not None
                    and isinstance(e, PaymentApplied | Adjustment)
                ):
                    index.setdefault(reason, []).append(e)
            self._originals = index
        return self._originals

    def reverse_claim(
        self,
        claim: Claim,
        cp: ClaimPayment,
        loc: str,
        source: Source,
        posts: list[_LinePost],
        bucket: Bucket,
        following: Bucket,
    ) -> None:
        # What the original posting made: the reversal's amounts negated back.
        wanted: list[_Sig] = []
        for post in posts:
            parts = self.components(post, bucket)
            if parts is None:
                return
            applied, writeoffs, transfers, _over = parts
            line_id = post.item.id
            if applied:
                wanted.append(_sig(line_id, "applied", bucket, applied))
            for group, reason, amount in writeoffs:
                wanted.append(_sig(line_id, "adjusted", bucket, amount, group, reason))
            for reason, amount in transfers:
                wanted.append(_sig(line_id, "moved", bucket, amount, GroupCode.PR, reason))
        candidates = [
            e
            for e in self.originals().get(source.reason or "", [])
            if e.id not in self._reversed and e.account_id == claim.account_id
        ]
        pool: dict[_Sig, list[Entry]] = {}
        for e in candidates:
            pool.setdefault(_signature(e), []).append(e)
        chosen: list[Entry] = []
        missing = []
        for sig in wanted:
            found = pool.get(sig)
            if found:
                chosen.append(found.pop(0))
            else:
                missing.append(sig)
        leftover = [e for es in pool.values() for e in es]
        if not candidates and wanted:
            self.findings.append(
                _err(
                    loc,
                    f"reversal of claim {claim.id} (payer claim"
                    f" {cp.payer_claim_control_number or '?'}) but no posting of it to reverse",
                    "posting.reversal_unpaired",
                )
            )
            return
        if missing or leftover:
            self.findings.append(
                _err(
                    loc,
                    f"the reversal does not negate the original posting exactly"
                    f" ({len(missing)} amounts not found, {len(leftover)} entries left over)",
                    "posting.reversal_mismatch",
                )
            )
            return
        for original in chosen:
            assert original.line_id is not None
            line_id = original.line_id
            amount = original.amount.minor
            if isinstance(original, Adjustment) and original.to_bucket is not None:
                to = original.to_bucket
                now = self.open_of(line_id, claim.account_id, to)
                if now is None or now < amount:
                    self.findings.append(
                        _err(
                            loc,
                            f"cannot reverse {original.group}-{original.reason} on line"
                            f" {line_id}: the {to} bucket no longer holds"
                            f" {original.amount} (already paid or moved)",
                            "posting.reversal_moved_on",
                        )
                    )
                    return
                self.shift(line_id, to, -amount)
            self.shift(line_id, bucket, amount)
            self._reversed.add(original.id)
            try:
                self.entries.append(
                    reverse(
                        original,
                        id=self.next_id(),
                        effective=self.effective,
                        reason=f"835 reversal in remittance {self.remittance.id}",
                    )
                )
            except ValidationError as exc:
                self.findings.extend(exc.findings)
                return

    # -- accounts and provider sub-ledger ---------------------------------------------

    def finish(self) -> None:
        cur = self.currency
        cash_entries: list[Entry] = []
        for (account, party), minor in self.cash.items():
            if minor > 0:
                cash_entries.append(
                    PaymentReceived(
                        id=f"{self.prefix}.received.{account}.{party.id}",
                        account_id=account,
                        effective=self.effective,
                        amount=Money.from_minor(minor, cur),
                        source=Source(
                            payment_id=self.remittance.trace_number,
                            remittance_id=self.remittance.id,
                        ),
                        party=party,
                    )
                )
            elif minor < 0:
                cash_entries.append(
                    Refund(
                        id=f"{self.prefix}.recouped.{account}.{party.id}",
                        account_id=account,
                        effective=self.effective,
                        amount=Money.from_minor(-minor, cur),
                        source=Source(
                            payment_id=self.remittance.trace_number,
                            remittance_id=self.remittance.id,
                            reason="recouped by the payer in this remittance",
                        ),
                        party=party,
                    )
                )
        # Group each account's entries, its cash entries (one per party) first.
        by_account: dict[str, list[Entry]] = {}
        for e in cash_entries:
            by_account.setdefault(e.account_id, []).append(e)
        for e in self.entries:
            by_account.setdefault(e.account_id, []).append(e)
        self.entries = [e for es in by_account.values() for e in es]
        for plb in self.remittance.provider_adjustments:
            self.provider.append(
                ProviderPosting(
                    id=self.next_id(),
                    remittance_id=self.remittance.id,
                    kind=ProviderPostingKind.of(plb.reason),
                    reason=plb.reason,
                    reference=plb.reference,
                    amount=plb.amount,
                    effective=self.effective,
                )
            )
        posted = sum(self.cash.values()) - sum(p.amount.minor for p in self.provider)
        difference = posted - self.remittance.total_payment.minor
        if difference:
            self.provider.append(
                ProviderPosting(
                    id=self.next_id(),
                    remittance_id=self.remittance.id,
                    kind=ProviderPostingKind.UNRECONCILED,
                    reference="accepted imbalance",
                    amount=Money.from_minor(difference, cur),
                    effective=self.effective,
                )
            )


_Sig = tuple[str, str, str, str, str, int]
"""What a reversal must negate: (line, kind, bucket, group, reason, minor amount)."""


def _sig(
    line_id: str,
    kind: str,
    bucket: Bucket,
    amount: int,
    group: GroupCode | None = None,
    reason: str = "",
) -> _Sig:
    return (line_id, kind, bucket.value, "" if group is None else group.value, reason, amount)


def _signature(e: Entry) -> _Sig:
    """The ``_sig`` of an entry a posting made (a PaymentApplied or an Adjustment)."""
    line = e.line_id or ""
    if isinstance(e, PaymentApplied):
        return _sig(line, "applied", e.bucket, e.amount.minor)
    assert isinstance(e, Adjustment)
    kind = "adjusted" if e.to_bucket is None else "moved"
    return _sig(line, kind, e.bucket, e.amount.minor, e.group, e.reason)


# --------------------------------------------------------------------------- public API


def plan_posting(
    remittance: Remittance,
    claims: Iterable[Claim],
    balances: Mapping[str, Balance],
    *,
    coverages: Mapping[str, Iterable[Coverage | Bucket]] | None = None,
    claim_level_rule: ClaimLevelRule = ClaimLevelRule.PROPORTIONAL_TO_CHARGE,
    designated_lines: Mapping[str, str] | None = None,
    history: Iterable[Entry] = (),
    accept_unbalanced: bool = False,
    skip_unmatched: bool = False,
    effective: datetime.date | None = None,
) -> PostingPlan:
    """Plan the posting of a remittance (pure: nothing is recorded).

    Args:
        remittance: The payer's remittance.
        claims: Our claims the remittance may answer (matched by id = patient
            control number); extra claims are fine.
        balances: The current balance of each line, by line id (from
            [`line_balances`][billing_core.balances.line_balances]); only the open amount
            per bucket is used.
        coverages: Per account id, the account's coverages (or their buckets),
            to find the next coverage a PR amount moves to. An account not
            listed has no coverage after the one billed: PR goes to the patient.
        claim_level_rule: How claim-level adjustments (and, for a claim
            answered without lines, its payment) are spread over its lines.
        designated_lines: For [`ClaimLevelRule.DESIGNATED_LINE`][], the line
            id per claim id.
        history: The accounts' entries; needed only to pair a reversal
            (status 22) with the posting it reverses.
        accept_unbalanced: Post a remittance that does not balance; its
            imbalances become warnings and the difference goes to the provider
            sub-ledger.
        skip_unmatched: Hold claim payments that match no claim of ours in
            the provider sub-ledger (a warning) instead of refusing the plan.
        effective: The date of the entries; the remittance's paid date by default.

    Returns:
        The plan; [`PostingPlan.refused`][] (with no entries) when a finding
        is an error.

    Examples:
        >>> import datetime
        >>> r = Remittance(payer="P", payee="Q", total_payment=Money("5", "USD"),
        ...     payment_method="CHK", trace_number="T9", paid_date=datetime.date(2024, 1, 2))
        >>> plan = plan_posting(r, [], {})
        >>> plan.refused, plan.entries
        (True, ())
        >>> print(plan.errors[0])
        remittance T9: BPR02 total payment 5.00 USD but BPR02 = sum(CLP04) - sum(PLB) gives 0.00 USD (residual 5.00 USD)
    """  # noqa: E501
    key = idempotency_key(remittance)
    report = check_all(remittance)
    when = remittance.paid_date if effective is None else effective
    planner = _Planner(
        remittance,
        claims,
        balances,
        coverages=coverages or {},
        claim_level_rule=claim_level_rule,
        designated_lines=designated_lines or {},
        history=history,
        skip_unmatched=skip_unmatched,
        effective=when,
        key=key,
    )
    balancing: list[Finding] = list(report.findings)
    for failure in report.failures:
        finding = failure.to_finding()
        if accept_unbalanced:
            finding = attrs.evolve(finding, severity=Severity.WARNING)
        balancing.append(finding)
    planner.findings[:0] = balancing
    prefix = key[:16] + "."
    posted = next((e for e in planner.history if e.id.startswith(prefix)), None)
    if posted is not None:
        planner.findings.append(
            _err(
                f"remittance {remittance.trace_number}",
                f"already posted (entry {posted.id} carries this remittance's idempotency key)",
                "posting.already_posted",
            )
        )
    planner.run()
    refused = any(f.severity is Severity.ERROR for f in planner.findings)
    return PostingPlan(
        idempotency_key=key,
        remittance_id=remittance.id,
        effective=when,
        entries=() if refused else tuple(planner.entries),
        findings=tuple(planner.findings),
        follow_ups=tuple(planner.follow_ups),
        crossovers=tuple(planner.crossovers),
        provider_entries=() if refused else tuple(planner.provider),
        balancing=report,
        accepted_unbalanced=accept_unbalanced,
        total_payment=remittance.total_payment,
        assumed=tuple(planner.assumed.values()),
    )


def apply_posting(plan: PostingPlan, current: Iterable[Entry]) -> tuple[Entry, ...]:
    """The ledger entries of a plan, after checking it may and can still be recorded.

    Args:
        plan: The plan from [`plan_posting`][].
        current: The current entries of the plan's accounts.

    Returns:
        The entries to append (grouped by account); nothing is recorded here.
        The provider sub-ledger postings are `PostingPlan.provider_entries`.

    Raises:
        UnbalancedError: If the plan was refused because the remittance does
            not balance; the message is the balancing explanation.
        ValidationError: If the plan was refused for another reason; it
            carries every error finding.
        DuplicateError: If this remittance is already posted (an entry of
            ``current`` carries the plan's idempotency key): nothing is posted
            twice.
        StalePlanError: If a bucket the plan relied on has changed since.
        ValidationError: If recording the plan would leave a bucket or a credit
            negative on some day (a plan dated before later entries, or an
            accepted unbalanced remittance that applies more than it pays).

    Examples:
        >>> import datetime
        >>> r = Remittance(payer="P", payee="Q", total_payment=Money("5", "USD"),
        ...     payment_method="CHK", trace_number="T9", paid_date=datetime.date(2024, 1, 2))
        >>> apply_posting(plan_posting(r, [], {}), [])
        Traceback (most recent call last):
        ...
        billing_core.errors.UnbalancedError: remittance T9: 1 problem in 1 check
        ...
    """
    history = current if isinstance(current, list | tuple) else list(current)
    prefix = plan.idempotency_key[:16] + "."
    for e in history:
        if e.id.startswith(prefix):
            raise DuplicateError(
                f"remittance {plan.remittance_id} is already posted"
                f" (idempotency key {plan.idempotency_key}, entry {e.id})"
            )
    if plan.refused:
        report = plan.balancing
        if report is not None and report.failures and not plan.accepted_unbalanced:
            raise UnbalancedError(str(report))
        raise ValidationError(plan.errors)
    if plan.assumed:
        lines = {a.line_id for a in plan.assumed}
        now = line_balances([e for e in history if e.line_id in lines], plan.effective)
        cur = plan.total_payment.currency

        def open_now(a: _Assumed) -> int:
            balance = now.get(a.line_id)
            return 0 if balance is None else balance.open.of(a.bucket).minor

        stale = [
            f"line {a.line_id} {a.bucket}: planned on {Money.from_minor(a.open_minor, cur)},"
            f" now {Money.from_minor(open_now(a), cur)}"
            for a in plan.assumed
            if open_now(a) != a.open_minor
        ]
        if stale:
            raise StalePlanError("the posting plan is stale; re-plan it: " + "; ".join(stale[:10]))
    # A plan is built on balances as of its date. When the accounts have later
    # entries, or the caller accepted an unbalanced remittance, check the whole
    # resulting history: no bucket and no credit may go negative on any day.
    accounts = {e.account_id for e in plan.entries}
    touched = [e for e in history if e.account_id in accounts]
    if plan.accepted_unbalanced or any(e.effective > plan.effective for e in touched):
        problems = [
            f for f in validate_history([*touched, *plan.entries]) if f.severity is Severity.ERROR
        ]
        if problems:
            raise ValidationError(problems)
    return plan.entries
