"""Planning a posting: the composition of the steps (private; see ``billing_core.posting``).

`plan_posting` reads its inputs once, folds `plan_claim` over the claim
payments in planning order, then settles the money (cash per account and
payer, the remittance's own account) and assembles the `PostingPlan`.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

import attrs

from billing_core._checks import describe, is_plain_date
from billing_core.balances import Balance, line_balances
from billing_core.balancing import BalancingReport, balancing_report
from billing_core.claims import Claim
from billing_core.errors import Finding, Severity, ValidationError
from billing_core.ledger import AppealHold, Bucket, CashHeld, Entry, Party, Reversal
from billing_core.parties import Coverage
from billing_core.posting._apply import KEY_PREFIX_LENGTH, idempotency_key, posted_entry
from billing_core.posting._assumed import Assumed
from billing_core.posting._cash import (
    by_account,
    cash_entries,
    claim_links,
    described,
    provider_entries,
    unlinked_findings,
)
from billing_core.posting._claim import plan_claim
from billing_core.posting._common import (
    NO_MOVES,
    NO_ORIGINALS,
    Delta,
    Inputs,
    Relied,
    add_shifts,
    error,
    has_error,
)
from billing_core.posting._denials import DEFAULT_DENIAL_POLICY, DenialPolicy
from billing_core.posting._duplicates import probable_duplicates
from billing_core.posting._held import held_payer
from billing_core.posting._match import answer_order, index_claims
from billing_core.posting._reconcile import remittance_account
from billing_core.posting._reverse import originals
from billing_core.posting._types import (
    ClaimLevelRule,
    Crossover,
    FollowUp,
    PostingPlan,
    UnmatchedPolicy,
)
from billing_core.posting._variances import check_contracts, plan_variances
from billing_core.remittance import ClaimPayment, Remittance

if TYPE_CHECKING:  # a plan without contracts never loads the fee machinery
    from billing_core.fees import Contract


def plan_posting(
    remittance: Remittance,
    claims: Iterable[Claim],
    history: Iterable[Entry],
    *,
    balances: Mapping[str, Balance] | None = None,
    coverages: Mapping[str, Iterable[Coverage | Bucket]] | None = None,
    claim_level_rule: ClaimLevelRule = ClaimLevelRule.PROPORTIONAL_TO_CHARGE,
    designated_lines: Mapping[str, str] | None = None,
    accept_unbalanced: bool = False,
    unmatched: UnmatchedPolicy = UnmatchedPolicy.HOLD,
    denials: DenialPolicy = DEFAULT_DENIAL_POLICY,
    earlier: Iterable[Remittance] = (),
    different_payment: bool = False,
    effective: datetime.date | None = None,
    contracts: Mapping[str, Contract] | None = None,
) -> PostingPlan:
    """Plan the posting of a remittance (pure: nothing is recorded).

    The plan is built on the history of the accounts the remittance touches
    (the claims' accounts and the remittance's own,
    [`remittance_account`][billing_core.posting.remittance_account]): the
    balance of each line as of ``effective``, whether this remittance is
    posted already (then the plan is refused), whether the same payment was
    posted under another envelope, the appeals held open on its claims, and,
    for a reversal (status 22), the entries the original posting made.

    Args:
        remittance: The payer's remittance.
        claims: Our claims the remittance may answer (matched by id = patient
            control number), and any a PLB reference may name; extra claims
            are fine.
        history: The entries of the accounts the remittance touches.
        balances: The line balances of ``history`` as of ``effective``, if the
            caller holds them already (a fast path: they are not computed
            again). [`apply_posting`][billing_core.posting.apply_posting] checks
            every balance the plan relied on against the history, so balances of
            another history make the plan stale, never silently wrong.
        coverages: Per account id, the account's coverages (or their buckets),
            to find the next coverage a PR amount moves to. An account not
            listed has no coverage after the one billed: PR goes to the patient.
        claim_level_rule: How claim-level adjustments (and, for a claim
            answered without lines, its payment) are spread over its lines.
        designated_lines: For [`ClaimLevelRule.DESIGNATED_LINE`][billing_core.posting.ClaimLevelRule.DESIGNATED_LINE],
            the line id per claim id.
        accept_unbalanced: Post a remittance that does not balance; its
            imbalances become warnings, no claim applies more than it paid, and
            the difference is recorded on the remittance's account.
        unmatched: What to do with a claim payment or service line that matches
            nothing of ours: hold its money unapplied (the default) or refuse
            the plan.
        denials: Which denied amounts are held open for appeal and which are
            adjusted off (see [`DenialPolicy`][billing_core.posting.DenialPolicy]).
        earlier: Remittances posted before: one of the same payer, trace number
            and total makes this one a probable duplicate, and the payer claim
            numbers they carry link a PLB reference to our claim.
        different_payment: The caller says this remittance is another payment
            than the one it looks like: no probable-duplicate check.
        effective: The date of the entries; the remittance's paid date by default.
        contracts: The payers' contracts by payer id (the id of the payer of
            the claim's coverage). Each claim payment of one of ``claims``
            whose payer has one, not a reversal and adjudicated, is set
            against it with [`payment_variance`][billing_core.fees.payment_variance]:
            the reports are the plan's ``variances`` and their
            findings (each line under- or overpaid) join the plan's as
            warnings. None given: no variance.

    Returns:
        The plan; [`PostingPlan.refused`][billing_core.posting.PostingPlan.refused]
        (with no entries) when a finding is an error.

    Raises:
        ValidationError: If ``coverages`` holds something other than coverages
            or buckets (every bad value named, with its account and position),
            ``history`` is a mapping (line balances go in ``balances``), or
            ``contracts`` holds something other than contracts by payer id.
        TypeError: If ``unmatched`` or ``denials`` is not a policy.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> from billing_core.posting import plan_posting
        >>> from billing_core.remittance import Remittance
        >>> r = Remittance(payer="P", payee="Q", total_payment=Money("5", "USD"),
        ...     payment_method="CHK", trace_number="T9", paid_date=datetime.date(2024, 1, 2))
        >>> plan = plan_posting(r, [], [])
        >>> plan.refused, plan.entries
        (True, ())
        >>> print(plan.errors[0])
        remittance T9: BPR02 total payment 5.00 USD but BPR02 = sum(CLP04) - sum(PLB) gives 0.00 USD (residual 5.00 USD)
        >>> plan_posting(r, [], [], coverages={"A1": ["primary"]})
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: coverages['A1'][0]: not a Coverage or a Bucket: 'primary' (str)
    """  # noqa: E501
    _check_policies(unmatched, denials)
    by_payer = check_contracts(contracts)
    entries = _entries(history)
    earlier = tuple(earlier)
    inputs, claim_findings = read_inputs(
        remittance,
        claims,
        entries,
        balances=balances,
        coverages=coverages,
        rule=claim_level_rule,
        designated=designated_lines,
        unmatched=unmatched,
        denials=denials,
        effective=effective,
    )
    # Balancing runs on the remittance as received, before any matching: an unbalanced
    # file is refused, however well its claims match ours, unless the caller accepts it.
    report = balancing_report(remittance)
    unknown: set[str] = set()
    if unmatched is UnmatchedPolicy.HOLD:
        unknown = {cp.patient_control_number for cp in remittance.claims} - inputs.claims.keys()
    order, order_findings = answer_order(remittance, unknown)
    folded = fold_claims(inputs, order)
    # A remittance posted already is not a probable duplicate of itself: that check runs
    # only for a new one.
    posted = _already_posted(entries, inputs.key, remittance)
    duplicates: list[Finding] = []
    if not posted and not different_payment:
        duplicates = probable_duplicates(inputs, entries, earlier)
    findings = [
        *_balancing(report, accept_unbalanced),
        *claim_findings,
        *posted,
        *duplicates,
        *order_findings,
        *folded.findings,
    ]
    variances, found = plan_variances(remittance, inputs.claims, by_payer)
    findings.extend(found)
    links: Mapping[str, str] = {}
    if remittance.provider_adjustments:
        links = claim_links(inputs.claims, remittance, entries, earlier)
    plan = assemble(inputs, folded, findings, report, links, accept_unbalanced=accept_unbalanced)
    return attrs.evolve(plan, variances=variances) if variances else plan


def _check_policies(unmatched: object, denials: object) -> None:
    if not isinstance(unmatched, UnmatchedPolicy):
        raise TypeError(
            f"unmatched must be an UnmatchedPolicy (HOLD or REFUSE), got {describe(unmatched)}"
        )
    if not isinstance(denials, DenialPolicy):
        raise TypeError(f"denials must be a DenialPolicy, got {describe(denials)}")


def read_inputs(
    remittance: Remittance,
    claims: Iterable[Claim],
    history: Sequence[Entry],
    *,
    balances: Mapping[str, Balance] | None,
    coverages: Mapping[str, Iterable[Coverage | Bucket]] | None,
    rule: ClaimLevelRule,
    designated: Mapping[str, str] | None,
    unmatched: UnmatchedPolicy = UnmatchedPolicy.HOLD,
    denials: DenialPolicy = DEFAULT_DENIAL_POLICY,
    effective: datetime.date | None,
) -> tuple[Inputs, list[Finding]]:
    """Everything the fold reads, read once; and the findings of a bad set of claims.

    Raises:
        ValidationError: If ``coverages`` holds something other than coverages or buckets.
    """
    buckets = coverage_buckets(coverages)
    key = idempotency_key(remittance)
    when = remittance.paid_date if effective is None else effective
    by_id, owners, findings = index_claims(claims)
    inputs = Inputs(
        remittance=remittance,
        effective=when,
        key=key,
        prefix=key[:KEY_PREFIX_LENGTH],
        claims=by_id,
        line_owner=owners,
        parties=_parties(by_id.values()),
        # Balances are folded once for the whole plan; the fold's steps read them and keep
        # their own moves apart (delta), never refolding the history.
        balances=line_balances(history, when) if balances is None else balances,
        coverages=buckets,
        currency=remittance.currency,
        rule=rule,
        designated=designated or {},
        unmatched=unmatched,
        denials=denials,
        # Only a reversal reads the earlier postings: index them only then.
        originals=originals(history) if _any_reversal(remittance.claims) else NO_ORIGINALS,
        account=remittance_account(remittance.payer, remittance.trace_number),
        held_party=held_payer(remittance, by_id),
        # Holds of every answered claim: a payer's new answer to a claim held for appeal
        # closes its hold (the appeal's outcome).
        holds=_open_holds(history, {cp.patient_control_number for cp in remittance.claims}),
        deadline=denials.appeal_deadline(remittance.paid_date),
        trusted=is_plain_date(when),
    )
    return inputs, findings


def assemble(
    inputs: Inputs,
    folded: Folded,
    findings: Sequence[Finding],
    report: BalancingReport,
    links: Mapping[str, str],
    *,
    accept_unbalanced: bool,
) -> PostingPlan:
    """The plan: the entries with each account's cash first, or none at all when refused."""
    remittance = inputs.remittance
    follow_ups = list(folded.follow_ups)
    plb, recoupments, unlinked = provider_entries(
        inputs, folded.cash, folded.held, folded.next_number, links
    )
    follow_ups.extend(recoupments)
    findings = [*findings, *unlinked_findings(unlinked)]
    if has_error(findings):
        entries: tuple[Entry, ...] = ()
    else:
        claims = by_account(cash_entries(inputs, folded.cash), folded.entries)
        entries = (*claims, *folded.held, *plb)
    return PostingPlan(
        idempotency_key=inputs.key,
        remittance_id=remittance.id,
        effective=inputs.effective,
        entries=entries,
        findings=tuple(findings),
        follow_ups=tuple(follow_ups),
        crossovers=tuple(folded.crossovers),
        # Only the remittance's own account holds held cash and provider entries (the
        # claims' accounts never do): described from there, not from every entry.
        provider_entries=tuple(described((*folded.held, *plb), remittance.id) if entries else ()),
        balancing=report,
        accepted_unbalanced=accept_unbalanced,
        total_payment=remittance.total_payment,
        assumed=assumed(folded.relied),
    )


