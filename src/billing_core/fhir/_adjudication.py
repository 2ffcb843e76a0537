"""A payer's answer for one claim as a FHIR ClaimResponse, both ways (private).

| ours ([`ClaimPayment`][billing_core.remittance.ClaimPayment]) | FHIR ClaimResponse |
|---|---|
| ``patient_control_number`` | ``request.identifier.value`` |
| ``payer_claim_control_number`` | ``identifier[0].value`` |
| ``status`` | ``use`` (predetermination); other statuses are lost |
| ``charge``, ``paid``, ``patient_responsibility`` | ``total``: submitted, benefit, memberliability (CARIN) |
| ``adjustments`` | ``adjudication``: one per CAS, reason a CARC |
| ``remarks`` | ``processNote`` (each a RARC), not referred to by an item |
| line | ``item``: R5 ``traceNumber`` (line control number), ``adjudication`` (submitted, eligible, benefit, one per CAS), ``noteNumber`` |
| the remittance's ``paid_date``, ``trace_number``, ``payer``, ``payee`` | ``created``, ``payment``, ``insurer``, ``requestor`` |

A CAS adjustment is an adjudication whose category is ``deductible`` for
``PR-1``, ``copay`` for ``PR-3``, and otherwise the group code in the library's
own code system; its reason is the CARC and its ``value`` the CAS quantity.
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import billing_core.fhir._codes as cs
from billing_core.codes import CARC, RARC, GroupCode
from billing_core.errors import BillingError
from billing_core.fhir._base import (
    Direction,
    Loss,
    LossReport,
    Mapped,
    Node,
    Resource,
    prune,
    start,
)
from billing_core.fhir._parties import UNKNOWN_REFERENCE, reference
from billing_core.money import Money
from billing_core.remittance import (
    CasAdjustment,
    ClaimPayment,
    ClaimStatus,
    Remittance,
    ServicePayment,
)

GROUP_SYSTEM: Final = cs.own("cas-group")

_NAMED: Final = {("PR", "1"): "deductible", ("PR", "3"): "copay"}
_OF_NAMED: Final = {code: key for key, code in _NAMED.items()}
TRACE: Final = "http://hl7.org/fhir/5.0/StructureDefinition/extension-{}.item.traceNumber"


def trace_extension(resource_type: str, value: str | None) -> list[Resource]:
    """The R5 item.traceNumber of a resource type, as its R4 cross-version extension."""
    if value is None:
        return []
    return [{"url": TRACE.format(resource_type), "valueIdentifier": {"value": value}}]


def cas_entry(adjustment: CasAdjustment) -> Resource:
    """One CAS adjustment as an adjudication."""
    key = (adjustment.group.value, adjustment.reason.code)
    if key in _NAMED:
        category = cs.concept(cs.ADJUDICATION, _NAMED[key])
    else:
        category = cs.concept(GROUP_SYSTEM, adjustment.group.value)
    entry: Resource = {
        "category": category,
        "reason": cs.concept(cs.CARC, adjustment.reason.code),
        "amount": cs.money(adjustment.amount),
    }
    if adjustment.quantity is not None:
        entry["value"] = adjustment.quantity
    return entry


def _amount(category: str, amount: Money | None, system: str = cs.ADJUDICATION) -> list[Resource]:
    if amount is None:
        return []
    return [{"category": cs.concept(system, category), "amount": cs.money(amount)}]


def line_adjudication(line: ServicePayment) -> list[Resource]:
    """A service line's adjudications: submitted, eligible, benefit, then one per CAS."""
    return [
        *_amount("submitted", line.charge),
        *_amount("eligible", line.allowed),
        *_amount("benefit", line.paid),
        *(cas_entry(a) for a in line.adjustments),
    ]


def totals(payment: ClaimPayment) -> list[Resource]:
    """The claim's totals: submitted, benefit, and the patient's share (CARIN memberliability)."""
    return [
        *_amount("submitted", payment.charge),
        *_amount("benefit", payment.paid),
        *_amount("memberliability", payment.patient_responsibility, cs.C4BB_ADJUDICATION),
    ]


