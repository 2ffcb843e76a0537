"""Applying held cash to the right claim, later, as if it had matched (private).

Money held when a remittance was posted ([`CashHeld`][billing_core.ledger.CashHeld])
is applied once someone finds the claim it is for: the held claim payment
(or service line) is planned against that claim exactly as if it had matched
then (its payment, its adjustments, the claim's lines), and its money moves
from the remittance's account to the claim's with a
[`CreditTransfer`][billing_core.ledger.CreditTransfer], in the same batch.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence

import attrs

from billing_core._checks import check_date
from billing_core.balances import credits
from billing_core.claims import Claim
from billing_core.errors import Finding
from billing_core.ledger import (
    Bucket,
    CashHeld,
    CreditTransfer,
    Entry,
    PaymentReceived,
    Reversal,
    Source,
)
from billing_core.money import Money
from billing_core.parties import Coverage
from billing_core.posting._apply import KEY_PREFIX_LENGTH, posted_entry
from billing_core.posting._assumed import Assumed
from billing_core.posting._common import Inputs, error, has_error
from billing_core.posting._denials import DEFAULT_DENIAL_POLICY, DenialPolicy
from billing_core.posting._held import is_remittance_payer, line_payment
from billing_core.posting._plan import Folded, assumed, fold_claims, read_inputs
from billing_core.posting._reconcile import HELD_TAG, remittance_account
from billing_core.posting._types import (
    ClaimLevelRule,
    Crossover,
    FollowUp,
    PostingPlan,
    UnmatchedPolicy,
)
from billing_core.remittance import ClaimPayment, Remittance, ServicePayment

__all__ = ["apply_unapplied"]


def apply_unapplied(
    held: CashHeld,
    remittance: Remittance,
    claim: Claim,
    history: Iterable[Entry],
    *,
    effective: datetime.date,
    lines: Mapping[int, str] | None = None,
    coverages: Mapping[str, Iterable[Coverage | Bucket]] | None = None,
    claim_level_rule: ClaimLevelRule = ClaimLevelRule.PROPORTIONAL_TO_CHARGE,
    designated_lines: Mapping[str, str] | None = None,
    denials: DenialPolicy = DEFAULT_DENIAL_POLICY,
) -> PostingPlan:
    """Plan applying held cash to our claim, as if its claim payment had matched it (pure).

    The held claim payment (or service line) of ``remittance`` is posted on
    ``claim`` as [`plan_posting`][billing_core.posting.plan_posting] would have
    posted it: a `PaymentReceived` of the held amount on the claim's account,
    each line's payment and adjustments, the denial policy; and a
    [`CreditTransfer`][billing_core.ledger.CreditTransfer] moves the money out
    of the remittance's account. Every line must match (none is held again).

    A plan that cannot be recorded is refused (no entries, every reason a
    finding): cash that is not held there, held cash applied already or
    reversed, a claim of another payer, more than the payer's held cash left
    on the account (some was refunded), a line that matches nothing.
    [`apply_posting`][billing_core.posting.apply_posting] records it like any
    plan; applying the same held cash to the same claim twice is caught as
    already posted.

    Args:
        held: The held cash, as recorded on the remittance's account.
        remittance: The remittance it was held from.
        claim: Our claim it is for.
        history: The entries of the remittance's account and of the claim's account.
        effective: The date of the entries (not before the cash was held).
        lines: Our line id per service line number (1, 2, ...) of the held claim
            payment, for lines the payer's control numbers do not name; the
            others match as in posting (control number, else procedure, date
            and charge).
        coverages: The claim account's coverages, as for ``plan_posting``.
        claim_level_rule: How claim-level amounts spread over the claim's lines.
        designated_lines: For a designated-line rule, the line per claim id.
        denials: The denial policy.

    Returns:
        The plan (total payment zero: the money moves between two accounts).

    Raises:
        TypeError: If ``effective`` is not a plain date (a ``datetime`` too).

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category, LineItem
        >>> from billing_core.ledger import Bucket, CashHeld, ChargePosted, Party, Source
        >>> from billing_core.parties import Coverage, CoverageSequence, Payer
        >>> from billing_core.remittance import ClaimPayment, Remittance
        >>> usd = lambda s: Money(s, "USD")
        >>> day, paid = datetime.date(2024, 3, 4), datetime.date(2024, 4, 1)
        >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
        ...                sequence=CoverageSequence.PRIMARY)
        >>> claim = Claim(id="CLM7", account_id="A7", patient_id="P7", coverage=cov,
        ...               claim_date=day, lines=[LineItem(id="L7", category=Category.PROCEDURE,
        ...                                               service_date=day, charge=usd("50"))])
        >>> r = Remittance(payer="acme", payee="Q", total_payment=usd("50"),
        ...     payment_method="ACH", trace_number="T1", paid_date=paid,
        ...     claims=[ClaimPayment(patient_control_number="CLM-7", status="1",
        ...                          charge=usd("50"), paid=usd("50"))])
        >>> held = CashHeld(id="k.1", account_id="remittance:acme:T1", effective=paid,
        ...     amount=usd("50"), party=Party.payer("acme"), claim_reference="CLM-7",
        ...     source=Source(payment_id="T1", remittance_id="T1"))
        >>> charge = ChargePosted(id="c7", account_id="A7", line_id="L7", effective=day,
        ...                       amount=usd("50"), bucket=Bucket.PRIMARY)
        >>> plan = apply_unapplied(held, r, claim, [held, charge], effective=paid)
        >>> [(type(e).__name__, e.account_id, str(e.amount)) for e in plan.entries]
        [('PaymentReceived', 'A7', '50.00 USD'), ('PaymentApplied', 'A7', '50.00 USD'), \
('CreditTransfer', 'remittance:acme:T1', '50.00 USD')]
        >>> plan.reconciliation().ok
        True
    """
    check_date(effective, "effective")
    entries = history if isinstance(history, list | tuple) else tuple(history)
    # Its own key, not the remittance's: the remittance is posted already, and the same
    # held cash may be tried against several claims until the right one is found.
    key = _key(held, claim)
    posted = posted_entry(entries, key)
    if posted is not None:  # checked first: a retry of this very application
        message = f"already applied to claim {claim.id} (entry {posted.id})"
        return _result(key, remittance, effective, [_err(held, message, "already_posted")])
    found = _problems(held, remittance, claim, entries, effective)
    cp = None if found else _claim_payment(held, remittance, claim, lines or {})
    if cp is None or isinstance(cp, Finding):
        return _result(key, remittance, effective, [cp] if isinstance(cp, Finding) else found)
    # The remittance cut down to the held payment: the fold then posts it exactly as
    # plan_posting would have, and balancing cannot trip over the rest of the file.
    alone = attrs.evolve(
        remittance, total_payment=held.amount, claims=[cp], provider_adjustments=()
    )
    inputs, claim_findings = read_inputs(
        alone,
        [claim],
        entries,
        balances=None,
        coverages=coverages,
        rule=claim_level_rule,
        designated=designated_lines,
        # REFUSE: money taken out of holding must land on lines, never be held a second time.
        unmatched=UnmatchedPolicy.REFUSE,
        denials=denials,
        effective=effective,
    )
    # Entry ids carry this application's key, so apply_posting's duplicate check finds a
    # retry of this application, not the original posting.
    inputs = attrs.evolve(inputs, key=key, prefix=key[:KEY_PREFIX_LENGTH])
    folded = fold_claims(inputs, [(1, cp)])
    findings = [*claim_findings, *folded.findings]
    return _plan(inputs, held, claim, folded, findings)


def _key(held: CashHeld, claim: Claim) -> str:
    """The key of applying this held cash to this claim; every entry id starts with it."""
    content = json.dumps(["billing_core.unapplied/1", held.id, claim.id], ensure_ascii=True)
    return hashlib.sha256(content.encode("ascii")).hexdigest()


def _err(held: CashHeld, message: str, rule: str) -> Finding:
    return error(f"held cash {held.id}", message, f"posting.{rule}")


def _problems(
    held: CashHeld,
    remittance: Remittance,
    claim: Claim,
    history: Sequence[Entry],
    effective: datetime.date,
) -> list[Finding]:
    """Why this held cash cannot be applied to this claim now (empty when it can)."""
    account = remittance_account(remittance.payer, remittance.trace_number)
    if held.account_id != account or held.source.remittance_id != remittance.id:
        return [_err(held, f"is not money of remittance {remittance.id}", "held_unknown")]
    # Compared whole, not by id: a forged CashHeld with a real id and a larger amount
    # must not pass as the recorded one.
    if not any(e == held for e in history):
        return [_err(held, f"is not on account {account} (read its history)", "held_unknown")]
    findings: list[Finding] = []
    for e in history:
        if isinstance(e, CreditTransfer) and e.held == held.id:
            message = f"was applied already (entry {e.id}, to account {e.to_account})"
            findings.append(_err(held, message, "held_applied"))
        elif isinstance(e, Reversal) and e.reverses == held.id:
            findings.append(_err(held, f"was reversed (entry {e.id})", "held_reversed"))
    payer = claim.payer
    if payer.id != held.party.id and not is_remittance_payer(remittance.payer, payer):
        message = f"is money of {held.party}; claim {claim.id} is billed to payer {payer.id}"
        findings.append(_err(held, message, "held_other_payer"))
    if claim.currency != held.amount.currency:
        message = f"is in {held.amount.currency}, claim {claim.id} in {claim.currency}"
        findings.append(_err(held, message, "held_currency"))
    if effective < held.effective:
        message = f"cannot be applied on {effective}, before it was held ({held.effective})"
        findings.append(_err(held, message, "held_date"))
    elif not findings:
        # Checked against what is left on the account, not the held amount: part of the same
        # payer's cash there may have been refunded or applied to another claim since.
        own = [e for e in history if e.account_id == account]
        left = credits(own, effective).get(held.party)
        available = Money.zero(held.amount.currency) if left is None else left.available
        if available < held.amount:
            message = (
                f"applying {held.amount} but only {available} of {held.party}'s held cash"
                f" is left on account {account}"
            )
            findings.append(_err(held, message, "held_exceeded"))
    return findings


def _claim_payment(
    held: CashHeld, remittance: Remittance, claim: Claim, lines: Mapping[int, str]
) -> ClaimPayment | Finding:
    """The held claim payment (or service line) as the payer would have sent it for ``claim``."""
    found = [
        cp
        for cp in remittance.claims
        if cp.patient_control_number == held.claim_reference and not cp.is_reversal
    ]
    if len(found) > 1:
        # One patient control number for several claims (a patient's account number):
        # the one whose payer claim number the held cash names.
        tag = held.source.reason or ""
        found = [
            cp for cp in found if tag.endswith(f" payer claim {cp.payer_claim_control_number}")
        ]
    what = f"claim payment {held.claim_reference!r}"
    if len(found) != 1:
        return _err(held, f"names {what}, not one claim payment of the remittance", "held_unknown")
    cp = found[0]
    n = held.service_line
    if n is None:
        if cp.paid != held.amount:
            return _err(held, f"is not the payment {cp.paid} of {what}", "held_unknown")
        relabeled = [_named(sp, lines.get(i)) for i, sp in enumerate(cp.lines, 1)]
        # Renamed to our claim id so matching (by patient control number) takes this claim.
        return attrs.evolve(cp, patient_control_number=claim.id, lines=relabeled)
    if not 1 <= n <= len(cp.lines) or cp.lines[n - 1].paid != held.amount:
        return _err(held, f"is not the payment of line {n} of {what}", "held_unknown")
    return line_payment(cp, _named(cp.lines[n - 1], lines.get(n)), claim.id)


def _named(sp: ServicePayment, line_id: str | None) -> ServicePayment:
    return sp if line_id is None else attrs.evolve(sp, line_control_number=line_id)


def _plan(
    inputs: Inputs, held: CashHeld, claim: Claim, folded: Folded, findings: list[Finding]
) -> PostingPlan:
    """The plan: the claim account's cash and lines, then the money moved off the remittance's."""
    remittance = inputs.remittance
    source = Source(
        payment_id=remittance.trace_number,
        remittance_id=remittance.id,
        reason=f"{HELD_TAG}{held.id} applied to claim {claim.id}",
    )
    party = inputs.parties[claim.payer.id]
    received = PaymentReceived(
        id=f"{inputs.prefix}.received.{claim.account_id}.{party.id}",
        account_id=claim.account_id,
        effective=inputs.effective,
        amount=held.amount,
        source=source,
        party=party,
    )
    moved = CreditTransfer(
        id=f"{inputs.prefix}.moved",
        account_id=held.account_id,
        effective=inputs.effective,
        amount=held.amount,
        source=source,
        party=held.party,
        to_account=claim.account_id,
        held=held.id,
    )
    # The PaymentReceived first, as in a posting: the lines draw on a credit already there.
    entries: tuple[Entry, ...] = () if has_error(findings) else (received, *folded.entries, moved)
    return _result(
        inputs.key,
        remittance,
        inputs.effective,
        findings,
        entries=entries,
        follow_ups=folded.follow_ups,
        crossovers=folded.crossovers,
        assumed=assumed(folded.relied),
    )


def _result(
    key: str,
    remittance: Remittance,
    effective: datetime.date,
    findings: Sequence[Finding],
    *,
    entries: tuple[Entry, ...] = (),
    follow_ups: Sequence[FollowUp] = (),
    crossovers: Sequence[Crossover] = (),
    assumed: tuple[Assumed, ...] = (),
) -> PostingPlan:
    """An application's plan: its total payment is zero (the money moves between accounts)."""
    return PostingPlan(
        idempotency_key=key,
        remittance_id=remittance.id,
        effective=effective,
        entries=entries,
        findings=tuple(findings),
        follow_ups=tuple(follow_ups),
        crossovers=tuple(crossovers),
        provider_entries=(),
        balancing=None,
        accepted_unbalanced=False,
        total_payment=Money.zero(remittance.currency),
        assumed=assumed,
    )
