"""The order of keys in balance mappings and credit lists (private).

Enum members (buckets, group codes, write-off reasons) in definition order,
then parties (payers before the patient, then by id), then anything else by
its text.

Examples:
    >>> from billing_core.ledger import Bucket, Party
    >>> sorted([Party.patient("P1"), Bucket.PATIENT, Party.payer("Z")], key=order_key)
    [<Bucket.PATIENT: 'patient'>, Party(kind=<PartyKind.PAYER: 'payer'>, id='Z'), \
Party(kind=<PartyKind.PATIENT: 'patient'>, id='****')]
"""

from __future__ import annotations

import enum
from typing import Final

from billing_core.codes import GroupCode
from billing_core.ledger import Bucket, Party, PartyKind, WriteOffReason

__all__ = ["order_key"]

_RANK: Final[dict[object, tuple[int, int, str]]] = {
    member: (0, n, "")
    for kind in (Bucket, GroupCode, WriteOffReason)
    for n, member in enumerate(kind)
}


def order_key(key: object) -> tuple[int, int, str]:
    """The sort key of a mapping key (see the module)."""
    rank = _RANK.get(key) if isinstance(key, enum.Enum) else None
    if rank is not None:
        return rank
    if isinstance(key, enum.Enum):
        return (0, list(type(key)).index(key), "")
    if isinstance(key, Party):  # payers first, then the patient
        return (1, list(PartyKind).index(key.kind), key.id)
    return (2, 0, str(key))
