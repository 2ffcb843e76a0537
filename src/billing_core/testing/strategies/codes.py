"""Hypothesis strategies for the code value types of [`codes`][billing_core.codes].

Each strategy builds well-formed codes from their parts, independently of the
validation in [`codes`][billing_core.codes] (the NPI check digit is computed here
with its own Luhn implementation), so a test can use them to check that
validation accepts everything it should.

Examples:
    >>> from hypothesis import given
    >>> @given(npis())
    ... def test_npi_is_ten_digits(npi):
    ...     assert len(str(npi)) == 10
    >>> test_npi_is_ten_digits()
"""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import strategies as st

from billing_core.codes import (
    CARC,
    NDC,
    NPI,
    RARC,
    CodeSystem,
    DiagnosisCode,
    GroupCode,
    PlaceOfService,
    ProcedureCode,
    RevenueCode,
    TaxonomyCode,
)

__all__ = [
    "carcs",
    "diagnosis_codes",
    "group_codes",
    "ndcs",
    "npi_check_digit",
    "npis",
    "places_of_service",
    "procedure_codes",
    "rarcs",
    "revenue_codes",
    "taxonomy_codes",
]

_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM = _DIGITS + _LETTERS


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(_DIGITS, min_size=n, max_size=n)


def _code_body(system: CodeSystem) -> st.SearchStrategy[str]:
    if system is CodeSystem.CPT:
        return st.builds(lambda a, b: a + b, _digits(4), st.sampled_from(_DIGITS + "FTU"))
    if system is CodeSystem.HCPCS:
        return st.builds(lambda a, b: a + b, st.sampled_from("ABCDEFGHIJKLMNOPQRSTUV"), _digits(4))
    return st.builds(lambda b: "D" + b, _digits(4))


def procedure_codes(
    systems: Iterable[CodeSystem] = tuple(CodeSystem), *, max_modifiers: int = 4
) -> st.SearchStrategy[ProcedureCode]:
    """Generate procedure codes of the given systems with 0 to ``max_modifiers`` modifiers.

    Args:
        systems: The coding systems to draw from (all by default).
        max_modifiers: The most modifiers to generate (at most 4).

    Returns:
        A strategy of valid [`ProcedureCode`][billing_core.codes.ProcedureCode] values.
    """
    modifier = st.text(_ALNUM, min_size=2, max_size=2)

    def for_system(system: CodeSystem) -> st.SearchStrategy[ProcedureCode]:
        return st.builds(
            ProcedureCode,
            st.just(system),
            _code_body(system),
            st.lists(modifier, max_size=max_modifiers).map(tuple),
        )

    return st.sampled_from(tuple(systems)).flatmap(for_system)


def revenue_codes() -> st.SearchStrategy[RevenueCode]:
    """Generate four-digit revenue codes.

    Returns:
        A strategy of valid [`RevenueCode`][billing_core.codes.RevenueCode] values.
    """
    return st.builds(RevenueCode, _digits(4))


def ndcs() -> st.SearchStrategy[NDC]:
    """Generate NDCs, built from every accepted input form (4-4-2, 5-3-2, 5-4-1, 5-4-2, 11 digits).

    Returns:
        A strategy of valid [`NDC`][billing_core.codes.NDC] values.
    """
    hyphenated = st.sampled_from([(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)]).flatmap(
        lambda shape: st.tuples(*(_digits(n) for n in shape)).map("-".join)
    )
    return st.one_of(hyphenated, _digits(11)).map(NDC)


def diagnosis_codes() -> st.SearchStrategy[DiagnosisCode]:
    """Generate ICD-10-CM-shaped diagnosis codes (3 to 7 characters), dotted or not.

    Returns:
        A strategy of valid [`DiagnosisCode`][billing_core.codes.DiagnosisCode] values.
    """
    category = st.builds(
        lambda a, b, c: a + b + c,
        st.sampled_from(_LETTERS),
        st.sampled_from(_DIGITS),
        st.sampled_from(_ALNUM),
    )
    rest = st.text(_ALNUM, max_size=4)
    dotted = st.booleans()
    return st.builds(
        lambda cat, r, dot: DiagnosisCode(f"{cat}.{r}" if dot and r else cat + r),
        category,
        rest,
        dotted,
    )