def notes(payment: ClaimPayment) -> tuple[list[Resource], list[list[int]]]:
    """The remark codes as process notes (claim's first), and each line's note numbers."""
    out = [{"number": n, "text": r.code} for n, r in enumerate(payment.remarks, 1)]
    numbers = []
    for line in payment.lines:
        first = len(out) + 1
        out.extend({"number": first + i, "text": r.code} for i, r in enumerate(line.remarks))
        numbers.append(list(range(first, len(out) + 1)))
    return out, numbers


def status_losses(payment: ClaimPayment, where: str) -> list[Loss]:
    """A claim status FHIR has no element for (all but processed as primary and estimates)."""
    if payment.status in (ClaimStatus.PROCESSED_PRIMARY, ClaimStatus.PREDETERMINATION):
        return []
    return [Loss(f"{where}.status", "FHIR has no element for the 835 claim status")]


# The 835's informational parts (DESIGN §7: they never enter balancing) that neither a
# ClaimResponse nor an ExplanationOfBenefit carries: reported lost when present.
_CLAIM_INFORMATION: Final = (
    "references",
    "statement_start",
    "statement_end",
    "coverage_expiration",
    "received_date",
    "parties",
    "amounts",
    "quantities",
)
_LINE_INFORMATION: Final = ("references", "amounts", "quantities", "service_end")


def information_losses(payment: ClaimPayment, where: str) -> list[Loss]:
    """The 835 references, dates, names, amounts and quantities a FHIR answer does not hold."""
    out = [
        Loss(f"{where}.{name}", "835 information FHIR's adjudication has no element for")
        for name in _CLAIM_INFORMATION
        if getattr(payment, name) not in (None, ())
    ]
    for index, line in enumerate(payment.lines):
        out.extend(
            Loss(f"{where}.lines[{index}].{name}", "835 information an item has no element for")
            for name in _LINE_INFORMATION
            if getattr(line, name) not in (None, ())
        )
    return out


def line_losses(payment: ClaimPayment, where: str, *, item_codes: bool) -> list[Loss]:
    """The line fields a ClaimResponse item cannot hold (an EOB item holds the codes)."""
    if item_codes:
        return [
            Loss(f"{where}.lines[{i}].submitted_procedure", "FHIR keeps one procedure per item")
            for i, line in enumerate(payment.lines)
            if line.submitted_procedure is not None
        ]
    out = []
    for index, line in enumerate(payment.lines):
        for name in ("procedure", "submitted_procedure", "units", "service_date"):
            if getattr(line, name) is not None:
                out.append(
                    Loss(
                        f"{where}.lines[{index}].{name}", "a ClaimResponse item has no such element"
                    )
                )
    return out


