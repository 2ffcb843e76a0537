"""The loops of an 837 claim, written segment by segment (private; see `_write837`).

2000A billing provider, 2000B subscriber and payer, 2000C patient; 2300 claim
with 2310 providers, 2320/2330 prior payers, 2400 lines with 2410 drug, 2420
providers and 2430 line adjudication. Problems that keep a valid 837 from being
written are collected as findings naming the claim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Final

from billing_core.charges import Category, DocumentRef, LineItem, UnitBasis
from billing_core.claims import Claim
from billing_core.codes import DiagnosisCode, DiagnosisSystem
from billing_core.errors import Finding
from billing_core.parties import Address, CareRole, Coverage, Patient, Provider, ProviderKind
from billing_core.remittance import CasAdjustment
from billing_core.x12._lengths import MAX_LENGTHS, too_long
from billing_core.x12._names import RELATIONSHIP_CODES, SEQUENCE_CODES, split_name
from billing_core.x12._values import date_text, money_text, quantity_text

__all__ = ["Out", "name", "write_claim"]

_DELIMITERS: Final = re.compile(r"[*~^]")  # ":" is checked in the parts of composites
_BLOCKS: Final = 1024  # the most distinct blocks kept for repeating
_IN_COMPOSITE: Final = re.compile(r"[*:~^]")
_UNIT_BASIS_P: Final = {UnitBasis.MINUTES: "MJ"}
_UNIT_BASIS_I: Final = {UnitBasis.DAYS: "DA"}
# Claim-level (2310) and line-level (2420) providers, by role: (NM101, PRV01 or "").
_CLAIM_ROLES_P: Final = {
    CareRole.REFERRING: ("DN", ""),
    CareRole.RENDERING: ("82", "PE"),
    CareRole.SUPERVISING: ("DQ", ""),
}
_LINE_ROLES_P: Final = {
    CareRole.RENDERING: ("82", "PE"),
    CareRole.SUPERVISING: ("DQ", ""),
    CareRole.ORDERING: ("DK", ""),
    CareRole.REFERRING: ("DN", ""),
}
_CLAIM_ROLES_I: Final = {
    CareRole.ATTENDING: ("71", "AT"),
    CareRole.OPERATING: ("72", ""),
    CareRole.RENDERING: ("82", ""),
    CareRole.REFERRING: ("DN", ""),
}
_LINE_ROLES_I: Final = {
    CareRole.OPERATING: ("72", ""),
    CareRole.RENDERING: ("82", ""),
    CareRole.REFERRING: ("DN", ""),
}


class Out:
    """The segments of one transaction set being written, and the problems found."""

    def __init__(self, institutional: bool) -> None:
        self.institutional = institutional
        self.segments: list[str] = []
        self.problems: list[Finding] = []
        self.hl = 0
        self.blocks: dict[tuple[object, ...], list[str]] = {}
        self.claim_id: str | None = None  # the claim being written, for the findings

    def cached(self, key: tuple[object, ...], write: Callable[[], None]) -> None:
        """Write a block of segments, or repeat it when ``key`` was written before.

        Claims of one batch share their billing provider, payers and often patients:
        their segments are built once. A block with a problem is never repeated, so
        each claim gets its own finding.
        """
        block = self.blocks.get(key)
        if block is not None:
            self.segments.extend(block)
            return
        start, problems = len(self.segments), len(self.problems)
        write()
        if len(self.problems) == problems and len(self.blocks) < _BLOCKS:
            self.blocks[key] = self.segments[start:]

    def seg(self, *elements: str) -> None:
        end = len(elements)
        while end > 1 and not elements[end - 1]:
            end -= 1
        text = "*".join(elements[:end])
        # One scan of the whole segment: a value holding a delimiter shows as one separator
        # too many, or a terminator or repetition separator where none belongs.
        if text.count("*") != end - 1 or "~" in text or "^" in text:
            self._delimiters(elements, _DELIMITERS)
        if elements[0] in MAX_LENGTHS:
            for element, message in too_long(elements[0], elements):
                self._too_long(element, message)
        self.segments.append(text)

    def _too_long(self, element: str, message: str) -> None:
        """A value longer than its element allows (the value itself may be a name: not shown)."""
        where = "837 header" if self.claim_id is None else f"claim {self.claim_id!r}"
        self.problems.append(
            Finding(location=f"{where} {element}", message=message, rule="x12.length")
        )

    def composite(self, *parts: str) -> str:
        end = len(parts)
        while end > 1 and not parts[end - 1]:
            end -= 1
        text = ":".join(parts[:end])
        if text.count(":") != end - 1 or _DELIMITERS.search(text):
            self._delimiters(parts, _IN_COMPOSITE)
        return text

    def _delimiters(self, values: tuple[str, ...], pattern: re.Pattern[str]) -> None:
        for value in values:
            if pattern.search(value):
                self.problems.append(
                    Finding(
                        location=f"837 {values[0]}",
                        message=f"{value[:40]!r} holds an X12 delimiter (* : ~ ^)",
                        rule="x12.delimiter",
                    )
                )

    def missing(self, claim: Claim, what: str) -> None:
        self.problems.append(
            Finding(location=f"claim {claim.id!r}", message=f"{what}", rule="x12.837")
        )


def name(out: Out, code: str, kind: str, name: str, qualifier: str = "", ident: str = "") -> None:
    # Readers strip elements, so surrounding spaces are not written either.
    last, first, middle = split_name(name) if kind == "1" else (name.strip(), "", "")
    out.seg("NM1", code, kind, last, first, middle, "", "", qualifier, ident.strip())


def _address(out: Out, address: Address | None) -> None:
    if address is None:
        return
    out.seg("N3", *(line.strip() for line in address.lines))
    out.seg(
        "N4",
        address.city.strip(),
        address.state.strip(),
        address.postal_code.strip(),
        address.country.strip(),
    )


def _provider(out: Out, code: str, provider: Provider, prv: str = "") -> None:
    kind = "1" if provider.kind is ProviderKind.PERSON else "2"
    name(out, code, kind, provider.name, "XX", provider.npi.code)
    if prv and provider.taxonomy is not None:
        out.seg("PRV", prv, "PXC", provider.taxonomy.code)


def _demographics(out: Out, person: Patient) -> None:
    if person.birth_date is not None or person.sex is not None:
        dob = date_text(person.birth_date) if person.birth_date is not None else ""
        out.seg("DMG", "D8" if dob else "", dob, person.sex.value if person.sex else "")


def _subscriber(out: Out, claim: Claim, coverage: Coverage) -> Patient | None:
    if coverage.relationship.value == "18":
        return claim.patient
    return coverage.subscriber


def _billing_provider(out: Out, claim: Claim) -> None:
    billing = claim.provider(CareRole.BILLING)
    if billing is None:
        out.missing(claim, "a billing provider (care team role BILLING) is needed for an 837")
        return
    if billing.taxonomy is not None:
        out.seg("PRV", "BI", "PXC", billing.taxonomy.code)
    _provider(out, "85", billing)
    if billing.address is None or billing.tax_id is None:
        out.missing(claim, "the billing provider needs an address and a tax id for an 837")
    elif out.institutional and not (
        len(billing.address.postal_code) == 9 and billing.address.postal_code.isdigit()
    ):
        out.missing(claim, "the billing provider's ZIP code must have 9 digits (ZIP+4) on an 837I")
    _address(out, billing.address)
    if billing.tax_id is not None:
        out.seg("REF", "EI", billing.tax_id)


def _sbr(out: Out, coverage: Coverage, *, other: bool = False) -> None:
    # In 2000B SBR02 is 18 (the patient is the subscriber) or empty; in 2320 it is the
    # patient's relationship to the other payer's subscriber, always.
    if other:
        relationship = RELATIONSHIP_CODES[coverage.relationship]
    else:
        relationship = "18" if coverage.relationship.value == "18" else ""
    out.seg(
        "SBR",
        SEQUENCE_CODES[coverage.sequence.value],
        relationship,
        coverage.group_number,
        "",
        "",
        "",
        "",
        "",
        coverage.filing_code or "ZZ",
    )


def _hierarchy(out: Out, claim: Claim) -> None:
    """2000A billing provider, 2000B subscriber and payer, 2000C patient."""
    out.hl += 1
    top = out.hl
    out.seg("HL", str(top), "", "20", "1")
    billing = claim.provider(CareRole.BILLING)
    out.cached(("85", billing), lambda: _billing_provider(out, claim))
    coverage, self_insured = claim.coverage, claim.coverage.relationship.value == "18"
    out.hl += 1
    out.seg("HL", str(out.hl), str(top), "22", "0" if self_insured else "1")
    subscriber = _subscriber(out, claim, coverage)
    out.cached(("IL", coverage, subscriber), lambda: _subscriber_loops(out, claim, subscriber))
    if not self_insured:
        out.hl += 1
        out.seg("HL", str(out.hl), str(out.hl - 1), "23", "0")
        out.cached(("QC", coverage.relationship, claim.patient), lambda: _patient(out, claim))


def _subscriber_loops(out: Out, claim: Claim, subscriber: Patient | None) -> None:
    """2000B SBR, 2010BA subscriber, 2010BB payer."""
    coverage = claim.coverage
    _sbr(out, coverage)
    if subscriber is None:
        out.missing(
            claim,
            "the subscriber's name is needed for an 837 (Claim.patient, or"
            " Coverage.subscriber when the patient is not the subscriber)",
        )
        subscriber = Patient(id="?", name="?")
    name(out, "IL", "1", subscriber.name, "MI", coverage.member_id)
    _address(out, subscriber.address)
    _demographics(out, subscriber)
    payer = coverage.payer
    name(out, "PR", "2", payer.name, "PI", payer.payer_id or payer.id)


def _patient(out: Out, claim: Claim) -> None:
    """2000C PAT and 2010CA patient."""
    patient = claim.patient
    if patient is None or patient.address is None or patient.birth_date is None:
        out.missing(claim, "the patient's name, address and birth date are needed for an 837")
        patient = patient or Patient(id="?", name="?")
    out.seg("PAT", RELATIONSHIP_CODES[claim.coverage.relationship])
    name(out, "QC", "1", patient.name)
    _address(out, patient.address)
    _demographics(out, patient)


def _clm(out: Out, claim: Claim) -> None:
    frequency = claim.frequency.value
    if out.institutional:
        inst = claim.institutional
        if inst is None:
            out.missing(claim, "an institutional claim (Claim.institutional) is needed for an 837I")
            facility = "11"
        else:
            facility = inst.facility_type
        out.seg(
            "CLM",
            claim.id,
            money_text(claim.total_charge),
            "",
            "",
            out.composite(facility, "A", frequency),
            "",
            "A",
            "Y",
            "Y",
        )
        return
    pos = claim.place_of_service.code if claim.place_of_service is not None else ""
    if not pos:
        out.missing(claim, "a place of service is needed for an 837P (Claim.place_of_service)")
    out.seg(
        "CLM",
        claim.id,
        money_text(claim.total_charge),
        "",
        "",
        out.composite(pos, "B", frequency),
        "Y",
        "A",
        "Y",
        "Y",
    )


def _institutional_dates(out: Out, claim: Claim) -> None:
    start, end = claim.statement_from, claim.statement_through
    if start is None:
        start = min(line.service_date for line in claim.lines)
        end = max(line.service_end for line in claim.lines)
    out.seg("DTP", "434", "RD8", f"{date_text(start)}-{date_text(end or start)}")
    inst = claim.institutional
    if inst is not None and inst.admission_date is not None:
        if inst.admission_hour is None:
            out.seg("DTP", "435", "D8", date_text(inst.admission_date))
        else:
            hour = f"{date_text(inst.admission_date)}{inst.admission_hour:02d}00"
            out.seg("DTP", "435", "DT", hour)
    if inst is not None:
        out.seg(
            "CL1", inst.admission_type or "", inst.admission_source or "", inst.patient_status or ""
        )


def _attachments(out: Out, refs: Iterable[DocumentRef]) -> None:
    for ref in refs:
        if ref.report_type is None or ref.transmission is None:
            continue
        number = ref.control_number
        out.seg(
            "PWK",
            ref.report_type,
            ref.transmission.value,
            "",
            "",
            "AC" if number else "",
            number or "",
        )


def _claim_refs(out: Out, claim: Claim) -> None:
    if claim.original_claim_number is not None:
        out.seg("REF", "F8", claim.original_claim_number)
    if claim.referral_number is not None:
        out.seg("REF", "9F", claim.referral_number)
    if claim.prior_authorization is not None:
        out.seg("REF", "G1", claim.prior_authorization)


def _hi(code: DiagnosisCode, icd10: str) -> str:
    """An HI composite: the ICD-10-CM qualifier (ABK, ABF, ABJ), or ICD-9-CM's without the A."""
    qualifier = icd10 if code.system is DiagnosisSystem.ICD10CM else icd10[1:]
    return f"{qualifier}:{code.code}"


