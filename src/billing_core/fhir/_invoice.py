"""Bills as FHIR Invoices and their lines as ChargeItems, both ways (private).

| ours ([`Bill`][billing_core.bills.Bill]) | FHIR Invoice |
|---|---|
| ``id`` | ``id``, ``identifier[0]`` |
| ``account_id`` | ``account`` (``Account/{id}``) |
| ``patient_id`` | ``subject`` |
| ``bill_to`` | ``recipient``: a Patient, a RelatedPerson (guarantor) or an Organization (payer), included |
| ``status`` | ``status`` (void: cancelled) |
| ``issued_on`` | ``date`` |
| ``due_on`` | ``paymentTerms`` ("Due by YYYY-MM-DD.") |
| ``void_reason`` | ``cancelledReason`` |
| ``lines`` | ``lineItem``: ``chargeItemReference`` (the ChargeItem, included), ``priceComponent`` |
| the totals | ``totalNet``, ``totalGross`` (the one roll-up rule) |

| ours ([`LineItem`][billing_core.charges.LineItem]) | FHIR ChargeItem |
|---|---|
| ``id`` | ``id``, ``identifier[0]`` |
| ``procedure`` | ``code`` (CPT, HCPCS, CDT; "not applicable" without) |
| ``drug`` | ``productCodeableConcept`` (NDC without its quantity: not read back) |
| ``service_date``, ``service_through`` | ``occurrenceDateTime``, ``occurrencePeriod`` |
| ``units``, ``unit_basis`` | ``quantity`` |
| ``charge`` | ``priceOverride`` |
| ``care_team`` | ``performer`` (role, provider) |
| ``description`` | ``note[0].text`` |
| the rest | lost, each reported |
"""  # noqa: E501

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any, Final, cast

import attrs

import billing_core.fhir._codes as cs
import billing_core.fhir._lines as ln
from billing_core.bills import Bill, BillStatus
from billing_core.charges import Category, LineItem, PriceComponent, PriceComponentKind
from billing_core.errors import BillingError
from billing_core.fhir._base import (
    Direction,
    Loss,
    LossReport,
    Mapped,
    Node,
    Resource,
    fhir_id,
    prune,
    start,
)
from billing_core.fhir._parties import (
    Resolver,
    Resources,
    payer_resource,
    provider_ref,
    provider_resource,
    read_payer,
    read_provider,
    reference,
    referenced_id,
)
from billing_core.fhir._persons import patient_resource, read_patient
from billing_core.parties import CareTeamMember, Guarantor, Patient, Payer, Relationship
from billing_core.totals import gross_total, net_total

RELATIONSHIP_SYSTEM: Final = cs.own("relationship")
_DUE: Final = re.compile(r"Due by ([0-9]{4}-[0-9]{2}-[0-9]{2})\.")
_STATUS: Final = {
    BillStatus.DRAFT: "draft",
    BillStatus.ISSUED: "issued",
    BillStatus.BALANCED: "balanced",
    BillStatus.VOID: "cancelled",
}
_LINE_LOST: Final = (
    ("revenue_code", "a ChargeItem has no revenue code"),
    ("unit_price", "a ChargeItem has no unit price (its price is the charge)"),
    ("place_of_service", "a ChargeItem has no place of service"),
    ("attachments", "a ChargeItem keeps no supporting records"),
    ("authorization", "a ChargeItem holds no patient consent"),
    ("diagnosis_pointers", "a ChargeItem is on no claim to point into"),
)


def _line_losses(line: LineItem, where: str, *, on_invoice: bool) -> list[Loss]:
    out = [Loss(f"{where}.category", "a ChargeItem has no category (it is inferred back)")]
    for name, why in _LINE_LOST:
        if getattr(line, name) not in (None, ()):
            out.append(Loss(f"{where}.{name}", why))
    if line.patient_liable:
        out.append(Loss(f"{where}.patient_liable", "a ChargeItem has no such flag"))
    if line.drug is not None:
        out.append(Loss(f"{where}.drug", "written as the product's NDC, without its quantity"))
    if line.procedure is not None and line.procedure.modifiers:
        out.append(Loss(f"{where}.procedure.modifiers", "a ChargeItem's code has no modifiers"))
    if line.price_components and not on_invoice:
        out.append(Loss(f"{where}.price_components", "only an Invoice line holds them"))
    return out


