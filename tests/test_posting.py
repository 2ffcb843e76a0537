from __future__ import annotations

import datetime
import hashlib
import pickle
from collections.abc import Sequence

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.balances import credits, line_balances
from billing_core.charges import (
    Category,
    DocumentKind,
    DocumentRef,
    LineItem,
    PatientAuthorization,
)
from billing_core.claims import Claim
from billing_core.codes import GroupCode, ProcedureCode
from billing_core.errors import (
    DuplicateError,
    Severity,
    StalePlanError,
    UnbalancedError,
    ValidationError,
)
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    Refund,
    Reversal,
    validate_history,
)
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer
from billing_core.posting import (
    ClaimLevelRule,
    FollowUpKind,
    PostingPlan,
    ProviderPostingKind,
    apply_posting,
    idempotency_key,
    plan_posting,
)
from billing_core.remittance import CasAdjustment as Cas
from billing_core.remittance import (
    ClaimPayment,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)
from billing_core.serialization import from_json, to_json
from billing_core.testing.strategies.remittance import PostingScenario, posting_scenarios

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
    plan = plan_posting(r, claims, line_balances(history, PAID_ON), history=history, **kw)  # type: ignore[arg-type]
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
        out.append((type(e).__name__, e.line_id, str(e.amount.amount), detail))
    return out


# --- known answers -------------------------------------------------------------------


def test_two_claims_deductible_contractual_and_claim_level() -> None:
    # "Dollars and data sent separately": claim-level CO-A2 comes out of what the line paid.
    c1 = claim("5554555444", [item("L1", "800")])
    c2 = claim("8765432112", [item("L2", "1200")], account="A2")
    r = remit(
        "945",
        [
            clp(
                "5554555444",
                "800",
                "450",
                svc("L1", "800", "500", *cas("PR", ("1", "300"))),
                adjustments=cas("CO", ("A2", "50")),
            ),
            clp(
                "8765432112",
                "1200",
                "495",
                svc("L2", "1200", "550", *cas("PR", ("1", "600")), *cas("CO", ("45", "50"))),
                adjustments=cas("CO", ("A2", "55")),
            ),
        ],
    )
    history = charges(c1, c2)
    plan, after = post(r, [c1, c2], history)
    assert summary(plan.entries) == [
        ("PaymentReceived", None, "450.00", ""),
        ("PaymentApplied", "L1", "450.00", "primary"),  # 500 - 50
        ("Adjustment", "L1", "50.00", "CO-A2"),
        ("Adjustment", "L1", "300.00", "PR-1->patient"),
        ("PaymentReceived", None, "495.00", ""),
        ("PaymentApplied", "L2", "495.00", "primary"),  # 550 - 55
        ("Adjustment", "L2", "50.00", "CO-45"),
        ("Adjustment", "L2", "55.00", "CO-A2"),
        ("Adjustment", "L2", "600.00", "PR-1->patient"),
    ]
    assert plan.accounts == ("A1", "A2")
    lb = line_balances(after, PAID_ON)
    assert lb["L1"].open.of(Bucket.PATIENT) == usd("300")
    assert lb["L2"].open.of(Bucket.PATIENT) == usd("600")
    assert lb["L1"].open.of(Bucket.PRIMARY) == usd("0")
    assert len(plan.idempotency_key) == 64


def test_pr_goes_to_the_next_coverage_when_the_account_has_one() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("70", [clp("C1", "100", "70", svc("L1", "100", "70", *cas("PR", ("2", "30"))))])
    plan, after = post(r, [c], charges(c), coverages={"A1": [PRIMARY, SECONDARY]})
    (pr,) = [e for e in plan.entries if isinstance(e, Adjustment)]
    assert pr.to_bucket is Bucket.SECONDARY
    assert line_balances(after, PAID_ON)["L1"].open.of(Bucket.SECONDARY) == usd("30")


