"""The segments of an 835 as the reader meets them (private; see `_read835`).

One method per segment id; values that repeat across claims (amounts, codes,
adjustment triplets, procedures) are parsed once and shared, as they are frozen.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from billing_core.codes import CARC, RARC, GroupCode, ProcedureCode
from billing_core.errors import BillingError
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
from billing_core.x12._envelope import EnvelopeChecker
from billing_core.x12._problems import Problems
from billing_core.x12._tokens import Tokenizer
from billing_core.x12._values import amount_minor, element, parse_date, parse_quantity, to_money

__all__ = ["GUIDE_835", "KNOWN_835", "Reader"]

GUIDE_835: Final = "005010X221A1"
"""The implementation guide of the 835 read (GS08)."""

_NOT_PROCEDURE_QUALIFIERS: Final = frozenset({"N4", "NU", "ZZ", "ER", "HP", "IV", "WK"})
KNOWN_835: Final = frozenset(
    {
        *("ISA", "GS", "ST", "SE", "GE", "IEA", "BPR", "TRN", "CUR", "REF", "DTM", "N1", "N2"),
        *("N3", "N4", "PER", "RDM", "LX", "TS3", "TS2", "CLP", "CAS", "NM1", "MIA", "MOA"),
        *("AMT", "QTY", "SVC", "LQ", "PLB"),
    }
)
_VALUE = "x12.value"
_CACHE: Final = 4096  # the most distinct texts each cache keeps
_MISSING = "x12.missing"


class _Claim:
    """A claim payment being read: its fields and lines, built at the next CLP, PLB or SE."""

    __slots__ = ("adjustments", "fields", "line", "lines", "number", "remarks")

    def __init__(self, number: int, fields: dict[str, Any]) -> None:
        self.number = number
        self.fields = fields
        self.adjustments: list[CasAdjustment] = []
        self.remarks: list[RARC] = []
        self.lines: list[ServicePayment] = []
        self.line: dict[str, Any] | None = None


class Reader:
    """The state of one reading: the current transaction set, claim and line."""

    def __init__(self, tok: Tokenizer, problems: Problems, currency: str) -> None:
        self.tok = tok
        self.problems = problems
        zero = Money.zero(currency)  # checks the code, and caches its precision
        self.currency, self.places = zero.currency, zero.exponent
        self.env = EnvelopeChecker(problems, "835", {GUIDE_835}, "HP")
        # Values repeat across claims: each text is parsed once (the caches are bounded).
        self.carcs: dict[str, CARC] = {}
        self.amounts: dict[str, Money] = {}
        self.procedures: dict[str, ProcedureCode | None] = {}
        self.quantities: dict[str, Decimal | None] = {"": None}
        self.groups: dict[str, GroupCode] = {}
        self.triplets: dict[tuple[str, ...], CasAdjustment] = {}
        self.claims_read = 0
        self.component = tok.delimiters.component
        self.header: dict[str, Any] | None = None
        self.claims: list[ClaimPayment] = []
        self.plbs: list[ProviderAdjustment] = []
        self.claim: _Claim | None = None
        self.handlers: dict[str, Callable[[int, list[str]], None]] = {
            "BPR": self.bpr,
            "TRN": self.trn,
            "DTM": self.dtm,
            "N1": self.n1,
            "CLP": self.clp,
            "CAS": self.cas,
            "MOA": self.moa,
            "MIA": self.mia,
            "SVC": self.svc,
            "REF": self.ref,
            "AMT": self.amt,
            "LQ": self.lq,
            "PLB": self.plb,
        }

    # -- helpers ------------------------------------------------------------------------

    def add(self, number: int, seg: list[str], el: str, message: str, rule: str = _VALUE) -> None:
        self.problems.add(number, seg[0], el, message, rule)

    def money(self, number: int, seg: list[str], index: int) -> Money:
        """A required amount: a missing or malformed one is a finding, and reads as 0."""
        value = self.optional_money(number, seg, index)
        if value is None:
            if not element(seg, index):
                self.add(number, seg, f"{seg[0]}{index:02d}", "amount missing; read as 0", _MISSING)
            return to_money(0, self.currency)
        return value

    def optional_money(self, number: int, seg: list[str], index: int) -> Money | None:
        """An amount that may be absent; a malformed one is a finding."""
        cached = self.amounts.get(seg[index]) if index < len(seg) else None
        if cached is not None:
            return cached
        text = element(seg, index)
        if not text:
            return None
        minor = amount_minor(text, self.places)
        if minor is None:
            self.add(
                number,
                seg,
                f"{seg[0]}{index:02d}",
                f"{text[:20]!r} is not an exact amount in cents; read as 0",
            )
            return None
        money = to_money(minor, self.currency)
        if len(self.amounts) < _CACHE:
            self.amounts[seg[index]] = money
        return money

    def quantity(self, number: int, seg: list[str], index: int) -> Decimal | None:
        """A quantity that may be absent; a malformed one is a finding."""
        text = seg[index] if index < len(seg) else ""
        try:
            return self.quantities[text]
        except KeyError:
            pass
        value = parse_quantity(text.strip())
        if value is None and text.strip():
            self.add(number, seg, f"{seg[0]}{index:02d}", f"{text[:20]!r} is not a quantity")
        elif len(self.quantities) < _CACHE:
            self.quantities[text] = value
        return value

    def date(self, number: int, seg: list[str], index: int) -> datetime.date | None:
        text = element(seg, index)
        value = parse_date(text)
        if value is None and text:
            self.add(number, seg, f"{seg[0]}{index:02d}", f"{text[:20]!r} is not a date (CCYYMMDD)")
        return value

    def rarc(self, number: int, seg: list[str], index: int) -> RARC | None:
        text = element(seg, index)
        if not text:
            return None
        try:
            return RARC(text)
        except BillingError as exc:
            self.add(number, seg, f"{seg[0]}{index:02d}", str(exc))
            return None

    def carc(self, number: int, seg: list[str], index: int) -> CARC | None:
        text = element(seg, index)
        carc = self.carcs.get(text)
        if carc is None:
            try:
                carc = CARC(text)
            except BillingError as exc:
                self.add(number, seg, f"CAS{index:02d}", str(exc))
                return None
            if len(self.carcs) < 2048:
                self.carcs[text] = carc
        return carc

    # -- the transaction set -----------------------------------------------------------

    def st(self, number: int, seg: list[str]) -> None:
        self.env.st(number, seg)
        self.header = {
            "number": number,
            "total": None,
            "method": PaymentMethod.NONE,
            "paid": None,
            "production": None,
            "trace": "",
            "payer": "",
            "payer_name": "",
            "payee": "",
        }
        self.claims, self.plbs, self.claim = [], [], None

    def bpr(self, number: int, seg: list[str]) -> None:
        h = self.header
        if h is None:
            return
        h["total"] = self.money(number, seg, 2)
        method = element(seg, 4)
        if method:
            try:
                h["method"] = PaymentMethod.parse(method)
            except BillingError as exc:
                self.add(number, seg, "BPR04", str(exc))
        text = element(seg, 16)
        h["paid"] = parse_date(text)
        if h["paid"] is None:
            what = f"{text[:20]!r} is not a date (CCYYMMDD)" if text else "the paid date is missing"
            self.add(number, seg, "BPR16", what + " (lenient reading takes the DTM*405 date)")

    def trn(self, number: int, seg: list[str]) -> None:
        if self.header is not None and self.claim is None:
            self.header["trace"] = element(seg, 2)
            self.header["payer"] = element(seg, 3)

    def dtm(self, number: int, seg: list[str]) -> None:
        claim = self.claim
        qualifier = element(seg, 1)
        if claim is None:
            if qualifier == "405" and self.header is not None:
                self.header["production"] = self.date(number, seg, 2)
            return
        line = claim.line
        if line is not None and qualifier in ("472", "150"):
            line["service_date"] = self.date(number, seg, 2)

    def n1(self, number: int, seg: list[str]) -> None:
        h = self.header
        if h is None or self.claim is not None:
            return
        code = element(seg, 1)
        if code == "PR":
            h["payer_name"] = element(seg, 4) or element(seg, 2)
        elif code == "PE":
            h["payee"] = element(seg, 4) or element(seg, 2)

    def se(self, number: int, seg: list[str]) -> Remittance | None:
        self.env.se(number, seg)
        return self.finish()

    def finish(self) -> Remittance | None:
        """The transaction set read so far, as a remittance (``None`` if it cannot be one)."""
        self.close_claim()
        h, self.header = self.header, None
        if h is None:
            return None
        paid = h["paid"] or h["production"]
        if paid is None:
            self.problems.add(
                h["number"],
                "ST",
                "",
                "no paid date (BPR16) and no DTM*405 date: the transaction set is skipped",
                _MISSING,
            )
            return None
        try:
            return Remittance(
                payer=h["payer"] or h["payer_name"],
                payee=h["payee"],
                total_payment=h["total"] or to_money(0, self.currency),
                payment_method=h["method"],
                trace_number=h["trace"],
                paid_date=paid,
                claims=self.claims,
                provider_adjustments=self.plbs,
            )
        except (BillingError, ValueError, TypeError) as exc:
            self.problems.add(
                h["number"], "ST", "", f"{exc}; the transaction set is skipped", _VALUE
            )
            return None

    # -- claims -------------------------------------------------------------------------

    def clp(self, number: int, seg: list[str]) -> None:
        self.close_claim()
        if self.header is None:
            self.add(number, seg, "", "a claim outside a transaction set", "x12.structure")
            return
        try:
            status = ClaimStatus.parse(element(seg, 2))
        except BillingError as exc:
            self.add(number, seg, "CLP02", f"{exc}; the claim is skipped")
            self.claim = _Claim(number, {})
            return
        fields = {
            "patient_control_number": element(seg, 1),
            "status": status,
            "charge": self.money(number, seg, 3),
            "paid": self.money(number, seg, 4),
            "patient_responsibility": self.optional_money(number, seg, 5),
            "payer_claim_control_number": element(seg, 7),
        }
        self.claim = _Claim(number, fields)

    def close_line(self, claim: _Claim) -> None:
        line, claim.line = claim.line, None
        if line is None or not claim.fields:
            return
        number = line.pop("number")
        try:
            claim.lines.append(ServicePayment(**line))
        except (BillingError, ValueError, TypeError) as exc:
            self.problems.add(number, "SVC", "", f"{exc}; the line is skipped", _VALUE)

    def close_claim(self) -> None:
        claim, self.claim = self.claim, None
        if claim is None:
            return
        self.close_line(claim)
        if not claim.fields:
            return
        try:
            self.claims.append(
                ClaimPayment(
                    **claim.fields,
                    adjustments=claim.adjustments,
                    remarks=claim.remarks,
                    lines=claim.lines,
                )
            )
            self.claims_read += 1
        except (BillingError, ValueError, TypeError) as exc:
            self.problems.add(claim.number, "CLP", "", f"{exc}; the claim is skipped", _VALUE)

    def cas(self, number: int, seg: list[str]) -> None:
        claim = self.claim
        if claim is None:
            self.add(number, seg, "", "an adjustment outside a claim", "x12.structure")
            return
        group = self.groups.get(seg[1] if len(seg) > 1 else "")
        if group is None:
            try:
                group = GroupCode.parse(element(seg, 1), allow_legacy=self.env.legacy)
            except BillingError as exc:
                self.add(number, seg, "CAS01", str(exc))
                return
            self.groups[seg[1]] = group
        target = claim.line["adjustments"] if claim.line is not None else claim.adjustments
        triplets = self.triplets
        for index in range(2, min(len(seg), 20), 3):
            key = (seg[1], *seg[index : index + 3])
            adjustment = triplets.get(key)
            if adjustment is None:
                if not seg[index].strip():
                    continue
                adjustment = self.triplet(number, seg, index, group)
                if adjustment is None:
                    continue
                if len(triplets) < _CACHE:
                    triplets[key] = adjustment
            target.append(adjustment)

    def triplet(
        self, number: int, seg: list[str], index: int, group: GroupCode
    ) -> CasAdjustment | None:
        """One CAS triplet as an adjustment (a frozen value: equal triplets share one)."""
        reason = self.carc(number, seg, index)
        amount = self.money(number, seg, index + 1)
        quantity = self.quantity(number, seg, index + 2)
        if reason is None:
            return None
        return CasAdjustment(group=group, reason=reason, amount=amount, quantity=quantity)

    def moa(self, number: int, seg: list[str]) -> None:
        self._remarks(number, seg, (3, 4, 5, 6, 7))

    def mia(self, number: int, seg: list[str]) -> None:
        self._remarks(number, seg, (5, 20, 21, 22, 23))

    def _remarks(self, number: int, seg: list[str], positions: tuple[int, ...]) -> None:
        if self.claim is None:
            return
        for index in positions:
            remark = self.rarc(number, seg, index)
            if remark is not None:
                self.claim.remarks.append(remark)

    # -- service lines -------------------------------------------------------------------

    def procedure(self, number: int, seg: list[str], index: int) -> ProcedureCode | None:
        text = seg[index] if index < len(seg) else ""
        try:
            return self.procedures[text]
        except KeyError:
            pass
        value = self._procedure(number, seg, index)
        if (
            value is not None or text.split(self.component)[0].strip() in _NOT_PROCEDURE_QUALIFIERS
        ) and len(self.procedures) < _CACHE:
            self.procedures[text] = value
        return value

    def _procedure(self, number: int, seg: list[str], index: int) -> ProcedureCode | None:
        parts = element(seg, index).split(self.component)
        qualifier = parts[0].strip()
        if qualifier in _NOT_PROCEDURE_QUALIFIERS:
            return None
        code = parts[1].strip() if len(parts) > 1 else ""
        if not code:
            self.add(number, seg, f"SVC{index:02d}", "the procedure code is missing")
            return None
        try:
            mods = [m.strip() for m in parts[2:6] if m.strip()]
            return ProcedureCode.from_x12(qualifier, code, mods)
        except BillingError as exc:
            self.add(number, seg, f"SVC{index:02d}", str(exc))
            return None

    def svc(self, number: int, seg: list[str]) -> None:
        claim = self.claim
        if claim is None:
            self.add(number, seg, "", "a service line outside a claim", "x12.structure")
            return
        self.close_line(claim)
        units = self.quantity(number, seg, 5)
        claim.line = {
            "number": number,
            "procedure": self.procedure(number, seg, 1),
            "submitted_procedure": self.procedure(number, seg, 6) if element(seg, 6) else None,
            "charge": self.money(number, seg, 2),
            "paid": self.money(number, seg, 3),
            "units": units,
            "adjustments": [],
            "remarks": [],
        }

    def ref(self, number: int, seg: list[str]) -> None:
        claim = self.claim
        if claim is not None and claim.line is not None and element(seg, 1) == "6R":
            claim.line["line_control_number"] = element(seg, 2)

    def amt(self, number: int, seg: list[str]) -> None:
        claim = self.claim
        if claim is not None and claim.line is not None and element(seg, 1) == "B6":
            claim.line["allowed"] = self.money(number, seg, 2)

    def lq(self, number: int, seg: list[str]) -> None:
        claim = self.claim
        if claim is not None and claim.line is not None and element(seg, 1) == "HE":
            remark = self.rarc(number, seg, 2)
            if remark is not None:
                claim.line["remarks"].append(remark)

    # -- provider-level adjustments -----------------------------------------------------

    def plb(self, number: int, seg: list[str]) -> None:
        self.close_claim()
        if self.header is None:
            return
        provider, period = element(seg, 1), self.date(number, seg, 2)
        for index in range(3, min(len(seg), 15), 2):
            composite = element(seg, index)
            if not composite:
                continue
            reason, _, reference = composite.partition(self.component)
            amount = self.money(number, seg, index + 1)
            try:
                self.plbs.append(
                    ProviderAdjustment(
                        reason=reason.strip(),
                        reference=reference.strip(),
                        amount=amount,
                        provider_id=provider,
                        fiscal_period_end=period,
                    )
                )
            except (BillingError, ValueError, TypeError) as exc:
                self.add(number, seg, f"PLB{index:02d}", str(exc))
