"""The checks a claim must pass before it is sent: rules as data.

[`validate_claim`][] runs rules and returns **every** finding at once, each
with its location, which names the claim (``"claim 'C1'.total_charge"``,
``"claim 'C1' line 3.diagnosis_pointers"``, with lines numbered from 1 as on the
claim form); [`check_claim`][] raises
them. A rule is a plain function from a claim to its findings
(``ClaimRule = Callable[[Claim], Iterable[Finding]]``), named for what it
requires; [`CLAIM_RULES`][] holds the library's, in order. Add your own with
``extra_rules``, or build them with [`require_referring_provider`][] and
[`require_attachments`][].

Examples:
    >>> import attrs
    >>> from billing_core._examples import example_claim
    >>> from billing_core.money import Money
    >>> claim = attrs.evolve(example_claim(diagnosis_pointers=[1, 2]),
    ...                      total_charge=Money("130.00", "USD"))
    >>> for finding in validate_claim(claim):
    ...     print(finding)
    claim 'CLM1'.total_charge: the stated total 130.00 USD is not the sum of the lines 125.00 USD
    claim 'CLM1' line 1.diagnosis_pointers: pointer 2 points to no diagnosis (the claim lists 1)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Final, Protocol

from billing_core._fields import label, wrong_type
from billing_core.charges import LineItem
from billing_core.charges._lines import charges_minor
from billing_core.claims._claim import MAX_DIAGNOSES, MAX_POINTERS_PER_LINE, Claim, ClaimFrequency
from billing_core.codes import (
    ICD10CM_START,
    NPI,
    DiagnosisCode,
    DiagnosisSystem,
    ProcedureCode,
    RevenueCode,
)
from billing_core.errors import Finding, InvalidCodeError, Severity, ValidationError
from billing_core.money import Money
from billing_core.parties import CareRole, Provider

__all__ = [
    "CLAIM_RULES",
    "ClaimRule",
    "care_team_npis_valid",
    "check_claim",
    "diagnoses_within_limits",
    "diagnosis_code_set_matches_dates",
    "lines_have_codes",
    "modifiers_well_formed",
    "pointers_point_to_diagnoses",
    "prior_payer_lines_on_claim",
    "replacement_names_original",
    "require_attachments",
    "require_referring_provider",
    "services_within_claim_dates",
    "total_charge_matches_lines",
    "validate_claim",
]


class ClaimRule(Protocol):
    """A claim check: any callable taking a claim and yielding its findings (none if it passes).

    Plain functions qualify; see [`total_charge_matches_lines`][] for the shape.

    Examples:
        >>> from collections.abc import Iterable
        >>> from billing_core._examples import example_claim
        >>> from billing_core.errors import Finding
        >>> def no_big_claims(claim: Claim) -> Iterable[Finding]:
        ...     if claim.total_charge.minor > 1_000_000:
        ...         yield Finding(location="claim.total_charge", message="too big", rule="my.big")
        >>> validate_claim(example_claim(), extra_rules=[no_big_claims])
        ()
    """

    def __call__(self, claim: Claim, /) -> Iterable[Finding]:
        """Check ``claim``."""
        ...


def _finding(location: str, message: str, rule: str) -> Finding:
    return Finding(location=location, message=message, rule=rule)


# Every location names the claim, so findings of many claims read apart in one log.


def _at(claim: Claim, field: str) -> str:
    """A place on the claim: ``claim 'C1'.total_charge``."""
    return f"{label(claim, 'claim')}.{field}"


def _line_at(claim: Claim, number: int, field: str) -> str:
    """A place on a line, numbered from 1 as on the claim form: ``claim 'C1' line 2.procedure``."""
    return f"{label(claim, 'claim')} line {number}.{field}"


def total_charge_matches_lines(claim: Claim) -> Iterable[Finding]:
    """The stated total charge equals the sum of the line charges.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> list(total_charge_matches_lines(example_claim()))
        []
    """
    total = charges_minor(claim.lines)
    if total != claim.total_charge.minor:
        stated = claim.total_charge
        yield _finding(
            _at(claim, "total_charge"),
            f"the stated total {stated} is not the sum of the lines "
            f"{Money.from_minor(total, stated.currency)}",
            "claim.total_charge",
        )


def diagnoses_within_limits(claim: Claim) -> Iterable[Finding]:
    """The claim lists 1 to 12 diagnoses, none twice.

    Examples:
        >>> import attrs
        >>> from billing_core._examples import example_claim
        >>> for finding in diagnoses_within_limits(attrs.evolve(example_claim(), diagnoses=())):
        ...     print(finding)
        claim 'CLM1'.diagnoses: a claim needs at least one diagnosis (the principal diagnosis)
    """
    count = len(claim.diagnoses)
    if count == 0:
        yield _finding(
            _at(claim, "diagnoses"),
            "a claim needs at least one diagnosis (the principal diagnosis)",
            "claim.diagnoses.missing",
        )
    elif count > MAX_DIAGNOSES:
        yield _finding(
            _at(claim, "diagnoses"),
            f"{count} diagnoses listed; a claim takes at most {MAX_DIAGNOSES}",
            "claim.diagnoses.max",
        )
    seen: set[DiagnosisCode] = set()
    for position, code in enumerate(claim.diagnoses, 1):
        if code in seen:
            yield _finding(
                _at(claim, f"diagnoses[{position}]"),
                f"{code.dotted} is listed twice",
                "claim.diagnoses.duplicate",
            )
        seen.add(code)


def _code_set_dates(claim: Claim) -> tuple[datetime.date, datetime.date, str]:
    """The dates that decide a claim's code set, and what they are (for the message)."""
    inst = claim.institutional
    if inst is not None and inst.facility_type.startswith("11"):
        # A hospital inpatient stay (type of bill 11x) is coded by its discharge date.
        last = claim.statement_through or max(line.service_end for line in claim.lines)
        return last, last, "a hospital stay discharged {} {} (here {}) is"
    first = min(line.service_date for line in claim.lines)
    return first, max(line.service_end for line in claim.lines), "services {} {} (here {}) are"