@pytest.mark.parametrize(
    ("rule", "designated", "expected"),
    [
        # 10.00 over charges 100/200: 3.333.. and 6.666.. -> 3.33 and 6.67
        (ClaimLevelRule.PROPORTIONAL_TO_CHARGE, None, ["3.33", "6.67"]),
        # over paid 90/60: 6.00 and 4.00
        (ClaimLevelRule.PROPORTIONAL_TO_PAID, None, ["6.00", "4.00"]),
        (ClaimLevelRule.DESIGNATED_LINE, {"C1": "L2"}, [None, "10.00"]),
    ],
)
def test_claim_level_adjustment_distribution(
    rule: ClaimLevelRule, designated: dict[str, str] | None, expected: list[str | None]
) -> None:
    c = claim("C1", [item("L1", "100"), item("L2", "200")])
    r = remit(
        "140",
        [
            clp(
                "C1",
                "300",
                "140",
                svc("L1", "100", "90", *cas("CO", ("45", "10"))),
                svc("L2", "200", "60", *cas("CO", ("45", "140"))),
                adjustments=cas("CO", ("253", "10")),
            )
        ],
    )
    plan, after = post(r, [c], charges(c), claim_level_rule=rule, designated_lines=designated)
    shares = {
        e.line_id: str(e.amount.amount)
        for e in plan.entries
        if isinstance(e, Adjustment) and e.reason == "253"
    }
    assert [shares.get("L1"), shares.get("L2")] == expected
    lb = line_balances(after, PAID_ON)
    assert lb["L1"].balance == usd("0") and lb["L2"].balance == usd("0")
    total_253 = sum(Money(s, "USD").minor for s in shares.values())
    assert total_253 == 1000  # exact to the cent


def test_claim_answered_without_lines_is_spread_over_our_lines() -> None:
    # Institutional style: CLP only, CO-45 at claim level.
    c = claim("666123", [item("L1", "100.00"), item("L2", "200.01")])
    r = remit("200.01", [clp("666123", "300.01", "200.01", adjustments=cas("CO", ("45", "100")))])
    _, after = post(r, [c], charges(c))
    lb = line_balances(after, PAID_ON)
    # CO-45 100.00 by charge 100.00/200.01: 33.33 / 66.67; each line's paid is what is left
    assert lb["L1"].adjusted == usd("33.33") and lb["L1"].paid == usd("66.67")
    assert lb["L2"].adjusted == usd("66.67") and lb["L2"].paid == usd("133.34")
    assert lb["L1"].balance == lb["L2"].balance == usd("0")


def secondary_history() -> tuple[Claim, list[Entry]]:
    """Line of 541: the primary paid 400, wrote off CO-45 116 and left 25 to the secondary."""
    line = item("L1", "541")
    c = claim("0001000055", [line], coverage=SECONDARY)
    acme = Party.payer("acme")
    history: list[Entry] = [
        *charges(c),
        PaymentReceived(id="p", account_id="A1", effective=DAY, amount=usd("400"), party=acme),
        PaymentApplied(
            id="a",
            account_id="A1",
            line_id="L1",
            effective=DAY,
            amount=usd("400"),
            party=acme,
            bucket=Bucket.PRIMARY,
        ),
        Adjustment(
            id="j",
            account_id="A1",
            line_id="L1",
            effective=DAY,
            amount=usd("116"),
            bucket=Bucket.PRIMARY,
            group=GroupCode.CO,
            reason="45",
        ),
        Adjustment(
            id="k",
            account_id="A1",
            line_id="L1",
            effective=DAY,
            amount=usd("25"),
            bucket=Bucket.PRIMARY,
            group=GroupCode.PR,
            reason="2",
            to_bucket=Bucket.SECONDARY,
        ),
    ]
    return c, history


def test_secondary_with_prior_payer_impact_and_negative_adjustment() -> None:
    c, history = secondary_history()
    # 541 - OA-23 516 - OA-94 (-9) = 34 paid; the secondary bucket holds 25
    r = remit(
        "34",
        [
            clp(
                "0001000055",
                "541",
                "34",
                svc("L1", "541", "34", *cas("OA", ("23", "516")), *cas("OA", ("94", "-9"))),
                status="2",
            )
        ],
    )
    plan, after = post(r, [c], history)
    assert summary(plan.entries) == [
        ("PaymentReceived", None, "34.00", ""),
        ("PaymentApplied", "L1", "25.00", "secondary"),
    ]
    assert [f.rule for f in plan.findings] == ["posting.overpaid"]
    lb = line_balances(after, PAID_ON)["L1"]
    assert lb.balance == usd("0")
    assert credits(after, PAID_ON)[Party.payer("beta")].available == usd("9")


def test_tertiary_payment() -> None:
    line = item("L1", "1766.50")
    tertiary = Coverage(id="C3", payer=BETA, member_id="M3", sequence=CoverageSequence.TERTIARY)
    c = claim("0001000054", [line], coverage=tertiary)
    # the first two payers left 187.50 to the tertiary bucket
    history = charges(c, bucket=Bucket.TERTIARY)
    history[0] = attrs.evolve(history[0], amount=usd("187.50"))
    r = remit(
        "187.50",
        [
            clp(
                "0001000054",
                "1766.50",
                "187.50",
                svc("L1", "1766.50", "187.50", *cas("OA", ("23", "1579"))),
                status="3",
            )
        ],
    )
    plan, after = post(r, [c], history)
    assert summary(plan.entries)[1] == ("PaymentApplied", "L1", "187.50", "tertiary")
    assert line_balances(after, PAID_ON)["L1"].balance == usd("0")


