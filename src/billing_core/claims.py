"""Claims to payers, and the checks a claim must pass before it is sent.

A [`Claim`][] asks one payer, under one coverage, to pay for line items. It
holds the [`LineItem`][billing_core.charges.LineItem] objects themselves, so
totals and validation need no lookups; each line's ``id`` is its line control
number (837 REF*6R) and the claim's ``id`` is the patient control number
(CLM01). Per-line claim data (diagnosis pointers, care team where it differs,
place of service override, attachments) lives on the line item.

The constructor refuses impossible shapes (no lines, a line in another
currency, two lines with one id, a statement period ending before it
starts). Everything else is a [`Finding`][billing_core.errors.Finding] of
[`validate_claim`][], which returns **every** problem at once, each with
its location (``"claim.total_charge"``, ``"line 3.diagnosis_pointers"``, with
lines numbered from 1 as on the claim form). Rules are plain functions
``ClaimRule = Callable[[Claim], Iterable[Finding]]``; add your own with
``extra_rules``, or build them with [`require_referring_provider`][] and
[`require_attachments`][].

Examples:
    >>> import datetime
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.codes import CodeSystem, ProcedureCode
    >>> from billing_core.money import Money
    >>> from billing_core.parties import Coverage, CoverageSequence, Payer
    >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
    ...                sequence=CoverageSequence.PRIMARY)
    >>> line = LineItem(id="L1", category=Category.PROCEDURE,
    ...                 service_date=datetime.date(2024, 3, 4),
    ...                 procedure=ProcedureCode(CodeSystem.CPT, "99213"),
    ...                 charge=Money("125.00", "USD"), diagnosis_pointers=[1, 2])
    >>> claim = Claim(id="CLM1", account_id="A1", patient_id="P1", coverage=cov,
    ...               claim_date=datetime.date(2024, 3, 5), lines=[line], diagnoses=["E11.9"],
    ...               total_charge=Money("130.00", "USD"))
    >>> for finding in validate_claim(claim):
    ...     print(finding)
    claim.total_charge: the stated total 130.00 USD is not the sum of the lines 125.00 USD
    line 1.diagnosis_pointers: pointer 2 points to no diagnosis (the claim lists 1)
"""

from __future__ import annotations

import datetime
import enum
import html
from collections.abc import Callable, Iterable
from typing import Final, Protocol

import attrs

from billing_core.charges import (
    MAX_DIAGNOSIS_POINTER,
    DocumentRef,
    LineItem,
    _all_of,
    _charges_minor,
    _check_lines,
    _diagnoses_converter,
    _line_records,
    _lines_html,
    _optional_code,
    _tuple,
)
from billing_core.codes import (
    NPI,
    DiagnosisCode,
    PlaceOfService,
    ProcedureCode,
    RevenueCode,
)
from billing_core.errors import (
    CurrencyMismatchError,
    Finding,
    InvalidCodeError,
    Severity,
    ValidationError,
)
from billing_core.money import Money
from billing_core.parties import (
    CareRole,
    CareTeamMember,
    Coverage,
    Payer,
    Provider,
    _date_validator,
)
from billing_core.remittance import CasAdjustment
from billing_core.views import Record, mask_identifier

__all__ = [
    "DEFAULT_RULES",
    "MAX_DIAGNOSES",
    "MAX_POINTERS_PER_LINE",
    "Claim",
    "ClaimFrequency",
    "PriorLineAdjudication",
    "PriorPayerAdjudication",
    "ClaimRule",
    "check_care_team_npis",
    "check_diagnoses",
    "check_diagnosis_pointers",
    "check_frequency",
    "check_line_codes",
    "check_modifiers",
    "check_prior_payers",
    "check_service_dates",
    "check_total_charge",
    "ensure_valid_claim",
    "require_attachments",
    "require_referring_provider",
    "validate_claim",
]

MAX_DIAGNOSES: Final = MAX_DIAGNOSIS_POINTER
"""The most diagnoses one claim may list (837P HI segment, CMS-1500 box 21): 12."""
MAX_POINTERS_PER_LINE: Final = 4
"""The most diagnosis pointers one line may carry (837P SV107, CMS-1500 box 24E): 4."""


