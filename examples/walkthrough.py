"""The billing story end to end, told with billing_core.

Run it with ``make demo``. One clinic patient, Jane Roe, from the services rendered to the
follow-up three months later; each step prints what a billing office would see, and asserts
the money invariants, so the demo fails loudly if the library breaks.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from textwrap import indent
from typing import Any

import attrs

from billing_core import (
    AgingAnchor,
    Bucket,
    CareRole,
    CareTeamMember,
    CasAdjustment,
    Category,
    ChargePosted,
    Claim,
    ClaimPayment,
    Coverage,
    CoverageSequence,
    DocumentRef,
    Encounter,
    FilingRule,
    GroupCode,
    LineItem,
    Money,
    OldestFirst,
    Party,
    Patient,
    PatientAuthorization,
    Payer,
    Payment,
    PlanBenefits,
    ProcedureCode,
    Provider,
    Remittance,
    ServicePayment,
    StatementPolicy,
    account_balance,
    age,
    balancing_report,
    bill_total,
    claim_total,
    explain,
    filing_deadline,
    format_money,
    post_bill,
    post_payment,
    post_remittance,
    price_line,
    route,
    statement,
    submit_encounter,
    total,
    validate_claim,
)
from billing_core.balancing import balance_line
from billing_core.benefits import Accumulators, Estimate, compare_estimate, estimate
from billing_core.charges import DocumentKind, Drug, DrugUnit, UnitBasis
from billing_core.claims import require_attachments, require_referring_provider
from billing_core.cob import standard_cob
from billing_core.deadlines import us_federal_holidays
from billing_core.fees import (
    Contract,
    FixedFee,
    PercentOfSchedule,
    PerDiem,
    payment_variance,
    price_lines,
    read_fee_schedule,
)
from billing_core.kpis import days_in_ar, net_collection_rate
from billing_core.ledger import ProviderPayment, ProviderWithholding
from billing_core.lifecycle import claim_status
from billing_core.posting import reconcile_remittance, remittance_account, unapplied_cash
from billing_core.remittance import ProviderAdjustment
from billing_core.routing import split_categories
from billing_core.secondary import (
    balance_prior_payers,
    remaining_patient_liability,
    secondary_claim,
)
from billing_core.statements import DunningHistory, next_action, render_text
from billing_core.testing.memory import InMemoryStore
from billing_core.views import mask_identifier
from billing_core.workflows import PostingStatus

D = datetime.date
VISIT, CLAIM_DATE, ERA_DATE, PAID_ON, FOLLOW_UP, NEXT_ERA = (
    D(2024, 3, 4),
    D(2024, 3, 5),
    D(2024, 4, 2),
    D(2024, 4, 20),
    D(2024, 6, 28),
    D(2024, 7, 1),
)
ACCOUNT = "ACC-1001"
PAYER_RULES = [  # Acme's own rules: drugs need a referring provider, J1100 a lab result
    require_referring_provider(lambda claim, line: line.category is Category.DRUG),
    require_attachments(["J1100"]),
]


def usd(text: str) -> Money:
    """Dollars, exactly."""
    return Money(text, "USD")


def section(title: str) -> None:
    """Print a step heading."""
    print(f"\n== {title} ==")


def show(label: str, amount: Money) -> None:
    """Print one labelled amount, babel-formatted."""
    print(f"  {label:<48} {format_money(amount):>12}")


def prepare() -> tuple[Encounter, Coverage]:
    """Step 1: the parties and the services rendered, as line items."""
    section("1. Prepare the bill for services (visit of 2024-03-04)")
    jane = Patient(id="P-1001", name="Jane Roe", birth_date=D(1980, 5, 17))
    acme = Coverage(
        id="COV-1",
        payer=Payer(id="acme", name="Acme Health", payer_id="87726"),
        member_id="XYZ123456789",
        sequence=CoverageSequence.PRIMARY,
        benefits=PlanBenefits(deductible=usd("500.00"), coinsurance_rate=Decimal("0.20")),
    )
    print(f"  patient  {jane}")  # the library masks names and identifiers in reprs
    print(f"  coverage {acme.payer.name}, member {mask_identifier(acme.member_id)}")
    signed_form = DocumentRef(
        kind=DocumentKind.CONSENT_FORM, reference="forms/records-fee-0304", date=VISIT
    )
    consent = PatientAuthorization(
        id="AUTH-1", signed_by="Jane Roe", signed_on=VISIT, document=signed_form
    )
    lab = DocumentRef(kind=DocumentKind.LAB_RESULT, reference="lis://results/88231", date=VISIT)
    ml, per_ml, miles, per_mile = (
        Decimal("2.5"),
        Decimal("18.4567"),
        Decimal("12.4"),
        Decimal("7.25"),
    )

    def item(line_id: str, category: Category, charge: Money, text: str, **more: Any) -> LineItem:
        more.setdefault("diagnosis_pointers", [1])
        return LineItem(
            id=line_id,
            category=category,
            charge=charge,
            description=text,
            service_date=VISIT,
            **more,
        )

    lines = [
        item("L1", Category.PROCEDURE, usd("180.00"), "Office visit (99214-25)",
             procedure=ProcedureCode("CPT", "99214", ["25"])),
        item("L2", Category.DRUG, price_line(ml, per_ml, "USD"), "Dexamethasone 2.5 mL @ $18.4567",
             procedure=ProcedureCode("HCPCS", "J1100"), units=ml, unit_price=per_ml,
             drug=Drug(ndc="0409-4888-02", quantity=ml, unit=DrugUnit.MILLILITER)),
        item("L3", Category.ROOM, price_line(1, Decimal("850"), "USD"), "Observation room, 1 day",
             revenue_code="0762", units=1, unit_basis=UnitBasis.DAYS),
        item("L4", Category.SUPPLY, usd("42.30"), "Medical supplies", revenue_code="0270"),
        item("L5", Category.TRAVEL, price_line(miles, per_mile, "USD"), "Ambulance 12.4 mi @ $7.25",
             procedure=ProcedureCode("HCPCS", "A0425"), units=miles, unit_basis=UnitBasis.MILES,
             unit_price=per_mile),
        item("L6", Category.FEE, usd("25.00"), "Copy of medical records (signed consent)",
             authorization=consent, diagnosis_pointers=[]),
    ]  # fmt: skip

    def member(npi: str, name: str, role: CareRole, description: str = "") -> CareTeamMember:
        return CareTeamMember(
            provider=Provider(npi=npi, name=name), role=role, description=description
        )

    team = [
        member("1245319599", "Riverside Clinic", CareRole.BILLING),
        member("1234567893", "Dr. Ada Smith", CareRole.RENDERING),
        member("1987654328", "Dr. Lee Jones", CareRole.REFERRING),
        member("1547382915", "Sam Park, PT", CareRole.OTHER, "physical therapist"),
    ]
    encounter = Encounter(
        id="ENC-77",
        account_id=ACCOUNT,
        patient=jane,
        lines=lines,
        diagnoses=["M54.50", "I10"],
        care_team=team,
        place_of_service="11",
        attachments=[lab],
    )
    for line in encounter.lines:
        show(f"{line.id} {line.description}", line.charge)
    show("encounter total", total(line.charge for line in encounter.lines))
    for teammate in team:
        print(f"  care team: {teammate.role.value:<10} {teammate.provider.name}")
    print(f"  fee L6 authorized by {consent.id}, form {signed_form.reference}")
    print(f"  attachment: {lab.kind.value} {lab.reference}")
    return encounter, acme


def route_and_validate(encounter: Encounter, acme: Coverage) -> None:
    """Step 2: who is billed for what, and is the claim clean."""
    section("2. Route the encounter and validate the claim")
    routing = route(
        encounter,
        [acme],
        claim_id="CLM-0001",
        bill_id="BILL-0001",
        claim_date=CLAIM_DATE,
        to_patient=split_categories(Category.FEE),  # Acme never pays fees
    )
    claim, bill = routing.claim, routing.patient_bill
    assert claim is not None
    assert bill is not None
    print(
        f"  claim {claim.id} to {acme.payer.name}: lines {', '.join(li.id for li in claim.lines)}"
    )
    print(f"  patient bill {bill.id}: lines {', '.join(li.id for li in bill.lines)}")
    show("claim total charge", claim_total(claim))
    show("patient bill total", bill_total(bill))
    everything = total(li.charge for li in encounter.lines)
    assert claim_total(claim) + bill_total(bill) == everything
    findings = validate_claim(claim, extra_rules=PAYER_RULES)
    print(f"  validation with Acme's rules: {len(findings)} findings (clean claim)")
    assert findings == ()
    broken = attrs.evolve(
        claim, lines=[attrs.evolve(claim.lines[0], diagnosis_pointers=[1, 5]), *claim.lines[1:]]
    )
    print("  a deliberately broken copy (pointer to a 5th diagnosis) is caught:")
    for finding in validate_claim(broken, extra_rules=PAYER_RULES):
        print(f"    {finding}")


def post_charges(store: InMemoryStore, encounter: Encounter, acme: Coverage) -> None:
    """Step 3: store the claim and the patient bill, charge every line once."""
    section("3. Post the charges to the ledger")
    submitted = submit_encounter(
        store,
        encounter,
        [acme],
        claim_id="CLM-0001",
        bill_id="BILL-0001",
        claim_date=CLAIM_DATE,
        to_patient=split_categories(Category.FEE),
        extra_rules=PAYER_RULES,
    )
    assert not submitted.refused
    assert submitted.patient_bill is not None
    for entry in submitted.written:
        assert isinstance(entry, ChargePosted)
        print(f"  {entry.id:<10} {entry.bucket.value:<8} {format_money(entry.amount):>12}")
    issued = post_bill(
        store, submitted.patient_bill.value, issued_on=CLAIM_DATE, due_on=D(2024, 4, 4)
    )
    print(
        f"  bill {issued.bill.value.id} {issued.bill.value.status.value}, "
        f"new charges: {len(issued.written)} (already charged)"
    )
    entries, version = store.read(ACCOUNT)
    print(f"  ledger {ACCOUNT}: {len(entries)} entries, version {version}")
    account = account_balance(entries, CLAIM_DATE)
    assert account.charged == total(li.charge for li in encounter.lines)
    show("owed by Acme (primary)", account.open.of(Bucket.PRIMARY))
    show("owed by the patient", account.patient_open)


# Acme's adjudication per claim line: (charge, allowed, paid, PR-1 deductible, PR-2 coinsurance).
# CO-45 (contractual) = charge - allowed; paid + PR-1 + PR-2 = allowed.
ADJUDICATION = {
    "L1": ("180.00", "120.00", "96.00", "0.00", "24.00"),
    "L2": ("46.14", "30.00", "24.00", "0.00", "6.00"),
    "L3": ("850.00", "600.00", "240.00", "300.00", "60.00"),
    "L4": ("42.30", "30.00", "24.00", "0.00", "6.00"),
    "L5": ("89.90", "70.00", "56.00", "0.00", "14.00"),
}


def remittance() -> Remittance:
    """The 835 Acme sends back for claim CLM-0001."""
    lines = []
    for line_id, (charge, allowed, paid, deductible, coinsurance) in ADJUDICATION.items():
        cas = CasAdjustment.from_cas("CO", ("45", usd(charge) - usd(allowed)))
        patient = [
            (code, usd(a)) for code, a in (("1", deductible), ("2", coinsurance)) if a != "0.00"
        ]
        lines.append(
            ServicePayment(
                line_control_number=line_id,
                charge=usd(charge),
                allowed=usd(allowed),
                paid=usd(paid),
                adjustments=cas + CasAdjustment.from_cas("PR", *patient),
            )
        )
    claim_paid = total(line.paid for line in lines)
    claim = ClaimPayment(
        patient_control_number="CLM-0001",
        status="1",
        charge=total(line.charge for line in lines),
        paid=claim_paid,
        patient_responsibility=usd("410.00"),
        lines=lines,
    )
    return Remittance(
        payer="87726",
        payee="1245319599",
        total_payment=claim_paid,
        payment_method="ACH",
        trace_number="EFT-55012",
        paid_date=ERA_DATE,
        claims=[claim],
    )


def post_era(store: InMemoryStore) -> None:
    """Step 4: balance-check the remittance, post it, and post it again."""
    section("4. Acme's remittance arrives (2024-04-02)")
    era = remittance()
    claim = era.claims[0]
    by_group = claim.adjusted_by_group()
    show("claim charge (CLP03)", claim.charge)
    show("paid by Acme (CLP04)", claim.paid)
    show("CO-45 contractual adjustment", by_group[GroupCode.CO])
    show("PR-1 deductible + PR-2 coinsurance, to patient", by_group[GroupCode.PR])
    assert claim.paid + by_group[GroupCode.CO] + by_group[GroupCode.PR] == claim.charge
    assert by_group[GroupCode.PR] == claim.patient_responsibility
    report = balancing_report(era)
    assert report.ok, str(report)
    print(f"  balancing: {report.checked} checks, all balanced; line L3 explained:")
    for text in str(balance_line(claim.lines[2], location="CLM-0001 line L3")).splitlines():
        print(f"    {text}")
    posted = post_remittance(store, era)
    assert posted.status is PostingStatus.POSTED
    assert posted.plan.reconciliation().ok
    print(f"  {posted.explanation}")
    again = post_remittance(store, era)
    assert again.status is PostingStatus.ALREADY_POSTED
    assert again.written == ()
    print(f"  posted again: {again.status}, {len(again.written)} entries written")
    account = account_balance(store.read(ACCOUNT)[0], ERA_DATE)
    assert account.insurance_open == usd("0.00")
    assert (
        account.charged == account.paid + account.adjusted + account.written_off + account.balance
    )
    show("patient now owes (410.00 + 25.00 fee)", account.patient_open)


def patient_pays(store: InMemoryStore) -> None:
    """Step 5: the patient pays part of her balance, oldest first."""
    section("5. Jane pays $150.00 by card (2024-04-20)")
    before = account_balance(store.read(ACCOUNT)[0], PAID_ON).patient_open
    payment = Payment(
        id="PAY-1",
        account_id=ACCOUNT,
        party=Party.patient("P-1001"),
        amount=usd("150.00"),
        received=PAID_ON,
        reference="card ...4242",
    )
    paid = post_payment(store, payment, OldestFirst())
    print(indent(paid.receipt.text, "  "))
    after = account_balance(store.read(ACCOUNT)[0], PAID_ON).patient_open
    assert before - after == payment.amount
    assert paid.receipt.unapplied == usd("0.00")
    show("patient balance after the payment", after)


def waterfall(store: InMemoryStore) -> None:
    """Step 6: how the room day's charge became what is open."""
    section("6. The waterfall of line L3 (observation room)")
    story = explain(store.read(ACCOUNT)[0], "L3", as_of=PAID_ON)
    print(indent(story.text, "  "))
    line = story.balance
    assert line.charged == line.paid + line.adjusted + line.written_off + line.balance


