"""Held cash applied later to the right claim (private).

Private: the public names are re-exported by [`billing_core.workflows`][billing_core.workflows].
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping

from billing_core.claims import Claim
from billing_core.errors import NotFoundError
from billing_core.ledger import Bucket, CashHeld
from billing_core.parties import Coverage
from billing_core.posting import (
    DEFAULT_DENIAL_POLICY,
    ClaimLevelRule,
    DenialPolicy,
    PostingPlan,
    apply_unapplied,
    remittance_account,
)
from billing_core.remittance import Remittance
from billing_core.storage import Store
from billing_core.workflows._remittance_results import PostingStatus, RemittanceResult
from billing_core.workflows._retry import DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, Backoff
from billing_core.workflows._skeleton import Done, Outcome, Step, read, run

__all__ = ["apply_unapplied_cash"]

_ALREADY_POSTED = "posting.already_posted"


def apply_unapplied_cash(
    store: Store,
    remittance_id: str,
    held_id: str,
    claim_id: str,
    *,
    effective: datetime.date,
    lines: Mapping[int, str] | None = None,
    coverages: Mapping[str, Iterable[Coverage | Bucket]] | None = None,
    claim_level_rule: ClaimLevelRule = ClaimLevelRule.PROPORTIONAL_TO_CHARGE,
    designated_lines: Mapping[str, str] | None = None,
    denials: DenialPolicy = DEFAULT_DENIAL_POLICY,
    max_attempts: int = DEFAULT_ATTEMPTS,
    backoff: Backoff = DEFAULT_BACKOFF,
) -> RemittanceResult:
    """Apply cash a posted remittance held to the claim it is for, as if it had matched.

    Loads the stored remittance and claim, reads the remittance's account and
    the claim's, plans with [`apply_unapplied`][billing_core.posting.apply_unapplied]
    and appends the claim's entries and the money moved off the remittance's
    account in one batch (key: the plan's idempotency key, one per held cash
    and claim). Applying it again to the same claim is already posted; to
    another claim, or for more than is left held, is refused. To give held
    cash back to the payer instead, refund the payer's credit on the
    remittance's account with [`refund_credit`][billing_core.workflows.refund_credit].

    Args:
        store: The store.
        remittance_id: The posted remittance (stored by ``post_remittance``).
        held_id: The id of the [`CashHeld`][billing_core.ledger.CashHeld]
            entry (the follow-up's ``entry_id``).
        claim_id: Our claim the money is for.
        effective: The date of the entries.
        lines: Our line id per service line number of the held claim payment,
            for lines the payer's control numbers do not name.
        coverages: The claim account's coverages, as for ``post_remittance``.
        claim_level_rule: How claim-level amounts spread over the claim's lines.
        designated_lines: For a designated-line rule, the line per claim id.
        denials: The denial policy.
        max_attempts: How many times to re-read and retry on a concurrent write.
        backoff: How long to wait before each retry.

    Returns:
        The [`RemittanceResult`][billing_core.workflows.RemittanceResult]:
        posted, already posted, or refused (nothing written; its explanation
        says why).

    Raises:
        NotFoundError: No such remittance, claim, or held cash on the
            remittance's account.
        IncompleteBatchError: The store kept part of the batch.
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> import datetime
        >>> from billing_core.testing.memory import InMemoryStore
        >>> apply_unapplied_cash(InMemoryStore(), "T1", "k.1", "CLM7",
        ...                      effective=datetime.date(2024, 4, 2))
        Traceback (most recent call last):
        ...
        billing_core.errors.NotFoundError: no remittance with id 'T1'
    """
    # Documents are read once, outside the retry loop: they do not change under a
    # concurrent posting, only the ledgers do.
    remittance = store.get(Remittance, remittance_id).value
    claim = store.get(Claim, claim_id).value
    own = remittance_account(remittance.payer, remittance.trace_number)

    def plan() -> Step[RemittanceResult]:
        snapshot = read(store, [own, claim.account_id])
        # Found on the remittance's own ledger, as read in this attempt: held cash refunded or
        # reversed since is then refused by the plan rather than applied from a stale copy.
        held = next((e for e in snapshot.history(own) if e.id == held_id), None)
        if not isinstance(held, CashHeld):
            raise NotFoundError(f"no held cash {held_id!r} on account {own}")
        posting = apply_unapplied(
            held,
            remittance,
            claim,
            snapshot.entries,
            effective=effective,
            lines=lines,
            coverages=coverages,
            claim_level_rule=claim_level_rule,
            designated_lines=designated_lines,
            denials=denials,
        )
        if any(f.rule == _ALREADY_POSTED for f in posting.errors):
            done = Done(key=posting.idempotency_key)
            return Step(action=done, finish=_finish(posting, PostingStatus.ALREADY_POSTED))
        if posting.refused:
            return Step(action=None, finish=_finish(posting, PostingStatus.REFUSED))
        action = snapshot.append(posting.entries, posting.idempotency_key)
        return Step(action=action, finish=_finish(posting, None))

    return run(store, plan, max_attempts=max_attempts, backoff=backoff)


def _finish(
    plan: PostingPlan, status: PostingStatus | None
) -> Callable[[Outcome], RemittanceResult]:
    def finish(outcome: Outcome) -> RemittanceResult:
        done = PostingStatus.ALREADY_POSTED if outcome.duplicate else PostingStatus.POSTED
        return RemittanceResult(
            **outcome.fields(),
            findings=plan.findings,
            status=done if status is None else status,
            plan=plan,
        )

    return finish