def _charge_item(line: LineItem, patient_id: str, account_id: str | None) -> Resource:
    drug = line.drug
    return prune(
        {
            "resourceType": "ChargeItem",
            "id": fhir_id(line.id, "line.id"),
            "identifier": [{"value": line.id}],
            "status": "billable",
            "code": {k: v for k, v in ln.product(line).items() if k != "text"},
            "subject": reference("Patient", patient_id, "patient_id"),
            **ln.serviced(line, day="occurrenceDateTime", period="occurrencePeriod"),
            "performer": [
                {"function": ln.role(m.role, m.description), "actor": provider_ref(m.provider)}
                for m in line.care_team
            ],
            "quantity": ln.quantity(line),
            "priceOverride": cs.money(line.charge),
            "account": []
            if account_id is None
            else [reference("Account", account_id, "account_id")],
            "productCodeableConcept": None if drug is None else cs.concept(cs.NDC, drug.ndc.code),
            "note": [{"text": line.description}] if line.description else [],
        }
    )


def charge_item_to_fhir(
    line: LineItem, *, patient_id: str, account_id: str | None = None
) -> Mapped[Resource]:
    """A line item as a FHIR R4 ChargeItem, with its providers included.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category
        >>> from billing_core.money import Money
        >>> line = LineItem(id="L1", category=Category.SUPPLY, service_date=datetime.date(2024, 3, 4),
        ...                 charge=Money("9.00", "USD"), units=3, description="Gauze")
        >>> item = charge_item_to_fhir(line, patient_id="P1").value
        >>> item["priceOverride"], item["quantity"], item["note"]
        ({'value': Decimal('9.00'), 'currency': 'USD'}, {'value': Decimal('3')}, [{'text': 'Gauze'}])
    """  # noqa: E501
    report = LossReport(
        direction=Direction.TO_FHIR, lost=_line_losses(line, "line", on_invoice=False)
    )
    included = [provider_resource(m.provider) for m in line.care_team]
    return Mapped(
        value=_charge_item(line, patient_id, account_id), report=report, included=included
    )


def read_charge_item(node: Node, resolver: Resolver) -> LineItem | None:
    """A line item from a ChargeItem node."""
    reader = node.reader
    node.lose("text", "the narrative is not kept")
    line_id = _first_identifier_of(node, "the line's id")
    if node.text("status") not in ("billable", None):
        reader.lose(node.at("status"), "a charge item's status is not kept")
    for key in ("subject", "account", "context", "enteredDate", "enterer"):
        node.lose(key, "not kept in a line item (the bill holds it)")
    procedure, _ = ln.read_product(node, "code")
    product = cs.codes(node.child("productCodeableConcept"), (cs.NDC,))
    if product:
        reader.lose(node.at("productCodeableConcept"), "a drug without its quantity is not kept")
    start_day, through = ln.read_serviced(node, day="occurrenceDateTime", period="occurrencePeriod")
    units, basis = ln.read_quantity(node)
    charge = cs.read_money(node.child("priceOverride", required=True))
    team = []
    for performer in node.children("performer"):
        actor = performer.child("actor", required=True)
        provider = None if actor is None else read_provider(actor, resolver)
        member_role, description = ln.read_role(performer, "function")
        if provider is not None:
            team.append(
                CareTeamMember(provider=provider, role=member_role, description=description)
            )
    notes = node.children("note")
    description = (notes[0].text("text") or "") if notes else ""
    # Without a category, a procedure is a procedure; zero units only a flat fee's.
    guess = Category.PROCEDURE if procedure and units != 0 else Category.OTHER
    reader.assume(node.path, f"a ChargeItem has no category: taken as {guess.value!r}")
    if start_day is None or charge is None or line_id is None:
        return None
    try:
        return LineItem(
            id=line_id,
            category=guess,
            service_date=start_day,
            charge=charge,
            units=units,
            unit_basis=basis,
            care_team=team,
            description=description,
            **ln.keyword_fields(service_through=through, procedure=procedure),
        )
    except (BillingError, ValueError, TypeError) as exc:
        reader.fail(node.path, str(exc))
        return None


def charge_item_from_fhir(
    resource: Mapping[str, Any], *, resources: Resources = None
) -> Mapped[LineItem]:
    """A FHIR R4 ChargeItem as a line item, with every element it does not keep.

    Args:
        resource: The ChargeItem.
        resources: The providers its performers refer to.

    Raises:
        ValidationError: Every problem at once, each located by element path.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category
        >>> from billing_core.money import Money
        >>> line = LineItem(id="L1", category=Category.OTHER,
        ...                 service_date=datetime.date(2024, 3, 4), charge=Money("9.00", "USD"))
        >>> back = charge_item_from_fhir(charge_item_to_fhir(line, patient_id="P1").value)
        >>> back.value == line
        True
        >>> print(back.report)
        from FHIR, not kept:
          - ChargeItem.subject: not kept in a line item (the bill holds it)
        from FHIR, assumed:
          - ChargeItem: a ChargeItem has no category: taken as 'other'
    """
    reader, node = start(resource, "ChargeItem")
    resolver = Resolver(resources)
    resolver.add_contained(node)
    line = read_charge_item(node, resolver)
    resolver.report_unfollowed(reader)
    reader.check()
    return Mapped(value=cast(LineItem, line), report=reader.report())