def _diagnoses(out: Out, claim: Claim) -> None:
    codes = claim.diagnoses
    if not codes:
        out.missing(claim, "an 837 needs at least one diagnosis (Claim.diagnoses)")
        return
    if not out.institutional:
        out.seg("HI", _hi(codes[0], "ABK"), *(_hi(c, "ABF") for c in codes[1:]))
        return
    out.seg("HI", _hi(codes[0], "ABK"))
    inst = claim.institutional
    if inst is not None and inst.admitting_diagnosis is not None:
        out.seg("HI", _hi(inst.admitting_diagnosis, "ABJ"))
    if len(codes) > 1:
        out.seg("HI", *(_hi(c, "ABF") for c in codes[1:]))


def _claim_providers(out: Out, claim: Claim) -> None:
    roles = _CLAIM_ROLES_I if out.institutional else _CLAIM_ROLES_P
    for role, (code, prv) in roles.items():
        provider = claim.provider(role)
        if provider is not None:
            _provider(out, code, provider, prv)


def _cas(out: Out, adjustments: Iterable[CasAdjustment]) -> None:
    by_group: dict[str, list[CasAdjustment]] = {}
    for adjustment in adjustments:
        by_group.setdefault(adjustment.group.value, []).append(adjustment)
    for group, items in by_group.items():
        for start in range(0, len(items), 6):
            elements = ["CAS", group]
            for a in items[start : start + 6]:
                quantity = quantity_text(a.quantity) if a.quantity is not None else ""
                elements += [a.reason.code, money_text(a.amount), quantity]
            out.seg(*elements)


