"""The segments of an 835 as the reader meets them (private; see `_read835`).

One method per segment id; values that repeat across claims (amounts, codes,
adjustment triplets, procedures) are parsed once and shared, as they are frozen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from billing_core.codes import GroupCode, ProcedureCode
from billing_core.errors import BillingError
from billing_core.remittance import (
    CasAdjustment,
    ClaimParty,
    ClaimPayment,
    ClaimStatus,
    PaymentMethod,
    ProviderAdjustment,
    Reference,
    Remittance,
    ServicePayment,
    SupplementalAmount,
    SupplementalQuantity,
)
from billing_core.remittance._supplemental import (
    CLAIM_AMOUNTS,
    CLAIM_QUANTITIES,
    CLAIM_REFERENCES,
    LINE_AMOUNTS,
    LINE_QUANTITIES,
    LINE_REFERENCES,
)
from billing_core.x12._envelope import EnvelopeChecker
from billing_core.x12._problems import Problems
from billing_core.x12._tokens import Tokenizer
from billing_core.x12._values import element, parse_date, to_money
from billing_core.x12._values835 import CACHE as _CACHE
from billing_core.x12._values835 import MISSING as _MISSING
from billing_core.x12._values835 import VALUE as _VALUE
from billing_core.x12._values835 import ClaimState, Values

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
# DTM01 of loop 2100 (claim dates) and 2110 (service dates), as the TR3 lists them.
_CLAIM_DATES: Final = {
    "232": "statement_start",
    "233": "statement_end",
    "036": "coverage_expiration",
    "050": "received_date",
}
_LINE_DATES: Final = {"472": "service_date", "150": "service_date", "151": "service_end"}


class Reader(Values):
    """The state of one reading: the current transaction set, claim and line."""

    def __init__(self, tok: Tokenizer, problems: Problems, currency: str) -> None:
        super().__init__(problems, currency)
        self.tok = tok
        self.env = EnvelopeChecker(problems, "835", {GUIDE_835}, "HP")
        # Values repeat across claims: each text is parsed once (the caches are bounded).
        self.procedures: dict[str, ProcedureCode | None] = {}
        self.groups: dict[str, GroupCode] = {}
        self.triplets: dict[tuple[str, ...], CasAdjustment] = {}
        self.claims_read = 0
        self.component = tok.delimiters.component
        self.header: dict[str, Any] | None = None
        self.claims: list[ClaimPayment] = []
        self.plbs: list[ProviderAdjustment] = []
        self.claim: ClaimState | None = None
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
            "QTY": self.qty,
            "NM1": self.nm1,
            "LQ": self.lq,
            "PLB": self.plb,
        }

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
        known = _CLAIM_DATES if line is None else _LINE_DATES
        field = known.get(qualifier)
        if field is None:
            self.unknown(
                number, seg, "DTM01", known, "a claim date" if line is None else "a service date"
            )
            return
        target = claim.fields if line is None else line
        if field not in target or qualifier != "150":  # DTM*472 wins over the start of 150
            target[field] = self.date(number, seg, 2)

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
            self.claim = ClaimState(number, {})
            return
        fields = {
            "patient_control_number": element(seg, 1),
            "status": status,
            "charge": self.money(number, seg, 3),
            "paid": self.money(number, seg, 4),
            "patient_responsibility": self.optional_money(number, seg, 5),
            "payer_claim_control_number": element(seg, 7),
        }
        self.claim = ClaimState(number, fields)

    def close_line(self, claim: ClaimState) -> None:
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
                    **claim.extra,
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
        if claim is None:
            return  # the payer's and payee's REFs (loops 1000A/B): no home in the documents
        qualifier, line = element(seg, 1), claim.line
        if line is not None and qualifier == "6R":
            line["line_control_number"] = element(seg, 2)
            return
        known = CLAIM_REFERENCES if line is None else LINE_REFERENCES
        if qualifier not in known:
            self.unknown(number, seg, "REF01", known, "a reference")
            return
        value = element(seg, 2)
        if not value:
            self.add(number, seg, "REF02", "the reference number is missing", _MISSING)
            return
        self.extra(claim, "references").append(Reference(qualifier=qualifier, value=value))

    def amt(self, number: int, seg: list[str]) -> None:
        claim = self.claim
        if claim is None:
            return
        qualifier, line = element(seg, 1), claim.line
        if line is not None and qualifier == "B6":
            line["allowed"] = self.money(number, seg, 2)
            return
        known = CLAIM_AMOUNTS if line is None else LINE_AMOUNTS
        if qualifier not in known:
            self.unknown(number, seg, "AMT01", known, "an informational amount")
            return
        amount = self.optional_money(number, seg, 2)
        if amount is None:
            if not element(seg, 2):
                self.add(number, seg, "AMT02", "the amount is missing", _MISSING)
            return
        extra = SupplementalAmount(qualifier=qualifier, amount=amount)
        self.extra(claim, "amounts").append(extra)

    def qty(self, number: int, seg: list[str]) -> None:
        claim = self.claim
        if claim is None:
            return
        qualifier = element(seg, 1)
        known = CLAIM_QUANTITIES if claim.line is None else LINE_QUANTITIES
        if qualifier not in known:
            self.unknown(number, seg, "QTY01", known, "an informational quantity")
            return
        quantity = self.quantity(number, seg, 2)
        if quantity is None:
            if not element(seg, 2):
                self.add(number, seg, "QTY02", "the quantity is missing", _MISSING)
            return
        extra = SupplementalQuantity(qualifier=qualifier, quantity=quantity)
        self.extra(claim, "quantities").append(extra)

    def nm1(self, number: int, seg: list[str]) -> None:
        claim = self.claim
        if claim is None or not claim.fields:
            return  # loops 1000A/B name the payer and payee with N1, not NM1
        if claim.line is not None:
            self.add(number, seg, "", "a name (NM1) inside a service line", "x12.structure")
            return
        try:
            party = ClaimParty(
                role=element(seg, 1),
                organization=element(seg, 2) == "2",
                last_name=element(seg, 3) or None,
                first_name=element(seg, 4) or None,
                middle_name=element(seg, 5) or None,
                suffix=element(seg, 7) or None,
                id_qualifier=element(seg, 8) or None,
                identifier=element(seg, 9) or None,
            )
        except (BillingError, ValueError, TypeError) as exc:
            self.add(number, seg, "", f"{exc}; the name is skipped")  # never shows a name
            return
        self.extra(claim, "parties").append(party)

    def extra(self, claim: ClaimState, field: str) -> list[Any]:
        """The list of references, parties, amounts or quantities of the claim or its line."""
        found: list[Any] = (claim.extra if claim.line is None else claim.line).setdefault(field, [])
        return found

    def unknown(self, number: int, seg: list[str], el: str, known: Any, what: str) -> None:
        loop = "2100" if self.claim is None or self.claim.line is None else "2110"
        self.add(
            number,
            seg,
            el,
            f"{element(seg, 1)[:8]!r} is not {what} qualifier of loop {loop} (835 TR3):"
            f" expected one of {', '.join(sorted(known))}; the segment is skipped",
        )

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
