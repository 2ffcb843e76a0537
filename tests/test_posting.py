"""Posting known answers: what each 835 answer posts, the cash, the provider sub-ledger."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings

from billing_core.balances import credits, line_balances
from billing_core.charges import Category, DocumentKind, DocumentRef, LineItem, PatientAuthorization
from billing_core.claims import Claim
from billing_core.codes import GroupCode
from billing_core.errors import BillingError, Severity, ValidationError
from billing_core.ledger import (
    Adjustment,
    AppealHold,
    Bucket,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    validate_history,
)
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence
from billing_core.posting import (
    DenialPolicy,
    FollowUpKind,
    ProviderPostingKind,
    apply_posting,
    plan_posting,
)
from billing_core.remittance import ProviderAdjustment, Remittance
from billing_core.testing.strategies.remittance import PostingScenario, posting_scenarios
from posting_kit import (
    BETA,
    CPT,
    DAY,
    PAID_ON,
    PRIMARY,
    SECONDARY,
    D,
    cas,
    charges,
    claim,
    clp,
    item,
    post,
    remit,
    summary,
    svc,
    usd,
)


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


def _denied_claim_and_answer() -> tuple[Claim, Remittance]:
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
    return c, r


def test_denial_is_adjusted_off_and_marked_for_follow_up_when_the_policy_holds_nothing() -> None:
    c, r = _denied_claim_and_answer()
    plan, _ = post(r, [c], charges(c), denials=DenialPolicy(hold=()))
    assert summary(plan.entries) == [
        ("Adjustment", "L1", "500.04", "CO-16"),
        ("Adjustment", "L2", "127.80", "OA-A7"),
    ]
    (follow,) = plan.follow_ups
    assert follow.kind is FollowUpKind.DENIED
    assert follow.reasons == ("CO-16", "OA-A7") and follow.remarks == ("N14",)
    assert follow.claim_id == "2005555A" and follow.amount == usd("627.84")


def test_a_denial_the_default_policy_holds_stays_open_for_appeal() -> None:
    # CO-16 (claim lacks information) is held by default; OA-A7 is adjusted off.
    c, r = _denied_claim_and_answer()
    plan, after = post(r, [c], charges(c))
    assert summary(plan.entries) == [
        ("Adjustment", "L2", "127.80", "OA-A7"),
        ("AppealHold", None, "500.04", "CO-16 held"),
    ]
    (hold,) = [e for e in plan.entries if isinstance(e, AppealHold)]
    assert (hold.claim_id, hold.group, hold.reason, hold.bucket) == (
        "2005555A",
        GroupCode.CO,
        "16",
        Bucket.PRIMARY,
    )
    (follow,) = plan.follow_ups
    assert follow.kind is FollowUpKind.APPEAL and follow.amount == usd("500.04")
    # 120 days after the denial of Monday 1 April 2024: Tuesday 30 July 2024
    assert follow.deadline == D(2024, 7, 30) and follow.entry_id == hold.id
    lb = line_balances(after, PAID_ON)
    assert lb["L1"].open.of(Bucket.PRIMARY) == usd("500.04")  # still the payer's
    assert lb["L2"].balance == usd("0")


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
    plan = plan_posting(r, [c1, c2], history)
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
    plan = plan_posting(r, [c], [])
    assert [(f.rule, f.location) for f in plan.errors] == [("posting.currency", "claim 1 (C1)")]


def test_overdrawing_a_bucket_is_refused() -> None:
    c = claim("C1", [item("L1", "100")])
    history = charges(c)
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    _, after = post(r, [c], history)
    again = plan_posting(attrs.evolve(r, trace_number="T-2"), [c], after)
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


@settings(max_examples=60)
@given(posting_scenarios())
def test_posting_conserves_money_per_claim(s: PostingScenario) -> None:
    plan = plan_posting(s.remittance, s.claims, s.history)
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


@pytest.mark.parametrize(
    ("coverages", "expected"),
    [
        (
            {"A1": [PRIMARY, "secondary"]},
            ["coverages['A1'][1]: not a Coverage or a Bucket: 'secondary' (str)"],
        ),
        (
            {"A1": [2], "A2": [Bucket.PRIMARY, None]},
            [
                "coverages['A1'][0]: not a Coverage or a Bucket: 2 (int)",
                "coverages['A2'][1]: not a Coverage or a Bucket: None (NoneType)",
            ],
        ),
        (
            {"A1": "primary"},
            ["coverages['A1']: must be the account's coverages or buckets, got 'primary' (str)"],
        ),
        (
            [PRIMARY],
            ["coverages: must map account ids to their coverages, got a list"],
        ),
    ],
)
def test_bad_coverage_values_are_named_with_where_they_are(
    coverages: object, expected: list[str]
) -> None:
    # Issue 17: these raised a bare TypeError (or, for an account no claim touched, nothing).
    c = claim("C1", [item("L1", "100")])
    r = remit("70", [clp("C1", "100", "70", svc("L1", "100", "70", *cas("PR", ("2", "30"))))])
    with pytest.raises(ValidationError) as raised:
        plan_posting(r, [c], charges(c), coverages=coverages)  # type: ignore[arg-type]
    assert [str(f) for f in raised.value.findings] == expected
    assert {f.rule for f in raised.value.findings} == {"posting.coverages"}
    assert isinstance(raised.value, BillingError)


def test_plan_takes_the_history_once_and_derives_the_balances() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("70", [clp("C1", "100", "70", svc("L1", "100", "70", *cas("CO", ("45", "30"))))])
    history = charges(c)
    derived = plan_posting(r, [c], history)
    given_balances = plan_posting(r, [c], history, balances=line_balances(history, PAID_ON))
    assert derived == given_balances
    assert not derived.refused
    # an iterator is read once and kept: the already-posted check and the balances both see it
    assert plan_posting(r, [c], iter(history)) == derived


def test_the_history_is_never_optional_nor_a_balances_mapping() -> None:
    # The old signature took the line balances third: a mapping there is refused by name.
    c = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    with pytest.raises(ValidationError, match="history: must be the accounts' ledger entries"):
        plan_posting(r, [c], line_balances(charges(c), PAID_ON))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        plan_posting(r, [c])  # type: ignore[call-arg]
