"""Did each payer pay its contract? The variances of a plan (private; see ``billing_core.posting``).

Given the contracts by payer id, [`plan_posting`][billing_core.posting.plan_posting]
sets each claim payment it posts against the contract of the claim's payer
([`payment_variance`][billing_core.fees.payment_variance]): the plan carries
the reports, and their findings join the plan's as warnings (a variance is
for someone to look at; it never refuses a posting).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from billing_core._checks import describe
from billing_core.claims import Claim
from billing_core.errors import Finding, Severity, ValidationError
from billing_core.remittance import ClaimStatus, Remittance

if TYPE_CHECKING:  # imported where used: a plan without contracts never loads the fee machinery
    from billing_core.fees import Contract, VarianceReport

_NOT_ADJUDICATED: Final = frozenset({ClaimStatus.PREDETERMINATION, ClaimStatus.NOT_OUR_CLAIM})
"""Statuses of a claim payment the payer did not adjudicate: nothing to set against a contract."""

_RULE: Final = "posting.contracts"


def check_contracts(contracts: object) -> dict[str, Contract]:
    """The contracts by payer id, checked (``None``: no contracts).

    Raises:
        ValidationError: Naming every key that is not a payer id and every
            value that is not a [`Contract`][billing_core.fees.Contract].
    """
    if contracts is None:
        return {}
    if not isinstance(contracts, Mapping):
        message = f"must map payer ids to their contracts, got {describe(contracts)}"
        raise ValidationError([Finding(location="contracts", message=message, rule=_RULE)])
    from billing_core.fees import Contract  # loaded already: the caller built the contracts

    findings: list[Finding] = []
    for key, value in contracts.items():
        if not isinstance(key, str):
            message = f"a payer id must be a str, got {describe(key)}"
            findings.append(Finding(location="contracts", message=message, rule=_RULE))
        elif not isinstance(value, Contract):
            message = f"not a Contract: {describe(value)}"
            findings.append(Finding(location=f"contracts[{key!r}]", message=message, rule=_RULE))
    if findings:
        raise ValidationError(findings)
    return dict(contracts)


def plan_variances(
    remittance: Remittance, claims: Mapping[str, Claim], contracts: Mapping[str, Contract]
) -> tuple[tuple[VarianceReport, ...], list[Finding]]:
    """The variance of each claim payment of ours whose payer has a contract, and its findings.

    A claim payment is compared when it answers one of ``claims`` (patient
    control number = claim id) in the remittance's currency, is not a
    reversal (the original payment was compared when it was posted), and
    was adjudicated (not a predetermination, not "not our claim"). A
    contract in another currency than the remittance compares nothing and
    says so.
    """
    if not contracts:
        return (), []
    from billing_core.fees import payment_variance

    reports: list[VarianceReport] = []
    findings: list[Finding] = []
    for number, cp in enumerate(remittance.claims, start=1):
        claim = claims.get(cp.patient_control_number)
        if claim is None or cp.is_reversal or cp.status in _NOT_ADJUDICATED:
            continue
        contract = contracts.get(claim.payer.id)
        # A claim in another currency is refused by the plan itself: nothing to compare.
        if contract is None or claim.currency != remittance.currency:
            continue
        if contract.currency != remittance.currency:
            message = (
                f"contract {contract.name!r} of payer {claim.payer.id!r} is in"
                f" {contract.currency}, the remittance in {remittance.currency}: not compared"
            )
            where = f"claim {number} ({claim.id})"
            findings.append(
                Finding(location=where, message=message, severity=Severity.WARNING, rule=_RULE)
            )
            continue
        report = payment_variance(claim, cp, contract)
        reports.append(report)
        findings.extend(report.findings)
    return tuple(reports), findings