# --------------------------------------------------------------------------- invoices


def _recipient(bill: Bill) -> tuple[Resource, Resource]:
    """The reference to whom a bill goes, and that party as a resource."""
    party = bill.bill_to
    if isinstance(party, Payer):
        return reference("Organization", party.id, "bill.bill_to.id"), payer_resource(party)
    if isinstance(party, Patient):
        return reference("Patient", party.id, "bill.bill_to.id"), patient_resource(party)
    resource = prune(
        {
            "resourceType": "RelatedPerson",
            "id": fhir_id(party.id, "bill.bill_to.id"),
            "patient": reference("Patient", bill.patient_id, "bill.patient_id"),
            "name": [{"text": party.name}] if party.name else [],
            "relationship": [cs.concept(RELATIONSHIP_SYSTEM, party.relationship.value)],
        }
    )
    return reference("RelatedPerson", party.id, "bill.bill_to.id"), resource


def invoice_to_fhir(bill: Bill) -> Mapped[Resource]:
    """A bill as a FHIR R4 Invoice, with its ChargeItems and its recipient included.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category, PriceComponent, PriceComponentKind
        >>> from billing_core.money import Money
        >>> usd = lambda s: Money(s, "USD")
        >>> line = LineItem(id="L1", category=Category.SUPPLY, service_date=datetime.date(2024, 3, 4),
        ...     charge=usd("106.40"), price_components=[
        ...         PriceComponent(kind=PriceComponentKind.BASE, amount=usd("100.00")),
        ...         PriceComponent(kind=PriceComponentKind.TAX, amount=usd("6.40"))])
        >>> bill = Bill(id="B1", account_id="A1", patient_id="P1",
        ...             bill_to=Patient(id="P1", name="Jane Roe"), currency="USD", lines=[line])
        >>> invoice = invoice_to_fhir(bill).value
        >>> invoice["totalNet"], invoice["totalGross"]
        ({'value': Decimal('100.00'), 'currency': 'USD'}, {'value': Decimal('106.40'), 'currency': 'USD'})
    """  # noqa: E501
    recipient, party = _recipient(bill)
    items = [_charge_item(line, bill.patient_id, bill.account_id) for line in bill.lines]
    resource = prune(
        {
            "resourceType": "Invoice",
            "id": fhir_id(bill.id, "bill.id"),
            "identifier": [{"value": bill.id}],
            "status": _STATUS[bill.status],
            "cancelledReason": bill.void_reason,
            "subject": reference("Patient", bill.patient_id, "bill.patient_id"),
            "recipient": recipient,
            "date": None if bill.issued_on is None else bill.issued_on.isoformat(),
            "account": reference("Account", bill.account_id, "bill.account_id"),
            "lineItem": [
                {
                    "sequence": n,
                    "chargeItemReference": {"reference": f"ChargeItem/{item['id']}"},
                    "priceComponent": [_component(c) for c in line.price_components],
                }
                for n, (line, item) in enumerate(zip(bill.lines, items, strict=True), 1)
            ],
            "totalNet": cs.money(net_total(bill)),
            "totalGross": cs.money(gross_total(bill)),
            "paymentTerms": None if bill.due_on is None else f"Due by {bill.due_on.isoformat()}.",
        }
    )
    lost = [
        loss
        for index, line in enumerate(bill.lines)
        for loss in _line_losses(line, f"bill.lines[{index}]", on_invoice=True)
    ]
    providers = {m.provider.npi.code: m.provider for line in bill.lines for m in line.care_team}
    included = [party, *items, *(provider_resource(p) for p in providers.values())]
    report = LossReport(direction=Direction.TO_FHIR, lost=lost)
    return Mapped(value=resource, report=report, included=included)


def _component(component: PriceComponent) -> Resource:
    out: Resource = {"type": component.kind.value, "amount": cs.money(component.amount)}
    if component.description:
        out["code"] = {"text": component.description}
    return out


def _read_components(item: Node) -> list[PriceComponent]:
    out = []
    for entry in item.children("priceComponent"):
        kind = entry.text("type", required=True)
        amount = cs.read_money(entry.child("amount"))
        code = entry.child("code")
        description = (None if code is None else code.text("text")) or ""
        entry.lose("factor", "a price component's factor is not kept")
        try:
            if kind is not None and amount is not None:
                out.append(
                    PriceComponent(
                        kind=PriceComponentKind(kind), amount=amount, description=description
                    )
                )
            elif amount is None:
                entry.reader.fail(entry.at("amount"), "required by the library: the amount")
        except (BillingError, ValueError, TypeError) as exc:
            entry.reader.fail(entry.path, str(exc))
    return out