class Folded(NamedTuple):
    """What the fold over the claim payments gathered, in planning order."""

    entries: list[Entry]
    findings: list[Finding]
    follow_ups: list[FollowUp]
    crossovers: list[Crossover]
    held: list[CashHeld]
    cash: dict[tuple[str, Party], int]
    relied: list[Relied]
    next_number: int


def fold_claims(inputs: Inputs, order: Iterable[tuple[int, ClaimPayment]]) -> Folded:
    """Fold `plan_claim` over the claim payments.

    The state carried from one claim payment to the next: the plan's own moves
    per bucket (so a correction posts on what its reversal just restored, and
    two claims never spend the same open amount), the entries reversed so far
    (so no entry is reversed twice), and the next entry number (ids follow
    planning order, so the same remittance always gets the same ids).
    """
    # The balances stay as given; what the plan moves is kept apart in ``delta``, so
    # the plan can say which balances it relied on (apply_posting checks those).
    delta: dict[str, dict[str, int]] = {}
    order = order if isinstance(order, list | tuple) else list(order)
    keep = moves_read_again(inputs, order)
    reversed_ids = set(inputs.originals.reversed)
    folded = Folded([], [], [], [], [], {}, [], 0)
    number = 1  # ids are <key prefix>.<number>: the same remittance always gets the same ids
    moves: Delta = delta if keep else NO_MOVES
    for n, cp in order:
        out = plan_claim(inputs, n, cp, moves, reversed_ids, number)
        if keep:
            add_shifts(delta, out.shifts)
        reversed_ids.update(out.reversed)
        folded.entries.extend(out.entries)
        folded.relied.extend(out.relied)
        if out.findings or out.follow_ups or out.crossovers:
            folded.findings.extend(out.findings)
            folded.follow_ups.extend(out.follow_ups)
            folded.crossovers.extend(out.crossovers)
        number += len(out.entries) + len(out.held)
        folded.held.extend(out.held)
        if out.cash is not None:
            # CLP04 per account and payer, netted: one PaymentReceived (or Refund) each.
            account, party, minor = out.cash
            folded.cash[(account, party)] = folded.cash.get((account, party), 0) + minor
    return folded._replace(next_number=number)