def diagnosis_code_set_matches_dates(claim: Claim) -> Iterable[Finding]:
    """Diagnoses are in the code set of the services' dates: ICD-9-CM before 2015-10-01.

    Services on or after [`ICD10CM_START`][billing_core.codes.ICD10CM_START]
    are coded in ICD-10-CM, services before it in ICD-9-CM; a hospital
    inpatient claim (type of bill 11x) by its discharge (through) date. A
    claim whose services fall on both sides of the date mixes two code sets
    and must be split (rule ``claim.diagnoses.code_set_split``).

    Examples:
        >>> import datetime
        >>> from billing_core._examples import example_claim
        >>> claim = example_claim(service_date=datetime.date(2015, 9, 30))
        >>> for finding in diagnosis_code_set_matches_dates(claim):
        ...     print(finding)
        claim 'CLM1'.diagnoses[1]: E11.9 is an ICD-10-CM code, but services before 2015-10-01 (here 2015-09-30) are coded in ICD-9-CM
    """  # noqa: E501
    first, last, what = _code_set_dates(claim)
    start = ICD10CM_START.isoformat()
    if first < ICD10CM_START <= last:
        yield _finding(
            _at(claim, "lines"),
            f"the services run from {first.isoformat()} to {last.isoformat()}, across {start}:"
            " split the claim (ICD-9-CM before that day, ICD-10-CM from it)",
            "claim.diagnoses.code_set_split",
        )
        return
    wanted = DiagnosisSystem.ICD10CM if first >= ICD10CM_START else DiagnosisSystem.ICD9CM
    side = "on or after" if wanted is DiagnosisSystem.ICD10CM else "before"
    coded = [(f"diagnoses[{n}]", code) for n, code in enumerate(claim.diagnoses, 1)]
    inst = claim.institutional
    if inst is not None and inst.admitting_diagnosis is not None:
        coded.append(("institutional.admitting_diagnosis", inst.admitting_diagnosis))
    for field, code in coded:
        if code.system is not wanted:
            yield _finding(
                _at(claim, field),
                f"{code.dotted} is an {code.system.value} code, but"
                f" {what.format(side, start, first.isoformat())} coded in {wanted.value}",
                "claim.diagnoses.code_set",
            )


