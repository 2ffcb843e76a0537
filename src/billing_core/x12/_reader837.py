"""The loops of an 837 as the reader meets them (private; see `_read837`).

One method per segment: each knows, from the loop it is in, what the segment
means (an NM1*IL in 2000B is the subscriber, in 2320 the other payer's
subscriber) and puts its values in the records of `_build837`; a claim is built
when the next claim, level or transaction set starts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial
from typing import Final, TypeVar

import attrs

from billing_core.charges import AttachmentTransmission, DocumentKind, DocumentRef, DrugUnit
from billing_core.claims import Claim, InstitutionalClaim
from billing_core.codes import (
    NDC,
    NPI,
    DiagnosisCode,
    DiagnosisSystem,
    ProcedureCode,
    RevenueCode,
    TaxonomyCode,
)
from billing_core.errors import BillingError, ValidationError
from billing_core.money import Money
from billing_core.parties import Address, CareRole, Payer, Sex
from billing_core.remittance import CasAdjustment
from billing_core.x12._build837 import (
    ClaimRecord,
    LineRecord,
    Person,
    PriorRecord,
    ProviderRecord,
    build_claim,
)
from billing_core.x12._envelope import EnvelopeChecker
from billing_core.x12._problems import Problems
from billing_core.x12._tokens import Tokenizer
from billing_core.x12._values import amount_minor, element, parse_date, parse_quantity, to_money
from billing_core.x12._write837 import GUIDE_837I, GUIDE_837P

__all__ = ["KNOWN_837", "Reader"]

_ROLES: Final = {
    "82": CareRole.RENDERING,
    "DN": CareRole.REFERRING,
    "DQ": CareRole.SUPERVISING,
    "DK": CareRole.ORDERING,
    "71": CareRole.ATTENDING,
    "72": CareRole.OPERATING,
}
# HI qualifiers of diagnoses (837P and 837I TR3): ICD-10-CM with an A, ICD-9-CM without.
_DIAGNOSES: Final = {
    "ABK": ("principal", DiagnosisSystem.ICD10CM),
    "ABF": ("other", DiagnosisSystem.ICD10CM),
    "ABJ": ("admitting", DiagnosisSystem.ICD10CM),
    "BK": ("principal", DiagnosisSystem.ICD9CM),
    "BF": ("other", DiagnosisSystem.ICD9CM),
    "BJ": ("admitting", DiagnosisSystem.ICD9CM),
}
KNOWN_837: Final = frozenset(
    {
        *("ISA", "GS", "ST", "SE", "GE", "IEA", "BHT", "NM1", "PER", "HL", "PRV", "CUR", "N3"),
        *("N4", "REF", "SBR", "PAT", "DMG", "CLM", "DTP", "PWK", "CN1", "AMT", "K3", "NTE"),
        *("CR1", "CR2", "CRC", "HI", "HCP", "CAS", "OI", "MOA", "MIA", "LX", "SV1", "SV2"),
        *("SV5", "CR3", "QTY", "MEA", "PS1", "LIN", "CTP", "SVD", "LQ", "FRM", "CL1"),
    }
)
_VALUE = "x12.value"
_T = TypeVar("_T")
_CL1: Final = (("admission_type", 1), ("admission_source", 2), ("patient_status", 3))
_TRANSMISSIONS: Final = {t.value: t for t in AttachmentTransmission}


class Reader:
    """The loops of one 837 being read, and the claims finished so far."""

    def __init__(self, tok: Tokenizer, problems: Problems, *, institutional: bool) -> None:
        self.tok, self.problems, self.institutional = tok, problems, institutional
        Money.zero("USD")  # registers the currency: amounts are built from checked minor units
        guide = GUIDE_837I if institutional else GUIDE_837P
        self.env = EnvelopeChecker(problems, "837", {guide}, "HC")
        self.component = tok.delimiters.component
        self.claim_date: datetime.date | None = None
        self.billing: ProviderRecord | None = None
        self.sbr: list[str] = []
        self.relationship = "18"
        self.subscriber = Person()
        self.payer = Payer(id="?", name="")
        self.patient: Person | None = None
        self.claim: ClaimRecord | None = None
        self.claim_number = 0
        self.prior: PriorRecord | None = None
        self.line: LineRecord | None = None
        self.entity: object = None
        self.loop = ""
        self.done: list[Claim] = []
        self.pending_lines: tuple[str, ...] = ()
        self.pending_taxonomy: TaxonomyCode | None = None
        self.prior_of_line: PriorRecord | None = None

    def add(self, number: int, seg: list[str], el: str, message: str, rule: str = _VALUE) -> None:
        self.problems.add(number, seg[0], el, message, rule)

    def money(self, number: int, seg: list[str], index: int) -> Money:
        minor = amount_minor(element(seg, index))
        if minor is None:
            self.add(
                number,
                seg,
                f"{seg[0]}{index:02d}",
                f"{element(seg, index)[:20]!r} is not an exact amount in cents; read as 0",
            )
            minor = 0
        return to_money(minor, "USD")

    def code(self, number: int, seg: list[str], el: str, make: Callable[[], _T]) -> _T | None:
        try:
            return make()
        except (BillingError, ValueError, TypeError) as exc:
            self.add(number, seg, el, str(exc))
            return None

    # -- levels -------------------------------------------------------------------------

    def close(self) -> None:
        record, self.claim = self.claim, None
        self.line, self.prior = None, None
        if record is None:
            return
        if self.claim_date is None:
            self.problems.add(self.claim_number, "CLM", "", "no BHT04 date", "x12.missing")
            return
        try:
            self.done.append(
                build_claim(
                    record,
                    billing=self.billing,
                    sbr=self.sbr,
                    relationship_code=self.relationship,
                    subscriber=self.subscriber,
                    payer=self.payer,
                    patient=self.patient,
                    claim_date=self.claim_date,
                )
            )
        except (BillingError, ValueError, TypeError, KeyError) as exc:
            self.problems.add(self.claim_number, "CLM", "", f"{exc}; the claim is skipped", _VALUE)

    def hl(self, number: int, seg: list[str]) -> None:
        self.close()
        level = element(seg, 3)
        self.loop, self.entity = level, None
        if level == "20":
            self.billing = None
        elif level == "22":
            self.sbr, self.relationship, self.patient = [], "18", None
            self.subscriber, self.payer = Person(), Payer(id="?", name="")
        elif level == "23":
            self.patient = Person()
        else:
            self.add(number, seg, "HL03", f"level {level[:8]!r}, expected 20, 22 or 23")

    def sbr_segment(self, number: int, seg: list[str]) -> None:
        if element(seg, 1) not in ("P", "S", "T"):
            self.add(
                number,
                seg,
                "SBR01",
                f"{element(seg, 1)[:8]!r} is not P, S or T: only three"
                " payers in sequence are supported",
            )
        if self.claim is None:
            self.sbr = seg
            return
        self.prior = PriorRecord(seg)
        self.claim.priors.append(self.prior)
        self.loop, self.line, self.entity = "2320", None, None

    # -- names --------------------------------------------------------------------------

    def nm1(self, number: int, seg: list[str]) -> None:
        code = element(seg, 1)
        self.entity = None
        if code == "85":
            self.billing = self.provider(number, seg, CareRole.BILLING)
            if self.billing is not None and self.pending_taxonomy is not None:
                self.billing.taxonomy, self.pending_taxonomy = self.pending_taxonomy, None
            self.entity = self.billing
        elif code in ("IL", "QC"):
            person = self.person(code)
            if person is not None:
                person.name = self.name(seg)
                person.ident = element(seg, 9)
                self.entity = person
        elif code == "PR":
            self.payer_name(seg)
        elif code in _ROLES and self.claim is not None and self.loop in ("2300", "2400"):
            provider = self.provider(number, seg, _ROLES[code])
            if provider is not None:
                target = self.line.providers if self.line is not None else self.claim.providers
                target.append(provider)
                self.entity = provider

    def person(self, code: str) -> Person | None:
        if code == "QC":
            return self.patient
        if self.prior is not None:
            return self.prior.subscriber
        return self.subscriber if self.claim is None else None

    def payer_name(self, seg: list[str]) -> None:
        name, ident = element(seg, 3), element(seg, 9)
        if self.prior is not None:
            self.prior.payer_name, self.prior.payer_id = name, ident
            self.loop = "2330B"
        elif self.claim is None:
            self.payer = Payer(id=ident or name or "?", name=name, payer_id=ident)

    def name(self, seg: list[str]) -> str:
        last, first, middle = element(seg, 3), element(seg, 4), element(seg, 5)
        if element(seg, 2) != "1" or not first:
            return last
        return f"{last}, {first} {middle}".rstrip()

    def provider(self, number: int, seg: list[str], role: CareRole) -> ProviderRecord | None:
        text = element(seg, 9)
        if element(seg, 8) != "XX" or not text:
            self.add(
                number,
                seg,
                "NM109",
                "no NPI (NM108 XX): providers are held by their NPI, a provider known by"
                " another id (a legacy UPIN or payer id) is skipped",
            )
            return None
        npi = self.code(number, seg, "NM109", partial(NPI, text))
        if not isinstance(npi, NPI):
            return None
        return ProviderRecord(role, element(seg, 2), self.name(seg), npi)

    def n3(self, number: int, seg: list[str]) -> None:
        self.pending_lines = tuple(x for x in (element(seg, 1), element(seg, 2)) if x)

    def n4(self, number: int, seg: list[str]) -> None:
        lines = self.pending_lines
        entity = self.entity
        # Addresses the writer carries: the billing provider's, the subscriber's, the patient's.
        if (isinstance(entity, Person) or entity is self.billing) and entity is not None and lines:
            entity.address = self.code(
                number,
                seg,
                "N4",
                lambda: Address(
                    lines=lines,
                    city=element(seg, 1),
                    state=element(seg, 2),
                    postal_code=element(seg, 3),
                    country=element(seg, 4),
                ),
            )
        self.pending_lines = ()

    def dmg(self, number: int, seg: list[str]) -> None:
        if isinstance(self.entity, Person):
            self.entity.birth_date = parse_date(element(seg, 2))
            sex = element(seg, 3)
            self.entity.sex = Sex(sex) if sex in ("F", "M", "U") else None

    def prv(self, number: int, seg: list[str]) -> None:
        taxonomy = self.code(number, seg, "PRV03", partial(TaxonomyCode, element(seg, 3)))
        if not isinstance(taxonomy, TaxonomyCode):
            return
        if self.loop == "20" and (self.billing is None or element(seg, 1) == "BI"):
            self.pending_taxonomy = taxonomy
        elif isinstance(self.entity, ProviderRecord):
            self.entity.taxonomy = taxonomy

    def ref(self, number: int, seg: list[str]) -> None:
        qualifier, value = element(seg, 1), element(seg, 2)
        if qualifier == "EI" and self.billing is not None and self.claim is None:
            self.billing.tax_id = value
        elif self.line is not None:
            if qualifier == "6R":
                self.line.id = value
        elif self.prior is not None:
            if qualifier == "F8":
                self.prior.claim_number = value
        elif self.claim is not None and qualifier in ("F8", "9F", "G1"):
            self.claim.fields[qualifier] = value

    # -- the claim ----------------------------------------------------------------------

    def clm(self, number: int, seg: list[str]) -> None:
        self.close()
        if not self.sbr:
            self.add(number, seg, "", "a claim before its subscriber (no SBR)", "x12.structure")
        self.claim = ClaimRecord(seg, self.component)
        self.claim_number = number
        self.claim.fields["total"] = self.money(number, seg, 2)
        if self.institutional:
            self.claim.institutional["institutional"] = True
        self.loop, self.entity = "2300", None

    def dtp(self, number: int, seg: list[str]) -> None:
        qualifier, form, text = element(seg, 1), element(seg, 2), element(seg, 3)
        start, _, end = text.partition("-")
        if form == "DT":  # CCYYMMDDHHMM: a date and a time
            start = start[:8]
        first, last = parse_date(start), parse_date(end) if end else None
        if first is None or (end and last is None):
            self.add(number, seg, "DTP03", f"{text[:20]!r} is not a date or a date range")
            return
        if self.line is not None and self.loop == "2430" and qualifier == "573":
            if self.prior_of_line is not None and self.prior_of_line.date is None:
                self.prior_of_line.date = first
        elif self.line is not None and qualifier == "472":
            self.line.start, self.line.end = first, last
        elif self.prior is not None and qualifier == "573":
            self.prior.date = first
        elif self.claim is not None and qualifier == "434":
            self.claim.fields["from"], self.claim.fields["through"] = first, last or first
        elif self.claim is not None and qualifier == "435":
            self.claim.institutional["admission_date"] = first
            if form == "DT" and len(text) >= 10 and text[8:10].isdigit():
                self.claim.institutional["admission_hour"] = int(text[8:10])

    def cl1(self, number: int, seg: list[str]) -> None:
        if self.claim is None:
            return
        inst = self.claim.institutional
        for key, index in _CL1:
            value = element(seg, index)
            if not value:
                continue
            field = getattr(attrs.fields(InstitutionalClaim), key)
            try:  # the claim's own rule for the code, checked where the code is
                field.validator(None, field, value)
            except ValidationError as exc:
                self.add(number, seg, f"CL1{index:02d}", exc.findings[0].message)
                continue
            inst[key] = value

    def pwk(self, number: int, seg: list[str]) -> None:
        if self.claim is None:
            return
        report, control = element(seg, 1), element(seg, 6) or None
        transmission = _TRANSMISSIONS.get(element(seg, 2))
        if transmission is None:
            self.add(
                number,
                seg,
                "PWK02",
                f"{element(seg, 2)[:8]!r} is not an attachment transmission code of 5010:"
                f" expected one of {', '.join(_TRANSMISSIONS)}",
            )
            return
        ref = self.code(
            number,
            seg,
            "PWK01",
            lambda: DocumentRef(
                kind=DocumentKind.OTHER,
                reference=control or f"PWK {report}",
                report_type=report,
                transmission=transmission,
                control_number=control,
            ),
        )
        if isinstance(ref, DocumentRef):
            target = self.line.attachments if self.line is not None else self.claim.attachments
            target.append(ref)

    def hi(self, number: int, seg: list[str]) -> None:
        if self.claim is None:
            return
        for index in range(1, min(len(seg), 13)):
            qualifier, _, code = element(seg, index).partition(self.component)
            found = _DIAGNOSES.get(qualifier)
            if found is None:
                continue  # occurrence, value, condition codes...: no home in the documents
            role, system = found
            code = code.split(self.component)[0]
            make = partial(DiagnosisCode, code, system)
            diagnosis = self.code(number, seg, f"HI{index:02d}", make)
            if not isinstance(diagnosis, DiagnosisCode):
                continue
            if role == "admitting":
                self.claim.institutional["admitting_diagnosis"] = diagnosis
            elif role == "principal":
                self.claim.diagnoses.insert(0, diagnosis)
            else:
                self.claim.diagnoses.append(diagnosis)

    def cas(self, number: int, seg: list[str]) -> None:
        target = self.cas_target()
        if target is None:
            return
        group = element(seg, 1)
        for index in range(2, min(len(seg), 20), 3):
            reason = element(seg, index)
            if not reason:
                continue
            quantity = parse_quantity(element(seg, index + 2))
            make = partial(
                CasAdjustment,
                group=group,
                reason=reason,
                quantity=quantity,
                amount=self.money(number, seg, index + 1),
            )
            adjustment = self.code(number, seg, f"CAS{index:02d}", make)
            if isinstance(adjustment, CasAdjustment):
                target.append(adjustment)

    def cas_target(self) -> list[CasAdjustment] | None:
        if self.line is not None and self.loop == "2430" and self.prior_of_line is not None:
            return self.prior_of_line.lines[-1][2]
        if self.prior is not None and self.line is None:
            return self.prior.adjustments
        return None

    def amt(self, number: int, seg: list[str]) -> None:
        if self.prior is not None and self.line is None and element(seg, 1) == "D":
            self.prior.paid = self.money(number, seg, 2)

    # -- lines --------------------------------------------------------------------------

    def lx(self, number: int, seg: list[str]) -> None:
        if self.claim is None:
            self.add(number, seg, "", "a line outside a claim", "x12.structure")
            return
        self.line = LineRecord(len(self.claim.lines) + 1)
        self.claim.lines.append(self.line)
        self.prior, self.loop, self.entity = None, "2400", None

    def procedure(self, number: int, seg: list[str], index: int) -> ProcedureCode | None:
        parts = element(seg, index).split(self.component)
        if not parts[0]:
            return None
        mods = [m.strip() for m in parts[2:6] if m.strip()]
        code = parts[1].strip() if len(parts) > 1 else ""
        value = self.code(
            number,
            seg,
            f"{seg[0]}{index:02d}",
            lambda: ProcedureCode.from_x12(parts[0], code, mods),
        )
        return value if isinstance(value, ProcedureCode) else None

    def service(self, number: int, seg: list[str], offset: int) -> None:
        line = self.line
        if line is None:
            self.add(number, seg, "", "a service line without its LX", "x12.structure")
            return
        line.charge = self.money(number, seg, 2 + offset)
        line.basis = element(seg, 3 + offset)
        units = element(seg, 4 + offset)
        line.units = parse_quantity(units)
        if line.units is None and units:
            self.add(number, seg, f"{seg[0]}{4 + offset:02d}", f"{units[:20]!r} is not a quantity")

    def sv1(self, number: int, seg: list[str]) -> None:
        self.service(number, seg, 0)
        if self.line is not None:
            self.line.procedure = self.procedure(number, seg, 1)
            self.line.place = element(seg, 5)
            pointers = [p for p in element(seg, 7).split(self.component) if p]
            if all(p.isdigit() and len(p) <= 2 for p in pointers):
                self.line.pointers = [int(p) for p in pointers]
            else:
                self.add(number, seg, "SV107", "diagnosis pointers must be numbers 1-12")

    def sv2(self, number: int, seg: list[str]) -> None:
        self.service(number, seg, 1)
        if self.line is not None:
            revenue = self.code(number, seg, "SV201", lambda: RevenueCode(element(seg, 1)))
            self.line.revenue = revenue if isinstance(revenue, RevenueCode) else None
            if element(seg, 2):
                self.line.procedure = self.procedure(number, seg, 2)

    def lin(self, number: int, seg: list[str]) -> None:
        if self.line is not None and element(seg, 2) == "N4":
            ndc = self.code(number, seg, "LIN03", lambda: NDC(element(seg, 3)))
            self.line.ndc = ndc if isinstance(ndc, NDC) else None

    def ctp(self, number: int, seg: list[str]) -> None:
        if self.line is not None:
            self.line.drug_quantity = parse_quantity(element(seg, 4))
            unit = element(seg, 5).split(self.component)[0]
            self.line.drug_unit = self.code(number, seg, "CTP05", partial(DrugUnit, unit))

    def svd(self, number: int, seg: list[str]) -> None:
        line, claim = self.line, self.claim
        if line is None or claim is None:
            self.add(number, seg, "", "a line adjudication outside a line", "x12.structure")
            return
        payer_id = element(seg, 1)
        prior = next((p for p in claim.priors if payer_id in (p.payer_id, p.payer_name)), None)
        if prior is None:
            self.add(number, seg, "SVD01", f"{payer_id[:20]!r} names no other payer of the claim")
            self.prior_of_line = None
        else:
            prior.lines.append((line.id or str(line.number), self.money(number, seg, 2), []))
            self.prior_of_line = prior
        self.loop = "2430"
