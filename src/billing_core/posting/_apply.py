"""Recording a plan: idempotency, staleness and the last checks (private step of posting).

A plan is built on the history as it was. Before its entries may be
appended, [`apply_posting`][billing_core.posting.apply_posting] makes sure that

- the remittance is not posted yet: every entry id of a plan starts with the
  first 16 hex digits of the remittance's content key, so the history itself
  says whether it was posted, whoever posted it;
- the plan is not refused;
- no bucket the plan relied on has changed since (else the plan is stale);
- and, when the accounts have entries dated after the plan, or the caller
  accepted an unbalanced remittance, the whole resulting history is sound.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Final

from billing_core.balances import line_balances
from billing_core.errors import (
    DuplicateError,
    Severity,
    StalePlanError,
    UnbalancedError,
    ValidationError,
)
from billing_core.ledger import Entry, validate_history
from billing_core.ledger._effects import Effect, EffectKind, check_as_of, effect
from billing_core.money import Money
from billing_core.posting._types import PostingPlan
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment

KEY_PREFIX_LENGTH = 16
"""Hex digits of the idempotency key that start every entry id of a plan."""


def _adj_key(adjustments: Iterable[CasAdjustment]) -> tuple[tuple[object, ...], ...]:
    # Plain values: the canonical JSON must not depend on any object's repr.
    return tuple([(a.group._value_, a.reason.code, a.amount.minor) for a in adjustments])


def _two_key(adjustments: Sequence[CasAdjustment]) -> tuple[tuple[object, ...], ...]:
    """`_adj_key` of the usual line's two adjustments, spelled out (no comprehension)."""
    a, b = adjustments
    return (
        (a.group._value_, a.reason.code, a.amount.minor),
        (b.group._value_, b.reason.code, b.amount.minor),
    )


def _lines_key(
    lines: Iterable[ServicePayment], texts: dict[int, str | None]
) -> tuple[tuple[object, ...], ...]:
    """The service lines' part of the key; ``texts`` caches procedure and date texts by object.

    A remittance repeats a few procedures and dates over many lines: each is written
    once (cached by the object's id, alive for the whole call).
    """
    out = []
    # The last line's procedure and date, with their texts: lines of a claim mostly repeat
    # them, and an identity test is cheaper than a look-up.
    last_procedure: object = texts  # no line's procedure or date is this dict
    last_day: object = texts
    proc = when = None
    for s in lines:
        procedure, day = s.procedure, s.service_date
        if procedure is not last_procedure:
            last_procedure, proc = procedure, texts.get(id(procedure), "")
            if proc == "":
                proc = texts[id(procedure)] = None if procedure is None else str(procedure)
        if day is not last_day:
            last_day, when = day, texts.get(id(day), "")
            if when == "":
                when = texts[id(day)] = None if day is None else day.isoformat()
        out.append(
            (
                s.line_control_number,
                proc,
                s.charge.minor,
                s.paid.minor,
                when,
                _two_key(adjustments)
                if len(adjustments := s.adjustments) == 2
                else _adj_key(adjustments),
            )
        )
    return tuple(out)


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
        >>> import attrs
        >>> from billing_core.money import Money
        >>> from billing_core.posting import idempotency_key
        >>> from billing_core.remittance import Remittance
        >>> r = Remittance(payer="P", payee="Q", total_payment=Money("0", "USD"),
        ...     payment_method="NON", trace_number="T1", paid_date=datetime.date(2024, 1, 2))
        >>> idempotency_key(r) == idempotency_key(attrs.evolve(r, id="other"))
        True
        >>> idempotency_key(r) == idempotency_key(attrs.evolve(r, trace_number="T2"))
        False
    """
    # Tuples, which JSON writes as the same arrays as lists: a tuple of plain values is one
    # the garbage collector stops tracking, where a large remittance's lists would each be
    # tracked (and trigger full collections) until the text is made.
    texts: dict[int, str | None] = {}
    # The version tag and the field order are part of the key: changing either
    # would let a stored remittance be posted a second time.
    head = [
        "billing_core.posting/1",
        remittance.payer,
        remittance.payee,
        remittance.trace_number,
        remittance.paid_date.isoformat(),
        remittance.payment_method.value,
        remittance.total_payment.currency,
        remittance.total_payment.minor,
    ]
    plb = [
        [p.reason.value, p.reference, p.amount.minor, p.provider_id]
        for p in remittance.provider_adjustments
    ]
    # The text is the JSON of [*head, [claim, ...], plb], written into the digest in pieces,
    # the claims a few at a time: a list's JSON is its items' JSON joined by commas within
    # brackets, so the pieces make the very same text, and a large remittance is never held
    # whole as objects (each a count towards the garbage collector's next pass).
    digest = hashlib.sha256()
    digest.update(_json(head)[:-1].encode("ascii") + b",[")
    claims = remittance.claims
    for start in range(0, len(claims), _CLAIMS_AT_A_TIME):
        chunk = _json([_claim_key(c, texts) for c in claims[start : start + _CLAIMS_AT_A_TIME]])
        digest.update((b"," if start else b"") + chunk[1:-1].encode("ascii"))
    digest.update(b"]," + _json(plb).encode("ascii") + b"]")
    return digest.hexdigest()


_CLAIMS_AT_A_TIME = 32
"""Claims of a remittance written to its key's text at a time (see `idempotency_key`)."""