def _prior_payers(out: Out, claim: Claim) -> None:
    for prior in claim.prior_payers:
        coverage = prior.coverage
        _sbr(out, coverage, other=True)
        _cas(out, prior.claim_adjustments)
        out.seg("AMT", "D", money_text(prior.paid))
        out.seg("OI", "", "", "Y", "" if out.institutional else "P", "", "Y")
        subscriber = _subscriber(out, claim, coverage) or Patient(id="?", name="?")
        if subscriber.name == "?":
            out.missing(claim, "the prior payer's subscriber name is needed for an 837")
        name(out, "IL", "1", subscriber.name, "MI", coverage.member_id)
        _address(out, subscriber.address)
        payer = coverage.payer
        name(out, "PR", "2", payer.name, "PI", payer.payer_id or payer.id)
        if not prior.lines:
            out.seg("DTP", "573", "D8", date_text(prior.adjudicated_on))
        if prior.payer_claim_number is not None:
            out.seg("REF", "F8", prior.payer_claim_number)


def _procedure(out: Out, line: LineItem) -> str:
    proc = line.procedure
    if proc is None:
        return ""
    return out.composite(proc.x12_qualifier, proc.code, *proc.modifiers)


def _service(out: Out, claim: Claim, line: LineItem) -> None:
    units = quantity_text(line.units)
    if out.institutional:
        revenue = line.revenue_code.code if line.revenue_code is not None else ""
        if not revenue:
            out.missing(claim, f"line {line.id!r} needs a revenue code for an 837I")
        basis = _UNIT_BASIS_I.get(line.unit_basis, "UN")
        out.seg("SV2", revenue, _procedure(out, line), money_text(line.charge), basis, units)
        return
    procedure = _procedure(out, line)
    if not procedure:
        out.missing(claim, f"line {line.id!r} needs a procedure code for an 837P")
    pos = line.place_of_service
    own_pos = pos.code if pos is not None and pos != claim.place_of_service else ""
    pointers = out.composite(*(str(p) for p in line.diagnosis_pointers[:4]))
    if not line.diagnosis_pointers:
        pointers = "1"
    basis = _UNIT_BASIS_P.get(line.unit_basis, "UN")
    out.seg("SV1", procedure, money_text(line.charge), basis, units, own_pos, "", pointers)