def claim_response_to_fhir(
    payment: ClaimPayment, remittance: Remittance, *, patient_id: str | None
) -> Mapped[Resource]:
    """A claim's payment (with its remittance) as a FHIR R4 ClaimResponse.

    Args:
        payment: The claim payment, one of ``remittance.claims``.
        remittance: The remittance it came in (date, payer, payee, trace number).
        patient_id: The patient (a ClaimResponse names one; a claim payment does
            not); ``None`` writes a reference marked unknown.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> usd = lambda s: Money(s, "USD")
        >>> line = ServicePayment(line_control_number="L1", charge=usd("100"), paid=usd("80"),
        ...     adjustments=CasAdjustment.from_cas("PR", ("1", usd("20"))))
        >>> paid = ClaimPayment(patient_control_number="CLM1", status="1", charge=usd("100"),
        ...                     paid=usd("80"), patient_responsibility=usd("20"), lines=[line])
        >>> remit = Remittance(payer="acme", payee="1234567893", total_payment=usd("80"),
        ...                    payment_method="CHK", trace_number="T1",
        ...                    paid_date=datetime.date(2024, 4, 1), claims=[paid])
        >>> response = claim_response_to_fhir(paid, remit, patient_id="P1").value
        >>> [a["category"]["coding"][0]["code"] for a in response["item"][0]["adjudication"]]
        ['submitted', 'benefit', 'deductible']
        >>> response["payment"]["amount"]
        {'value': Decimal('80.00'), 'currency': 'USD'}
    """
    note_list, note_numbers = notes(payment)
    items = [
        prune(
            {
                "extension": trace_extension("ClaimResponse", line.line_control_number),
                "itemSequence": n,
                "noteNumber": note_numbers[n - 1],
                "adjudication": line_adjudication(line),
            }
        )
        for n, line in enumerate(payment.lines, 1)
    ]
    resource = prune(
        {
            "resourceType": "ClaimResponse",
            "identifier": [{"value": payment.payer_claim_control_number}]
            if payment.payer_claim_control_number
            else [],
            "status": "active",
            "type": cs.concept(cs.CLAIM_TYPE, "professional"),
            "use": "predetermination"
            if payment.status is ClaimStatus.PREDETERMINATION
            else "claim",
            "patient": UNKNOWN_REFERENCE
            if patient_id is None
            else reference("Patient", patient_id, "patient_id"),
            "created": remittance.paid_date.isoformat(),
            "insurer": {"identifier": {"value": remittance.payer}},
            "requestor": {"identifier": {"value": remittance.payee}} if remittance.payee else None,
            "request": {"identifier": {"value": payment.patient_control_number}},
            "outcome": "complete",
            "item": items,
            "adjudication": [cas_entry(a) for a in payment.adjustments],
            "total": totals(payment),
            "payment": payment_element(payment, remittance),
            "processNote": note_list,
        }
    )
    lost = [
        *status_losses(payment, "payment"),
        *line_losses(payment, "payment", item_codes=False),
        *information_losses(payment, "payment"),
    ]
    report = LossReport(
        direction=Direction.TO_FHIR,
        lost=lost,
        assumed=[Loss("ClaimResponse.type", "a claim payment has no claim type: professional")],
    )
    return Mapped(value=resource, report=report)


def payment_element(payment: ClaimPayment, remittance: Remittance) -> Resource:
    """The payment of one claim: its amount, the remittance's date and trace number."""
    return {
        "type": cs.concept(cs.PAYMENT_OUTCOME, "complete"),
        "date": remittance.paid_date.isoformat(),
        "amount": cs.money(payment.paid),
        "identifier": {"value": remittance.trace_number},
    }


# --------------------------------------------------------------------------- reading


def read_cas(entry: Node, category: tuple[str, str] | None) -> CasAdjustment | None:
    """One adjudication that is a CAS adjustment, or ``None`` (reported) if it is not one."""
    reasons = cs.codes(entry.child("reason"), (cs.CARC,))
    amount = cs.read_money(entry.child("amount"))
    value = cs.decimal_value(entry.raw("value"))
    if not reasons and category is not None and category[1] in _OF_NAMED:
        reason = _OF_NAMED[category[1]][1]
        entry.reader.assume(entry.at("reason"), f"absent: taken as CARC {reason} ({category[1]})")
        reasons = [(cs.CARC, reason)]
    if category is None or not reasons or amount is None:
        entry.reader.lose(entry.path, "an adjudication without a group and a CARC is not kept")
        return None
    system, code = category
    group = code if system == GROUP_SYSTEM else _OF_NAMED.get(code, ("", ""))[0]
    try:
        return CasAdjustment(
            group=GroupCode.parse(group, allow_legacy=True),
            reason=CARC(reasons[0][1]),
            amount=amount,
            quantity=value,
        )
    except (BillingError, ValueError, TypeError) as exc:
        entry.reader.fail(entry.path, str(exc))
        return None