def moves_read_again(inputs: Inputs, order: Sequence[tuple[int, ClaimPayment]]) -> bool:
    """Whether a claim payment may read a line that an earlier one in ``order`` moved.

    A claim payment posts on the lines of its own claim (a service line naming
    another claim's line is refused). So with every claim answered once, no
    reversal (which reads the lines its original posting moved) and no line id
    in two of our claims, no line is read twice, and the plan's moves need not
    be kept: one dict per line, for nothing.
    """
    if len({cp.patient_control_number for _, cp in order}) != len(order):
        return True
    if any(cp.is_reversal for _, cp in order):
        return True
    return sum(len(c.lines) for c in inputs.claims.values()) != len(inputs.line_owner)


def coverage_buckets(
    coverages: Mapping[str, Iterable[Coverage | Bucket]] | None,
) -> dict[str, tuple[Bucket, ...]]:
    """Each account's coverages as buckets.

    Raises:
        ValidationError: Naming every value that is not a coverage or a bucket.
    """
    if coverages is None:
        return {}
    if not isinstance(coverages, Mapping):
        where = "coverages"
        message = f"must map account ids to their coverages, got a {type(coverages).__name__}"
        raise ValidationError([Finding(location=where, message=message, rule="posting.coverages")])
    out: dict[str, tuple[Bucket, ...]] = {}
    findings: list[Finding] = []
    for account, items in coverages.items():
        where = f"coverages[{account!r}]"
        if isinstance(items, str | bytes) or not isinstance(items, Iterable):
            message = f"must be the account's coverages or buckets, got {describe(items)}"
            findings.append(Finding(location=where, message=message, rule="posting.coverages"))
            continue
        buckets: list[Bucket] = []
        for index, item in enumerate(items):
            if isinstance(item, Bucket):
                buckets.append(item)
            elif isinstance(item, Coverage):
                buckets.append(Bucket.coverage(item.sequence.value))
            else:
                message = f"not a Coverage or a Bucket: {describe(item)}"
                findings.append(
                    Finding(location=f"{where}[{index}]", message=message, rule="posting.coverages")
                )
        out[account] = tuple(buckets)
    if findings:
        raise ValidationError(findings)
    return out