class ClaimFrequency(enum.Enum):
    """The claim frequency code (837 CLM05-3): original, replacement or void.

    A replacement or a void refers to the payer's claim number of the claim it
    replaces or cancels (``Claim.original_claim_number``, REF*F8).

    Examples:
        >>> ClaimFrequency("7")
        <ClaimFrequency.REPLACEMENT: '7'>
    """

    ORIGINAL = "1"
    REPLACEMENT = "7"
    VOID = "8"


# --------------------------------------------------------------------------- prior payers

_opt_str = attrs.validators.optional(attrs.validators.instance_of(str))


@attrs.frozen(kw_only=True)
class PriorLineAdjudication:
    """A prior payer's answer for one line (837 loop 2430).

    Attributes:
        line_id: The id of the line on this claim.
        paid: What the prior payer paid for the line.
        adjustments: Its line-level adjustments.

    Examples:
        >>> PriorLineAdjudication(line_id="L1", paid=Money("80.00", "USD")).adjustments
        ()
    """

    line_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    paid: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    adjustments: tuple[CasAdjustment, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen(kw_only=True)
class PriorPayerAdjudication:
    """What a prior payer decided, carried on a secondary or tertiary claim (837 loop 2320).

    Attributes:
        coverage: The prior payer's coverage.
        paid: The total the prior payer paid on the claim.
        adjudicated_on: The prior payer's adjudication or payment date.
        payer_claim_number: The prior payer's claim control number, if known.
        claim_adjustments: Claim-level adjustments.
        lines: Per-line payments and adjustments.

    Examples:
        >>> from billing_core.parties import CoverageSequence, Payer
        >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
        ...                sequence=CoverageSequence.PRIMARY)
        >>> PriorPayerAdjudication(coverage=cov, paid=Money("80.00", "USD"),
        ...                        adjudicated_on=datetime.date(2024, 4, 1)).paid
        Money('80.00', 'USD')
    """

    coverage: Coverage = attrs.field(validator=attrs.validators.instance_of(Coverage))
    paid: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    adjudicated_on: datetime.date = attrs.field(
        validator=_date_validator("prior payer adjudication")
    )
    payer_claim_number: str | None = attrs.field(default=None, validator=_opt_str)
    claim_adjustments: tuple[CasAdjustment, ...] = attrs.field(default=(), converter=_tuple)
    lines: tuple[PriorLineAdjudication, ...] = attrs.field(default=(), converter=_tuple)


# --------------------------------------------------------------------------- claim


def _fail(claim_id: str, field: str, message: str) -> ValidationError:
    return ValidationError(
        [Finding(location=f"claim {claim_id!r}.{field}", message=message, rule=f"claim.{field}")]
    )


@attrs.frozen(kw_only=True)
class Claim:
    """A claim to one payer under one coverage.

    Attributes:
        id: The caller's identifier; sent as the patient control number (CLM01).
        account_id: The patient/guarantor account whose ledger it belongs to.
        patient_id: The patient.
        coverage: The coverage billed (its payer is [`payer`][]).
        claim_date: The date the claim is made; no service may be after it.
        lines: The line items claimed, at least one, one currency, unique ids.
        total_charge: The stated total charge (CLM02); defaults to the sum of
            the lines. [`validate_claim`][] checks a stated one.
        diagnoses: Up to 12 ICD-10-CM codes, the principal first (strings are parsed).
        care_team: Claim-level providers (billing, rendering, referring, ...);
            a line lists its own only where they differ.
        place_of_service: Where the services were given; a line may override it.
        frequency: Original, replacement or void.
        original_claim_number: The payer's number of the claim replaced or voided.
        prior_authorization: The payer's prior authorization number (REF*G1).
        referral_number: The referral number (REF*9F).
        attachments: Claim-level supporting records.
        statement_from: First day of the statement period, if given.
        statement_through: Last day of the statement period, if given.
        prior_payers: Prior payers' adjudications, for secondary claims.

    Raises:
        ValidationError: No lines, two lines with one id, or a statement period
            ending before it starts.
        CurrencyMismatchError: A line or the stated total in another currency.

    Examples:
        >>> from billing_core.charges import Category
        >>> from billing_core.parties import CoverageSequence, Payer
        >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
        ...                sequence=CoverageSequence.PRIMARY)
        >>> Claim(id="CLM1", account_id="A1", patient_id="P1", coverage=cov,
        ...       claim_date=datetime.date(2024, 3, 5), lines=[])
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: claim 'CLM1'.lines: a claim needs at least one line
    """

    id: str = attrs.field(validator=attrs.validators.instance_of(str))
    account_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    patient_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    coverage: Coverage = attrs.field(validator=attrs.validators.instance_of(Coverage))
    claim_date: datetime.date = attrs.field(validator=_date_validator("claim"))
    lines: tuple[LineItem, ...] = attrs.field(converter=_tuple)
    total_charge: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    diagnoses: tuple[DiagnosisCode, ...] = attrs.field(
        default=(),
        converter=_diagnoses_converter("diagnoses"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    care_team: tuple[CareTeamMember, ...] = attrs.field(default=(), converter=_tuple)
    place_of_service: PlaceOfService | None = attrs.field(
        default=None,
        converter=_optional_code(PlaceOfService, "place_of_service"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    frequency: ClaimFrequency = attrs.field(
        default=ClaimFrequency.ORIGINAL, validator=attrs.validators.instance_of(ClaimFrequency)
    )
    original_claim_number: str | None = attrs.field(default=None, validator=_opt_str)
    prior_authorization: str | None = attrs.field(default=None, validator=_opt_str)
    referral_number: str | None = attrs.field(default=None, validator=_opt_str)
    attachments: tuple[DocumentRef, ...] = attrs.field(default=(), converter=_tuple)
    statement_from: datetime.date | None = attrs.field(
        default=None, validator=_date_validator("claim", optional=True)
    )
    statement_through: datetime.date | None = attrs.field(
        default=None, validator=_date_validator("claim", optional=True)
    )
    prior_payers: tuple[PriorPayerAdjudication, ...] = attrs.field(default=(), converter=_tuple)

    @total_charge.default
    def _sum_of_lines(self) -> Money:
        if not self.lines:
            raise _fail(self.id, "lines", "a claim needs at least one line")
        return Money.from_minor(_charges_minor(self.lines), self.lines[0].charge.currency)

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise _fail(self.id, "lines", "a claim needs at least one line")
        currency = self.total_charge.currency
        first = self.lines[0]
        if first.__class__ is LineItem and first.charge.currency != currency:
            raise CurrencyMismatchError(
                f"claim {self.id!r}.total_charge is in {currency}, "
                f"line 1 ({first.id!r}).charge is in {first.charge.currency}"
            )
        _check_lines(self.lines, currency, f"claim {self.id!r}")
        _all_of("claim.care_team", self.care_team, CareTeamMember)
        _all_of("claim.attachments", self.attachments, DocumentRef)
        _all_of("claim.prior_payers", self.prior_payers, PriorPayerAdjudication)
        for index, prior in enumerate(self.prior_payers):
            if prior.paid.currency != currency:
                raise CurrencyMismatchError(
                    f"claim {self.id!r}: prior_payers[{index}].paid is in "
                    f"{prior.paid.currency}, the claim is in {currency}"
                )
        start, end = self.statement_from, self.statement_through
        if start is not None and end is not None and end < start:
            raise _fail(
                self.id,
                "statement_through",
                f"{end.isoformat()} is before the statement start {start.isoformat()}",
            )

    @property
    def currency(self) -> str:
        """The claim's currency (that of its total and lines)."""
        return self.total_charge.currency

    @property
    def payer(self) -> Payer:
        """The payer billed: the coverage's payer."""
        return self.coverage.payer

    @property
    def principal_diagnosis(self) -> DiagnosisCode | None:
        """The first diagnosis, or ``None`` when there is none."""
        return self.diagnoses[0] if self.diagnoses else None

    def provider(self, role: CareRole, line: LineItem | None = None) -> Provider | None:
        """The provider in ``role`` for ``line`` (its own if it has one) or for the claim.

        Examples:
            >>> from billing_core.charges import Category
            >>> from billing_core.parties import CoverageSequence, Payer
            >>> doc = Provider(npi="1234567893", name="Dr. Ada Smith")
            >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
            ...                sequence=CoverageSequence.PRIMARY)
            >>> line = LineItem(id="L1", category=Category.PROCEDURE,
            ...                 service_date=datetime.date(2024, 3, 4), charge=Money("1.00", "USD"))
            >>> claim = Claim(id="CLM1", account_id="A1", patient_id="P1", coverage=cov,
            ...               claim_date=datetime.date(2024, 3, 5), lines=[line],
            ...               care_team=[CareTeamMember(provider=doc, role=CareRole.RENDERING)])
            >>> claim.provider(CareRole.RENDERING, line).name
            'Dr. Ada Smith'
        """
        if line is not None:
            own = line.provider(role)
            if own is not None:
                return own
        for member in self.care_team:
            if member.role is role:
                return member.provider
        return None

    def to_records(self) -> list[Record]:
        """The claim's lines as flat rows of plain values (``pandas.DataFrame(records)`` works).

        Each row has ``claim_id``, ``payer``, then the line's number, id,
        service dates, category, codes, units, diagnosis pointers, ``charge``
        (a ``Decimal``) and ``currency``. No patient identifier (member id,
        patient id) is included.

        Examples:
            >>> row = _example_claim().to_records()[0]
            >>> row["claim_id"], row["payer"], row["procedure"], row["charge"]
            ('CLM1', 'Acme Health', '99213', Decimal('125.00'))
        """
        return _line_records(
            self.lines, self.currency, claim_id=self.id, payer=self.coverage.payer.name
        )

    def _repr_html_(self) -> str:
        """The claim as an HTML table for notebooks; patient identifiers are masked."""
        coverage = self.coverage
        caption = (
            f"Claim {self.id} ({self.frequency.name.lower()}) to {coverage.payer.name}"
            f" ({coverage.sequence.name.lower()}), member {mask_identifier(coverage.member_id)},"
            f" patient {mask_identifier(self.patient_id)}; claim date {self.claim_date.isoformat()}"
        )
        table = _lines_html(self.lines, self.currency, caption=caption, pointers=True)
        diagnoses = ", ".join(f"{n}. {d.dotted}" for n, d in enumerate(self.diagnoses, 1))
        return f"{table}\n<p>Diagnoses: {html.escape(diagnoses or 'none')}</p>"


# --------------------------------------------------------------------------- rules


class ClaimRule(Protocol):
    """A claim check: any callable taking a claim and yielding its findings (none if it passes).

    Plain functions qualify; see [`check_total_charge`][] for the shape.

    Examples:
        >>> def no_big_claims(claim: Claim) -> Iterable[Finding]:
        ...     if claim.total_charge.minor > 1_000_000:
        ...         yield Finding(location="claim.total_charge", message="too big", rule="my.big")
        >>> validate_claim(_example_claim(), extra_rules=[no_big_claims])
        ()
    """

    def __call__(self, claim: Claim, /) -> Iterable[Finding]:
        """Check ``claim``."""
        ...


def _finding(location: str, message: str, rule: str) -> Finding:
    return Finding(location=location, message=message, rule=rule)


def check_total_charge(claim: Claim) -> Iterable[Finding]:
    """The stated total charge equals the sum of the line charges.

    Examples:
        >>> list(check_total_charge(_example_claim()))
        []
    """
    total = _charges_minor(claim.lines)
    if total != claim.total_charge.minor:
        stated = claim.total_charge
        yield _finding(
            "claim.total_charge",
            f"the stated total {stated} is not the sum of the lines "
            f"{Money.from_minor(total, stated.currency)}",
            "claim.total_charge",
        )


def check_diagnoses(claim: Claim) -> Iterable[Finding]:
    """The claim lists 1 to 12 diagnoses, none twice.

    Examples:
        >>> [str(f) for f in check_diagnoses(attrs.evolve(_example_claim(), diagnoses=()))]
        ['claim.diagnoses: a claim needs at least one diagnosis (the principal diagnosis)']
    """
    count = len(claim.diagnoses)
    if count == 0:
        yield _finding(
            "claim.diagnoses",
            "a claim needs at least one diagnosis (the principal diagnosis)",
            "claim.diagnoses.missing",
        )
    elif count > MAX_DIAGNOSES:
        yield _finding(
            "claim.diagnoses",
            f"{count} diagnoses listed; a claim takes at most {MAX_DIAGNOSES}",
            "claim.diagnoses.max",
        )
    seen: set[DiagnosisCode] = set()
    for position, code in enumerate(claim.diagnoses, 1):
        if code in seen:
            yield _finding(
                f"claim.diagnoses[{position}]",
                f"{code.dotted} is listed twice",
                "claim.diagnoses.duplicate",
            )
        seen.add(code)


def check_diagnosis_pointers(claim: Claim) -> Iterable[Finding]:
    """Each line has at most 4 pointers, each to a diagnosis the claim lists.

    Examples:
        >>> claim = _example_claim(diagnosis_pointers=[1, 3])
        >>> [str(f) for f in check_diagnosis_pointers(claim)]
        ['line 1.diagnosis_pointers: pointer 3 points to no diagnosis (the claim lists 1)']
    """
    count = len(claim.diagnoses)
    for number, line in enumerate(claim.lines, 1):
        pointers = line.diagnosis_pointers
        if not pointers:
            continue
        if len(pointers) > MAX_POINTERS_PER_LINE:
            yield _finding(
                f"line {number}.diagnosis_pointers",
                f"{len(pointers)} pointers on line {line.id!r}; "
                f"a line takes at most {MAX_POINTERS_PER_LINE}",
                "line.diagnosis_pointers.max",
            )
        for pointer in pointers:
            if not 1 <= pointer <= count:
                yield _finding(
                    f"line {number}.diagnosis_pointers",
                    f"pointer {pointer} points to no diagnosis (the claim lists {count})",
                    "line.diagnosis_pointers.missing",
                )


def _modifier_problem(code: ProcedureCode) -> str | None:
    # Rebuild through the constructor: the one place the modifier rules live.
    try:
        rebuilt = ProcedureCode(code.system, code.code, code.modifiers)
    except (InvalidCodeError, TypeError) as error:
        return f"{code.code}: {error}"
    # The constructor strips and upper-cases; a stored code must already be so.
    for mod, clean in zip(code.modifiers, rebuilt.modifiers, strict=True):
        if mod != clean:
            return f"modifier {mod!r} on {code.code} must be written {clean!r}"
    return None


def check_modifiers(claim: Claim) -> Iterable[Finding]:
    """Each procedure code has at most 4 modifiers, each two upper-case letters or digits.

    [`ProcedureCode`][billing_core.codes.ProcedureCode] already refuses bad modifiers;
    this rule catches codes that reached the claim without that constructor
    (for example rebuilt from storage with validation off).

    Examples:
        >>> list(check_modifiers(_example_claim()))
        []
    """
    # Lines often share one code object: check each object once (the claim
    # keeps them all alive, so their ids stay distinct during the loop).
    problems: dict[int, str | None] = {}
    for number, line in enumerate(claim.lines, 1):
        code = line.procedure
        if code is not None:
            key = id(code)
            if key not in problems:
                problems[key] = _modifier_problem(code)
            problem = problems[key]
            if problem is not None:
                yield _finding(f"line {number}.procedure.modifiers", problem, "line.modifiers")


def _npi_problem(provider: Provider) -> str | None:
    try:
        NPI(str(provider.npi.code))
    except (InvalidCodeError, TypeError) as error:
        return f"{provider.name}: {error}"
    return None


def check_care_team_npis(claim: Claim) -> Iterable[Finding]:
    """Every provider on the claim and its lines has a valid NPI (format and check digit).

    [`Provider`][billing_core.parties.Provider] already validates its NPI; this
    rule catches providers that reached the claim without that constructor.

    Examples:
        >>> list(check_care_team_npis(_example_claim()))
        []
    """
    for index, member in enumerate(claim.care_team):
        problem = _npi_problem(member.provider)
        if problem is not None:
            yield _finding(f"claim.care_team[{index}].npi", problem, "provider.npi")
    for number, line in enumerate(claim.lines, 1):
        for index, member in enumerate(line.care_team):
            problem = _npi_problem(member.provider)
            if problem is not None:
                yield _finding(f"line {number}.care_team[{index}].npi", problem, "provider.npi")


def check_service_dates(claim: Claim) -> Iterable[Finding]:
    """No service is after the claim date, and each lies inside the statement period if given.

    Examples:
        >>> claim = _example_claim(service_date=datetime.date(2024, 3, 9))
        >>> [str(f) for f in check_service_dates(claim)]
        ['line 1.service_date: the service date 2024-03-09 is after the claim date 2024-03-05']
    """
    claim_date = claim.claim_date
    start, end = claim.statement_from, claim.statement_through
    for number, line in enumerate(claim.lines, 1):
        first, last = line.service_date, line.service_end
        if last > claim_date:
            field = "service_date" if first > claim_date else "service_through"
            day = first if first > claim_date else last
            yield _finding(
                f"line {number}.{field}",
                f"the service date {day.isoformat()} is after the claim date "
                f"{claim_date.isoformat()}",
                "line.service_date.after_claim_date",
            )
        if start is not None and first < start:
            yield _finding(
                f"line {number}.service_date",
                f"the service date {first.isoformat()} is before the statement period "
                f"starting {start.isoformat()}",
                "line.service_date.outside_statement_period",
            )
        elif end is not None and last > end:
            field = "service_date" if first > end else "service_through"
            yield _finding(
                f"line {number}.{field}",
                f"the service date {last.isoformat()} is after the statement period "
                f"ending {end.isoformat()}",
                "line.service_date.outside_statement_period",
            )


def check_frequency(claim: Claim) -> Iterable[Finding]:
    """A replacement (7) or void (8) carries the payer's original claim number.

    Examples:
        >>> claim = attrs.evolve(_example_claim(), frequency=ClaimFrequency.VOID)
        >>> for finding in check_frequency(claim):
        ...     print(finding)
        claim.original_claim_number: a void claim (frequency 8) needs the payer's original claim number
    """  # noqa: E501
    if claim.frequency is not ClaimFrequency.ORIGINAL and not claim.original_claim_number:
        kind = "replacement" if claim.frequency is ClaimFrequency.REPLACEMENT else "void"
        yield _finding(
            "claim.original_claim_number",
            f"a {kind} claim (frequency {claim.frequency.value}) needs the payer's "
            "original claim number",
            "claim.frequency",
        )


def check_line_codes(claim: Claim) -> Iterable[Finding]:
    """Each claim line has a procedure code or a revenue code.

    Examples:
        >>> line = attrs.evolve(_example_claim().lines[0], procedure=None)
        >>> [str(f) for f in check_line_codes(attrs.evolve(_example_claim(), lines=[line]))]
        ["line 1.procedure: line 'L1' has neither a procedure code nor a revenue code"]
    """
    for number, line in enumerate(claim.lines, 1):
        if line.procedure is None and line.revenue_code is None:
            yield _finding(
                f"line {number}.procedure",
                f"line {line.id!r} has neither a procedure code nor a revenue code",
                "line.code",
            )


def check_prior_payers(claim: Claim) -> Iterable[Finding]:
    """Prior payers' line adjudications refer to lines on this claim.

    Examples:
        >>> list(check_prior_payers(_example_claim()))
        []
    """
    ids = {line.id for line in claim.lines} if claim.prior_payers else set()
    for index, prior in enumerate(claim.prior_payers):
        for position, adjudicated in enumerate(prior.lines):
            if adjudicated.line_id not in ids:
                yield _finding(
                    f"claim.prior_payers[{index}].lines[{position}].line_id",
                    f"no line {adjudicated.line_id!r} on this claim",
                    "claim.prior_payers.line_id",
                )


DEFAULT_RULES: Final[tuple[ClaimRule, ...]] = (
    check_total_charge,
    check_diagnoses,
    check_diagnosis_pointers,
    check_modifiers,
    check_care_team_npis,
    check_service_dates,
    check_frequency,
    check_line_codes,
    check_prior_payers,
)
"""The rules [`validate_claim`][] runs unless told otherwise, in order."""


def require_referring_provider(when: Callable[[Claim, LineItem], bool]) -> ClaimRule:
    """Build a rule: lines for which ``when(claim, line)`` holds need a referring provider.

    A referring provider on the line or at claim level satisfies it.

    Args:
        when: Decides which lines need one (e.g. a payer's list of specialist
            or imaging codes).

    Returns:
        The rule (rule id ``"line.referring_provider"``).

    Examples:
        >>> rule = require_referring_provider(lambda claim, line: True)
        >>> [str(f) for f in rule(_example_claim())]
        ["line 1.care_team: line 'L1' needs a referring provider"]
    """

    def referring_provider_required(claim: Claim) -> Iterable[Finding]:
        at_claim = any(m.role is CareRole.REFERRING for m in claim.care_team)
        for number, line in enumerate(claim.lines, 1):
            if at_claim or not when(claim, line):
                continue
            if line.provider(CareRole.REFERRING) is None:
                yield _finding(
                    f"line {number}.care_team",
                    f"line {line.id!r} needs a referring provider",
                    "line.referring_provider",
                )

    return referring_provider_required


def _code_key(code: ProcedureCode | RevenueCode | str) -> str:
    if isinstance(code, ProcedureCode):
        return code.code
    if isinstance(code, RevenueCode):
        return code.code
    if isinstance(code, str):
        return code.strip().upper()
    raise TypeError(f"codes must be ProcedureCode, RevenueCode or str, got {code!r}")


def require_attachments(codes: Iterable[ProcedureCode | RevenueCode | str]) -> ClaimRule:
    """Build a rule: lines billing one of ``codes`` need a supporting record.

    A line matches when its procedure code (without modifiers) or its revenue
    code is in ``codes``. An attachment on the line or at claim level
    satisfies it.

    Args:
        codes: Procedure or revenue codes (objects or their canonical strings).

    Returns:
        The rule (rule id ``"line.attachments"``).

    Examples:
        >>> rule = require_attachments(["99213"])
        >>> [str(f) for f in rule(_example_claim())]
        ["line 1.attachments: line 'L1' bills 99213, which needs a supporting record attached"]
    """
    wanted = frozenset(_code_key(c) for c in codes)

    def attachments_required(claim: Claim) -> Iterable[Finding]:
        if claim.attachments:
            return
        for number, line in enumerate(claim.lines, 1):
            if line.attachments:
                continue
            for code in (line.procedure, line.revenue_code):
                if code is not None and code.code in wanted:
                    yield _finding(
                        f"line {number}.attachments",
                        f"line {line.id!r} bills {code.code}, which needs a supporting "
                        "record attached",
                        "line.attachments",
                    )
                    break

    return attachments_required


def validate_claim(
    claim: Claim,
    rules: Iterable[ClaimRule] = DEFAULT_RULES,
    *,
    extra_rules: Iterable[ClaimRule] = (),
) -> tuple[Finding, ...]:
    """Check a claim and return **every** finding, in rule order.

    Args:
        claim: The claim.
        rules: The rules to run; [`DEFAULT_RULES`][] by default.
        extra_rules: More rules to run after ``rules`` (your payer's rules,
            [`require_referring_provider`][], [`require_attachments`][]).

    Returns:
        The findings; empty when the claim passes.

    Examples:
        >>> validate_claim(_example_claim())
        ()
        >>> [f.rule for f in validate_claim(_example_claim(), extra_rules=[
        ...     require_attachments(["99213"])])]
        ['line.attachments']
    """
    findings: list[Finding] = []
    for rule in (*rules, *extra_rules):
        findings.extend(rule(claim))
    return tuple(findings)


def ensure_valid_claim(
    claim: Claim,
    rules: Iterable[ClaimRule] = DEFAULT_RULES,
    *,
    extra_rules: Iterable[ClaimRule] = (),
) -> Claim:
    """Return ``claim`` if no rule finds an error, else raise one error with every finding.

    Warnings alone do not raise.

    Raises:
        ValidationError: Carrying every finding (warnings included) when at
            least one is an error.

    Examples:
        >>> ensure_valid_claim(attrs.evolve(_example_claim(), diagnoses=()))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: 2 problems:
          - claim.diagnoses: a claim needs at least one diagnosis (the principal diagnosis)
          - line 1.diagnosis_pointers: pointer 1 points to no diagnosis (the claim lists 0)
    """
    findings = validate_claim(claim, rules, extra_rules=extra_rules)
    if any(f.severity is Severity.ERROR for f in findings):
        raise ValidationError(findings)
    return claim


def _example_claim(
    *,
    diagnosis_pointers: Iterable[int] = (1,),
    service_date: datetime.date = datetime.date(2024, 3, 4),
) -> Claim:
    """A small valid claim used by the examples in this module."""
    from billing_core.charges import Category
    from billing_core.parties import CoverageSequence, Payer

    coverage = Coverage(
        id="C1",
        payer=Payer(id="acme", name="Acme Health"),
        member_id="XYZ123456789",
        sequence=CoverageSequence.PRIMARY,
    )
    line = LineItem(
        id="L1",
        category=Category.PROCEDURE,
        service_date=service_date,
        procedure=ProcedureCode("CPT", "99213"),
        charge=Money("125.00", "USD"),
        diagnosis_pointers=diagnosis_pointers,
    )
    return Claim(
        id="CLM1",
        account_id="A1",
        patient_id="P1",
        coverage=coverage,
        claim_date=datetime.date(2024, 3, 5),
        lines=[line],
        diagnoses=["E11.9"],
    )
