"""The result of posting a remittance, or of applying its held cash later.

Private: the public names are re-exported by [`billing_core.workflows`][billing_core.workflows].
"""

from __future__ import annotations

import enum

import attrs

from billing_core.fees import VarianceReport
from billing_core.posting import PostingPlan
from billing_core.workflows._results import WorkflowResult


class PostingStatus(enum.Enum):
    """What [`post_remittance`][billing_core.workflows.post_remittance] did with a remittance.

    Examples:
        >>> str(PostingStatus.ALREADY_POSTED)
        'already posted'
    """

    POSTED = "posted"
    """Its entries were appended now, on every account it touches."""
    ALREADY_POSTED = "already posted"
    """An earlier (or concurrent) call posted it: nothing was written now."""
    REFUSED = "refused"
    """It does not balance, or the plan refused it for another reason: nothing was written."""
    PROBABLE_DUPLICATE = "probable duplicate"
    """The same payment (payer, trace number) is posted already under another envelope:
    nothing was written; post it with ``different_payment=True`` if it is another payment."""

    def __str__(self) -> str:
        return self.value


_DUPLICATE = PostingStatus.PROBABLE_DUPLICATE


@attrs.frozen(kw_only=True)
class RemittanceResult(WorkflowResult):
    """What posting a remittance, or applying its held cash later, did.

    The result of [`post_remittance`][billing_core.workflows.post_remittance] and
    [`apply_unapplied_cash`][billing_core.workflows.apply_unapplied_cash].

    Attributes:
        status: Posted, already posted, refused, or a probable duplicate.
        plan: The posting plan of the last attempt (its follow-ups and
            crossovers are for the caller to act on).

    Examples:
        >>> PostingStatus.REFUSED in set(PostingStatus)
        True
    """

    status: PostingStatus
    plan: PostingPlan

    @property
    def refused(self) -> bool:
        """Whether the remittance was refused, as a probable duplicate too (nothing written).

        See [`explanation`][] for why.

        Examples:
            >>> PostingStatus("refused") is PostingStatus.REFUSED
            True
        """
        return self.status is PostingStatus.REFUSED or self.status is _DUPLICATE

    @property
    def variances(self) -> tuple[VarianceReport, ...]:
        """Each claim payment set against its payer's contract (``contracts=`` given).

        The plan's ``variances``; their warnings are among the result's ``findings``.

        Examples:
            >>> import datetime
            >>> from billing_core.money import Money
            >>> from billing_core.remittance import Remittance
            >>> from billing_core.testing.memory import InMemoryStore
            >>> from billing_core.workflows import post_remittance
            >>> r = Remittance(payer="P", payee="Q", total_payment=Money("0", "USD"),
            ...     payment_method="NON", trace_number="T0", paid_date=datetime.date(2024, 1, 2))
            >>> post_remittance(InMemoryStore(), r).variances  # no contracts given
            ()
        """
        return self.plan.variances

    @property
    def explanation(self) -> str:
        """What happened, in words: the refusal's findings and balancing, or a summary.

        Examples:
            >>> str(PostingStatus.POSTED)
            'posted'
        """
        plan = self.plan
        head = f"remittance {plan.remittance_id}: {self.status}"
        if self.refused:
            # The workflow's own reasons (an id taken, a payment posted already) are
            # not the plan's: say them, and the plan's explanation when it has one.
            own = [str(f) for f in self.findings if f not in plan.findings]
            why = [*own, plan.explain()] if plan.findings or not own else own
            return "\n".join([f"{head}, nothing was written", *why])
        if self.status is PostingStatus.ALREADY_POSTED:
            return f"{head} (idempotency key {plan.idempotency_key}), nothing was written"
        accounts = ", ".join(f"{a} (now version {v})" for a, v in self.versions.items())
        return f"{head}: {len(self.written)} entries on {accounts or 'no account'}"