def test_denial_is_posted_and_marked_for_follow_up() -> None:
    c = claim("2005555A", [item("L1", "500.04"), item("L2", "127.80")])
    r = remit(
        "0",
        [
            clp(
                "2005555A",
                "627.84",
                "0",
                svc("L1", "500.04", "0", *cas("CO", ("16", "500.04")), remarks=["N14"]),
                svc("L2", "127.80", "0", *cas("OA", ("A7", "127.80"))),
                status="4",
            )
        ],
    )
    plan, _ = post(r, [c], charges(c))
    assert summary(plan.entries) == [
        ("Adjustment", "L1", "500.04", "CO-16"),
        ("Adjustment", "L2", "127.80", "OA-A7"),
    ]
    (follow,) = plan.follow_ups
    assert follow.kind is FollowUpKind.DENIED
    assert follow.reasons == ("CO-16", "OA-A7") and follow.remarks == ("N14",)
    assert follow.claim_id == "2005555A" and follow.amount == usd("627.84")


def test_not_our_claim_is_distinct_from_a_denial_and_posts_nothing() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("0", [clp("C1", "100", "0", status="23", adjustments=cas("OA", ("109", "100")))])
    plan, _ = post(r, [c], charges(c))
    assert plan.entries == ()
    assert [f.kind for f in plan.follow_ups] == [FollowUpKind.NOT_OUR_CLAIM]


def test_crossover_is_recorded() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit(
        "80",
        [
            clp(
                "C1",
                "100",
                "80",
                svc("L1", "100", "80", *cas("PR", ("2", "20"))),
                status="19",
                payer_claim_control_number="X9",
            )
        ],
    )
    plan, _ = post(r, [c], charges(c), coverages={"A1": [Bucket.PRIMARY, Bucket.SECONDARY]})
    (cross,) = plan.crossovers
    assert (cross.claim_id, cross.from_bucket, cross.to_bucket) == (
        "C1",
        Bucket.PRIMARY,
        Bucket.SECONDARY,
    )
    assert plan.crossed_over_claims == frozenset({"C1"})


def original_and_history() -> tuple[Claim, ClaimPayment, list[Entry]]:
    c = claim("A-1", [item("L1", "100")])
    original = clp(
        "A-1",
        "100",
        "70",
        svc("L1", "100", "70", *cas("CO", ("45", "20")), *cas("PR", ("2", "10"))),
        payer_claim_control_number="P-1",
    )
    _, after = post(remit("70", [original], trace="T-ORIG"), [c], charges(c))
    return c, original, after


def test_reversal_and_correction() -> None:
    c, original, history = original_and_history()
    correction = clp(
        "A-1",
        "100",
        "75",
        svc("L1", "100", "75", *cas("CO", ("45", "15")), *cas("PR", ("2", "10"))),
        payer_claim_control_number="P-2",
    )
    # -70 + 75 = 5 sent with the pair
    r = remit("5", [original.as_reversal(), correction], trace="T-FIX")
    plan, after = post(r, [c], history)
    kinds = summary(plan.entries)
    assert kinds[0] == ("PaymentReceived", None, "5.00", "")
    assert kinds[1:4] == [
        ("Reversal", "L1", "-70.00", "reverses PaymentApplied"),
        ("Reversal", "L1", "-20.00", "reverses Adjustment"),
        ("Reversal", "L1", "-10.00", "reverses Adjustment"),
    ]
    lb = line_balances(after, PAID_ON)["L1"]
    assert lb.paid == usd("75") and lb.adjusted == usd("15")
    assert lb.open.of(Bucket.PATIENT) == usd("10") and lb.balance == usd("10")


def test_reversal_alone_is_recouped() -> None:
    c, original, history = original_and_history()
    plan, after = post(remit("-70", [original.as_reversal()], trace="T-REV"), [c], history)
    assert isinstance(plan.entries[0], Refund) and plan.entries[0].amount == usd("70")
    lb = line_balances(after, PAID_ON)["L1"]
    assert lb.open.of(Bucket.PRIMARY) == usd("100") and lb.paid == usd("0")
    assert credits(after, PAID_ON)[Party.payer("acme")].available == usd("0")