def npi_check_digit(first9: str) -> int:
    """Compute the NPI check digit: Luhn over ``"80840" + first9``.

    Written independently of [`codes`][billing_core.codes] so tests do not check
    the library against itself.

    Args:
        first9: The first nine digits of the NPI.

    Returns:
        The check digit, 0-9.

    Examples:
        >>> npi_check_digit("123456789")
        3
    """
    payload = "80840" + first9
    total = 0
    # Walk right to left; the rightmost payload digit is doubled (the check digit follows it).
    for position, ch in enumerate(reversed(payload)):
        d = int(ch)
        if position % 2 == 0:
            d = d * 2
            d = d // 10 + d % 10
        total += d
    return (10 - total % 10) % 10


def npis() -> st.SearchStrategy[NPI]:
    """Generate valid NPIs (first digit 1 or 2, correct Luhn check digit).

    Returns:
        A strategy of valid [`NPI`][billing_core.codes.NPI] values.
    """
    first9 = st.builds(lambda a, b: a + b, st.sampled_from("12"), _digits(8))
    return first9.map(lambda f: NPI(f + str(npi_check_digit(f))))


def places_of_service() -> st.SearchStrategy[PlaceOfService]:
    """Generate place-of-service codes ``01`` to ``99``.

    Returns:
        A strategy of valid [`PlaceOfService`][billing_core.codes.PlaceOfService] values.
    """
    return st.integers(1, 99).map(lambda n: PlaceOfService(f"{n:02d}"))


def taxonomy_codes() -> st.SearchStrategy[TaxonomyCode]:
    """Generate NUCC-shaped taxonomy codes (3 digits, 6 letters or digits, ``X``).

    Returns:
        A strategy of valid [`TaxonomyCode`][billing_core.codes.TaxonomyCode] values.
    """
    return st.builds(
        lambda a, b: TaxonomyCode(a + b + "X"), _digits(3), st.text(_ALNUM, min_size=6, max_size=6)
    )


def group_codes(*, allow_legacy: bool = False) -> st.SearchStrategy[GroupCode]:
    """Generate claim adjustment group codes.

    Args:
        allow_legacy: Also generate the 4010-only ``CR``.

    Returns:
        A strategy of [`GroupCode`][billing_core.codes.GroupCode] members.
    """
    members = [g for g in GroupCode if allow_legacy or g is not GroupCode.CR]
    return st.sampled_from(members)


def carcs() -> st.SearchStrategy[CARC]:
    """Generate CARC-shaped codes: ``1``-``999`` or a letter and up to two letters or digits.

    Returns:
        A strategy of valid [`CARC`][billing_core.codes.CARC] values.
    """
    numeric = st.integers(1, 999).map(str)
    alpha = st.builds(lambda a, b: a + b, st.sampled_from(_LETTERS), st.text(_ALNUM, max_size=2))
    return st.one_of(numeric, alpha).map(CARC)


def rarcs() -> st.SearchStrategy[RARC]:
    """Generate RARC-shaped codes: ``M``/``MA`` with 1-3 digits, or ``N`` with 1-4 digits.

    Returns:
        A strategy of valid [`RARC`][billing_core.codes.RARC] values.
    """
    m = st.builds(
        lambda p, d: p + d, st.sampled_from(["M", "MA"]), st.text(_DIGITS, min_size=1, max_size=3)
    )
    n = st.builds(lambda d: "N" + d, st.text(_DIGITS, min_size=1, max_size=4))
    return st.one_of(m, n).map(RARC)