def _entries(history: Iterable[Entry]) -> Sequence[Entry]:
    """The history as a sequence (it is read more than once)."""
    if isinstance(history, Mapping):
        # The old signature took line balances here; iterating them would read line ids.
        message = (
            "must be the accounts' ledger entries, not a mapping; plan_posting derives"
            " the balances from them (pass balances= to reuse balances already computed)"
        )
        raise ValidationError(
            [Finding(location="history", message=message, rule="posting.history")]
        )
    return history if isinstance(history, list | tuple) else tuple(history)


def _parties(claims: Iterable[Claim]) -> dict[str, Party]:
    """One payer party per payer id (shared by every entry of that payer)."""
    parties: dict[str, Party] = {}
    for claim in claims:
        if claim.payer.id not in parties:
            parties[claim.payer.id] = Party.payer(claim.payer.id)
    return parties


def _any_reversal(claims: Iterable[ClaimPayment]) -> bool:
    return any(cp.is_reversal for cp in claims)


def _balancing(report: BalancingReport, accept_unbalanced: bool) -> list[Finding]:
    """The balancing report as findings; its failures only warn when the caller accepts them."""
    findings = list(report.findings)
    for failure in report.failures:
        finding = failure.to_finding()
        if accept_unbalanced:
            finding = attrs.evolve(finding, severity=Severity.WARNING)
        findings.append(finding)
    return findings


