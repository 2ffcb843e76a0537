"""A payment posted twice under another envelope is caught as a probable duplicate."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.ledger import Entry, ProviderPayment, ProviderWithholding
from billing_core.posting import idempotency_key, plan_posting
from billing_core.remittance import Remittance
from billing_core.testing.strategies.remittance import posting_scenarios
from posting_kit import cas, charges, claim, clp, item, post, remit, summary, svc, usd

CAUGHT = {"posting.probable_duplicate", "posting.already_posted"}


def _posted() -> tuple[Remittance, list, list]:  # type: ignore[type-arg]
    c1 = claim("C1", [item("L1", "100")])
    c2 = claim("C2", [item("L2", "80")], account="A2")
    r = remit(
        "130",
        [
            clp("C1", "100", "70", svc("L1", "100", "70", *cas("CO", ("45", "30")))),
            clp("C2", "80", "60", svc("L2", "80", "60", *cas("PR", ("2", "20")))),
        ],
    )
    _, after = post(r, [c1, c2], charges(c1, c2))
    return r, [c1, c2], after


def test_the_same_payment_in_another_envelope_is_refused_as_a_probable_duplicate() -> None:
    r, claims, after = _posted()
    # other interchange control numbers give it another document id; claims reordered
    again = attrs.evolve(r, id="ISA-000000902", claims=list(reversed(r.claims)))
    assert idempotency_key(again) != idempotency_key(r)
    plan = plan_posting(again, claims, after)
    assert plan.refused and plan.entries == ()
    # reported first; the claims' buckets, paid already, would also be overdrawn
    finding, *rest = plan.errors
    assert finding.rule == "posting.probable_duplicate"
    assert {f.rule for f in rest} == {"posting.overdrawn"}
    assert finding.location == "remittance TRN-1"
    assert "payment TRN-1 of payer acme is posted already by another remittance" in finding.message
    assert "different_payment=True" in finding.message
    # the stored document alone says so too (same payer, trace number and total)
    plan = plan_posting(again, claims, charges(*claims), earlier=[r])
    assert [f.rule for f in plan.errors] == ["posting.probable_duplicate"]  # nothing else
    assert "probable duplicate of remittance 'TRN-1' posted already" in plan.errors[0].message


def test_a_split_file_of_a_posted_payment_is_caught_part_by_part() -> None:
    r, claims, after = _posted()
    first = attrs.evolve(r, id="part-1", claims=[r.claims[0]], total_payment=usd("70"))
    second = attrs.evolve(r, id="part-2", claims=[r.claims[1]], total_payment=usd("60"))
    for part in (first, second):
        errors = plan_posting(part, claims, after).errors
        assert errors[0].rule == "posting.probable_duplicate"


def test_the_caller_may_say_it_is_another_payment() -> None:
    # Money held for an unknown claim under trace TRN-1; another payment reuses the trace.
    c = claim("C1", [item("L1", "100")])
    first = remit("40", [clp("ZZZ", "50", "40", adjustments=cas("CO", ("45", "10")))])
    _, after = post(first, [c], charges(c))
    other = remit("40", [clp("YYY", "50", "40", adjustments=cas("CO", ("45", "10")))])
    assert [f.rule for f in plan_posting(other, [c], after).errors] == [
        "posting.probable_duplicate"
    ]
    plan, _ = post(other, [c], after, different_payment=True)
    assert summary(plan.entries) == [("CashHeld", None, "40.00", "YYY")]


def test_another_payment_of_the_same_payer_is_not_a_duplicate() -> None:
    r, claims, after = _posted()
    c3 = claim("C3", [item("L3", "50")], account="A3")
    later = remit("50", [clp("C3", "50", "50", svc("L3", "50", "50"))], trace="TRN-2")
    plan = plan_posting(later, [*claims, c3], [*after, *charges(c3)], earlier=[r])
    assert not plan.refused, plan.explain()


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_any_reordering_or_re_enveloping_of_a_posted_remittance_is_caught(
    data: st.DataObject,
) -> None:
    s = data.draw(posting_scenarios(max_claims=4, max_lines=2))
    r = s.remittance
    first, after = post(r, s.claims, list(s.history))
    claims = data.draw(st.permutations(r.claims))
    envelope = data.draw(st.sampled_from([r.id, "ISA-000000902", "GS-17"]))
    again = attrs.evolve(r, id=envelope, claims=claims)
    # caught by the stored document (same payer, trace number and total) or its key;
    # only the very same remittance that wrote nothing the first time writes nothing again
    plan = plan_posting(again, s.claims, after, earlier=[r])
    if plan.refused:
        assert CAUGHT & {f.rule for f in plan.errors}, plan.explain()
    else:
        assert idempotency_key(again) == idempotency_key(r) and plan.entries == ()
        assert first.entries == ()
    # and by the ledger alone, part by part, for every part the first posting wrote for
    split = data.draw(st.integers(0, len(claims)))
    parts = [again] if split in (0, len(claims)) else _split(again, split)
    for part in parts:
        if _wrote_for(part, first.entries):
            plan = plan_posting(part, s.claims, after)
            assert plan.refused and CAUGHT & {f.rule for f in plan.errors}, plan.explain()


def _wrote_for(part: Remittance, entries: Sequence[Entry]) -> bool:
    """Whether a posting's entries include one for a claim payment (or the PLBs) of ``part``."""
    tags = tuple(f"835 claim {cp.patient_control_number} " for cp in part.claims)
    for e in entries:
        if e.source.reason is not None and e.source.reason.startswith(tags):
            return True
        if part.provider_adjustments and isinstance(e, ProviderPayment | ProviderWithholding):
            return True
    return False


def _split(r: Remittance, at: int) -> list[Remittance]:
    """The remittance split in two files of one payment (the PLBs go with the first)."""
    head, tail = list(r.claims[:at]), list(r.claims[at:])
    plb = sum(p.amount.minor for p in r.provider_adjustments)
    first = attrs.evolve(
        r,
        id=f"{r.id}-1",
        claims=head,
        total_payment=usd("0").from_minor(sum(c.paid.minor for c in head) - plb, r.currency),
    )
    second = attrs.evolve(
        r,
        id=f"{r.id}-2",
        claims=tail,
        provider_adjustments=(),
        total_payment=usd("0").from_minor(sum(c.paid.minor for c in tail), r.currency),
    )
    return [first, second]
