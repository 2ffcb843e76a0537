"""Field checks shared by the document classes (private; documents layer).

attrs validators and converters whose errors name the document and the field
(``line 'L1'.charge``, ``claim 'CLM1'.claim_date``), the one helper that turns
a problem into a [`ValidationError`][billing_core.errors.ValidationError], and
the one that refuses a lifecycle move. A field holding protected health
information (a patient's or guarantor's name, a birth date, a member or
patient id) is checked with ``protected=True``: its error says what is wrong,
never the value, because error messages end up in logs that are not cleared
for it.

The validators compare classes with ``is`` where the field's type is final
(``Money``, the enums): a line item is built millions of times, and an
identity test is the cheapest check there is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from billing_core._checks import check_date, describe, describe_protected
from billing_core.codes import DiagnosisCode
from billing_core.errors import Finding, InvalidCodeError, InvalidTransitionError, ValidationError

if TYPE_CHECKING:
    from billing_core.parties import CareRole, CareTeamMember, Provider

_T = TypeVar("_T")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""The shape of an attrs validator: ``(instance, attribute, value) -> None``."""


def invalid(location: str, message: str, rule: str) -> ValidationError:
    """A shape error of a constructor: one finding, raised as a `ValidationError`.

    Examples:
        >>> print(invalid("line 'L1'.charge", "must not be negative", "line.charge"))
        line 'L1'.charge: must not be negative
    """
    return ValidationError([Finding(location=location, message=message, rule=rule)])


def refused(what: str, action: str, reason: str) -> InvalidTransitionError:
    """A lifecycle move that is not allowed, saying what, which move and why.

    Examples:
        >>> print(refused("bill 'B1'", "issue", "it has no lines"))
        cannot issue bill 'B1': it has no lines
    """
    return InvalidTransitionError(f"cannot {action} {what}: {reason}")


def wrong_type(where: str, expected: str, value: object, *, protected: bool = False) -> TypeError:
    """A value of the wrong type: the place, what it must be and what it is.

    The value is shown cut short, or not at all when the field is protected.

    Examples:
        >>> print(wrong_type("line 'L1'.units", "an int or Decimal", 1.5))
        line 'L1'.units must be an int or Decimal, got 1.5 (float)
        >>> print(wrong_type("patient.name", "a str", b"Jane Roe", protected=True))
        patient.name must be a str, got a bytes (value not shown: protected health information)
    """
    shown = describe_protected(value) if protected else describe(value)
    return TypeError(f"{where} must be {expected}, got {shown}")


def a_name(kind: type) -> str:
    """A type's name with its article, as messages say it: ``a Money``, ``an Encounter``.

    Examples:
        >>> a_name(int), a_name(str)
        ('an int', 'a str')
    """
    name = kind.__name__
    # "an Encounter", "an int" but "a UnitBasis": U sounds as a consonant there.
    return f"{'an' if name[0] in 'AEIOaeio' else 'a'} {name}"


def label(instance: object, owner: str) -> str:
    """How an error names a document: ``owner`` followed by its id when it has one.

    Examples:
        >>> class Doc:
        ...     id = "C1"
        >>> label(Doc(), "claim"), label(object(), "plan benefits")
        ("claim 'C1'", 'plan benefits')
    """
    doc_id = getattr(instance, "id", None)
    return owner if not isinstance(doc_id, str) else f"{owner} {doc_id!r}"


def date_field(owner: str, *, optional: bool = False, show_id: bool = True) -> Validator:
    """A validator: the field is a plain date, or ``None`` if optional.

    The error names the document (``owner``, with its id unless ``show_id`` is
    false: a patient's id is itself protected) and the field.
    """

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value.__class__ is date or (optional and value is None):
            return  # the common case, without building the error's label
        where = label(instance, owner) if show_id else owner
        # every date of a document may date a patient's care: never echoed
        check_date(value, f"{where}.{attribute.name}", optional=optional, protected=True)

    return check


def of_type(
    owner: str,
    kind: type | tuple[type, ...],
    *,
    expected: str = "",
    optional: bool = False,
    protected: bool = False,
    show_id: bool = True,
) -> Validator:
    """A validator: the field is an instance of ``kind`` (or ``None`` if optional).

    Examples:
        >>> from billing_core.money import Money
        >>> @attrs.frozen
        ... class Fee:
        ...     amount: Money = attrs.field(validator=of_type("fee", Money))
        >>> Fee("9.00")
        Traceback (most recent call last):
        TypeError: fee.amount must be a Money, got '9.00' (str)
    """
    names = kind if isinstance(kind, tuple) else (kind,)
    wanted = expected or " or ".join(a_name(k) for k in names)
    if optional:
        wanted += " or None"

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, kind) or (optional and value is None):
            return
        where = label(instance, owner) if show_id else owner
        raise wrong_type(f"{where}.{attribute.name}", wanted, value, protected=protected)

    return check