def follow_up(store: InMemoryStore, encounter: Encounter) -> None:
    """Step 7: aging, the filing deadline, KPIs, the next dunning step, and the statement."""
    section("7. Follow up on 2024-06-28")
    entries = store.read(ACCOUNT)[0]
    info = {line.id: line for line in encounter.lines}  # service dates and descriptions
    report = age(entries, FOLLOW_UP, info=info, payers={ACCOUNT: {Bucket.PRIMARY: "ACME"}})
    print(indent(str(report), "  "))
    reaged = age(entries, FOLLOW_UP, AgingAnchor.RESPONSIBILITY, info=info)
    bands = zip(reaged.labels, reaged.party("patient").bands, strict=True)
    print(
        "  re-aged from the day it became Jane's: "
        + ", ".join(f"{label} {format_money(amount)}" for label, amount in bands if amount.minor)
    )
    account = account_balance(entries, FOLLOW_UP)
    assert report.total.total == account.balance == reaged.total.total

    rule = FilingRule(period_days=90, name="Acme: 90 days from service")
    deadline = filing_deadline(rule, service_from=VISIT, holidays=us_federal_holidays([2024]))
    print(f"  filing deadline of CLM-0001 ({rule.name}): {deadline}, filed {CLAIM_DATE}")

    ar = days_in_ar(account.balance, account.charged, period_days=90)
    contractual = account.adjusted_by_group.of(GroupCode.CO)
    ncr = net_collection_rate(account.paid, account.charged, contractual)
    print(f"  days in A/R (90-day period): {ar}")
    print(f"  net collection rate: {ncr}  ({ncr.definition})")

    policy = StatementPolicy(every=30, max_statements=3, final_notice_after=90)
    jane = statement(
        entries, FOLLOW_UP, policy, account_id=ACCOUNT, info=info, patient_name="Jane Roe"
    )
    assert jane.amount_due == account.patient_open
    sent = [D(2024, 4, 3), D(2024, 5, 20)]  # statements mailed so far
    history = DunningHistory.from_statement(jane, statements_sent=sent, last_payment=PAID_ON)
    action = next_action(history, FOLLOW_UP, policy)  # her payment restarted the cycle
    print(f"  next dunning step: {action.kind.value} on {action.on} ({action.reason})")
    print("  the statement mailed to Jane:")
    print(f"\n{indent(render_text(jane), '  ')}\n")


