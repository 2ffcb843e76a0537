"""The balances a plan was built on (private; a leaf that the package and its steps share)."""

from __future__ import annotations

import attrs

from billing_core.ledger import Bucket


@attrs.frozen(kw_only=True)
class Assumed:
    """The open amount of one bucket a plan relied on; `apply_posting` checks it is unchanged.

    A plan reads a bucket to decide what a line may take out of it (or what a
    reversal may take back); if the bucket holds another amount by the time
    the plan is applied, the plan is stale.
    """

    line_id: str
    account_id: str
    bucket: Bucket
    open_minor: int
