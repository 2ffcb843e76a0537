"""A small, lenient, TEST-ONLY X12 835 reader: turns a corpus file into Remittance objects.

It exists so the tests can check :mod:`billing_core.balancing` against real files
whose totals are stated in ``../shared/corpus/README.md``. It is not a general
835 parser and is not part of the library:

- separators come from the ISA segment (element separator, ISA16 component
  separator, segment terminator); a file without ISA uses ``*``, ``:``, ``~``;
  a UTF-8 byte order mark and whitespace between segments are ignored;
- one :class:`~billing_core.remittance.Remittance` per ST/SE transaction set;
- a missing amount (truncated CLP, an SVC with empty amounts) reads as zero,
  as the README's facts were computed;
- CAS before the first SVC of a claim is claim level, after it line level;
- ``CR`` group codes are accepted only in 4010 data (ISA12 ``00401``);
- SVC01 becomes a ProcedureCode for ``HC`` (CPT or HCPCS by shape) and ``AD``
  (CDT) when it is well formed, else ``None``;
- malformed remark codes (masked files) are skipped;
- BPR16 gives the paid date; when it is missing or not a date, DTM*405 does.

Errors (unknown claim status, unknown group code) name the file, the segment
number and the element.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from billing_core.codes import RARC, CodeSystem, GroupCode, ProcedureCode
from billing_core.errors import InvalidCodeError
from billing_core.money import Money
from billing_core.remittance import (
    CasAdjustment,
    ClaimPayment,
    ClaimStatus,
    PaymentMethod,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)

CURRENCY = "USD"
_CPT_SHAPE = re.compile(r"\d{4}[0-9FTU]")


class Corpus835Error(ValueError):
    """A segment the reader cannot turn into the model, with where it is."""


def _el(seg: list[str], i: int) -> str:
    return seg[i].strip() if i < len(seg) else ""


def _money(text: str) -> Money:
    return Money(Decimal(text) if text else Decimal(0), CURRENCY)


def _opt_money(text: str) -> Money | None:
    return Money(Decimal(text), CURRENCY) if text else None


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def _rarc(text: str) -> RARC | None:
    try:
        return RARC(text)
    except InvalidCodeError:
        return None  # masked / malformed remark codes (X999) are skipped


def _procedure(composite: str, sep: str) -> ProcedureCode | None:
    parts = composite.split(sep)
    if len(parts) < 2 or not parts[1]:
        return None
    qualifier, code = parts[0], parts[1]
    modifiers = tuple(m for m in parts[2:6] if m)
    if qualifier == "HC":
        system = CodeSystem.CPT if _CPT_SHAPE.fullmatch(code) else CodeSystem.HCPCS
    elif qualifier == "AD":
        system = CodeSystem.CDT
    else:
        return None
    try:
        return ProcedureCode(system, code, modifiers)
    except InvalidCodeError:
        return None


def split_segments(text: str) -> tuple[list[list[str]], str, bool]:
    """Split an interchange into segments (lists of elements).

    Returns:
        ``(segments, component_separator, is_4010)``.
    """
    text = text.lstrip("\ufeff").strip()
    element, component, terminator, legacy = "*", ":", "~", False
    if text.startswith("ISA"):
        element = text[3]
        isa = text.split(element, 16)
        component, terminator = isa[16][0], isa[16][1]
        legacy = isa[12].strip() == "00401"
    segments = []
    for raw in text.split(terminator):
        raw = raw.strip()
        if raw:
            segments.append(raw.split(element))
    return segments, component, legacy


class _Builder:
    """Accumulates one ST..SE transaction."""

    def __init__(self) -> None:
        self.total = Money(0, CURRENCY)
        self.method = PaymentMethod.NONE
        self.paid_date: datetime.date | None = None
        self.production_date: datetime.date | None = None
        self.trace = ""
        self.payer = ""
        self.payer_name = ""
        self.payee = ""
        self.claims: list[ClaimPayment] = []
        self.plbs: list[ProviderAdjustment] = []
        self.claim: dict[str, Any] | None = None
        self.line: dict[str, Any] | None = None

    def close_line(self) -> None:
        if self.line is not None and self.claim is not None:
            self.claim["lines"].append(ServicePayment(**self.line))
        self.line = None

    def close_claim(self) -> None:
        self.close_line()
        if self.claim is not None:
            self.claims.append(ClaimPayment(**self.claim))
        self.claim = None

    def build(self, name: str) -> Remittance:
        self.close_claim()
        paid_date = self.paid_date or self.production_date
        if paid_date is None:
            raise Corpus835Error(f"{name}: no BPR16 and no DTM*405 date")
        return Remittance(
            payer=self.payer or self.payer_name,
            payee=self.payee,
            total_payment=self.total,
            payment_method=self.method,
            trace_number=self.trace,
            paid_date=paid_date,
            claims=self.claims,
            provider_adjustments=self.plbs,
        )


def parse_835(text: str, *, name: str = "<835>") -> list[Remittance]:
    """Read every transaction set of an 835 interchange (see the module notes).

    Args:
        text: The file's text.
        name: The file name, for error messages.

    Returns:
        One remittance per ST/SE.
    """
    segments, comp, legacy = split_segments(text)
    out: list[Remittance] = []
    b: _Builder | None = None
    for number, seg in enumerate(segments, 1):
        tag = seg[0]
        where = f"{name} segment {number} ({tag})"
        if tag == "ST":
            b = _Builder()
            continue
        if b is None:
            continue
        if tag == "SE":
            out.append(b.build(name))
            b = None
        elif tag == "BPR":
            b.total = _money(_el(seg, 2))
            method = _el(seg, 4)
            if method:
                b.method = PaymentMethod.parse(method, location=f"{where} BPR04")
            b.paid_date = _date(_el(seg, 16))
        elif tag == "TRN":
            b.trace = _el(seg, 2)
            b.payer = _el(seg, 3)
        elif tag == "DTM" and b.claim is None and _el(seg, 1) == "405":
            b.production_date = _date(_el(seg, 2))
        elif tag == "N1" and b.claim is None:
            if _el(seg, 1) == "PR":
                b.payer_name = _el(seg, 2)
            elif _el(seg, 1) == "PE":
                b.payee = _el(seg, 4) or _el(seg, 2)
        elif tag == "CLP":
            b.close_claim()
            b.claim = {
                "patient_control_number": _el(seg, 1),
                "status": ClaimStatus.parse(_el(seg, 2), location=f"{where} CLP02"),
                "charge": _money(_el(seg, 3)),
                "paid": _money(_el(seg, 4)),
                "patient_responsibility": _opt_money(_el(seg, 5)),
                "payer_claim_control_number": _el(seg, 7),
                "adjustments": [],
                "remarks": [],
                "lines": [],
            }
        elif tag == "CAS" and b.claim is not None:
            try:
                group = GroupCode.parse(_el(seg, 1), allow_legacy=legacy)
            except InvalidCodeError as exc:
                raise Corpus835Error(f"{where} CAS01: {exc}") from exc
            adjustments = []
            for i in range(2, 20, 3):
                reason = _el(seg, i)
                if not reason:
                    break
                quantity = _el(seg, i + 2) or None
                adjustments.append(
                    CasAdjustment(
                        group=group,
                        reason=reason,
                        amount=_money(_el(seg, i + 1)),
                        quantity=quantity,
                    )
                )
            target = b.line if b.line is not None else b.claim
            target["adjustments"].extend(adjustments)
        elif tag in ("MOA", "MIA") and b.claim is not None:
            positions = range(3, 8) if tag == "MOA" else (5, 20, 21, 22, 23)
            for i in positions:
                code = _el(seg, i)
                remark = _rarc(code) if code else None
                if remark is not None:
                    b.claim["remarks"].append(remark)
        elif tag == "SVC" and b.claim is not None:
            b.close_line()
            units = _el(seg, 5)
            b.line = {
                "procedure": _procedure(_el(seg, 1), comp),
                "submitted_procedure": _procedure(_el(seg, 6), comp) if _el(seg, 6) else None,
                "charge": _money(_el(seg, 2)),
                "paid": _money(_el(seg, 3)),
                "units": units or None,
                "adjustments": [],
                "remarks": [],
            }
        elif b.line is not None and tag == "DTM" and _el(seg, 1) in ("472", "150"):
            b.line["service_date"] = _date(_el(seg, 2))
        elif b.line is not None and tag == "REF" and _el(seg, 1) == "6R":
            b.line["line_control_number"] = _el(seg, 2)
        elif b.line is not None and tag == "AMT" and _el(seg, 1) == "B6":
            b.line["allowed"] = _opt_money(_el(seg, 2))
        elif b.line is not None and tag == "LQ" and _el(seg, 1) == "HE":
            remark = _rarc(_el(seg, 2))
            if remark is not None:
                b.line["remarks"].append(remark)
        elif tag == "PLB":
            b.close_claim()
            provider, period = _el(seg, 1), _date(_el(seg, 2))
            for i in range(3, 15, 2):
                composite = _el(seg, i)
                if not composite:
                    break
                reason, _, reference = composite.partition(comp)
                b.plbs.append(
                    ProviderAdjustment(
                        reason=reason,
                        reference=reference,
                        amount=_money(_el(seg, i + 1)),
                        provider_id=provider,
                        fiscal_period_end=period,
                    )
                )
    return out


def read_835(path: Path) -> list[Remittance]:
    """Read a corpus file (see :func:`parse_835`)."""
    return parse_835(path.read_text(encoding="utf-8"), name=path.name)
