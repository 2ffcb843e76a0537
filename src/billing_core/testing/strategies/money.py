"""Hypothesis strategies for amounts, currencies and ratios.

Examples:
    >>> from hypothesis import given
    >>> from billing_core.testing.strategies.money import moneys
    >>> @given(moneys(currency="USD"))
    ... def test_negation(m):
    ...     assert -(-m) == m
    >>> test_negation()
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from billing_core.money import Money

__all__ = ["CURRENCIES", "currencies", "moneys", "ratios"]

CURRENCIES: tuple[str, ...] = ("USD", "EUR", "JPY", "BHD", "GBP", "CAD")
"""Currencies the strategies draw from: 0, 2 and 3 decimal places."""


def currencies() -> st.SearchStrategy[str]:
    """ISO 4217 codes with 0, 2 and 3 decimal places.

    Examples:
        >>> from hypothesis import find
        >>> find(currencies(), lambda c: c == "JPY")
        'JPY'
    """
    return st.sampled_from(CURRENCIES)


def moneys(
    *,
    currency: str | None = None,
    min_minor: int = -(10**12),
    max_minor: int = 10**12,
) -> st.SearchStrategy[Money]:
    """Amounts between ``min_minor`` and ``max_minor`` minor units.

    Args:
        currency: Fix the currency; drawn from [`CURRENCIES`][] when ``None``.
        min_minor: Smallest amount in minor units.
        max_minor: Largest amount in minor units.

    Examples:
        >>> from hypothesis import find
        >>> find(moneys(currency="JPY", min_minor=0, max_minor=10), lambda m: m.minor > 5)
        Money('6', 'JPY')
    """
    code = st.just(currency) if currency is not None else currencies()
    return st.builds(Money.from_minor, st.integers(min_value=min_minor, max_value=max_minor), code)


def ratios(
    *, min_size: int = 1, max_size: int = 12, max_value: int = 10**6
) -> st.SearchStrategy[list[int | Decimal | Fraction]]:
    """Lists of non-negative allocation ratios (ints, Decimals, Fractions), not all zero.

    Examples:
        >>> from hypothesis import find
        >>> find(ratios(), lambda rs: len(rs) == 2)
        [0, 1]
    """
    one: st.SearchStrategy[int | Decimal | Fraction] = st.one_of(
        st.integers(min_value=0, max_value=max_value),
        st.decimals(min_value=0, max_value=max_value, places=3, allow_nan=False),
        st.fractions(min_value=0, max_value=max_value, max_denominator=97),
    )
    return st.lists(one, min_size=min_size, max_size=max_size).filter(any)
