"""Remittances: what a payer answered to our claims (the X12 835 shape).

A [`Remittance`][] is one payment (or notification) from one payer to one
payee: the total paid, how and when, and per claim a [`ClaimPayment`][]
with the payer's decision, its [`ServicePayment`][] lines and the reasons
for every amount not paid ([`CasAdjustment`][]). Adjustments that belong to no
claim (interest, recoupments, balances forwarded) are
[`ProviderAdjustment`][] values.

Signs follow the 835: a **positive adjustment reduces payment**, a negative one
increases it; a provider-level adjustment with a positive amount reduces the
total payment. A reversal of an earlier payment (status
[`ClaimStatus.REVERSAL`][]) carries every amount negated.

Every amount of a remittance is in one currency; the constructors refuse a
mix ([`CurrencyMismatchError`][billing_core.errors.CurrencyMismatchError] naming the field).
Whether the amounts add up is a separate question, answered with an
explanation by [`balancing`][billing_core.balancing].

It holds, segment by segment of the 835: the `Remittance` and its
`PaymentMethod` (BPR, TRN); `ClaimPayment` and `ClaimStatus` (CLP);
`ServicePayment` (SVC); `CasAdjustment` (CAS); `ProviderAdjustment` and
`ProviderAdjustmentReason` (PLB); and what the payer says besides the money
that balances: `Reference` (REF), `SupplementalAmount` (AMT, informational:
never balanced), `SupplementalQuantity` (QTY), `ClaimParty` and
`ClaimPartyRole` (NM1: patient and insured names, masked in every view).

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> usd = lambda s: Money(s, "USD")
    >>> line = ServicePayment(
    ...     line_control_number="1-1",
    ...     charge=usd("800.00"),
    ...     paid=usd("500.00"),
    ...     adjustments=CasAdjustment.from_cas("PR", ("1", usd("300.00"))),
    ... )
    >>> claim = ClaimPayment(
    ...     patient_control_number="5554555444",
    ...     status="1",
    ...     charge=usd("800.00"),
    ...     paid=usd("450.00"),
    ...     patient_responsibility=usd("300.00"),
    ...     adjustments=CasAdjustment.from_cas("CO", ("A2", usd("50.00"))),
    ...     lines=[line],
    ... )
    >>> remit = Remittance(
    ...     payer="1935665544",
    ...     payee="5544667733",
    ...     total_payment=usd("450.00"),
    ...     payment_method="ACH",
    ...     trace_number="71700666555",
    ...     paid_date=datetime.date(2002, 3, 16),
    ...     claims=[claim],
    ... )
    >>> remit.claims[0].status
    <ClaimStatus.PROCESSED_PRIMARY: '1'>
    >>> remit.currency
    'USD'
"""

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.remittance._adjustments": ("CasAdjustment",),
    "billing_core.remittance._advice": ("PaymentMethod", "Remittance"),
    "billing_core.remittance._claim_payments": ("ClaimPayment", "ClaimStatus"),
    "billing_core.remittance._provider_adjustments": (
        "ProviderAdjustment",
        "ProviderAdjustmentReason",
    ),
    "billing_core.remittance._service_payments": ("ServicePayment",),
    "billing_core.remittance._supplemental": (
        "ClaimParty",
        "ClaimPartyRole",
        "Reference",
        "SupplementalAmount",
        "SupplementalQuantity",
    ),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
