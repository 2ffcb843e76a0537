"""Posting a remittance on every account it touches, all or nothing, exactly once.

Private: the public names are re-exported by [`billing_core.workflows`][billing_core.workflows].
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from billing_core.claims import Claim
from billing_core.errors import Finding, IncompleteBatchError, NotFoundError, ValidationError
from billing_core.fees import Contract
from billing_core.ledger import Bucket, Entry
from billing_core.parties import Coverage
from billing_core.posting import (
    DEFAULT_DENIAL_POLICY,
    ClaimLevelRule,
    DenialPolicy,
    PostingPlan,
    UnmatchedPolicy,
    plan_posting,
    remittance_account,
)
from billing_core.remittance import Remittance
from billing_core.storage import Store, recorded_batch
from billing_core.workflows._remittance_results import PostingStatus, RemittanceResult
from billing_core.workflows._retry import DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, Backoff
from billing_core.workflows._skeleton import (
    Done,
    Outcome,
    Snapshot,
    Step,
    check_whole,
    read,
    run,
    storing,
)

_ALREADY_POSTED = "posting.already_posted"
_PROBABLE_DUPLICATE = "posting.probable_duplicate"


@attrs.frozen(kw_only=True)
class _Options:
    """How to plan: the options of post_remittance passed on to plan_posting."""

    coverages: Mapping[str, Iterable[Coverage | Bucket]] | None
    claim_level_rule: ClaimLevelRule
    designated_lines: Mapping[str, str] | None
    accept_unbalanced: bool
    unmatched: UnmatchedPolicy
    denials: DenialPolicy
    different_payment: bool
    effective: datetime.date
    contracts: Mapping[str, Contract] | None = None


def _plan(
    remittance: Remittance,
    claims: Sequence[Claim],
    history: Sequence[Entry],
    options: _Options,
    earlier: Sequence[Remittance] = (),
) -> PostingPlan:
    """The posting plan on the accounts' history: the one call of plan_posting."""
    return plan_posting(
        remittance,
        claims,
        history,
        coverages=options.coverages,
        claim_level_rule=options.claim_level_rule,
        designated_lines=options.designated_lines,
        accept_unbalanced=options.accept_unbalanced,
        unmatched=options.unmatched,
        denials=options.denials,
        earlier=earlier,
        different_payment=options.different_payment,
        effective=options.effective,
        contracts=options.contracts,
    )


def _get_claims(store: Store, ids: Iterable[str]) -> list[Claim]:
    """The claims of these ids that we have."""
    claims: list[Claim] = []
    for claim_id in dict.fromkeys(ids):
        try:
            claims.append(store.get(Claim, claim_id).value)
        except NotFoundError:
            continue  # the plan reports it as unmatched, or holds it
    return claims


def _claims(store: Store, remittance: Remittance) -> list[Claim]:
    """The claims the remittance answers (patient control number = claim id) that we have."""
    return _get_claims(store, (cp.patient_control_number for cp in remittance.claims))


def _earlier(store: Store, remittance: Remittance) -> list[Remittance]:
    """Remittances stored before that the plan compares this one with.

    Those of its trace number (the same payment sent again), and, when it has
    provider-level adjustments, every one of its payer (their claim numbers
    link a PLB reference to our claim). The same remittance stored already
    has the same content key: the plan never takes it for another.
    """
    trace = remittance.trace_number
    # Found by trace number, a narrow index (a payer has many remittances, a trace
    # number few); the duplicate check compares the payer itself.
    found = {v.value.id: v.value for v in store.find(Remittance, "trace_number", trace)}
    if remittance.provider_adjustments:
        payer = remittance.payer
        found.update((v.value.id, v.value) for v in store.find(Remittance, "payer", payer))
    return list(found.values())


def _named_claims(
    store: Store, remittance: Remittance, earlier: Sequence[Remittance]
) -> list[Claim]:
    """Our claims a PLB reference names: by claim id, or by the payer's claim number."""
    # Whole reference and each word, as posting's link_claim reads PLB03-2: a claim the
    # reference names must be loaded here or the plan cannot link it.
    words = {
        word
        for plb in remittance.provider_adjustments
        for word in (plb.reference, *plb.reference.split())
        if word
    }
    if not words:
        return []
    by_number = {
        cp.payer_claim_control_number: cp.patient_control_number
        for r in earlier
        for cp in r.claims
        if cp.payer_claim_control_number in words
    }
    return _get_claims(store, [*sorted(words), *by_number.values()])


def _result(
    plan: PostingPlan, status: PostingStatus | None, more: Iterable[Finding] = ()
) -> Callable[[Outcome], RemittanceResult]:
    """The result of an attempt; ``None`` status: posted now, or found already posted."""

    def finish(outcome: Outcome) -> RemittanceResult:
        done = PostingStatus.ALREADY_POSTED if outcome.duplicate else PostingStatus.POSTED
        return RemittanceResult(
            **outcome.fields(),
            findings=(*plan.findings, *more),
            status=done if status is None else status,
            plan=plan,
        )

    return finish


