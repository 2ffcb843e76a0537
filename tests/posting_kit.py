"""Builders shared by the posting tests: claims, charges and 835 answers in a few words."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.codes import ProcedureCode
from billing_core.ledger import (
    Adjustment,
    AppealHold,
    Bucket,
    CashHeld,
    ChargePosted,
    CreditTransfer,
    Entry,
    PaymentApplied,
    ProviderPayment,
    ProviderWithholding,
    Reversal,
    validate_history,
)
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer
from billing_core.posting import PostingPlan, apply_posting, plan_posting
from billing_core.remittance import CasAdjustment as Cas
from billing_core.remittance import ClaimPayment, ProviderAdjustment, Remittance, ServicePayment

D = datetime.date
DAY = D(2024, 3, 4)
PAID_ON = D(2024, 4, 1)
CPT = ProcedureCode("CPT", "99213")
ACME = Payer(id="acme", name="Acme Health")
BETA = Payer(id="beta", name="Beta Care")
PRIMARY = Coverage(id="COV1", payer=ACME, member_id="M1", sequence=CoverageSequence.PRIMARY)
SECONDARY = Coverage(id="COV2", payer=BETA, member_id="M2", sequence=CoverageSequence.SECONDARY)


def usd(text: str) -> Money:
    return Money(text, "USD")


def cas(group: str, *pairs: tuple[str, str]) -> tuple[Cas, ...]:
    return Cas.from_cas(group, *((r, usd(a)) for r, a in pairs))


def item(line_id: str, charge: str, **kw: object) -> LineItem:
    return LineItem(
        id=line_id,
        category=kw.pop("category", Category.PROCEDURE),  # type: ignore[arg-type]
        service_date=DAY,
        procedure=kw.pop("procedure", CPT),  # type: ignore[arg-type]
        charge=usd(charge),
        **kw,  # type: ignore[arg-type]
    )


def claim(
    claim_id: str, lines: Sequence[LineItem], account: str = "A1", coverage: Coverage = PRIMARY
) -> Claim:
    return Claim(
        id=claim_id,
        account_id=account,
        patient_id="P1",
        coverage=coverage,
        claim_date=DAY,
        lines=lines,
    )


def charges(*claims: Claim, bucket: Bucket = Bucket.PRIMARY) -> list[Entry]:
    return [
        ChargePosted(
            id=f"charge-{line.id}",
            account_id=c.account_id,
            line_id=line.id,
            effective=DAY,
            amount=line.charge,
            bucket=bucket,
        )
        for c in claims
        for line in c.lines
    ]


def remit(
    total: str,
    claims: Sequence[ClaimPayment],
    plbs: Sequence[ProviderAdjustment] = (),
    trace: str = "TRN-1",
) -> Remittance:
    return Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=usd(total),
        payment_method="ACH",
        trace_number=trace,
        paid_date=PAID_ON,
        claims=claims,
        provider_adjustments=plbs,
    )


def svc(lcn: str | None, charge: str, paid: str, *adjs: Cas, **kw: object) -> ServicePayment:
    return ServicePayment(
        line_control_number=lcn,
        procedure=kw.pop("procedure", CPT),  # type: ignore[arg-type]
        service_date=DAY,
        charge=usd(charge),
        paid=usd(paid),
        adjustments=adjs,
        **kw,  # type: ignore[arg-type]
    )


def clp(
    pcn: str, charge: str, paid: str, *lines: ServicePayment, status: str = "1", **kw: object
) -> ClaimPayment:
    return ClaimPayment(
        patient_control_number=pcn,
        status=status,
        charge=usd(charge),
        paid=usd(paid),
        lines=lines,
        **kw,  # type: ignore[arg-type]
    )


def post(
    r: Remittance, claims: Sequence[Claim], history: list[Entry], **kw: object
) -> tuple[PostingPlan, list[Entry]]:
    plan = plan_posting(r, claims, history, **kw)  # type: ignore[arg-type]
    assert not plan.refused, plan.explain()
    new = list(apply_posting(plan, history))
    after = history + new
    assert validate_history(after) == ()
    assert plan.reconciliation().ok, str(plan.reconciliation())
    return plan, after


def summary(entries: Sequence[Entry]) -> list[tuple[str, str | None, str, str]]:
    out = []
    for e in entries:
        detail = ""
        if isinstance(e, Adjustment):
            detail = f"{e.group}-{e.reason}" + (f"->{e.to_bucket}" if e.to_bucket else "")
        elif isinstance(e, PaymentApplied):
            detail = str(e.bucket)
        elif isinstance(e, Reversal):
            detail = f"reverses {type(e.original).__name__}"
        elif isinstance(e, AppealHold):
            detail = f"{e.group}-{e.reason} held"
        elif isinstance(e, CashHeld):
            line = "" if e.service_line is None else f" line {e.service_line}"
            detail = e.claim_reference + line
        elif isinstance(e, ProviderPayment | ProviderWithholding):
            detail = f"{e.reason} {e.reference}" + (f" -> {e.claim_id}" if e.claim_id else "")
        elif isinstance(e, CreditTransfer):
            detail = f"-> {e.to_account}"
        out.append((type(e).__name__, e.line_id, str(e.amount.amount), detail))
    return out
