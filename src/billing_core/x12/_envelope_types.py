"""Who sends an 837 to whom, and its control numbers: the X12 envelope's own data.

These belong to the transport, not to the billing domain: the submitter and
receiver of loops 1000A/1000B (and of the ISA/GS headers), and the control
numbers and creation time of the interchange.

Examples:
    >>> import datetime
    >>> numbers = ControlNumbers(interchange=1, group=1,
    ...                          created=datetime.datetime(2024, 3, 5, 9, 30))
    >>> numbers.isa_control
    '000000001'
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from billing_core._fields import invalid, text

__all__ = ["ControlNumbers", "Receiver", "Submitter"]


def _control(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value.__class__ is not int or not 1 <= value <= 999_999_999:
        raise invalid(
            f"control numbers.{attribute.name}",
            f"must be an int from 1 to 999999999, got {value!r}"[:120],
            "x12.control_number",
        )


def _created(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"control numbers.created must be a datetime.datetime, got {value!r}"[:160])


@attrs.frozen(kw_only=True)
class Submitter:
    """Who sends the claims (837 loop 1000A; the ISA/GS sender).

    Attributes:
        name: The submitter's name (NM103).
        id: The submitter's id as the receiver knows it (NM109; ISA06 and GS02).
        contact_name: The contact person (PER02).
        phone: The contact's phone number (PER04); an 837 needs a phone or an email.
        email: The contact's email address.
        id_qualifier: The ISA05 interchange id qualifier (``"ZZ"`` mutually defined).

    Examples:
        >>> Submitter(name="Good Clinic", id="GC001", phone="5555551212").id_qualifier
        'ZZ'
    """

    name: str = attrs.field(validator=text("submitter", nonempty=True, show_id=False))
    id: str = attrs.field(validator=text("submitter", nonempty=True, show_id=False))
    contact_name: str = attrs.field(default="", validator=text("submitter", show_id=False))
    phone: str = attrs.field(default="", validator=text("submitter", show_id=False))
    email: str = attrs.field(default="", validator=text("submitter", show_id=False))
    id_qualifier: str = attrs.field(default="ZZ", validator=text("submitter", show_id=False))

    def __attrs_post_init__(self) -> None:
        if not (self.phone or self.email):
            raise invalid(
                "submitter.phone",
                "an 837 needs a phone number or an email for the submitter's contact",
                "x12.submitter",
            )


@attrs.frozen(kw_only=True)
class Receiver:
    """Who receives the claims: a payer or a clearinghouse (837 loop 1000B; the ISA/GS receiver).

    Attributes:
        name: The receiver's name (NM103).
        id: The receiver's id (NM109; ISA08 and GS03).
        id_qualifier: The ISA07 interchange id qualifier.

    Examples:
        >>> Receiver(name="Acme Health", id="87726").name
        'Acme Health'
    """

    name: str = attrs.field(validator=text("receiver", nonempty=True, show_id=False))
    id: str = attrs.field(validator=text("receiver", nonempty=True, show_id=False))
    id_qualifier: str = attrs.field(default="ZZ", validator=text("receiver", show_id=False))


@attrs.frozen(kw_only=True)
class ControlNumbers:
    """The control numbers and creation time of an interchange (no clock is read).

    Attributes:
        interchange: ISA13/IEA02, 1 to 999999999.
        group: GS06/GE02.
        transaction: ST02/SE02 of the first transaction set; the next ones count on.
        created: When the interchange is created (ISA09/ISA10, GS04/GS05).
        production: ``True`` for production data (ISA15 ``P``), ``False`` for tests (``T``).

    Examples:
        >>> import datetime
        >>> ControlNumbers(interchange=0, group=1, created=datetime.datetime(2024, 1, 2))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: control numbers.interchange: must be an int from 1 to 999999999, got 0
    """  # noqa: E501

    interchange: int = attrs.field(validator=_control)
    group: int = attrs.field(validator=_control)
    transaction: int = attrs.field(default=1, validator=_control)
    created: datetime.datetime = attrs.field(validator=_created)
    production: bool = True

    @property
    def isa_control(self) -> str:
        """ISA13: the interchange control number as nine digits."""
        return f"{self.interchange:09d}"