def _line(out: Out, claim: Claim, number: int, line: LineItem) -> None:
    units = quantity_text(line.units)
    out.seg("LX", str(number))
    _service(out, claim, line)
    _attachments(out, line.attachments)
    if line.service_through is not None and line.service_through != line.service_date:
        period = f"{date_text(line.service_date)}-{date_text(line.service_through)}"
        out.seg("DTP", "472", "RD8", period)
    else:
        out.seg("DTP", "472", "D8", date_text(line.service_date))
    out.seg("REF", "6R", line.id)
    if line.drug is not None and line.category is Category.DRUG:
        drug = line.drug
        out.seg("LIN", "", "N4", drug.ndc.code)
        out.seg("CTP", "", "", "", quantity_text(drug.quantity), drug.unit.value)
    roles = _LINE_ROLES_I if out.institutional else _LINE_ROLES_P
    for role, (code, prv) in roles.items():
        provider = line.provider(role)
        if provider is not None:
            _provider(out, code, provider, prv)
    for prior in claim.prior_payers:
        for adjudication in prior.lines:
            if adjudication.line_id != line.id:
                continue
            payer = prior.coverage.payer
            out.seg(
                "SVD",
                payer.payer_id or payer.id,
                money_text(adjudication.paid),
                _procedure(out, line),
                "",
                units,
            )
            _cas(out, adjudication.adjustments)
            out.seg("DTP", "573", "D8", date_text(prior.adjudicated_on))


def write_claim(out: Out, claim: Claim) -> None:
    """Every loop of one claim, from its billing provider level to its last line."""
    out.claim_id = claim.id
    _hierarchy(out, claim)
    _clm(out, claim)
    if out.institutional:
        _institutional_dates(out, claim)
    _attachments(out, claim.attachments)
    _claim_refs(out, claim)
    _diagnoses(out, claim)
    _claim_providers(out, claim)
    _prior_payers(out, claim)
    for number, line in enumerate(claim.lines, 1):
        _line(out, claim, number, line)
