"""A remittance as a FHIR PaymentReconciliation, both ways (private).

| ours ([`Remittance`][billing_core.remittance.Remittance]) | FHIR PaymentReconciliation |
|---|---|
| ``id`` | ``id`` |
| ``payer``, ``payee`` | ``paymentIssuer``, ``requestor`` (by identifier) |
| ``total_payment`` | ``paymentAmount`` |
| ``trace_number`` | ``paymentIdentifier`` |
| ``paid_date`` | ``paymentDate``, ``created`` |
| ``payment_method`` | lost: R4 has no element for it |
| each claim payment | ``detail`` of type payment: ``request`` (the claim's id), ``response`` (its ClaimResponse, included), ``amount`` |
| each provider adjustment | ``detail`` of type adjustment (the PLB reason a second coding), ``identifier`` (reference), ``payee`` (provider id), ``date`` (fiscal period end), ``amount`` (negated: FHIR counts what is paid) |
"""  # noqa: E501

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Final, cast

import billing_core.fhir._codes as cs
from billing_core.errors import BillingError
from billing_core.fhir._adjudication import claim_response_from_fhir, claim_response_to_fhir
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
from billing_core.fhir._parties import Resolver, Resources
from billing_core.money import Money
from billing_core.remittance import (
    ClaimPayment,
    PaymentMethod,
    ProviderAdjustment,
    ProviderAdjustmentReason,
    Remittance,
)

PLB_SYSTEM: Final = cs.own("plb-reason")


def _adjustment_detail(adjustment: ProviderAdjustment, remittance: Remittance) -> Resource:
    kind = {
        "coding": [
            cs.coding(cs.PAYMENT_TYPE, "adjustment"),
            cs.coding(PLB_SYSTEM, adjustment.reason.value),
        ]
    }
    return prune(
        {
            "type": kind,
            "identifier": {"value": adjustment.reference} if adjustment.reference else None,
            "payee": {"identifier": {"value": adjustment.provider_id}}
            if adjustment.provider_id
            else None,
            "date": None
            if adjustment.fiscal_period_end is None
            else adjustment.fiscal_period_end.isoformat(),
            "amount": cs.money(-adjustment.amount),
        }
    )


def payment_reconciliation_to_fhir(
    remittance: Remittance, *, patient_ids: Mapping[str, str] | None = None
) -> Mapped[Resource]:
    """A remittance as a FHIR R4 PaymentReconciliation, each claim's ClaimResponse included.

    Args:
        remittance: The remittance.
        patient_ids: The patient of each claim, by its patient control
            number (a ClaimResponse names one); a claim not listed gets a
            patient reference marked unknown.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> interest = ProviderAdjustment(reason="L6", amount=Money("-1.27", "USD"))
        >>> paid = ClaimPayment(patient_control_number="CLM1", status="1",
        ...                     charge=Money("100", "USD"), paid=Money("100", "USD"))
        >>> remit = Remittance(payer="acme", payee="clinic", total_payment=Money("101.27", "USD"),
        ...                    payment_method="ACH", trace_number="T1",
        ...                    paid_date=datetime.date(2024, 4, 1), claims=[paid],
        ...                    provider_adjustments=[interest])
        >>> mapped = payment_reconciliation_to_fhir(remit, patient_ids={"CLM1": "P1"})
        >>> [d["amount"]["value"] for d in mapped.value["detail"]]
        [Decimal('100.00'), Decimal('1.27')]
        >>> print(mapped.report)
        to FHIR, not kept:
          - remittance.payment_method: FHIR R4 PaymentReconciliation has no payment method
    """
    base = fhir_id(remittance.id, "remittance.id")
    responses: list[Resource] = []
    lost = [
        Loss("remittance.payment_method", "FHIR R4 PaymentReconciliation has no payment method")
    ]
    details: list[Resource] = []
    for index, payment in enumerate(remittance.claims):
        patient = (patient_ids or {}).get(payment.patient_control_number)
        written = claim_response_to_fhir(payment, remittance, patient_id=patient)
        response = {**written.value, "id": f"{base}-{index + 1}"}
        responses.append(response)
        lost.extend(
            Loss(loss.path.replace("payment", f"remittance.claims[{index}]", 1), loss.reason)
            for loss in written.report.lost
        )
        details.append(
            {
                "type": cs.concept(cs.PAYMENT_TYPE, "payment"),
                "request": {"identifier": {"value": payment.patient_control_number}},
                "response": {"reference": f"ClaimResponse/{response['id']}"},
                "date": remittance.paid_date.isoformat(),
                "amount": cs.money(payment.paid),
            }
        )
    details.extend(_adjustment_detail(a, remittance) for a in remittance.provider_adjustments)
    resource = prune(
        {
            "resourceType": "PaymentReconciliation",
            "id": base,
            "status": "active",
            "created": remittance.paid_date.isoformat(),
            "paymentIssuer": {"identifier": {"value": remittance.payer}},
            "requestor": {"identifier": {"value": remittance.payee}} if remittance.payee else None,
            "outcome": "complete",
            "paymentDate": remittance.paid_date.isoformat(),
            "paymentAmount": cs.money(remittance.total_payment),
            "paymentIdentifier": {"value": remittance.trace_number},
            "detail": details,
        }
    )
    report = LossReport(direction=Direction.TO_FHIR, lost=lost)
    return Mapped(value=resource, report=report, included=responses)


