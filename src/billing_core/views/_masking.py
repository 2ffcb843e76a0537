"""The masking policy: which values views hide, and how (private; see the package).

One policy for every ``repr``, ``str``, HTML view and record export: a field
that holds a patient identifier is marked once, where the class declares it
([`protected`][billing_core.views.protected]), and every view reads that mark.

Examples:
    >>> import attrs
    >>> @attrs.frozen
    ... class Visit:
    ...     account_id: str = attrs.field(**protected(Protected.ID))
    ...     patient_name: str = attrs.field(**protected(Protected.NAME))
    >>> Visit("ACCT-0001234", "Jane Roe")
    Visit(account_id='****1234', patient_name='****')
    >>> masked_fields(Visit("ACCT-0001234", "Jane Roe"))
    {'account_id': <Protected.ID: 'id'>, 'patient_name': <Protected.NAME: 'name'>}
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any, Final

import attrs

__all__ = [
    "MASK",
    "Protected",
    "mask_identifier",
    "masked_fields",
    "masked_repr",
    "protected",
    "shown",
]

MASK: Final = "****"
"""What replaces the hidden part of a protected value."""

ID_VISIBLE: Final = 4
"""How many trailing characters of a long identifier views keep (see [`mask_identifier`][])."""

_KEY: Final = "billing_core.views.protected"
"""The attrs metadata key of the mark (a ``(Protected, when)`` pair)."""


class Protected(enum.Enum):
    """What a protected field holds, which decides how views mask it.

    Examples:
        >>> shown("ACCT-0001234", Protected.ID), shown("Jane Roe", Protected.NAME)
        ('****1234', '****')
    """

    ID = "id"
    """An identifier of a patient, a member or an account: the last
    [`ID_VISIBLE`][billing_core.views.ID_VISIBLE] characters of a long one stay visible,
    so two rows can be told apart; a short one is hidden entirely."""
    NAME = "name"
    """A person's name (patient, guarantor, signer): hidden entirely."""
    DATE = "date"
    """A birth date: hidden entirely."""
    ADDRESS = "address"
    """A person's postal address: hidden entirely."""


def mask_identifier(value: object, *, visible: int = ID_VISIBLE) -> str:
    """Hide an identifier but its last ``visible`` characters.

    The hidden part is always [`MASK`][billing_core.views.MASK] (so the
    length does not leak). An identifier shorter than ``2 x visible``
    characters is hidden entirely, since its tail would give away most of it.

    Args:
        value: The identifier (``None`` gives ``""``).
        visible: How many trailing characters to keep.

    Returns:
        The masked identifier.

    Examples:
        >>> mask_identifier("123456789"), mask_identifier("ABC12"), mask_identifier(None)
        ('****6789', '****', '')
    """
    if value is None:
        return ""
    text = str(value)
    if visible <= 0 or len(text) < 2 * visible:
        return MASK
    return MASK + text[-visible:]


def masked_repr(value: object, *, visible: int = 0) -> str:
    """The ``repr`` text of a field holding patient identifiers, masked.

    Meant for ``attrs.field(repr=masked_repr)`` (or, better,
    ``attrs.field(**protected(...))``): printing an object in a log or a
    notebook shows [`MASK`][billing_core.views.MASK] instead of the value, while
    the attribute itself still returns it. ``visible`` keeps that many
    trailing characters (see [`mask_identifier`][]); ``None`` stays ``None``.

    Args:
        value: The field's value.
        visible: Trailing characters to keep; 0 hides everything.

    Returns:
        The text ``repr`` shows for the field.

    Examples:
        >>> masked_repr("Jane Roe"), masked_repr(None), masked_repr("XYZ123456789", visible=4)
        ("'****'", 'None', "'****6789'")
    """
    if value is None:
        return "None"
    return repr(mask_identifier(str(value), visible=visible))


def shown(value: Any, kind: Protected, *, unmasked: bool = False) -> Any:
    """A protected value as a view shows it: masked, or as it is when ``unmasked``.

    An identifier keeps its last characters (see [`mask_identifier`][]); a
    name or a birth date is hidden entirely. ``None`` stays ``None``, so an
    absent value is not mistaken for a hidden one.

    Args:
        value: The value.
        kind: What it is.
        unmasked: Return ``value`` itself: the caller asked for the full value.

    Returns:
        The masked text, or ``value``.

    Examples:
        >>> from datetime import date
        >>> shown(date(1980, 5, 17), Protected.DATE), shown(None, Protected.NAME)
        ('****', None)
        >>> shown("Jane Roe", Protected.NAME, unmasked=True)
        'Jane Roe'
    """
    if value is None or unmasked:
        return value
    if kind is Protected.ID:
        return mask_identifier(value)
    return MASK


def _repr_for(kind: Protected) -> Callable[[Any], str]:
    return functools.partial(masked_repr, visible=ID_VISIBLE if kind is Protected.ID else 0)


def protected(kind: Protected, *, when: Callable[[Any], bool] | None = None) -> dict[str, Any]:
    """Keyword arguments for ``attrs.field`` that mark a field as protected.

    The field's ``repr`` is masked, and every view of the library (``str``,
    HTML, records) masks it unless the full value is asked for. Use it as
    ``attrs.field(**protected(Protected.ID), validator=...)``.

    Args:
        kind: What the field holds.
        when: For a field protected only in some instances (a party's id is a
            patient identifier only when the party is a patient), a test of the
            instance. The class then writes its own ``repr`` (the ``repr`` hook
            of a field does not see the instance).

    Returns:
        ``repr`` and ``metadata`` arguments.

    Examples:
        >>> sorted(protected(Protected.NAME))
        ['metadata', 'repr']
    """
    found: dict[str, Any] = {"metadata": {_KEY: (kind, when)}}
    if when is None:
        found["repr"] = _repr_for(kind)
    return found


_Mark = tuple[str, Protected, Callable[[Any], bool] | None]
_MARKS: dict[type, tuple[_Mark, ...]] = {}


def _marks(cls: type) -> tuple[_Mark, ...]:
    """The protected fields of a class (read once per class from the attrs metadata)."""
    found = _MARKS.get(cls)
    if found is None:
        fields = attrs.fields(cls) if attrs.has(cls) else ()
        found = _MARKS[cls] = tuple(
            (f.name, *f.metadata[_KEY]) for f in fields if _KEY in f.metadata
        )
    return found


def masked_fields(item: object) -> dict[str, Protected]:
    """The protected fields of an object, by name, with what they hold.

    Examples:
        >>> masked_fields("not an attrs object")
        {}
    """
    return {name: kind for name, kind, when in _marks(type(item)) if when is None or when(item)}


def mask_value(item: object, name: str, value: object, *, unmasked: bool) -> object:
    """The value of field ``name`` of ``item`` as views show it (see [`shown`][])."""
    if unmasked:
        return value
    for field, kind, when in _marks(type(item)):
        if field == name and (when is None or when(item)):
            return shown(value, kind)
    return value