# --------------------------------------------------------------------------- coverage math
# Acme's contract for the visit: its fee schedule for the visit and the supplies, carve-outs
# for the drug and the ambulance trip, and a per diem for the observation room.
ACME_FEES = """code,amount,start,description
99214,120.00,2024-01-01,Office visit
0270,30.00,2024-01-01,Medical supplies
"""


def acme_contract() -> Contract:
    """Acme Health's contract with the clinic, as data."""
    schedule = read_fee_schedule(ACME_FEES, name="Acme 2024", currency="USD")
    return Contract(
        name="Acme PPO 2024",
        currency="USD",
        terms=[
            FixedFee(amount=usd("30.00"), codes=["J1100"]),
            FixedFee(amount=usd("70.00"), codes=["A0425"]),
            PerDiem(amount=usd("600.00")),
            PercentOfSchedule(schedule=schedule),
        ],
    )


def price_and_estimate(encounter: Encounter, acme: Coverage) -> Estimate:
    """Before the visit: price the services under Acme's contract and estimate Jane's share."""
    section("1a. Before the visit: Acme's prices and Jane's estimated share")
    claimed = [line for line in encounter.lines if line.category is not Category.FEE]
    prices = price_lines(claimed, acme_contract(), place_of_service=encounter.place_of_service)
    for price in prices:
        assert price.allowed is not None
        show(f"{price.line.id} allowed ({price.basis.split(' x ')[0]})", price.allowed)
    benefits = acme.benefits
    assert benefits is not None
    met = Accumulators(deductible_met=usd("200.00"), out_of_pocket_met=usd("200.00"))
    print("  Jane has met 200.00 of her 500.00 deductible this year; coinsurance 20%")
    expected = estimate([p.priced for p in prices], benefits, met)
    print(indent(str(expected), "  "))
    assert expected.patient_pays + expected.plan_pays == expected.allowed
    show("estimated: Jane owes", expected.patient_pays)
    show("estimated: Acme pays", expected.plan_pays)
    return expected