def read_adjudications(node: Node, key: str = "adjudication") -> dict[str, Any]:
    """Amounts by category (submitted, eligible, benefit...) and the CAS adjustments."""
    found: dict[str, Any] = {"cas": []}
    systems = (cs.ADJUDICATION, GROUP_SYSTEM, cs.C4BB_ADJUDICATION)
    for entry in node.children(key):
        codes = cs.codes(entry.child("category"), systems, bare=cs.ADJUDICATION)
        category = codes[0] if codes else None
        name = None if category is None else category[1]
        if category in {(cs.ADJUDICATION, c) for c in ("submitted", "eligible", "benefit")} or (
            category == (cs.C4BB_ADJUDICATION, "memberliability")
        ):
            found[str(name)] = cs.read_money(entry.child("amount"))
            continue
        if category is not None and category[0] == cs.ADJUDICATION and name not in _OF_NAMED:
            entry.drop(f"an adjudication of category {name!r} is not kept")
            continue
        cas = read_cas(entry, category)
        if cas is not None:
            found["cas"].append(cas)
    return found


def read_notes(node: Node) -> dict[int, RARC]:
    """The process notes that are remark codes, by number."""
    found: dict[int, RARC] = {}
    for note in node.children("processNote"):
        number, text = note.integer("number"), note.text("text")
        note.lose("type", "a note's type is not kept")
        note.lose("language", "a note's language is not kept")
        try:
            if number is not None and text is not None:
                found[number] = RARC(text)
        except (BillingError, ValueError):
            note.drop("only remark codes (RARC) are kept of process notes")
    return found


def read_trace(item: Node, resource_type: str) -> str | None:
    """The line control number of an item (its R5 traceNumber extension)."""
    found = None
    for extension in item.children("extension"):
        if extension.text("url") == TRACE.format(resource_type) and found is None:
            ident = extension.child("valueIdentifier")
            found = None if ident is None else ident.text("value")
        else:
            extension.drop("an extension this library does not know")
    return found


def remarks_of(
    node: Node, numbers: list[int], index: Mapping[int, RARC], used: set[int]
) -> list[RARC]:
    """The remark codes an item's note numbers point to (marking them used)."""
    out = []
    for number in numbers:
        if number in index:
            out.append(index[number])
            used.add(number)
        else:
            node.reader.lose(node.at("noteNumber"), f"note {number} is not a remark code")
    return out


def read_lines(
    node: Node, resource_type: str, remarks: Mapping[int, RARC], used: set[int]
) -> list[dict[str, Any]]:
    """The fields of each item's ServicePayment (without the EOB's codes)."""
    lines = []
    for item in node.children("item"):
        item.integer("itemSequence" if resource_type == "ClaimResponse" else "sequence")
        amounts = read_adjudications(item)
        lines.append(
            {
                "line_control_number": read_trace(item, resource_type),
                "charge": amounts.get("submitted"),
                "paid": amounts.get("benefit"),
                "allowed": amounts.get("eligible"),
                "adjustments": amounts["cas"],
                "remarks": remarks_of(item, item.integers("noteNumber"), remarks, used),
                "_item": item,
            }
        )
    return lines


def claim_payment_fields(
    node: Node, resource_type: str, lines: list[ServicePayment]
) -> dict[str, Any]:
    """The fields of a ClaimPayment common to a ClaimResponse and an EOB."""
    reader = node.reader
    request = node.child("request" if resource_type == "ClaimResponse" else "claim", required=True)
    ident = None if request is None else request.child("identifier")
    pcn = None if ident is None else ident.text("value")
    target = None if request is None else request.text("reference")
    if pcn is None and target:
        pcn = target.rstrip("/").rsplit("/", 1)[-1]
        reader.lose(
            request.at("reference") if request else node.path, f"kept as the claim id {pcn!r}"
        )
    if pcn is None:
        reader.fail(node.at("request"), "required by the library: the claim's id as an identifier")
    identifiers = node.children("identifier")
    for extra in identifiers[1:]:
        reader.lose(extra.path, "only the first identifier is kept")
    totals_found = read_adjudications(node, "total")
    for cas in totals_found["cas"]:
        reader.lose(node.at("total"), f"a total of {cas.key} is not kept")
    use = node.text("use")
    return {
        "patient_control_number": pcn,
        "status": ClaimStatus.PREDETERMINATION
        if use == "predetermination"
        else ClaimStatus.PROCESSED_PRIMARY,
        "charge": totals_found.get("submitted"),
        "paid": totals_found.get("benefit"),
        "patient_responsibility": totals_found.get("memberliability"),
        "payer_claim_control_number": (identifiers[0].text("value") if identifiers else None) or "",
        "adjustments": read_adjudications(node)["cas"],
        "lines": lines,
    }