def _check_posted_whole(
    store: Store,
    remittance: Remittance,
    claims: Sequence[Claim],
    snapshot: Snapshot,
    options: _Options,
    key: str,
) -> None:
    """Refuse to call a remittance posted when part of its batch is missing.

    Its entries are those of the batch the store recorded under its key (or,
    when the key was never recorded, the entries naming the remittance). The
    plan on the ledgers without them shows every account a whole posting
    touches: each must hold some of them.

    Raises:
        IncompleteBatchError: Naming the accounts without the remittance's entries.
    """
    recorded = recorded_batch(store, key)
    check_whole(store, recorded, key)
    history = snapshot.entries
    # The snapshot reads account after account, not at one instant: a posting that
    # committed between two reads shows on some accounts only. The store's record of the
    # batch says where it wrote; the snapshot is the witness only when there is none.
    if recorded is not None:
        mine = set(recorded.entry_ids)
        posted = {r.account_id for r in recorded.results if r.entry_ids}
    else:
        mine = {e.id for e in history if e.source.remittance_id == remittance.id}
        posted = {e.account_id for e in history if e.id in mine}
    # Planned again as it would be without its own entries: the same payment, not another.
    whole = _plan(
        remittance,
        claims,
        [e for e in history if e.id not in mine],
        attrs.evolve(options, different_payment=True),
    )
    # A plan still refused (posted under another remittance id, outside the workflows)
    # cannot tell which accounts a whole posting touches: nothing to compare.
    missing = sorted({e.account_id for e in whole.entries} - posted)
    if missing:
        raise IncompleteBatchError(
            f"remittance {remittance.trace_number} is posted in part: its entries are on"
            f" account {', '.join(sorted(posted)) or 'none'} but not on {', '.join(missing)}"
            " (a store broke all-or-nothing); nothing was written now: post the missing part"
            " before retrying"
        )