# Fixed separators and ASCII escapes make the text, and so the digest, the same on every
# platform and Python version. No check for circular references: the key's content is
# fresh tuples of plain values, which cannot hold themselves (the check costs a third).
_JSON: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, check_circular=False)


def _json(value: object) -> str:
    return _JSON.encode(value)


def _claim_key(c: ClaimPayment, texts: dict[int, str | None]) -> tuple[object, ...]:
    """One claim payment's part of the key (``texts`` as in `_lines_key`)."""
    return (
        c.patient_control_number,
        c.status._value_,
        c.charge.minor,
        c.paid.minor,
        None if c.patient_responsibility is None else c.patient_responsibility.minor,
        c.payer_claim_control_number,
        _adj_key(c.adjustments) if c.adjustments else (),
        _lines_key(c.lines, texts),
    )


def posted_entry(history: Iterable[Entry], key: str) -> Entry | None:
    """The first entry of ``history`` that a plan with idempotency key ``key`` made, if any."""
    # Every entry id of a plan starts with the key's prefix: the ledger itself remembers
    # what was posted, whichever process posted it.
    prefix = key[:KEY_PREFIX_LENGTH] + "."
    return next((e for e in history if e.id.startswith(prefix)), None)


def apply_posting(plan: PostingPlan, current: Iterable[Entry]) -> tuple[Entry, ...]:
    """The ledger entries of a plan, after checking it may and can still be recorded.

    Args:
        plan: The plan from [`plan_posting`][billing_core.posting.plan_posting].
        current: The current entries of the plan's accounts.

    Returns:
        The entries to append (grouped by account, the remittance's own
        account last); nothing is recorded here.

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
        >>> from billing_core.money import Money
        >>> from billing_core.posting import apply_posting, plan_posting
        >>> from billing_core.remittance import Remittance
        >>> r = Remittance(payer="P", payee="Q", total_payment=Money("5", "USD"),
        ...     payment_method="CHK", trace_number="T9", paid_date=datetime.date(2024, 1, 2))
        >>> apply_posting(plan_posting(r, [], []), [])
        Traceback (most recent call last):
        ...
        billing_core.errors.UnbalancedError: remittance T9: 1 problem in 1 check
        ...
    """
    # Read several times below: a one-shot iterator would be empty after the first pass.
    history = current if isinstance(current, list | tuple) else list(current)
    posted = posted_entry(history, plan.idempotency_key)
    # Checked before the refusal: posting again a remittance already posted must say
    # "already posted" even if its plan, made on the newer history, was refused.
    if posted is not None:
        raise DuplicateError(
            f"remittance {plan.remittance_id} is already posted"
            f" (idempotency key {plan.idempotency_key}, entry {posted.id})"
        )
    if plan.refused:
        report = plan.balancing
        # An imbalance is the payer's file, not our data: a distinct error lets a caller
        # route it to "ask the payer" rather than "fix our claims".
        if report is not None and report.failures and not plan.accepted_unbalanced:
            raise UnbalancedError(str(report))
        raise ValidationError(plan.errors)
    _check_fresh(plan, history)
    _check_later_history(plan, history)
    return plan.entries