def _identifier_value(node: Node, key: str) -> str:
    holder = node.child(key)
    ident = None if holder is None else holder.child("identifier")
    return (None if ident is None else ident.text("value")) or ""


def _read_adjustment(detail: Node, codes: list[tuple[str, str]]) -> ProviderAdjustment | None:
    reasons = [code for system, code in codes if system == PLB_SYSTEM]
    amount = cs.read_money(detail.child("amount", required=True))
    ident = detail.child("identifier")
    if not reasons or amount is None:
        detail.drop("an adjustment without a PLB reason is not kept")
        return None
    try:
        return ProviderAdjustment(
            reason=ProviderAdjustmentReason.parse(reasons[0]),
            reference=(None if ident is None else ident.text("value")) or "",
            amount=-amount,
            provider_id=_identifier_value(detail, "payee"),
            fiscal_period_end=detail.date("date"),
        )
    except (BillingError, ValueError, TypeError) as exc:
        detail.reader.fail(detail.path, str(exc))
        return None


def _read_claim(detail: Node, resolver: Resolver) -> ClaimPayment | None:
    response = detail.data.get("response")
    if not isinstance(response, Mapping) or "reference" not in response:
        detail.drop("a payment without a reference to its ClaimResponse is not kept")
        return None
    ref = detail.child("response")
    if ref is None:
        return None
    followed = resolver.follow(ref, ("ClaimResponse",))
    if followed is None:
        return None
    node, _ = followed
    try:
        read = claim_response_from_fhir(node.data)
    except BillingError as exc:
        detail.reader.fail(ref.path, f"its ClaimResponse: {exc}")
        return None
    for key in list(node.data):
        node.raw(key)
    for loss in read.report.lost:
        detail.reader.lose(loss.path.replace("ClaimResponse", node.path, 1), loss.reason)
    for key in ("request", "date", "amount", "submitter"):
        detail.raw(key)  # the ClaimResponse holds them
    return read.value


def payment_reconciliation_from_fhir(
    resource: Mapping[str, Any], *, resources: Resources = None
) -> Mapped[Remittance]:
    """A FHIR R4 PaymentReconciliation as a remittance, with every element it does not keep.

    Args:
        resource: The PaymentReconciliation.
        resources: The ClaimResponses its payment details refer to.

    Raises:
        ValidationError: Every problem at once, each located by element path
            (a detail's ClaimResponse not supplied, an amount not exact...).

    Examples:
        >>> payment_reconciliation_from_fhir({"resourceType": "PaymentReconciliation"})
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: 5 problems:
          - PaymentReconciliation.status: required element missing
          - PaymentReconciliation.created: required element missing
          - PaymentReconciliation.paymentDate: required element missing
          - PaymentReconciliation.paymentAmount: required element missing
          - PaymentReconciliation.paymentIdentifier: required by the library: the trace number
    """
    reader, node = start(resource, "PaymentReconciliation")
    resolver = Resolver(resources)
    node.lose("text", "the narrative is not kept")
    for key in ("created", "status", "outcome", "disposition"):
        node.lose(key, "not kept in a remittance")
    paid_date = node.date("paymentDate", required=True)
    total = cs.read_money(node.child("paymentAmount", required=True))
    ident = node.child("paymentIdentifier")
    trace = None if ident is None else ident.text("value")
    if trace is None:
        reader.fail(node.at("paymentIdentifier"), "required by the library: the trace number")
    claims, adjustments = [], []
    for detail in node.children("detail"):
        codes = cs.codes(detail.child("type"), (cs.PAYMENT_TYPE, PLB_SYSTEM))
        if (cs.PAYMENT_TYPE, "adjustment") in codes:
            adjustments.append(_read_adjustment(detail, codes))
        elif (cs.PAYMENT_TYPE, "payment") in codes:
            claims.append(_read_claim(detail, resolver))
        else:
            detail.drop("only payments and adjustments are kept of details")
    reader.assume(node.path, "no payment method in FHIR R4: taken as ACH")
    reader.check()
    try:
        remittance = Remittance(
            id=node.text("id") or trace or "",
            payer=_identifier_value(node, "paymentIssuer"),
            payee=_identifier_value(node, "requestor"),
            total_payment=cast(Money, total),  # None was a finding: check() raised
            payment_method=PaymentMethod.ACH,
            trace_number=trace or "",
            paid_date=cast(datetime.date, paid_date),
            claims=[c for c in claims if c is not None],
            provider_adjustments=[a for a in adjustments if a is not None],
        )
    except (BillingError, ValueError, TypeError) as exc:
        reader.fail(node.path, str(exc))
        reader.check()
        raise
    return Mapped(value=remittance, report=reader.report())
