"""An account, its coverages in order and what it owes, as a FHIR Account (private).

The library keeps no account document: an account is its ledger. A
[`BillingAccount`][billing_core.fhir.BillingAccount] gathers what a FHIR
Account says of one: the patient, the coverages in order of payment, the
guarantor, and the open balance per bucket (from
[`account_balance`][billing_core.balances.account_balance]).

| ours | FHIR Account |
|---|---|
| ``id`` | ``id``, ``identifier[0]`` |
| ``patient_id`` | ``subject[0]`` |
| ``coverages`` | ``coverage``: each Coverage (included) with its ``priority`` |
| ``guarantor_id`` | ``guarantor[0].party`` (a RelatedPerson) |
| ``open`` | the R5 element ``balance`` by its R4 cross-version extension: per bucket, ``aggregate`` patient or insurance (the bucket as its text), ``term`` current, ``amount`` |
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

import billing_core.fhir._codes as cs
from billing_core.balances import Balance
from billing_core.errors import BillingError
from billing_core.fhir._base import (
    Direction,
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
    coverage_included,
    coverage_losses,
    coverage_resource,
    read_coverage,
    reference,
    referenced_id,
)
from billing_core.ledger import Bucket
from billing_core.money import Money
from billing_core.parties import Coverage
from billing_core.views import Protected, protected


def _open(value: Iterable[tuple[Bucket, Money]]) -> tuple[tuple[Bucket, Money], ...]:
    return tuple((bucket, amount) for bucket, amount in value)


def _coverages(value: Iterable[Coverage]) -> tuple[Coverage, ...]:
    return tuple(sorted(value, key=lambda c: c.sequence.value))


@attrs.frozen(kw_only=True)
class BillingAccount:
    """What a FHIR Account says of an account: its patient, coverages in order, balance.

    Attributes:
        id: The account id (the ledger's ``account_id``).
        patient_id: The patient.
        coverages: The coverages, in order of payment (primary first).
        guarantor_id: The guarantor, when not the patient.
        open: What is owed per bucket (buckets with nothing owed left out).

    Examples:
        >>> from billing_core.money import Money
        >>> account = BillingAccount(id="A1", patient_id="P1",
        ...                          open=[(Bucket.PATIENT, Money("20.00", "USD"))])
        >>> account.open
        ((<Bucket.PATIENT: 'patient'>, Money('20.00', 'USD')),)
    """

    id: str = attrs.field(**protected(Protected.ID))
    patient_id: str = attrs.field(**protected(Protected.ID))
    coverages: tuple[Coverage, ...] = attrs.field(default=(), converter=_coverages)
    guarantor_id: str | None = attrs.field(default=None, **protected(Protected.ID))
    open: tuple[tuple[Bucket, Money], ...] = attrs.field(default=(), converter=_open)

    @classmethod
    def from_balance(
        cls,
        account_id: str,
        patient_id: str,
        balance: Balance,
        *,
        coverages: Iterable[Coverage] = (),
        guarantor_id: str | None = None,
    ) -> BillingAccount:
        """An account with the open amounts of a [`Balance`][billing_core.balances.Balance].

        Examples:
            >>> import datetime
            >>> from billing_core.balances import account_balance
            >>> from billing_core.ledger import ChargePosted
            >>> charge = ChargePosted(id="c1", account_id="A1", line_id="L1",
            ...                       effective=datetime.date(2024, 3, 1),
            ...                       amount=Money("80.00", "USD"), bucket=Bucket.PATIENT)
            >>> balance = account_balance([charge], datetime.date(2024, 3, 31))
            >>> BillingAccount.from_balance("A1", "P1", balance).open
            ((<Bucket.PATIENT: 'patient'>, Money('80.00', 'USD')),)
        """
        return cls(
            id=account_id,
            patient_id=patient_id,
            coverages=coverages,
            guarantor_id=guarantor_id,
            open=list(balance.open.items()),
        )


def _balance_extension(bucket: Bucket, amount: Money) -> Resource:
    aggregate = "patient" if bucket is Bucket.PATIENT else "insurance"
    return {
        "url": cs.ACCOUNT_BALANCE,
        "extension": [
            {
                "url": "aggregate",
                "valueCodeableConcept": cs.concept(cs.ACCOUNT_AGGREGATE, aggregate, bucket.value),
            },
            {"url": "term", "valueCodeableConcept": cs.concept(cs.ACCOUNT_TERM, "current")},
            {"url": "amount", "valueMoney": cs.money(amount)},
        ],
    }


def account_to_fhir(account: BillingAccount) -> Mapped[Resource]:
    """An account as a FHIR R4 Account, its coverages and their payers included.

    Examples:
        >>> from billing_core.money import Money
        >>> account = BillingAccount(id="A1", patient_id="P1",
        ...                          open=[(Bucket.PRIMARY, Money("80.00", "USD"))])
        >>> fhir = account_to_fhir(account).value
        >>> [e["url"] for e in fhir["extension"][0]["extension"]]
        ['aggregate', 'term', 'amount']
    """
    resource = prune(
        {
            "resourceType": "Account",
            "id": fhir_id(account.id, "account.id"),
            "extension": [_balance_extension(b, m) for b, m in account.open],
            "identifier": [{"value": account.id}],
            "status": "active",
            "subject": [reference("Patient", account.patient_id, "account.patient_id")],
            "coverage": [
                {
                    "coverage": reference("Coverage", c.id, f"account.coverages[{i}].id"),
                    "priority": c.sequence.value,
                }
                for i, c in enumerate(account.coverages)
            ],
            "guarantor": []
            if account.guarantor_id is None
            else [{"party": reference("RelatedPerson", account.guarantor_id, "guarantor_id")}],
        }
    )
    lost = [
        loss
        for i, c in enumerate(account.coverages)
        for loss in coverage_losses(c, f"account.coverages[{i}]")
    ]
    included = [
        *(coverage_resource(c, account.patient_id) for c in account.coverages),
        *{
            (r["resourceType"], r["id"]): r for c in account.coverages for r in coverage_included(c)
        }.values(),
    ]
    report = LossReport(direction=Direction.TO_FHIR, lost=lost)
    return Mapped(value=resource, report=report, included=included)


def _read_balance(extension: Node) -> tuple[Bucket, Money] | None:
    parts: dict[str, Node] = {}
    for part in extension.children("extension"):
        url = part.text("url")
        if url in ("aggregate", "term", "amount") and url not in parts:
            parts[url] = part
        else:
            part.drop("a part of a balance this library does not know")
    term = parts.get("term")
    if term is not None and not cs.is_code(
        term.child("valueCodeableConcept"), cs.ACCOUNT_TERM, "current"
    ):
        extension.drop("only the current balance is kept")
        return None
    amount = None if "amount" not in parts else cs.read_money(parts["amount"].child("valueMoney"))
    holder = None if "aggregate" not in parts else parts["aggregate"].child("valueCodeableConcept")
    text = None if holder is None else holder.text("text")
    aggregate = cs.codes(holder, (cs.ACCOUNT_AGGREGATE,))
    bucket = Bucket.PATIENT if aggregate == [(cs.ACCOUNT_AGGREGATE, "patient")] else None
    if bucket is None and text in {b.value for b in Bucket if b.is_insurance}:
        bucket = Bucket(text)
    elif bucket is None:
        extension.reader.assume(extension.path, "an insurance balance without its bucket: primary")
        bucket = Bucket.PRIMARY
    return None if amount is None else (bucket, amount)


def account_from_fhir(
    resource: Mapping[str, Any], *, resources: Resources = None
) -> Mapped[BillingAccount]:
    """A FHIR R4 Account as a [`BillingAccount`][billing_core.fhir.BillingAccount].

    Args:
        resource: The Account.
        resources: Its Coverages and their payers' Organizations.

    Raises:
        ValidationError: Every problem at once, each located by element path.

    Examples:
        >>> account_from_fhir({"resourceType": "Account", "id": "A1", "status": "active"})
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: Account.subject: required by the library: the patient
    """
    reader, node = start(resource, "Account")
    resolver = Resolver(resources)
    resolver.add_contained(node)
    node.lose("text", "the narrative is not kept")
    identifiers = node.children("identifier")
    account_id = (identifiers[0].text("value") if identifiers else None) or node.text("id")
    node.raw("id")
    if node.text("status") not in ("active", None):
        reader.lose(node.at("status"), "an account's status is not kept")
    subjects = node.children("subject")
    if not subjects:
        reader.fail(node.at("subject"), "required by the library: the patient")
    patient_id = referenced_id(subjects[0], "Patient") if subjects else None
    coverages = []
    for entry in node.children("coverage"):
        ref = entry.child("coverage", required=True)
        followed = None if ref is None else resolver.follow(ref, ("Coverage",))
        coverage = None if followed is None else read_coverage(followed[0], resolver, patient_id)
        priority = entry.integer("priority")
        if coverage is not None:
            coverages.append(coverage)
            if priority not in (None, coverage.sequence.value):
                reader.lose(entry.at("priority"), "the coverage's own order is kept")
    guarantors = node.children("guarantor")
    guarantor_id = (
        referenced_id(guarantors[0].child("party"), "RelatedPerson") if guarantors else None
    )
    balances = []
    for extension in node.children("extension"):
        if extension.text("url") == cs.ACCOUNT_BALANCE:
            balances.append(_read_balance(extension))
        else:
            extension.drop("an extension this library does not know")
    resolver.report_unfollowed(reader)
    reader.check()
    try:
        account = BillingAccount(
            id=account_id or "",
            patient_id=patient_id or "",
            coverages=coverages,
            guarantor_id=guarantor_id,
            open=[b for b in balances if b is not None],
        )
    except (BillingError, ValueError, TypeError) as exc:
        reader.fail(node.path, str(exc))
        reader.check()
        raise
    return Mapped(value=account, report=reader.report())