def check_payment_and_claim_secondary(
    encounter: Encounter, acme: Coverage, expected: Estimate
) -> None:
    """After the ERA: did Acme pay the contract, and what a secondary payer would be claimed."""
    section("4a. Acme's payment against the contract, and the secondary payer")
    answer = remittance().claims[0]
    claim = Claim(
        id="CLM-0001",
        account_id=ACCOUNT,
        patient_id=encounter.patient.id,
        coverage=acme,
        claim_date=CLAIM_DATE,
        lines=[line for line in encounter.lines if line.category is not Category.FEE],
        diagnoses=encounter.diagnoses,
        place_of_service=encounter.place_of_service,
    )
    report = payment_variance(claim, answer, acme_contract())
    print(f"  {str(report).splitlines()[0]}")
    assert report.ok
    assert report.variance == usd("0.00")
    differences = compare_estimate(expected, answer)
    print(f"  the estimate and the ERA differ on {len(differences)} amounts, for example:")
    for difference in differences[:2]:
        print(f"    {difference}")
    # Line by line, the payer spent the deductible differently; in total the same 410.00.
    assert expected.patient_pays == answer.patient_responsibility
    beacon = Coverage(
        id="COV-2",
        payer=Payer(id="beacon", name="Beacon Mutual"),
        member_id="BM-5550123",
        sequence=CoverageSequence.SECONDARY,
    )
    print("  had Jane also been covered by Beacon Mutual (secondary, standard COB):")
    to_beacon = secondary_claim(claim, answer, beacon, adjudicated_on=ERA_DATE)
    prior = to_beacon.prior_payers[0]
    assert all(check.ok for check in balance_prior_payers(to_beacon))
    paid_by_acme = format_money(prior.paid)
    print(f"    claim {to_beacon.id} to {beacon.payer.name}: prior payer paid {paid_by_acme}")
    show("left to Jane by Acme (PR adjustments)", remaining_patient_liability(prior))
    # Beacon's own plan as primary: deductible 250, 10% coinsurance on Acme's 850.00 allowed
    # would pay 850 - 250 - 60 = 540.00; standard COB caps it at what Acme left.
    paid = standard_cob(
        primary_paid=prior.paid, allowable=usd("850.00"), normal_benefit=usd("540.00")
    )
    show("Beacon would pay (standard COB)", paid.amount)


