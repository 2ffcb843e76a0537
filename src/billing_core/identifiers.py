"""Identifiers for documents and entries.

Every document and ledger entry has an ``id: str`` chosen by the caller, so
ids from the caller's own system can be used as they are. [`new_id`][]
gives a fresh random one when the caller has none.

Examples:
    >>> from billing_core.identifiers import new_id
    >>> len(new_id())
    32
    >>> new_id() != new_id()
    True
"""

from __future__ import annotations

import uuid

__all__ = ["new_id"]


def new_id() -> str:
    """Return a new random identifier (a UUID4 as 32 lower-case hex digits).

    Returns:
        The identifier.

    Examples:
        >>> all(c in "0123456789abcdef" for c in new_id())
        True
    """
    return uuid.uuid4().hex