def text(
    owner: str,
    *,
    nonempty: bool = False,
    optional: bool = False,
    protected: bool = False,
    show_id: bool = True,
) -> Validator:
    """A validator: the field is a ``str`` (not blank when ``nonempty``; or ``None`` if optional).

    Examples:
        >>> @attrs.frozen
        ... class Patient:
        ...     id: str = attrs.field(
        ...         validator=text("patient", nonempty=True, protected=True, show_id=False))
        >>> Patient(12345)
        Traceback (most recent call last):
        TypeError: patient.id must be a str, got an int (value not shown: protected health information)
        >>> Patient(" ")
        Traceback (most recent call last):
        billing_core.errors.ValidationError: patient.id: must not be empty
    """  # noqa: E501
    check_type = of_type(owner, str, optional=optional, protected=protected, show_id=show_id)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value.__class__ is not str:
            check_type(instance, attribute, value)
        if nonempty and isinstance(value, str) and not value.strip():
            name = attribute.name
            where = label(instance, owner) if show_id and name != "id" else owner
            raise invalid(f"{where}.{name}", "must not be empty", f"{owner}.{name}")

    return check


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """An attrs converter: any iterable becomes a tuple; a lone ``str`` or ``bytes`` is refused.

    Examples:
        >>> to_tuple([1, 2]), to_tuple(())
        ((1, 2), ())
        >>> to_tuple("L1")
        Traceback (most recent call last):
        TypeError: expected a sequence of items, got a single str
    """
    if isinstance(value, str | bytes):
        raise TypeError(f"expected a sequence of items, got a single {type(value).__name__}")
    return tuple(value)


def all_of(where: str, items: Iterable[object], kind: type) -> None:
    """Raise ``TypeError`` naming the first item of ``items`` that is not a ``kind``.

    Examples:
        >>> all_of("claim.care_team", ["x"], int)
        Traceback (most recent call last):
        TypeError: claim.care_team[0] must be an int, got 'x' (str)
    """
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            raise wrong_type(f"{where}[{index}]", a_name(kind), item)


def items_of(owner: str, kind: type) -> Validator:
    """A validator: every item of the (tuple) field is a ``kind``, naming the first that is not."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        for item in value:
            if not isinstance(item, kind):  # the label is built only on failure
                all_of(f"{label(instance, owner)}.{attribute.name}", value, kind)

    return check


def _document_label(document: object) -> str:
    """How a code error names the document being built: ``line 'L1'``, ``claim 'C1'``."""
    kind = {"LineItem": "line", "Claim": "claim", "Encounter": "encounter"}.get(
        type(document).__name__, type(document).__name__
    )
    return f"{kind} {getattr(document, 'id', '?')!r}"


def _parse_code(code_type: type[_T], value: object, document: object, field: str) -> _T:
    try:
        return code_type(value)  # type: ignore[call-arg]
    except InvalidCodeError as err:
        raise InvalidCodeError(f"{_document_label(document)}.{field}: {err}") from None


def optional_code(code_type: type[_T], field: str) -> Any:
    """An attrs converter parsing an optional code, naming the document and field on error."""

    def convert(value: object, document: object) -> _T | None:
        if value is None or isinstance(value, code_type):
            return value
        return _parse_code(code_type, value, document, field)

    return attrs.Converter(convert, takes_self=True)


def diagnoses(field: str) -> Any:
    """An attrs converter parsing a list of diagnoses, naming the document and position on error."""

    def convert(
        value: Iterable[DiagnosisCode | str], document: object
    ) -> tuple[DiagnosisCode, ...]:
        return tuple(
            d
            if isinstance(d, DiagnosisCode)
            else _parse_code(DiagnosisCode, d, document, f"{field}[{i}]")
            for i, d in enumerate(to_tuple(value), start=1)  # 1-based, as on the claim form
        )

    return attrs.Converter(convert, takes_self=True)


def provider_in_role(team: Iterable[CareTeamMember], role: CareRole) -> Provider | None:
    """The provider of the first member of ``team`` in ``role``, or ``None``.

    The one lookup behind `LineItem.provider` and `Claim.provider`.
    """
    for member in team:
        if member.role is role:
            return member.provider
    return None


MAX_DECIMAL_DIGITS: Final = 28
"""The most digits, and the largest exponent either way, of a quantity, rate or price.

Bounded before any arithmetic: ``Decimal("1e-100000000")`` is a valid Decimal
whose exact value takes unbounded time and memory to compute with."""


TOO_WIDE: Final = (
    f"must be written with at most {MAX_DECIMAL_DIGITS} digits and an exponent "
    f"from -{MAX_DECIMAL_DIGITS} to {MAX_DECIMAL_DIGITS}"
)
"""What an error says about a Decimal that [`too_wide`][] refuses."""


def too_wide(value: Decimal) -> bool:
    """Whether a finite Decimal has more digits, or a larger exponent, than `MAX_DECIMAL_DIGITS`.

    Examples:
        >>> too_wide(Decimal("12.5")), too_wide(Decimal("1e-100000000"))
        (False, True)
    """
    _, digits, exponent = value.as_tuple()
    return len(digits) > MAX_DECIMAL_DIGITS or not (
        -MAX_DECIMAL_DIGITS <= int(exponent) <= MAX_DECIMAL_DIGITS
    )