def _already_posted(history: Iterable[Entry], key: str, remittance: Remittance) -> list[Finding]:
    posted = posted_entry(history, key)
    if posted is None:
        return []
    message = f"already posted (entry {posted.id} carries this remittance's idempotency key)"
    return [error(f"remittance {remittance.trace_number}", message, "posting.already_posted")]


def _open_holds(
    history: Iterable[Entry], claim_ids: Collection[str]
) -> dict[str, tuple[AppealHold, ...]]:
    """The appeal holds of these claims that no reversal has closed, by claim id."""
    holds: dict[str, list[AppealHold]] = {}
    closed: set[str] = set()
    for e in history:
        if isinstance(e, AppealHold):
            if e.claim_id in claim_ids:
                holds.setdefault(e.claim_id, []).append(e)
        # A reversal of a hold closes it (the appeal was answered); the hold stays in the
        # history, so it is filtered out here rather than removed.
        elif isinstance(e, Reversal) and isinstance(e.original, AppealHold):
            closed.add(e.reverses)
    return {
        claim_id: tuple(h for h in found if h.id not in closed) for claim_id, found in holds.items()
    }


def assumed(relied: Iterable[Relied]) -> tuple[Assumed, ...]:
    """The balances the plan relied on, once each, in the order it first read them."""
    relied = relied if isinstance(relied, list | tuple) else list(relied)
    # The usual plan reads each line once: then every item is its bucket's first read.
    if len({item[0] for item in relied}) == len(relied):
        return tuple(relied)
    # Line ids seen, per bucket's value (a string hashes in C, an enum in Python).
    seen: dict[str, set[str]] = {}
    out: list[Assumed] = []
    for item in relied:
        # Every read of a bucket relied on the same balance (the plan's own moves are kept
        # apart in the delta), so one Assumed per bucket says all apply_posting must check.
        lines = seen.get(item.bucket._value_)
        if lines is None:
            lines = seen[item.bucket._value_] = set()
        if item.line_id not in lines:
            lines.add(item.line_id)
            out.append(item)
    return tuple(out)