def pointers_point_to_diagnoses(claim: Claim) -> Iterable[Finding]:
    """Each line has at most 4 pointers, each to a diagnosis the claim lists.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> claim = example_claim(diagnosis_pointers=[1, 3])
        >>> for finding in pointers_point_to_diagnoses(claim):
        ...     print(finding)
        claim 'CLM1' line 1.diagnosis_pointers: pointer 3 points to no diagnosis (the claim lists 1)
    """
    count = len(claim.diagnoses)
    for number, line in enumerate(claim.lines, 1):
        pointers = line.diagnosis_pointers
        if not pointers:
            continue
        if len(pointers) > MAX_POINTERS_PER_LINE:
            yield _finding(
                _line_at(claim, number, "diagnosis_pointers"),
                f"{len(pointers)} pointers on line {line.id!r}; "
                f"a line takes at most {MAX_POINTERS_PER_LINE}",
                "line.diagnosis_pointers.max",
            )
        for pointer in pointers:
            if not 1 <= pointer <= count:
                yield _finding(
                    _line_at(claim, number, "diagnosis_pointers"),
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


def modifiers_well_formed(claim: Claim) -> Iterable[Finding]:
    """Each procedure code has at most 4 modifiers, each two upper-case letters or digits.

    [`ProcedureCode`][billing_core.codes.ProcedureCode] already refuses bad modifiers;
    this rule catches codes that reached the claim without that constructor
    (for example rebuilt from storage with validation off).

    Examples:
        >>> from billing_core._examples import example_claim
        >>> list(modifiers_well_formed(example_claim()))
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
                yield _finding(
                    _line_at(claim, number, "procedure.modifiers"), problem, "line.modifiers"
                )


def _npi_problem(provider: Provider) -> str | None:
    try:
        NPI(str(provider.npi.code))
    except (InvalidCodeError, TypeError) as error:
        return f"{provider.name}: {error}"
    return None


def care_team_npis_valid(claim: Claim) -> Iterable[Finding]:
    """Every provider on the claim and its lines has a valid NPI (format and check digit).

    [`Provider`][billing_core.parties.Provider] already validates its NPI; this
    rule catches providers that reached the claim without that constructor.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> list(care_team_npis_valid(example_claim()))
        []
    """
    for index, member in enumerate(claim.care_team):
        problem = _npi_problem(member.provider)
        if problem is not None:
            yield _finding(_at(claim, f"care_team[{index}].npi"), problem, "provider.npi")
    for number, line in enumerate(claim.lines, 1):
        for index, member in enumerate(line.care_team):
            problem = _npi_problem(member.provider)
            if problem is not None:
                yield _finding(
                    _line_at(claim, number, f"care_team[{index}].npi"), problem, "provider.npi"
                )


def services_within_claim_dates(claim: Claim) -> Iterable[Finding]:
    """No service is after the claim date, and each lies inside the statement period if given.

    Examples:
        >>> import datetime
        >>> from billing_core._examples import example_claim
        >>> claim = example_claim(service_date=datetime.date(2024, 3, 9))
        >>> for finding in services_within_claim_dates(claim):
        ...     print(finding)
        claim 'CLM1' line 1.service_date: the service date 2024-03-09 is after the claim date 2024-03-05
    """  # noqa: E501
    claim_date = claim.claim_date
    start, end = claim.statement_from, claim.statement_through
    for number, line in enumerate(claim.lines, 1):
        first, last = line.service_date, line.service_end
        if last > claim_date:
            field = "service_date" if first > claim_date else "service_through"
            day = first if first > claim_date else last
            yield _finding(
                _line_at(claim, number, field),
                f"the service date {day.isoformat()} is after the claim date "
                f"{claim_date.isoformat()}",
                "line.service_date.after_claim_date",
            )
        if start is not None and first < start:
            yield _finding(
                _line_at(claim, number, "service_date"),
                f"the service date {first.isoformat()} is before the statement period "
                f"starting {start.isoformat()}",
                "line.service_date.outside_statement_period",
            )
        elif end is not None and last > end:
            field = "service_date" if first > end else "service_through"
            yield _finding(
                _line_at(claim, number, field),
                f"the service date {last.isoformat()} is after the statement period "
                f"ending {end.isoformat()}",
                "line.service_date.outside_statement_period",
            )


def replacement_names_original(claim: Claim) -> Iterable[Finding]:
    """A replacement (7) or void (8) carries the payer's original claim number.

    Examples:
        >>> import attrs
        >>> from billing_core._examples import example_claim
        >>> claim = attrs.evolve(example_claim(), frequency=ClaimFrequency.VOID)
        >>> for finding in replacement_names_original(claim):
        ...     print(finding)
        claim 'CLM1'.original_claim_number: a void claim (frequency 8) needs the payer's original claim number
    """  # noqa: E501
    if claim.frequency is not ClaimFrequency.ORIGINAL and not claim.original_claim_number:
        kind = "replacement" if claim.frequency is ClaimFrequency.REPLACEMENT else "void"
        yield _finding(
            _at(claim, "original_claim_number"),
            f"a {kind} claim (frequency {claim.frequency.value}) needs the payer's "
            "original claim number",
            "claim.frequency",
        )


def lines_have_codes(claim: Claim) -> Iterable[Finding]:
    """Each claim line has a procedure code or a revenue code.

    Examples:
        >>> import attrs
        >>> from billing_core._examples import example_claim
        >>> line = attrs.evolve(example_claim().lines[0], procedure=None)
        >>> for finding in lines_have_codes(attrs.evolve(example_claim(), lines=[line])):
        ...     print(finding)
        claim 'CLM1' line 1.procedure: line 'L1' has neither a procedure code nor a revenue code
    """
    for number, line in enumerate(claim.lines, 1):
        if line.procedure is None and line.revenue_code is None:
            yield _finding(
                _line_at(claim, number, "procedure"),
                f"line {line.id!r} has neither a procedure code nor a revenue code",
                "line.code",
            )


def prior_payer_lines_on_claim(claim: Claim) -> Iterable[Finding]:
    """Prior payers' line adjudications refer to lines on this claim.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> list(prior_payer_lines_on_claim(example_claim()))
        []
    """
    ids = {line.id for line in claim.lines} if claim.prior_payers else set()
    for index, prior in enumerate(claim.prior_payers):
        for position, adjudicated in enumerate(prior.lines):
            if adjudicated.line_id not in ids:
                yield _finding(
                    _at(claim, f"prior_payers[{index}].lines[{position}].line_id"),
                    f"no line {adjudicated.line_id!r} on this claim",
                    "claim.prior_payers.line_id",
                )


CLAIM_RULES: Final[tuple[ClaimRule, ...]] = (
    total_charge_matches_lines,
    diagnoses_within_limits,
    diagnosis_code_set_matches_dates,
    pointers_point_to_diagnoses,
    modifiers_well_formed,
    care_team_npis_valid,
    services_within_claim_dates,
    replacement_names_original,
    lines_have_codes,
    prior_payer_lines_on_claim,
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
        >>> from billing_core._examples import example_claim
        >>> rule = require_referring_provider(lambda claim, line: True)
        >>> for finding in rule(example_claim()):
        ...     print(finding)
        claim 'CLM1' line 1.care_team: line 'L1' needs a referring provider
    """

    def referring_provider_required(claim: Claim) -> Iterable[Finding]:
        at_claim = any(m.role is CareRole.REFERRING for m in claim.care_team)
        for number, line in enumerate(claim.lines, 1):
            if at_claim or not when(claim, line):
                continue
            if line.provider(CareRole.REFERRING) is None:
                yield _finding(
                    _line_at(claim, number, "care_team"),
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
    raise wrong_type("codes", "ProcedureCode, RevenueCode or str", code)


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
        >>> from billing_core._examples import example_claim
        >>> rule = require_attachments(["99213"])
        >>> for finding in rule(example_claim()):
        ...     print(finding)
        claim 'CLM1' line 1.attachments: line 'L1' bills 99213, which needs a supporting record attached
    """  # noqa: E501
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
                        _line_at(claim, number, "attachments"),
                        f"line {line.id!r} bills {code.code}, which needs a supporting "
                        "record attached",
                        "line.attachments",
                    )
                    break

    return attachments_required


def validate_claim(
    claim: Claim,
    rules: Iterable[ClaimRule] = CLAIM_RULES,
    *,
    extra_rules: Iterable[ClaimRule] = (),
) -> tuple[Finding, ...]:
    """Check a claim and return **every** finding, in rule order.

    Args:
        claim: The claim.
        rules: The rules to run; [`CLAIM_RULES`][] by default.
        extra_rules: More rules to run after ``rules`` (your payer's rules,
            [`require_referring_provider`][], [`require_attachments`][]).

    Returns:
        The findings; empty when the claim passes.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> validate_claim(example_claim())
        ()
        >>> [f.rule for f in validate_claim(example_claim(), extra_rules=[
        ...     require_attachments(["99213"])])]
        ['line.attachments']
    """
    findings: list[Finding] = []
    for rule in (*rules, *extra_rules):
        findings.extend(rule(claim))
    return tuple(findings)


def check_claim(
    claim: Claim,
    rules: Iterable[ClaimRule] = CLAIM_RULES,
    *,
    extra_rules: Iterable[ClaimRule] = (),
) -> Claim:
    """Return ``claim`` if no rule finds an error, else raise one error with every finding.

    Warnings alone do not raise.

    Raises:
        ValidationError: Carrying every finding (warnings included) when at
            least one is an error.

    Examples:
        >>> import attrs
        >>> from billing_core._examples import example_claim
        >>> check_claim(attrs.evolve(example_claim(), diagnoses=()))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: 2 problems:
          - claim 'CLM1'.diagnoses: a claim needs at least one diagnosis (the principal diagnosis)
          - claim 'CLM1' line 1.diagnosis_pointers: pointer 1 points to no diagnosis (the claim lists 0)
    """  # noqa: E501
    findings = validate_claim(claim, rules, extra_rules=extra_rules)
    if any(f.severity is Severity.ERROR for f in findings):
        raise ValidationError(findings)
    return claim
