"""The notebook view and records of a remittance (private; see ``Remittance.to_html``).

The tables show no patient identifier (the patient control number is our
claim's id): the names and references a claim payment carries are left out of
them, and their own ``repr`` masks them.

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> from billing_core.remittance import ClaimPayment, Remittance
    >>> usd = lambda s: Money(s, "USD")
    >>> r = Remittance(payer="P1", payee="1234567893", total_payment=usd("80"),
    ...                payment_method="CHK", trace_number="T-1",
    ...                paid_date=datetime.date(2024, 5, 1),
    ...                claims=[ClaimPayment(patient_control_number="CLM1", status="1",
    ...                                     charge=usd("100"), paid=usd("80"))])
    >>> remittance_records(r, "claims", "minor")[0]["paid"]
    8000
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from billing_core.codes import GroupCode
from billing_core.money import Money, format_money
from billing_core.remittance._adjustments import CasAdjustment
from billing_core.views import MoneyForm, Record, html_table, money_value
from billing_core.views._records import check_money_form

if TYPE_CHECKING:  # the remittance's module imports this one for its methods
    from billing_core.remittance._advice import Remittance

__all__ = ["RemittanceLevel", "remittance_html", "remittance_records"]

RemittanceLevel = Literal["claims", "lines", "provider"]


def _codes(adjustments: tuple[CasAdjustment, ...]) -> str:
    return "; ".join(str(a) for a in adjustments)


def _claim_rows(r: Remittance, money: MoneyForm) -> list[Record]:
    rows: list[Record] = []
    for c in r.claims:
        by_group = c.adjusted_by_group()
        row: Record = {
            "remittance_id": r.id,
            "claim_id": c.patient_control_number,
            "status": c.status.value,
            "charge": money_value(c.charge, money),
            "paid": money_value(c.paid, money),
            "patient_responsibility": (
                None
                if c.patient_responsibility is None
                else money_value(c.patient_responsibility, money)
            ),
        }
        for group in (GroupCode.CO, GroupCode.PR, GroupCode.OA, GroupCode.PI):
            row[f"adjusted_{group.value}"] = money_value(
                by_group.get(group, Money.zero(r.currency)), money
            )
        row["payer_claim_control_number"] = c.payer_claim_control_number
        row["lines"] = len(c.lines)
        row["currency"] = r.currency
        rows.append(row)
    return rows


def _line_rows(r: Remittance, money: MoneyForm) -> list[Record]:
    return [
        {
            "remittance_id": r.id,
            "claim_id": c.patient_control_number,
            "line_control_number": s.line_control_number,
            "procedure": None if s.procedure is None else str(s.procedure),
            "service_date": s.service_date,
            "charge": money_value(s.charge, money),
            "paid": money_value(s.paid, money),
            "allowed": None if s.allowed is None else money_value(s.allowed, money),
            "adjustments": _codes(s.adjustments),
            "remarks": "; ".join(str(m) for m in s.remarks),
            "currency": r.currency,
        }
        for c in r.claims
        for s in c.lines
    ]


def remittance_records(r: Remittance, level: RemittanceLevel, money: MoneyForm) -> list[Record]:
    """The remittance as flat rows: one per claim, per service line, or per PLB adjustment."""
    check_money_form(money)
    if level == "claims":
        return _claim_rows(r, money)
    if level == "lines":
        return _line_rows(r, money)
    if level == "provider":
        return [
            {
                "remittance_id": r.id,
                "reason": p.reason.value,
                "reference": p.reference,
                "amount": money_value(p.amount, money),
                "currency": r.currency,
            }
            for p in r.provider_adjustments
        ]
    raise ValueError(f"level must be claims, lines or provider, got {level!r:.40}")


def remittance_html(r: Remittance) -> str:
    """The remittance as HTML: one row per claim with the totals, then the PLB adjustments."""
    import html  # only when rendering: the everyday names never load it

    fmt = format_money
    rows = [
        [
            c.patient_control_number,
            f"{c.status.value} ({c.status.name.lower().replace('_', ' ')})",
            fmt(c.charge),
            fmt(c.paid),
            "" if c.patient_responsibility is None else fmt(c.patient_responsibility),
            _codes(c.adjustments + tuple(a for s in c.lines for a in s.adjustments)),
            len(c.lines),
        ]
        for c in r.claims
    ]
    charged = Money.from_minor(sum(c.charge.minor for c in r.claims), r.currency)
    paid = Money.from_minor(sum(c.paid.minor for c in r.claims), r.currency)
    footer = ["total", "", fmt(charged), fmt(paid), "", "", sum(len(c.lines) for c in r.claims)]
    caption = (
        f"Remittance {r.id} from payer {r.payer} to payee {r.payee}: {fmt(r.total_payment)}"
        f" by {r.payment_method.value} on {r.paid_date.isoformat()} (trace {r.trace_number})"
    )
    columns = ["claim", "status", "charge", "paid", "patient resp.", "adjustments", "lines"]
    parts = [html_table(columns, rows, caption=caption, right=(2, 3, 4, 6), footer=footer)]
    if r.provider_adjustments:
        plb = [[p.reason.value, p.reference, fmt(p.amount)] for p in r.provider_adjustments]
        plb_total = Money.from_minor(
            sum(p.amount.minor for p in r.provider_adjustments), r.currency
        )
        parts.append(
            html_table(
                ["provider adjustment", "reference", "amount"],
                plb,
                right=(2,),
                footer=["total", "", fmt(plb_total)],
            )
        )
        parts.append(
            f"<p>Claims paid {html.escape(fmt(paid))} minus provider adjustments"
            f" {html.escape(fmt(plb_total))}; payment {html.escape(fmt(r.total_payment))}.</p>"
        )
    return "\n".join(parts)