def test_two_payers_on_one_account_each_receive_their_own_cash() -> None:
    # Regression: the cash was summed per account and recorded under the first claim's
    # payer (one PaymentReceived of 120 for acme), while each line's payment was applied
    # under its own claim's payer: beta applied 60 it never received (credit -60).
    beta_primary = attrs.evolve(SECONDARY, id="COV3", sequence=CoverageSequence.PRIMARY)
    c1 = claim("C1", [item("L1", "100")])
    c2 = claim("C2", [item("L2", "100")], coverage=beta_primary)
    r = remit(
        "120",
        [
            clp("C1", "100", "60", svc("L1", "100", "60", *cas("CO", ("45", "40")))),
            clp("C2", "100", "60", svc("L2", "100", "60", *cas("CO", ("45", "40")))),
        ],
    )
    history = charges(c1, c2)
    plan = plan_posting(r, [c1, c2], line_balances(history, PAID_ON))
    assert not plan.refused, plan.explain()
    assert validate_history([*history, *plan.entries]) == ()
    received = [e for e in plan.entries if isinstance(e, PaymentReceived)]
    assert [(e.party, e.amount) for e in received] == [
        (Party.payer("acme"), usd("60")),
        (Party.payer("beta"), usd("60")),
    ]
    prefix = plan.idempotency_key[:16]
    assert [e.id for e in received] == [f"{prefix}.received.A1.acme", f"{prefix}.received.A1.beta"]
    applied = [
        (e.line_id, e.party, e.amount) for e in plan.entries if isinstance(e, PaymentApplied)
    ]
    assert applied == [
        ("L1", Party.payer("acme"), usd("60")),
        ("L2", Party.payer("beta"), usd("60")),
    ]
    _, after = post(r, [c1, c2], history)
    available = {party: c.available for party, c in credits(after, PAID_ON).items()}
    assert available == {Party.payer("acme"): usd("0"), Party.payer("beta"): usd("0")}
    assert plan.reconciliation().ok


def test_two_payers_on_one_account_recoup_and_pay_separately() -> None:
    # acme's 70 is recouped (a Refund of acme's money) while beta pays 50 on the same
    # account in the same remittance (-70 + 50 = -20): never one net entry of -20.
    c1, original, history = original_and_history()
    beta_primary = attrs.evolve(SECONDARY, id="COV3", sequence=CoverageSequence.PRIMARY)
    c2 = claim("C2", [item("L2", "100")], coverage=beta_primary)
    history = [*history, *charges(c2)]
    r = remit(
        "-20",
        [
            original.as_reversal(),
            clp("C2", "100", "50", svc("L2", "100", "50", *cas("CO", ("45", "50")))),
        ],
        trace="T-MIX",
    )
    plan, after = post(r, [c1, c2], history)
    cash = [
        (type(e).__name__, e.party, e.amount)
        for e in plan.entries
        if isinstance(e, PaymentReceived | Refund)
    ]
    assert cash == [
        ("Refund", Party.payer("acme"), usd("70")),
        ("PaymentReceived", Party.payer("beta"), usd("50")),
    ]
    available = {party: c.available for party, c in credits(after, PAID_ON).items()}
    assert available == {Party.payer("acme"): usd("0"), Party.payer("beta"): usd("0")}


def test_reversal_without_an_original_is_refused() -> None:
    c = claim("A-1", [item("L1", "100")])
    rev = clp("A-1", "100", "70", svc("L1", "100", "70", *cas("CO", ("45", "30")))).as_reversal()
    plan = plan_posting(remit("-70", [rev]), [c], line_balances(charges(c), PAID_ON))
    assert plan.refused and plan.entries == ()
    assert [f.rule for f in plan.errors] == ["posting.reversal_unpaired"]


def test_reversal_that_does_not_match_the_original_is_refused() -> None:
    c, original, history = original_and_history()
    wrong = attrs.evolve(
        original,
        paid=usd("60"),
        lines=[svc("L1", "100", "60", *cas("CO", ("45", "30")), *cas("PR", ("2", "10")))],
    ).as_reversal()
    plan = plan_posting(
        remit("-60", [wrong]), [c], line_balances(history, PAID_ON), history=history
    )
    assert [f.rule for f in plan.errors] == ["posting.reversal_mismatch"]


def test_interest_via_provider_level_adjustment() -> None:
    c = claim("C1", [item("L1", "100")])
    interest = ProviderAdjustment(reason="L6", reference="C1", amount=usd("-2.50"))
    r = remit("102.50", [clp("C1", "100", "100", svc("L1", "100", "100"))], [interest])
    plan, _ = post(r, [c], charges(c))
    (p,) = plan.provider_entries
    assert p.kind is ProviderPostingKind.INTEREST and p.cash == usd("2.50")
    check = plan.reconciliation()
    assert (check.left, check.right) == (usd("102.50"), usd("102.50"))