def next_remittance(store: InMemoryStore) -> None:
    """Step 8: a remittance with a claim we cannot find, interest and a recoupment."""
    section("8. Acme's next remittance: a claim we cannot find, interest, a recoupment")
    stranger = ClaimPayment(
        patient_control_number="CLM-9999",  # no claim of ours has this number
        status="1",
        charge=usd("100.00"),
        paid=usd("80.00"),
        adjustments=CasAdjustment.from_cas("CO", ("45", usd("20.00"))),
    )
    plbs = [
        ProviderAdjustment(reason="L6", reference="CLM-0001", amount=usd("-1.20")),  # interest
        ProviderAdjustment(reason="WO", reference="FCN-2024-118", amount=usd("15.00")),
    ]
    era = Remittance(
        payer="87726",
        payee="1245319599",
        total_payment=usd("66.20"),
        payment_method="ACH",
        trace_number="EFT-61007",
        paid_date=NEXT_ERA,
        claims=[stranger],
        provider_adjustments=plbs,
    )
    posted = post_remittance(store, era)
    assert posted.status is PostingStatus.POSTED  # not refused for the claim we cannot find
    for follow in posted.plan.follow_ups:
        print(f"  follow up: {follow}")
    held_account = remittance_account(era.payer, era.trace_number)
    entries = store.read(held_account)[0]
    (row,) = unapplied_cash(entries, NEXT_ERA)
    show("held unapplied on the remittance's account", row.available)
    (interest,) = (e for e in entries if isinstance(e, ProviderPayment))
    (recouped,) = (e for e in entries if isinstance(e, ProviderWithholding))
    show(f"interest, linked to claim {interest.claim_id}", interest.amount)
    show("taken back by Acme (refund letter FCN-2024-118)", recouped.amount)
    check = reconcile_remittance(era, entries)
    assert check.ok
    print(indent(str(check), "  "))
    claims = [v.value for v in store.find(Claim, "account_id", ACCOUNT)]
    first = remittance()
    for claim in claims:
        timeline = claim_status(claim, store.read(ACCOUNT)[0], [first, era])
        print(f"  claim {claim.id}: {timeline.state} since {timeline.since}")


def main() -> None:
    """Run the walkthrough."""
    store = InMemoryStore()
    encounter, acme = prepare()
    expected = price_and_estimate(encounter, acme)
    route_and_validate(encounter, acme)
    post_charges(store, encounter, acme)
    post_era(store)
    check_payment_and_claim_secondary(encounter, acme, expected)
    patient_pays(store)
    waterfall(store)
    follow_up(store, encounter)
    next_remittance(store)


if __name__ == "__main__":
    main()
