"""Pickling ledger entries through their constructors (private).

An entry pickles as ``(rebuild_entry, (cls, constructor arguments))``, so an
unpickled entry is validated and its derived fields (its effect) are computed
by the code that loads it.

Examples:
    >>> import datetime, pickle
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2024, 1, 2), amount=Money("5.00", "USD"),
    ...                  bucket=Bucket.PATIENT)
    >>> pickle.loads(pickle.dumps(c)) == c
    True
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["init_names", "rebuild_entry"]

_INIT_NAMES: dict[type[Any], tuple[str, ...]] = {}


def init_names(cls: type[Any]) -> tuple[str, ...]:
    """The names of an attrs class's constructor arguments (cached per class)."""
    names = _INIT_NAMES.get(cls)
    if names is None:
        names = tuple(a.name for a in attrs.fields(cls) if a.init)
        _INIT_NAMES[cls] = names
    return names


def rebuild_entry(cls: type[Any], fields: dict[str, Any]) -> Any:
    """Unpickle an entry: call its constructor with the pickled arguments."""
    return cls(**fields)


# Pickles name this function by module and name. Entries pickled before the ledger
# became a package name ``billing_core.ledger._rebuild_entry``; the package keeps
# that name, and new pickles use it too, so pickles do not depend on this file.
rebuild_entry.__module__ = "billing_core.ledger"
rebuild_entry.__qualname__ = rebuild_entry.__name__ = "_rebuild_entry"