def _read_recipient(node: Node, resolver: Resolver, patient_id: str | None) -> Any:
    ref = node.child("recipient", required=True)
    if ref is None:
        return None
    target = ref.data.get("reference")
    if isinstance(target, str) and "Organization/" in target:
        return read_payer(ref, resolver)
    followed = resolver.follow(ref, ("Patient", "RelatedPerson"))
    if followed is None:
        return None
    party, kind = followed
    if kind == "Patient":
        return read_patient(party)
    rid = party.text("id", required=True) or ""
    names = party.children("name")
    name = (names[0].text("text") or "") if names else ""
    party.raw("patient")
    found = [
        c for r in party.children("relationship") for _, c in cs.codes(r, (RELATIONSHIP_SYSTEM,))
    ]
    relationship = Relationship(found[0]) if found else Relationship.OTHER
    return Guarantor(id=rid, name=name, relationship=relationship)


def invoice_from_fhir(resource: Mapping[str, Any], *, resources: Resources = None) -> Mapped[Bill]:
    """A FHIR R4 Invoice as a bill, with every element it does not keep.

    Args:
        resource: The Invoice.
        resources: What it refers to: its ChargeItems, its recipient (a
            Patient, a RelatedPerson or an Organization), the providers.

    Raises:
        ValidationError: Every problem at once, each located by element path.

    Examples:
        >>> invoice_from_fhir({"resourceType": "Invoice", "status": "issued"})
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: 3 problems:
          - Invoice.identifier: required by the library: the bill's id
          - Invoice.subject: required by the library: the patient
          - Invoice.recipient: required element missing
    """
    reader, node = start(resource, "Invoice")
    resolver = Resolver(resources)
    resolver.add_contained(node)
    node.lose("text", "the narrative is not kept")
    bill_id = _first_identifier_of(node, "the bill's id")
    subject = node.child("subject")
    if subject is None:
        reader.fail(node.at("subject"), "required by the library: the patient")
    patient_id = referenced_id(subject, "Patient")
    account_id = referenced_id(node.child("account"), "Account")
    status = {v: k for k, v in _STATUS.items()}.get(node.text("status", required=True) or "")
    recipient = _read_recipient(node, resolver, patient_id)
    lines = []
    for entry in node.children("lineItem"):
        entry.integer("sequence")
        ref = entry.child("chargeItemReference")
        followed = None if ref is None else resolver.follow(ref, ("ChargeItem",))
        if followed is None:
            entry.drop("a line without its ChargeItem is not kept")
            continue
        line = read_charge_item(followed[0], resolver)
        components = _read_components(entry)
        if line is not None:
            lines.append(_with_components(entry, line, components))
    issued, due = node.date("date"), _due(node)
    node.raw("totalNet")
    node.raw("totalGross")
    resolver.report_unfollowed(reader)
    reader.check()
    try:
        bill = Bill(
            id=bill_id or "",
            account_id=account_id or patient_id or "",
            patient_id=patient_id or "",
            bill_to=recipient,
            currency=lines[0].charge.currency if lines else _currency(node),
            lines=lines,
            **ln.keyword_fields(
                status=status,
                issued_on=issued,
                due_on=due,
                void_reason=node.text("cancelledReason"),
            ),
        )
    except (BillingError, ValueError, TypeError) as exc:
        reader.fail(node.path, str(exc))
        reader.check()
        raise
    return Mapped(value=bill, report=reader.report())


def _with_components(entry: Node, line: LineItem, components: list[PriceComponent]) -> LineItem:
    try:
        return attrs.evolve(line, price_components=components)
    except (BillingError, ValueError, TypeError) as exc:
        entry.reader.fail(entry.path, str(exc))
        return line


def _first_identifier_of(node: Node, what: str) -> str | None:
    identifiers = node.children("identifier")
    rid = node.text("id")
    value = identifiers[0].text("value") if identifiers else rid
    for extra in identifiers[1:]:
        node.reader.lose(extra.path, "only the first identifier is kept")
    if value is None:
        node.reader.fail(node.at("identifier"), f"required by the library: {what}")
    elif rid is not None and rid != value:
        node.reader.lose(node.at("id"), "the resource id is not kept: the identifier is the id")
    return value


def _due(node: Node) -> datetime.date | None:
    terms = node.text("paymentTerms")
    if terms is None:
        return None
    match = _DUE.fullmatch(terms.strip())
    if match is None:
        node.reader.lose(node.at("paymentTerms"), "kept only when it reads 'Due by YYYY-MM-DD.'")
        return None
    return datetime.date.fromisoformat(match.group(1))


def _currency(node: Node) -> str:
    total = node.data.get("totalNet") or node.data.get("totalGross") or {}
    currency = total.get("currency") if isinstance(total, Mapping) else None
    return currency if isinstance(currency, str) else "USD"
