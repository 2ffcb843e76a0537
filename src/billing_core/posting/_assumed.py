"""The balances a plan was built on (private; a leaf that the package and its steps share)."""

from __future__ import annotations

from typing import NamedTuple

from billing_core.ledger import Bucket


class Assumed(NamedTuple):
    """The open amount of one bucket a plan relied on; `apply_posting` checks it is unchanged.

    A plan reads a bucket to decide what a line may take out of it (or what a
    reversal may take back); if the bucket holds another amount by the time
    the plan is applied, the plan is stale.

    A named tuple, not an attrs class: a plan holds one per line it posts, made
    as the line is read (the fold's record of what it relied on is these very
    values).
    """

    line_id: str
    account_id: str
    bucket: Bucket
    open_minor: int
