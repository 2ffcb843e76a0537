"""The results of billing: an issued bill, a submitted encounter.

Private: the public names are re-exported by [`billing_core.workflows`][billing_core.workflows].
"""

from __future__ import annotations

import attrs

from billing_core.bills import Bill
from billing_core.claims import Claim
from billing_core.routing import Routing
from billing_core.storage import Versioned
from billing_core.workflows._results import WorkflowResult


@attrs.frozen(kw_only=True)
class BillResult(WorkflowResult):
    """The result of [`post_bill`][billing_core.workflows.post_bill].

    Attributes:
        bill: The issued bill as stored, with its version.

    Examples:
        >>> BillResult.__mro__[1].__name__
        'WorkflowResult'
    """

    bill: Versioned[Bill]


@attrs.frozen(kw_only=True)
class EncounterResult(WorkflowResult):
    """The result of [`submit_encounter`][billing_core.workflows.submit_encounter].

    Attributes:
        routing: Who is billed: the claim and/or the patient bill.
        refused: ``True`` when the claim failed validation: nothing was
            stored or written, and `findings` say why.
        claim: The claim as stored, or ``None`` (self-pay, or refused).
        patient_bill: The draft patient bill as stored, or ``None``.

    Examples:
        >>> from billing_core.routing import Routing
        >>> EncounterResult(written=(), batch=None, duplicate=False, attempts=0,
        ...                 routing=Routing(claim=None, patient_bill=None, coverage=None),
        ...                 refused=True, claim=None, patient_bill=None).refused
        True
    """

    routing: Routing
    refused: bool
    claim: Versioned[Claim] | None
    patient_bill: Versioned[Bill] | None