def remittance_losses(node: Node) -> None:
    """Report what belongs to the remittance, not to a claim payment."""
    for key in ("created", "insurer", "requestor", "payment", "patient", "type", "disposition"):
        node.lose(key, "not kept in a claim payment (the remittance or the claim holds it)")
    for key, kept in (("status", "active"), ("outcome", "complete")):
        value = node.text(key)
        if value not in (kept, None):
            node.reader.lose(node.at(key), f"{key} {value!r} is not kept")


def claim_response_from_fhir(resource: Mapping[str, Any]) -> Mapped[ClaimPayment]:
    """A FHIR R4 ClaimResponse as a claim payment, with every element it does not keep.

    Raises:
        ValidationError: Every problem at once, each located by element path.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> paid = ClaimPayment(patient_control_number="CLM1", status="1",
        ...                     charge=Money("100", "USD"), paid=Money("100", "USD"))
        >>> remit = Remittance(payer="acme", payee="clinic", total_payment=Money("100", "USD"),
        ...                    payment_method="CHK", trace_number="T1",
        ...                    paid_date=datetime.date(2024, 4, 1), claims=[paid])
        >>> written = claim_response_to_fhir(paid, remit, patient_id="P1").value
        >>> claim_response_from_fhir(written).value == paid
        True
    """
    reader, node = start(resource, "ClaimResponse")
    node.lose("text", "the narrative is not kept")
    remarks = read_notes(node)
    used: set[int] = set()
    raw_lines = read_lines(node, "ClaimResponse", remarks, used)
    if node.text("use") not in ("claim", "predetermination", None):
        reader.lose(node.at("use"), "only a claim or a predetermination is kept")
    remittance_losses(node)
    reader.check()
    lines = [_service_payment(node, fields) for fields in raw_lines]
    fields = claim_payment_fields(node, "ClaimResponse", lines)
    fields["remarks"] = [r for n, r in sorted(remarks.items()) if n not in used]
    reader.assume(node.path, "the claim status is processed as primary unless an estimate")
    return Mapped(value=build_payment(node, fields), report=reader.report())


def _service_payment(node: Node, fields: dict[str, Any]) -> ServicePayment:
    item = fields.pop("_item")
    require_amounts(item, fields)
    try:
        return ServicePayment(**{k: v for k, v in fields.items() if v is not None})
    except (BillingError, ValueError, TypeError) as exc:
        node.reader.fail(item.path, str(exc))
        node.reader.check()
        raise


def require_amounts(item: Node, fields: dict[str, Any]) -> None:
    """Raise (with every finding) unless an item has its submitted and benefit amounts."""
    if fields.get("charge") is None or fields.get("paid") is None:
        item.reader.fail(item.at("adjudication"), "an item needs its submitted and benefit amounts")
        item.reader.check()


def build_payment(node: Node, fields: dict[str, Any]) -> ClaimPayment:
    """The ClaimPayment, or every problem raised."""
    node.reader.check()
    if fields["charge"] is None or fields["paid"] is None:
        node.reader.fail(node.at("total"), "required by the library: submitted and benefit totals")
        node.reader.check()
    try:
        return ClaimPayment(**{k: v for k, v in fields.items() if v is not None})
    except (BillingError, ValueError, TypeError) as exc:
        node.reader.fail(node.path, str(exc))
        node.reader.check()
        raise