def test_recoupment_and_forwarding_balance() -> None:
    c = claim("C1", [item("L1", "100")])
    plbs = [
        ProviderAdjustment(reason="WO", reference="OLD-9", amount=usd("30")),
        ProviderAdjustment(reason="FB", reference="NEXT", amount=usd("-5")),
    ]
    r = remit("75", [clp("C1", "100", "100", svc("L1", "100", "100"))], plbs)
    plan, _ = post(r, [c], charges(c))
    assert [p.kind for p in plan.provider_entries] == [
        ProviderPostingKind.RECOUPMENT,
        ProviderPostingKind.FORWARDING_BALANCE,
    ]
    assert plan.reconciliation().ok


# --- matching ------------------------------------------------------------------------


def test_dropped_line_control_number_falls_back_to_procedure_date_charge() -> None:
    c = claim(
        "C1",
        [
            item("L1", "100", procedure=ProcedureCode("CPT", "99213", ["25"])),
            item("L2", "50", procedure=ProcedureCode("CPT", "36415")),
        ],
    )
    r = remit(
        "150",
        [
            clp(
                "C1",
                "150",
                "150",
                svc(None, "50", "50", procedure=ProcedureCode("CPT", "36415")),
                svc(None, "100", "100"),
            )
        ],  # payer dropped the modifier too
    )
    plan, after = post(r, [c], charges(c))
    assert [f.rule for f in plan.findings] == ["posting.line_matched_by_service"] * 2
    lb = line_balances(after, PAID_ON)
    assert lb["L1"].paid == usd("100") and lb["L2"].paid == usd("50")


def test_ambiguous_fallback_is_refused_not_guessed() -> None:
    c = claim("C1", [item("L1", "100"), item("L2", "100")])
    r = remit(
        "100",
        [
            clp(
                "C1",
                "200",
                "100",
                svc(None, "100", "100"),
                svc("L2", "100", "0", *cas("CO", ("45", "100"))),
            )
        ],
    )
    plan = plan_posting(r, [c], line_balances(charges(c), PAID_ON))
    # L2 is taken by its control number, so only L1 remains: matched, not ambiguous
    assert not plan.refused
    r2 = remit("200", [clp("C1", "200", "200", svc(None, "100", "100"), svc(None, "100", "100"))])
    plan2 = plan_posting(r2, [c], line_balances(charges(c), PAID_ON))
    assert plan2.refused and plan2.entries == ()
    assert {f.rule for f in plan2.errors} == {"posting.unmatched_line"}
    assert plan2.errors[0].location == "claim 1 (C1) line 1"


def test_unmatched_claim_is_refused_or_held() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("150", [clp("C1", "100", "100", svc("L1", "100", "100")), clp("ZZZ", "50", "50")])
    balances = line_balances(charges(c), PAID_ON)
    refused = plan_posting(r, [c], balances)
    assert refused.refused and refused.entries == () and refused.provider_entries == ()
    assert refused.errors[0].location == "claim 2 (ZZZ)"
    with pytest.raises(ValidationError, match="no claim 'ZZZ'"):
        apply_posting(refused, charges(c))
    held = plan_posting(r, [c], balances, skip_unmatched=True)
    assert not held.refused
    assert [p.kind for p in held.provider_entries] == [ProviderPostingKind.UNMATCHED_CLAIM]
    assert held.reconciliation().ok