def _check_fresh(plan: PostingPlan, history: Sequence[Entry]) -> None:
    """Raise StalePlanError if a bucket the plan relied on holds another amount now."""
    if not plan.assumed:
        return
    # Only the lines the plan read: folding the whole history of a large account for a
    # handful of lines is the cost this check must not have.
    lines = {a.line_id for a in plan.assumed}
    now = open_now([e for e in history if e.line_id in lines], plan.effective)
    cur = plan.total_payment.currency
    nothing: dict[str, int] = {}
    # A line that has vanished from the history reads as nothing open, so a plan relying
    # on an open amount there is stale, never silently applied.
    stale = [
        (a, found)
        for a in plan.assumed
        if (found := now.get(a.bucket._value_, nothing).get(a.line_id, 0)) != a.open_minor
    ]
    if stale:
        # Ten are enough to see why; a large remittance could otherwise make a huge message.
        shown = [
            f"line {a.line_id} {a.bucket}: planned on {Money.from_minor(a.open_minor, cur)},"
            f" now {Money.from_minor(found, cur)}"
            for a, found in stale[:10]
        ]
        raise StalePlanError("the posting plan is stale; re-plan it: " + "; ".join(shown))


def open_now(history: Iterable[Entry], as_of: datetime.date) -> dict[str, dict[str, int]]:
    """What each bucket of the lines of ``history`` has open as of a date, in minor units.

    By the bucket's value, then by line id. The same open amounts as
    ``line_balances(history, as_of)[line].open``, as one pass over the entries
    adding integers (each entry's effect says which buckets it opens or
    closes): no balance built for a check that reads one number a line, and
    no object made per line. A line that fold refuses (no charge, entries in
    several accounts or currencies) goes to `line_balances`, which raises the
    error naming it.
    """
    check_as_of(as_of)
    entries = history if isinstance(history, list | tuple) else list(history)
    by_bucket: dict[str, dict[str, int]] = {}
    first: dict[str, Effect] = {}
    charged: set[str] = set()
    sound = True
    for e in entries:
        line_id = e.line_id
        if line_id is None or e.effective > as_of:
            continue
        found = effect(e)
        seen = first.setdefault(line_id, found)
        if seen is not found and (
            seen.account_id != found.account_id or seen.currency != found.currency
        ):
            sound = False
        if found.kind is EffectKind.CHARGE:
            charged.add(line_id)
        minor = e.amount.minor
        for bucket, sign in found.opens:
            opens = by_bucket.get(bucket._value_)
            if opens is None:
                opens = by_bucket[bucket._value_] = {}
            opens[line_id] = opens.get(line_id, 0) + sign * minor
    if not sound or len(charged) < len(first):
        line_balances(entries, as_of)  # raises, naming the first line it refuses
    return by_bucket


def _check_later_history(plan: PostingPlan, history: Sequence[Entry]) -> None:
    """Raise ValidationError if the plan would leave a bucket or credit negative on some day.

    A plan is built on balances as of its date. When the accounts have later
    entries, or the caller accepted an unbalanced remittance, the whole
    resulting history is checked: that is the only way to see a later entry
    that relied on money this plan now takes, or cash applied that never came.
    """
    accounts = {e.account_id for e in plan.entries}
    touched = [e for e in history if e.account_id in accounts]
    # Skipped otherwise: validating the whole history is costly, and a balanced plan dated
    # after everything on its accounts is covered by the freshness check above.
    if plan.accepted_unbalanced or any(e.effective > plan.effective for e in touched):
        problems = [
            f for f in validate_history([*touched, *plan.entries]) if f.severity is Severity.ERROR
        ]
        if problems:
            raise ValidationError(problems)