def post_remittance(
    store: Store,
    remittance: Remittance,
    *,
    coverages: Mapping[str, Iterable[Coverage | Bucket]] | None = None,
    claim_level_rule: ClaimLevelRule = ClaimLevelRule.PROPORTIONAL_TO_CHARGE,
    designated_lines: Mapping[str, str] | None = None,
    accept_unbalanced: bool = False,
    unmatched: UnmatchedPolicy = UnmatchedPolicy.HOLD,
    denials: DenialPolicy = DEFAULT_DENIAL_POLICY,
    different_payment: bool = False,
    effective: datetime.date | None = None,
    contracts: Mapping[str, Contract] | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
    backoff: Backoff = DEFAULT_BACKOFF,
) -> RemittanceResult:
    """Post a remittance on every account it touches, all or nothing, exactly once.

    Each attempt loads the claims the remittance answers (by patient control
    number = claim id; one we do not have is held, or refused with
    ``unmatched=UnmatchedPolicy.REFUSE``), the claims its PLB references name,
    and the remittances stored before under its trace number; reads the ledgers
    of the claims' accounts and of the remittance's own account
    ([`remittance_account`][billing_core.posting.remittance_account]: money held,
    provider-level adjustments); plans with [`plan_posting`][billing_core.posting.plan_posting]
    (balances and history as of ``effective``, the paid date by default) and
    appends the plan's entries with one
    [`append_batch`][billing_core.storage.LedgerStore.append_batch] under the plan's
    idempotency key, every account checked at the version read: the claims'
    entries and the money of no line are stored together or not at all. On a
    ConcurrencyError it waits, re-reads, re-plans and retries.

    - A remittance that does not balance, or that the plan refuses for another
      reason, is **refused**: nothing is written, and
      [`RemittanceResult.explanation`][billing_core.workflows.RemittanceResult.explanation]
      says why (findings and balancing).
    - The same payment posted before under another envelope (same payer,
      trace number and total, or entries of its payment on its accounts) is a
      **probable duplicate**: nothing is written, unless the caller says it is
      another payment (``different_payment=True``).
    - A remittance posted before, or concurrently by another call, is
      **already posted**: nothing is written now. Posted *in part* (a store
      that broke all-or-nothing) is an
      [`IncompleteBatchError`][billing_core.errors.IncompleteBatchError], never
      "already posted".
    - After posting (or finding it posted) the remittance document is stored
      if it is not yet.

    Money held unapplied and the provider-level adjustments (PLB) are entries
    of the remittance's account, in the same batch (also described in 835 terms
    in ``result.plan.provider_entries``); follow-ups (held money, appeals with
    their deadline, recoupments) are in ``result.plan.follow_ups``.

    Args:
        store: The store.
        remittance: The payer's remittance.
        coverages: Per account, its coverages (see [`plan_posting`][billing_core.posting.plan_posting]).
        claim_level_rule: How claim-level adjustments are spread over lines.
        designated_lines: For [`DESIGNATED_LINE`][billing_core.posting.ClaimLevelRule.DESIGNATED_LINE].
        accept_unbalanced: Post a remittance that does not balance.
        unmatched: Hold what matches nothing of ours (the default), or refuse.
        denials: Which denied amounts are held open for appeal.
        different_payment: The caller says the remittance is another payment
            than the one it looks like (no probable-duplicate refusal).
        effective: The entries' date; the remittance's paid date by default.
        contracts: The payers' contracts by payer id: each claim payment is
            set against its payer's (see [`plan_posting`][billing_core.posting.plan_posting]);
            the reports are ``result.variances``, their warnings among the findings.
        max_attempts: How many times to re-read and retry on a concurrent write.
        backoff: How long to wait before each retry.

    Returns:
        The [`RemittanceResult`][billing_core.workflows.RemittanceResult].

    Raises:
        IncompleteBatchError: The remittance is posted in part.
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> from billing_core.remittance import Remittance
        >>> from billing_core.testing.memory import InMemoryStore
        >>> r = Remittance(payer="P", payee="Q", total_payment=Money("5", "USD"),
        ...     payment_method="CHK", trace_number="T9", paid_date=datetime.date(2024, 1, 2))
        >>> result = post_remittance(InMemoryStore(), r)
        >>> result.status, result.written
        (<PostingStatus.REFUSED: 'refused'>, ())
        >>> print(result.explanation)
        remittance T9: refused, nothing was written
        remittance T9: BPR02 total payment 5.00 USD but BPR02 = sum(CLP04) - sum(PLB) gives 0.00 USD (residual 5.00 USD)
        remittance T9: 1 problem in 1 check
        ...
    """  # noqa: E501
    options = _Options(
        coverages=coverages,
        claim_level_rule=claim_level_rule,
        designated_lines=designated_lines,
        accept_unbalanced=accept_unbalanced,
        unmatched=unmatched,
        denials=denials,
        different_payment=different_payment,
        effective=remittance.paid_date if effective is None else effective,
        contracts=contracts,
    )
    own = remittance_account(remittance.payer, remittance.trace_number)

    def plan() -> Step[RemittanceResult]:
        answered = _claims(store, remittance)
        earlier = _earlier(store, remittance)
        named = _named_claims(store, remittance, earlier)
        claims = list({c.id: c for c in (*answered, *named)}.values())
        # Only the answered claims' accounts and the remittance's own: claims named by a PLB
        # are read for linking, but PLB entries land on the remittance's account.
        snapshot = read(store, [*(c.account_id for c in answered), own])
        posting = _plan(remittance, claims, snapshot.entries, options, earlier)
        rules = {f.rule for f in posting.errors}
        # Checked before any refusal: a second call with the same file must answer "already
        # posted" (after proving the first batch whole), not re-report its findings.
        if _ALREADY_POSTED in rules:
            key = posting.idempotency_key
            _check_posted_whole(store, remittance, claims, snapshot, options, key)
            return Step(action=Done(), finish=_result(posting, PostingStatus.ALREADY_POSTED))
        if _PROBABLE_DUPLICATE in rules:
            return Step(action=None, finish=_result(posting, PostingStatus.PROBABLE_DUPLICATE))
        if posting.refused:
            return Step(action=None, finish=_result(posting, PostingStatus.REFUSED))
        # The document is stored after the append: a clash of ids must be found now, or the
        # ledger would hold a posting whose remittance document cannot be stored.
        problems = _id_taken(store, remittance)
        action = None
        if not problems:
            # The plan was built from this snapshot, so apply_posting's duplicate and stale
            # checks cannot fire (the store's version check covers a concurrent write);
            # Snapshot.append checks each account's whole history, once.
            try:
                action = snapshot.append(posting.entries, posting.idempotency_key)
            except ValidationError as err:
                problems = list(err.findings)
        if action is None:
            return Step(action=None, finish=_result(posting, PostingStatus.REFUSED, problems))
        return Step(action=action, finish=_result(posting, None))

    result = run(store, plan, max_attempts=max_attempts, backoff=backoff)
    # Stored only when posted (or found posted): a refused remittance leaves no trace, so
    # fixing the input and posting again starts clean.
    if not result.refused:
        storing(store, remittance)()
    return result


def _id_taken(store: Store, remittance: Remittance) -> list[Finding]:
    """A finding if a different remittance is stored under this one's id."""
    try:
        stored = store.get(Remittance, remittance.id).value
    except NotFoundError:
        return []
    if stored == remittance:
        return []
    return [
        Finding(
            location=f"remittance {remittance.id!r}",
            message="a different remittance with this id is already stored",
            rule="workflow.remittance_id_taken",
        )
    ]