def test_line_control_number_of_another_claim() -> None:
    c1 = claim("C1", [item("L1", "100")])
    c2 = claim("C2", [item("L2", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L2", "100", "100"))])
    plan = plan_posting(r, [c1, c2], line_balances(charges(c1, c2), PAID_ON))
    (error,) = plan.errors
    assert error.rule == "posting.line_of_other_claim"
    assert error.location == "claim 1 (C1) line 1 (L2)"


def test_two_claims_with_one_line_id_are_refused() -> None:
    # balances are keyed by line id: the plan must not mix two accounts' lines named "1"
    c1 = claim("C1", [item("1", "100")])
    c2 = claim("C2", [item("1", "100")], account="A2")
    r = remit("100", [clp("C1", "100", "100", svc("1", "100", "100"))])
    plan = plan_posting(r, [c1, c2], line_balances(charges(c1), PAID_ON))
    assert plan.refused and plan.entries == ()
    assert [(f.rule, f.location) for f in plan.errors] == [
        ("posting.duplicate_line_id", "claim C2 line 1")
    ]
    # a replacement claim on the same account reuses the original's line items: fine
    c3 = claim("C3", [item("1", "100")])
    assert not plan_posting(r, [c1, c3], line_balances(charges(c1), PAID_ON)).refused


def test_same_claim_twice_is_refused_unless_reversal_and_correction() -> None:
    c = claim("C1", [item("L1", "100")])
    cp = clp("C1", "100", "50", svc("L1", "100", "50", *cas("CO", ("45", "50"))))
    plan = plan_posting(remit("100", [cp, cp]), [c], line_balances(charges(c), PAID_ON))
    assert "posting.duplicate_claim" in {f.rule for f in plan.errors}
    assert plan.entries == ()


def test_claim_in_another_currency() -> None:
    eur_item = LineItem(
        id="L1",
        category=Category.PROCEDURE,
        service_date=DAY,
        procedure=CPT,
        charge=Money("100", "EUR"),
    )
    c = claim("C1", [eur_item])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    plan = plan_posting(r, [c], {})
    assert [(f.rule, f.location) for f in plan.errors] == [("posting.currency", "claim 1 (C1)")]


def test_overdrawing_a_bucket_is_refused() -> None:
    c = claim("C1", [item("L1", "100")])
    history = charges(c)
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    _, after = post(r, [c], history)
    again = plan_posting(attrs.evolve(r, trace_number="T-2"), [c], line_balances(after, PAID_ON))
    assert [f.rule for f in again.errors] == ["posting.overdrawn"]


def test_noncovered_pr_without_authorization_is_flagged() -> None:
    form = DocumentRef(kind=DocumentKind.CONSENT_FORM, reference="abn/1")
    auth = PatientAuthorization(id="ABN1", signed_by="Pat", signed_on=DAY, document=form)
    c = claim("C1", [item("L1", "100"), item("L2", "100", authorization=auth)])
    r = remit(
        "0",
        [
            clp(
                "C1",
                "200",
                "0",
                svc("L1", "100", "0", *cas("PR", ("96", "100"))),
                svc("L2", "100", "0", *cas("PR", ("96", "100"))),
            )
        ],
    )
    plan, _ = post(r, [c], charges(c))
    flagged = [f for f in plan.findings if f.rule == "posting.noncovered_without_authorization"]
    assert [f.location for f in flagged] == ["claim 1 (C1) line 1 (L1)"]
    assert flagged[0].severity is Severity.WARNING


# --- refusal, idempotency, staleness -------------------------------------------------


def test_unbalanced_remittance_is_refused_with_the_explanation() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("90", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    balances = line_balances(charges(c), PAID_ON)
    plan = plan_posting(r, [c], balances)
    assert plan.refused and plan.entries == ()
    with pytest.raises(UnbalancedError, match=r"BPR02 = sum\(CLP04\) - sum\(PLB\)"):
        apply_posting(plan, charges(c))
    accepted = plan_posting(r, [c], balances, accept_unbalanced=True)
    assert not accepted.refused and accepted.accepted_unbalanced
    assert [p.kind for p in accepted.provider_entries] == [ProviderPostingKind.UNRECONCILED]
    assert accepted.reconciliation().ok


def test_posting_twice_is_detected_and_posts_nothing() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    history = charges(c)
    plan, after = post(r, [c], history)
    again = plan_posting(attrs.evolve(r, id="another id"), [c], line_balances(history, PAID_ON))
    assert again.idempotency_key == plan.idempotency_key
    with pytest.raises(DuplicateError, match="already posted"):
        apply_posting(again, after)
    # given the history, the plan itself says so (and posts nothing)
    replanned = plan_posting(r, [c], line_balances(after, PAID_ON), history=after)
    assert replanned.refused and replanned.entries == ()
    assert "posting.already_posted" in {f.rule for f in replanned.errors}
    with pytest.raises(DuplicateError):
        apply_posting(replanned, after)


def test_stale_plan() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    history = charges(c)
    plan = plan_posting(r, [c], line_balances(history, PAID_ON))
    moved = Adjustment(
        id="x",
        account_id="A1",
        line_id="L1",
        effective=DAY,
        amount=usd("1"),
        bucket=Bucket.PRIMARY,
        group=GroupCode.CO,
        reason="45",
    )
    with pytest.raises(StalePlanError, match="planned on 100.00 USD, now 99.00 USD"):
        apply_posting(plan, [*history, moved])


def test_idempotency_key_depends_on_content() -> None:
    base = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    key = idempotency_key(base)
    variants = [
        attrs.evolve(base, trace_number="TRN-2"),
        attrs.evolve(base, payer="other"),
        attrs.evolve(base, claims=[clp("C2", "100", "100", svc("L1", "100", "100"))]),
        attrs.evolve(
            base,
            claims=[
                clp("C1", "100", "100", svc("L1", "100", "100"), payer_claim_control_number="X")
            ],
        ),
        attrs.evolve(base, total_payment=usd("100.01")),
    ]
    keys = {idempotency_key(v) for v in variants}
    assert key not in keys and len(keys) == len(variants)
    assert idempotency_key(base) == key  # stable


# --- properties ----------------------------------------------------------------------


@settings(max_examples=60)
@given(posting_scenarios())
def test_posting_conserves_money_per_claim(s: PostingScenario) -> None:
    plan = plan_posting(s.remittance, s.claims, line_balances(s.history, s.as_of))
    assert not plan.refused, plan.explain()
    after = [*s.history, *apply_posting(plan, s.history)]
    assert validate_history(after) == ()
    assert plan.reconciliation().ok
    lb = line_balances(after, PAID_ON)
    for c in s.claims:
        paid = sum(lb[line.id].paid.minor for line in c.lines)
        written_off = sum(lb[line.id].adjusted.minor for line in c.lines)
        transferred = sum(lb[line.id].transferred.minor for line in c.lines)
        assert paid + written_off + transferred == c.total_charge.minor
        assert all(lb[line.id].open.of(Bucket.PRIMARY).minor == 0 for line in c.lines)
    cp_paid = sum(cp.paid.minor for cp in s.remittance.claims)
    assert sum(lb[k].paid.minor for k in lb) == cp_paid
    # the same, straight from the entries (no fold): per claim, what the entries take off
    # its lines (paid + written off + transferred) is its charge, and the paid part is CLP04
    claim_of = {line.id: c.id for c in s.claims for line in c.lines}
    taken = dict.fromkeys(claim_of.values(), 0)
    applied = dict.fromkeys(claim_of.values(), 0)
    for e in plan.entries:
        if isinstance(e, PaymentApplied | Adjustment):
            assert e.line_id is not None
            taken[claim_of[e.line_id]] += e.amount.minor
        if isinstance(e, PaymentApplied):
            applied[claim_of[e.line_id]] += e.amount.minor
    assert taken == {c.id: c.total_charge.minor for c in s.claims}
    assert applied == {cp.patient_control_number: cp.paid.minor for cp in s.remittance.claims}


@settings(max_examples=40)
@given(posting_scenarios(), st.data())
def test_reversal_then_repost_equals_a_single_post(s: PostingScenario, data: st.DataObject) -> None:
    first = plan_posting(s.remittance, s.claims, line_balances(s.history, s.as_of))
    assert not first.refused, first.explain()
    once = [*s.history, *apply_posting(first, s.history)]
    # the payer reverses some claims and pays them again, unchanged
    picked = data.draw(
        st.lists(st.sampled_from(s.remittance.claims), min_size=1, unique_by=id), label="redo"
    )
    pairs = [x for cp in picked for x in (cp.as_reversal(), cp)]
    redo = remit("0", pairs, trace="REDO")
    second = plan_posting(redo, s.claims, line_balances(once, PAID_ON), history=once)
    assert not second.refused, second.explain()
    twice = [*once, *apply_posting(second, once)]
    assert validate_history(twice) == ()
    assert line_balances(twice, PAID_ON) == line_balances(once, PAID_ON)
    for account in {c.account_id for c in s.claims}:
        mine_once = [e for e in once if e.account_id == account]
        mine_twice = [e for e in twice if e.account_id == account]
        assert credits(mine_twice, PAID_ON) == credits(mine_once, PAID_ON)


def test_idempotency_key_is_pinned() -> None:
    """The key is stored by every store: a release must not change it for the same remittance."""
    r = remit(
        "92.50",
        [
            clp(
                "C1",
                "100",
                "90",
                svc("L1", "100", "90", *cas("CO", ("45", "10"))),
                payer_claim_control_number="P-1",
            )
        ],
        [ProviderAdjustment(reason="L6", reference="C1", amount=usd("-2.50"))],
    )
    # the canonical content, written out by hand: amounts in minor units, file order
    content = (
        '["billing_core.posting/1","acme","1234567893","TRN-1","2024-04-01","ACH","USD",9250,'
        '[["C1","1",10000,9000,null,"P-1",[],'
        '[["L1","99213",10000,9000,"2024-03-04",[["CO","45",1000]]]]]],'
        '[["L6","C1",-250,""]]]'
    )
    assert idempotency_key(r) == hashlib.sha256(content.encode("ascii")).hexdigest()
    assert idempotency_key(r) == "7ca695016fa5219a47dc146c6a417cbc55b1eceb3c85469edd7f2876d251dc20"


def _one_change_each(r: Remittance) -> list[Remittance]:
    """Remittances that differ from ``r`` in exactly one thing a payer could send differently."""
    cent = Money.from_minor(1, r.currency)
    first = r.claims[0]
    line = first.lines[0]
    extra = Cas(group="CO", reason="45", amount=cent)

    def claim0(**changes: object) -> Remittance:
        return attrs.evolve(r, claims=[attrs.evolve(first, **changes), *r.claims[1:]])

    def line0(**changes: object) -> Remittance:
        return claim0(lines=[attrs.evolve(line, **changes), *first.lines[1:]])

    return [
        attrs.evolve(r, total_payment=r.total_payment + cent),
        attrs.evolve(r, trace_number=r.trace_number + "0"),
        attrs.evolve(r, payer=r.payer + "X"),
        attrs.evolve(r, payee=r.payee + "X"),
        attrs.evolve(r, paid_date=r.paid_date + datetime.timedelta(days=1)),
        attrs.evolve(r, claims=[*r.claims, attrs.evolve(first, patient_control_number="OTHER")]),
        attrs.evolve(
            r,
            provider_adjustments=[
                *r.provider_adjustments,
                ProviderAdjustment(reason="L6", reference="X", amount=-cent),
            ],
        ),
        claim0(paid=first.paid + cent),
        claim0(charge=first.charge + cent),
        claim0(patient_control_number=first.patient_control_number + "X"),
        claim0(payer_claim_control_number=first.payer_claim_control_number + "X"),
        claim0(status="19"),
        claim0(adjustments=[*first.adjustments, extra]),
        line0(paid=line.paid + cent),
        line0(charge=line.charge + cent),
        line0(line_control_number=f"{line.line_control_number}X"),
        line0(adjustments=[*line.adjustments, extra]),
    ]


@settings(max_examples=25)
@given(posting_scenarios(max_claims=3, max_lines=2))
def test_idempotency_key_is_stable_and_tells_remittances_apart(s: PostingScenario) -> None:
    r = s.remittance
    key = idempotency_key(r)
    # stable: the same content, rebuilt or under another document id, gives the same key
    assert idempotency_key(attrs.evolve(r, id="another id")) == key
    assert idempotency_key(pickle.loads(pickle.dumps(r))) == key
    assert idempotency_key(from_json(to_json(r), Remittance)) == key
    # collision-resistant: any one change of content gives another key, all different
    changed = _one_change_each(r)
    keys = [idempotency_key(m) for m in changed]
    assert all(m != r for m in changed)
    assert key not in keys
    assert len(set(keys)) == len(keys)


def test_an_accepted_unbalanced_remittance_never_applies_more_than_it_pays() -> None:
    import datetime as _dt

    from billing_core.charges import Category as _Category
    from billing_core.charges import LineItem as _LineItem
    from billing_core.claims import Claim as _Claim
    from billing_core.parties import Coverage as _Coverage
    from billing_core.parties import CoverageSequence as _Seq
    from billing_core.parties import Payer as _Payer

    day = _dt.date(2024, 3, 4)
    usd = lambda s: Money(s, "USD")  # noqa: E731
    cov = _Coverage(
        id="C1", payer=_Payer(id="acme", name="Acme"), member_id="M1", sequence=_Seq.PRIMARY
    )
    line = _LineItem(id="L1", category=_Category.PROCEDURE, service_date=day, charge=usd("100"))
    claim = _Claim(
        id="CLM1", account_id="A1", patient_id="P1", coverage=cov, claim_date=day, lines=[line]
    )
    history = [
        ChargePosted(
            id="c1",
            account_id="A1",
            line_id="L1",
            effective=day,
            amount=usd("100"),
            bucket=Bucket.PRIMARY,
        )
    ]
    # CLP04 says 60 was paid, but the line says 70 (100 - CO 30): accepting the
    # imbalance must not apply 70 out of 60 received.
    remittance = Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=usd("60"),
        payment_method="ACH",
        trace_number="T1",
        paid_date=_dt.date(2024, 4, 1),
        claims=[
            ClaimPayment(
                patient_control_number="CLM1",
                status="1",
                charge=usd("100"),
                paid=usd("60"),
                lines=[
                    ServicePayment(
                        line_control_number="L1",
                        charge=usd("100"),
                        paid=usd("70"),
                        adjustments=Cas.from_cas("CO", ("45", usd("30"))),
                    )
                ],
            )
        ],
    )
    plan = plan_posting(remittance, [claim], line_balances(history, day), accept_unbalanced=True)
    assert not plan.refused
    with pytest.raises(ValidationError) as refused:
        apply_posting(plan, history)
    assert {f.rule for f in refused.value.findings} == {"history.credit_negative"}
