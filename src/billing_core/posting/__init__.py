"""Posting a remittance: from the payer's answer to ledger entries, every cent accounted for.

[`plan_posting`][] is pure: given a [`Remittance`][billing_core.remittance.Remittance],
our [`Claim`][billing_core.claims.Claim] objects and the history of the
accounts it touches, it returns a [`PostingPlan`][] with the ledger entries
to append per account, the findings, the follow-ups (denials and appeals,
money held, recoupments, claims the payer did not take) and the crossovers.
[`apply_posting`][] checks that the plan is still current and not already
posted, and hands back the entries.

How the payer's answer becomes entries (the claim's coverage gives the payer's
[`Bucket`][billing_core.ledger.Bucket]):

| 835 | ledger |
|---|---|
| paid amount (SVC03, CLP04) | one [`PaymentReceived`][billing_core.ledger.PaymentReceived] per account and payer (the net it paid there; a [`Refund`][billing_core.ledger.Refund] when negative), then a [`PaymentApplied`][billing_core.ledger.PaymentApplied] per line from the payer's bucket |
| CO, PI | [`Adjustment`][billing_core.ledger.Adjustment] adjusted off the payer's bucket |
| PR (deductible, coinsurance, copay, ...) | [`Adjustment`][billing_core.ledger.Adjustment] transferred to the next coverage, else the patient |
| OA-23 on a secondary/tertiary claim | nothing: the prior payer's impact, already resolved in the prior payer's bucket |
| other OA | adjusted off the payer's bucket |
| a denial the [`DenialPolicy`][] holds (CO, PI, OA) | nothing posted: it stays open in the payer's bucket; an [`AppealHold`][billing_core.ledger.AppealHold] and a follow-up with the appeal deadline |
| a negative adjustment | the payment it adds stays as the payer's unapplied credit (an overpayment, visible and refundable) |
| claim-level CAS | distributed across the claim's lines by a [`ClaimLevelRule`][], exact to the cent |
| status 22 (reversal) | [`Reversal`][billing_core.ledger.Reversal] of each entry the original posting made |
| a claim or service line matching nothing of ours | its payment held: [`CashHeld`][billing_core.ledger.CashHeld] on the remittance's account |
| PLB | [`ProviderPayment`][billing_core.ledger.ProviderPayment] or [`ProviderWithholding`][billing_core.ledger.ProviderWithholding] on the remittance's account, linked to our claim when its reference names one |

Money of no line lives on the remittance's own account
([`remittance_account`][]: one per payer and trace number), appended in the
same batch as the claims' entries: for every remittance, cash received =
applied to claims + held + provider-level adjustments
([`PostingPlan.reconciliation`][billing_core.posting.PostingPlan.reconciliation],
and from the ledger [`reconcile_remittance`][] and [`reconcile_deposit`][]).
Held cash is listed by [`unapplied_cash`][], applied later to the right claim
by [`apply_unapplied`][], or refunded to the payer.

Matching: each claim payment to our claim by patient control number (the
claim id); each service line by line control number (the line item id),
falling back to procedure (without modifiers) + service date + charge when
the payer dropped the control number. Nothing is posted on a guess: what
matches nothing is held ([`UnmatchedPolicy.HOLD`][], the default) or refused
([`UnmatchedPolicy.REFUSE`][]).

Refusal: a plan with an error finding is **refused**: it carries the findings
and no entries, and [`apply_posting`][] raises
([`UnbalancedError`][billing_core.errors.UnbalancedError] with the balancing explanation
when the remittance does not balance, else
[`ValidationError`][billing_core.errors.ValidationError]). An unbalanced remittance is
posted only with ``accept_unbalanced=True`` (its imbalances become warnings,
no claim applies more than it paid, and the remittance's account takes the
unreconciled difference). The same payment sent again under another
envelope is refused as a probable duplicate unless the caller says it is
another payment.

How the package is cut: [`plan_posting`][] is a short composition of pure
steps, each in its own private module, each taking data and returning data.

| step | module | what it does |
|---|---|---|
| match | `_match` | our claims by id, planning order, service lines to our lines |
| distribute | `_distribute` | claim-level amounts spread over the lines, exact to the cent, never more than was paid |
| lines | `_lines` | a line's amounts sorted by effect (the denial policy on a denial), then its entries |
| build | `_build` | the line entries made from the values the plan has checked (no second validation) |
| reverse | `_reverse` | a status-22 claim paired with the entries it undoes |
| held | `_held` | what matches nothing of ours, held on the remittance's account |
| appeals | `_appeals` | denials held for appeal; holds closed by a later answer |
| claim | `_claim` | one claim payment: the step the plan folds over the remittance |
| cash | `_cash` | cash per account and payer; PLB on the remittance's account, linked to claims |
| duplicates | `_duplicates` | the same payment under another envelope |
| plan | `_plan` | the inputs read once, the fold, the plan assembled |
| apply | `_apply` | idempotency key, already posted, stale plans, last checks |
| unapplied | `_unapplied` | held cash applied to the right claim, as if it had matched |
| reconcile | `_reconcile` | where a remittance's money went: the plan's, and the ledger's view |

The result types are defined in `_types` and the denial policy in
`_denials` (the package is their public home); what the steps share is in
`_common`, and the balances a plan relied on in `_assumed`. The plan folds
`_claim.plan_claim` over the claim payments; the only state carried from one
to the next is the plan's own moves per bucket, the entries reversed so far
and the next entry number. A new step (a contract check) is a function of
the same kind: it reads the inputs and returns findings and entries, called
from `_claim` for one claim or from `_plan` for the whole.

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

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.posting._apply": ("apply_posting", "idempotency_key"),
    "billing_core.posting._denials": (
        "DEFAULT_ADJUSTED_REASONS",
        "DEFAULT_APPEAL_RULE",
        "DEFAULT_DENIAL_POLICY",
        "DEFAULT_HELD_REASONS",
        "DenialAction",
        "DenialPolicy",
        "check_denial_policy",
    ),
    "billing_core.posting._plan": ("plan_posting",),
    "billing_core.posting._reconcile": (
        "UnappliedCash",
        "reconcile_deposit",
        "reconcile_remittance",
        "remittance_account",
        "unapplied_cash",
    ),
    "billing_core.posting._types": (
        "NON_COVERED_REASONS",
        "PRIOR_PAYER_IMPACT_REASONS",
        "ClaimLevelRule",
        "Crossover",
        "FollowUp",
        "FollowUpKind",
        "PostingPlan",
        "ProviderPosting",
        "ProviderPostingKind",
        "UnmatchedPolicy",
    ),
    "billing_core.posting._unapplied": ("apply_unapplied",),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
