"""Text helpers shared by the code types (private)."""

from __future__ import annotations

import re

from billing_core._checks import MAX_ECHO, describe
from billing_core.errors import InvalidCodeError


def shown(value: object) -> str:
    """A code as an error message shows it: quoted as given, or described if long or odd.

    Codes are short strings, so messages quote them as they are
    (``invalid NPI '1234567890'``); anything long, or not a str, goes through
    [`describe`][billing_core._checks.describe], which cuts it short.
    """
    if isinstance(value, str) and len(value) <= MAX_ECHO:
        return repr(value)
    return describe(value)


def clean(value: object, what: str) -> str:
    """Return ``value`` stripped and upper-cased; reject non-strings with TypeError."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {describe(value)}")
    return value.strip().upper()


def checked(value: object, what: str, pattern: re.Pattern[str], expected: str) -> str:
    """[`clean`][billing_core.codes._format.clean], then its full match against ``pattern``."""
    result = clean(value, what)
    if pattern.fullmatch(result) is None:
        raise InvalidCodeError(f"invalid {what} {shown(value)}: expected {expected}")
    return result
