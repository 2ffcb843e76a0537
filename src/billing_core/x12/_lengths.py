"""The maximum lengths of the 837 elements the writer fills (private; see `_loops837`).

From the X12 5010 data element dictionary as the 837P and 837I guides
(005010X222A1, 005010X223A2) use it: a string element (AN, ID) counts its
characters, a decimal (R) or numeric (N0) element its digits only (no sign, no
decimal point). Composite elements are left out: their parts are codes the
library has validated already.

Examples:
    >>> dict((index, size) for index, size, _, _ in MAX_LENGTHS["NM1"])[3]
    60
    >>> [element for element, _ in too_long("CLM", ["CLM", "X" * 39, "100"])]
    ['CLM01']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

__all__ = ["MAX_LENGTHS", "too_long"]

_R, _S = True, False  # counts digits only / counts every character
_REF = "reference identification"
_AMOUNT, _QUANTITY = "monetary amount", "quantity"

MAX_LENGTHS: Final[dict[str, tuple[tuple[int, int, bool, str], ...]]] = {
    # segment: (element position, maximum length, digits only, data element name)
    "ST": ((2, 9, _S, "transaction set control number"), (3, 35, _S, "implementation guide")),
    "BHT": ((3, 50, _S, _REF),),
    "NM1": (
        (3, 60, _S, "last or organization name"),
        (4, 35, _S, "first name"),
        (5, 25, _S, "middle name"),
        (7, 10, _S, "name suffix"),
        (9, 80, _S, "identification code"),
    ),
    "PER": (
        (2, 60, _S, "contact name"),
        (4, 256, _S, "communication number"),
        (6, 256, _S, "communication number"),
        (8, 256, _S, "communication number"),
    ),
    "N3": ((1, 55, _S, "address information"), (2, 55, _S, "address information")),
    "N4": (
        (1, 30, _S, "city name"),
        (2, 2, _S, "state or province code"),
        (3, 15, _S, "postal code"),
        (4, 3, _S, "country code"),
        (7, 3, _S, "country subdivision code"),
    ),
    "REF": ((2, 50, _S, _REF),),
    "PRV": ((3, 50, _S, _REF),),
    "HL": ((1, 12, _S, "hierarchical id number"), (2, 12, _S, "hierarchical parent id")),
    "SBR": ((3, 50, _S, _REF), (4, 60, _S, "group name")),
    "DMG": ((2, 35, _S, "date time period"),),
    "PAT": ((6, 35, _S, "date time period"), (8, 10, _R, "weight")),
    "CLM": ((1, 38, _S, "claim submitter identifier"), (2, 18, _R, _AMOUNT)),
    "DTP": ((3, 35, _S, "date time period"),),
    "CL1": (
        (1, 1, _S, "admission type code"),
        (2, 1, _S, "admission source code"),
        (3, 2, _S, "patient status code"),
    ),
    "PWK": ((6, 80, _S, "identification code"),),
    "AMT": ((2, 18, _R, _AMOUNT),),
    "CAS": tuple(
        (index + offset, size, _R, what)
        for index in (2, 5, 8, 11, 14, 17)
        for offset, size, what in ((1, 18, _AMOUNT), (2, 15, _QUANTITY))
    ),
    "LX": ((1, 6, _R, "assigned number"),),
    "SV1": ((2, 18, _R, _AMOUNT), (4, 15, _R, _QUANTITY)),
    "SV2": (
        (1, 48, _S, "product/service id"),
        (3, 18, _R, _AMOUNT),
        (5, 15, _R, _QUANTITY),
        (7, 18, _R, _AMOUNT),
    ),
    "LIN": ((3, 48, _S, "product/service id"),),
    "CTP": ((4, 15, _R, _QUANTITY),),
    "SVD": (
        (1, 80, _S, "identification code"),
        (2, 18, _R, _AMOUNT),
        (4, 48, _S, "product/service id"),
        (5, 15, _R, _QUANTITY),
        (6, 6, _R, "assigned number"),
    ),
    "SE": ((1, 10, _R, "number of included segments"), (2, 9, _S, "control number")),
}


def too_long(segment: str, elements: Sequence[str]) -> list[tuple[str, str]]:
    """The elements of a segment longer than X12 allows: (element id, what is wrong).

    The message gives the length, never the value (it may be a patient's name).

    Examples:
        >>> too_long("AMT", ["AMT", "D", "-1234567890123456.78"])
        []
        >>> for element, message in too_long("REF", ["REF", "G1", "A" * 51]):
        ...     print(element, message)
        REF02 REF02 (reference identification) has 51 characters, more than the 50 X12 allows
    """
    found = []
    for index, size, digits, what in MAX_LENGTHS.get(segment, ()):
        if index < len(elements) and len(elements[index]) > size:
            value = elements[index]
            length = sum(c.isdigit() for c in value) if digits else len(value)
            if length > size:
                element = f"{segment}{index:02d}"
                unit = "digits" if digits else "characters"
                found.append(
                    (
                        element,
                        f"{element} ({what}) has {length} {unit}, more than the {size} X12 allows",
                    )
                )
    return found
