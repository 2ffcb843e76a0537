"""What a payer or clearinghouse said on receiving a claim, before adjudication (277CA).

A claim acknowledgement (ASC X12 005010X214, the 277CA) answers one question
per claim: did it pass the front door into adjudication? Its STC segment carries
a claim status category code (external code list 507: in a batch 277CA only the
``A`` acknowledgement categories), a claim status code (list 508) saying what
about the claim, and an action code: ``WQ`` accepted, ``U`` rejected.

A rejected claim never reached adjudication: it is corrected and sent again (a
new original, not a replacement). An accepted one may still be denied later, on
the remittance.

Examples:
    >>> import datetime
    >>> ack = ClaimAcknowledgement(claim_id="CLM1", received=datetime.date(2024, 3, 6),
    ...                            category="A7", status_code="562", entity="85")
    >>> ack.status, ack.rejected
    (<AcknowledgementStatus.REJECTED: 'rejected'>, True)
"""

from __future__ import annotations

import datetime
import enum
import re
from typing import Final

import attrs

from billing_core._fields import date_field, invalid, text

__all__ = [
    "ACCEPTED_CATEGORIES",
    "REJECTED_CATEGORIES",
    "AcknowledgementStatus",
    "ClaimAcknowledgement",
]

ACCEPTED_CATEGORIES: Final = frozenset({"A0", "A1", "A2", "A5"})
"""Acknowledgement categories that let the claim go on: forwarded (A0), received (A1),
accepted into adjudication (A2), split (A5)."""

REJECTED_CATEGORIES: Final = frozenset({"A3", "A4", "A6", "A7", "A8"})
"""Acknowledgement categories that stop the claim before adjudication: returned as
unprocessable (A3), not found (A4), missing (A6), invalid (A7) or relational (A8) data."""

_CATEGORY = re.compile(r"[A-Z][0-9A-Z]{1,2}")
# STC03 action codes: WQ accepted, U rejected; the payer's own verdict, so it decides
# over the category when present.
_ACTIONS: Final = {"WQ": True, "U": False}


class AcknowledgementStatus(enum.Enum):
    """Whether the acknowledged claim goes on to adjudication.

    Attributes:
        ACCEPTED: It passed the front door (which is not a promise to pay).
        REJECTED: It stopped there; correct it and send it again.

    Examples:
        >>> str(AcknowledgementStatus.ACCEPTED)
        'accepted'
    """

    ACCEPTED = "accepted"
    REJECTED = "rejected"

    def __str__(self) -> str:
        return self.value


def _category(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    text("claim acknowledgement")(instance, attribute, value)
    if not _CATEGORY.fullmatch(value):
        raise invalid(
            f"claim acknowledgement.{attribute.name}",
            f"must be a claim status category code such as 'A2', got {value[:8]!r}",
            "acknowledgement.category",
        )


def _action(instance: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    text("claim acknowledgement", optional=True)(instance, attribute, value)
    if value is not None and value not in _ACTIONS:
        raise invalid(
            "claim acknowledgement.action",
            f"must be 'WQ' (accepted) or 'U' (rejected), got {value[:8]!r}",
            "acknowledgement.action",
        )


@attrs.frozen(kw_only=True)
class ClaimAcknowledgement:
    """One claim's acknowledgement (277CA loop 2200D): accepted or rejected, and why.

    Attributes:
        claim_id: The claim's id, the patient control number sent in CLM01 and
            echoed back (277CA TRN02 of loop 2200D).
        received: The date the acknowledgement speaks for (the status
            information effective date, STC02, else the transaction date).
        category: The claim status category code (STC01-1), e.g. ``"A2"``.
        status_code: The claim status code (STC01-2), e.g. ``"20"`` (accepted
            for processing) or ``"562"`` (an entity's identifier).
        entity: The entity identifier code the status is about (STC01-3),
            e.g. ``"85"`` for the billing provider.
        action: The action code (STC03): ``"WQ"`` accepted, ``"U"`` rejected.
            When given, it decides [`status`][billing_core.claims.ClaimAcknowledgement.status].
        payer_claim_number: The payer's claim control number (REF*1K), when
            the claim was accepted.
        message: Free text from the sender (STC12).

    Raises:
        ValidationError: A category that is not a code, an unknown action.
        TypeError: A field of the wrong type.

    Examples:
        >>> import datetime
        >>> ok = ClaimAcknowledgement(claim_id="CLM1", received=datetime.date(2024, 3, 6),
        ...                           category="A2", status_code="20", action="WQ",
        ...                           payer_claim_number="PCN-77")
        >>> ok.status, ok.rejected
        (<AcknowledgementStatus.ACCEPTED: 'accepted'>, False)
        >>> ClaimAcknowledgement(claim_id="CLM1", received=datetime.date(2024, 3, 6),
        ...                      category="accepted", status_code="20")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: claim acknowledgement.category: must be a claim status category code such as 'A2', got 'accepted'
    """  # noqa: E501

    claim_id: str = attrs.field(validator=text("claim acknowledgement", nonempty=True))
    received: datetime.date = attrs.field(validator=date_field("claim acknowledgement"))
    category: str = attrs.field(validator=_category)
    status_code: str = attrs.field(validator=text("claim acknowledgement"))
    entity: str | None = attrs.field(
        default=None, validator=text("claim acknowledgement", optional=True)
    )
    action: str | None = attrs.field(default=None, validator=_action)
    payer_claim_number: str | None = attrs.field(
        default=None, validator=text("claim acknowledgement", optional=True)
    )
    message: str | None = attrs.field(
        default=None, validator=text("claim acknowledgement", optional=True)
    )

    @property
    def status(self) -> AcknowledgementStatus:
        """Accepted or rejected: the action code when given, else the category.

        A category outside the ``A`` acknowledgement codes (an ``E`` error
        category from a real-time response, say) without an action code counts
        as rejected: nothing says the claim went on.

        Examples:
            >>> import datetime
            >>> ClaimAcknowledgement(claim_id="C", received=datetime.date(2024, 1, 2),
            ...                      category="A1", status_code="19").status
            <AcknowledgementStatus.ACCEPTED: 'accepted'>
        """
        if self.action is not None:
            accepted = _ACTIONS[self.action]
        else:
            # Without an action code an unknown category counts as rejected: assuming a claim
            # reached adjudication when it did not would let a timely-filing deadline pass.
            accepted = self.category in ACCEPTED_CATEGORIES
        return AcknowledgementStatus.ACCEPTED if accepted else AcknowledgementStatus.REJECTED

    @property
    def rejected(self) -> bool:
        """Whether the claim stopped before adjudication.

        Examples:
            >>> import datetime
            >>> ClaimAcknowledgement(claim_id="C", received=datetime.date(2024, 1, 2),
            ...                      category="A6", status_code="21").rejected
            True
        """
        return self.status is AcknowledgementStatus.REJECTED
