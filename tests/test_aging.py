from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.aging import (
    DEFAULT_EDGES,
    AgingAnchor,
    AgingReport,
    AgingRow,
    CreditLine,
    OpenLine,
    age,
    band_labels,
    open_lines,
    unapplied_credits,
    validate_edges,
)
from billing_core.balances import line_balances
from billing_core.codes import GroupCode
from billing_core.errors import (
    CurrencyMismatchError,
    InvalidAmountError,
    NotFoundError,
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
    Transfer,
    reverse,
)
from billing_core.money import Money
from billing_core.testing.strategies.followup import bucket_edges, open_line_lists
from billing_core.testing.strategies.ledger import ledger_histories

AS_OF = date(2025, 3, 31)


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def line(
    served: date,
    amount: str = "10.00",
    *,
    account: str = "A1",
    line_id: str = "L1",
    bucket: Bucket = Bucket.PATIENT,
    **dates: date | None,
) -> OpenLine:
    return OpenLine(
        account_id=account,
        line_id=line_id,
        bucket=bucket,
        open=usd(amount),
        service_date=served,
        **dates,  # type: ignore[arg-type]
    )


def band_of(report: AgingReport) -> str:
    """The label of the only non-zero band of the report."""
    filled = [lab for lab, b in zip(report.labels, report.total.bands, strict=True) if b]
    assert len(filled) == 1, filled
    return filled[0]


# --------------------------------------------------------------------------- the day rule


@pytest.mark.parametrize(
    ("served", "label"),
    [
        # days = (31 Mar 2025 - served).days, counted by hand
        (date(2025, 3, 31), "0-30"),  # 0 days
        (date(2025, 3, 1), "0-30"),  # 30 days
        (date(2025, 2, 28), "31-60"),  # 31 days
        (date(2025, 1, 30), "31-60"),  # 60 days: 1 (Jan) + 28 (Feb) + 31 (Mar)
        (date(2025, 1, 29), "61-90"),  # 61 days
        (date(2024, 12, 31), "61-90"),  # 90 days
        (date(2024, 12, 30), "91-120"),  # 91 days
        (date(2024, 12, 1), "91-120"),  # 120 days
        (date(2024, 11, 30), "over 120"),  # 121 days
        (date(2025, 4, 15), "0-30"),  # not yet due (negative days): first band
    ],
)
def test_day_rule_at_every_edge(served: date, label: str) -> None:
    assert band_of(age([line(served)], AS_OF)) == label


def test_month_end_counts_days_not_calendar_months() -> None:
    # 31 Jan -> 31 Mar 2025 is two calendar months but 59 days: 28 (to 28 Feb) + 31
    assert band_of(age([line(date(2025, 1, 31))], AS_OF)) == "31-60"
    # leap year: 31 Jan -> 31 Mar 2024 is 60 days (29 + 31); 30 Jan is 61 days
    assert band_of(age([line(date(2024, 1, 31))], date(2024, 3, 31))) == "31-60"
    assert band_of(age([line(date(2024, 1, 30))], date(2024, 3, 31))) == "61-90"


def test_custom_edges_and_labels() -> None:
    assert band_labels((0, 45)) == ("0", "1-45", "over 45")
    report = age([line(date(2025, 3, 31)), line(date(2025, 3, 30))], AS_OF, buckets=[0, 45])
    assert report.labels == ("0", "1-45", "over 45")
    assert [b.minor for b in report.total.bands] == [1000, 1000, 0]


# --------------------------------------------------------------------------- anchors


def test_anchors_and_fallback_to_service_date() -> None:
    dated = line(
        date(2024, 10, 1),  # 181 days
        billed_on=date(2024, 12, 15),  # 106 days
        last_activity=date(2025, 2, 14),  # 45 days
        due_on=date(2025, 4, 10),  # not due yet
        responsible_since=date(2025, 1, 10),  # 80 days
    )
    expected = {
        AgingAnchor.SERVICE_DATE: "over 120",
        AgingAnchor.FIRST_BILLED: "91-120",
        AgingAnchor.LAST_ACTIVITY: "31-60",
        AgingAnchor.DUE_DATE: "0-30",
        AgingAnchor.RESPONSIBILITY: "61-90",
    }
    for anchor, label in expected.items():
        assert band_of(age([dated], AS_OF, anchor)) == label
    bare = line(date(2024, 10, 1))
    for anchor in AgingAnchor:
        assert band_of(age([bare], AS_OF, anchor)) == "over 120"


# --------------------------------------------------------------------------- splits


def test_split_by_party_and_account_with_totals() -> None:
    lines = [
        line(date(2025, 3, 20), "100.00", account="A1", line_id="L1", bucket=Bucket.PRIMARY),
        line(date(2025, 1, 15), "40.00", account="A1", line_id="L2", bucket=Bucket.PATIENT),
        line(date(2024, 11, 1), "60.00", account="A2", line_id="L3", bucket=Bucket.PRIMARY),
        line(date(2025, 2, 20), "5.50", account="A2", line_id="L4", bucket=Bucket.SECONDARY),
    ]
    r = age(lines, AS_OF)
    # hand-worked: L1 11 days, L2 75 days, L3 150 days, L4 39 days
    assert [(p.party, [b.minor for b in p.bands], p.lines) for p in r.parties] == [
        ("primary", [10000, 0, 0, 0, 6000], 2),
        ("secondary", [0, 550, 0, 0, 0], 1),
        ("patient", [0, 0, 4000, 0, 0], 1),
    ]
    assert [(a.account_id, a.total) for a in r.accounts] == [
        ("A1", usd("140.00")),
        ("A2", usd("65.50")),
    ]
    assert [(row.account_id, row.party, row.total) for row in r.rows] == [
        ("A1", "primary", usd("100.00")),
        ("A1", "patient", usd("40.00")),
        ("A2", "primary", usd("60.00")),
        ("A2", "secondary", usd("5.50")),
    ]
    assert r.total.total == usd("205.50")
    assert r.party("patient").total == usd("40.00")
    assert r.party("nobody").total == usd("0.00")
    assert r.account("A2").bands[-1] == usd("60.00")
    assert r.over(90) == usd("60.00")
    assert r.over(30) == usd("105.50")
    assert r.over(60, r.account("A1")) == usd("40.00")


def test_credits_are_apart_never_netted() -> None:
    lines = [
        line(date(2025, 3, 1), "30.00", line_id="L1"),
        line(date(2025, 3, 1), "-12.00", line_id="L2"),
        line(date(2025, 3, 1), "0.00", line_id="L3"),
    ]
    extra = CreditLine(account_id="A9", party="AETNA", amount=usd("7.00"))
    r = age(lines, AS_OF, credits=[extra])
    assert r.total.total == usd("30.00")
    assert r.total.lines == 1
    assert r.credit_total == usd("19.00")
    assert [(c.account_id, c.party, c.line_id, c.amount) for c in r.credits] == [
        ("A1", "patient", "L2", usd("12.00")),
        ("A9", "AETNA", None, usd("7.00")),
    ]
    assert "credits (not in the bands): 19.00 in 2 item(s)" in str(r)
    assert "<p>Credits (not in the bands): $19.00 in 2 item(s).</p>" in r._repr_html_()


# --------------------------------------------------------------------------- from entries

D1, D2, D3 = date(2025, 1, 2), date(2025, 3, 10), date(2025, 3, 20)


def _history() -> list[Entry]:
    payer = Party.payer("AETNA")
    pat = Party.patient("P1")
    return [
        ChargePosted(id="c1", account_id="A1", line_id="L1", effective=D1,
                     amount=usd("200.00"), bucket=Bucket.PRIMARY),
        ChargePosted(id="c2", account_id="A1", line_id="L2", effective=D1,
                     amount=usd("50.00"), bucket=Bucket.PATIENT),
        PaymentReceived(id="p1", account_id="A1", effective=D2, amount=usd("120.00"),
                        party=payer),
        PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=D2,
                       amount=usd("120.00"), party=payer, bucket=Bucket.PRIMARY),
        Adjustment(id="j1", account_id="A1", line_id="L1", effective=D2, amount=usd("50.00"),
                   bucket=Bucket.PRIMARY, group=GroupCode.CO, reason="45"),
        Adjustment(id="j2", account_id="A1", line_id="L1", effective=D2, amount=usd("30.00"),
                   bucket=Bucket.PRIMARY, group=GroupCode.PR, reason="2",
                   to_bucket=Bucket.PATIENT),
        PaymentReceived(id="p2", account_id="A1", effective=D3, amount=usd("15.00"), party=pat),
    ]  # fmt: skip


def test_open_lines_from_entries() -> None:
    rows = open_lines(_history(), AS_OF, payers={"A1": {Bucket.PRIMARY: "AETNA"}})
    assert [(r.line_id, r.bucket, r.party, r.open) for r in rows] == [
        ("L1", Bucket.PATIENT, "patient", usd("30.00")),
        ("L2", Bucket.PATIENT, "patient", usd("50.00")),
    ]
    l1, l2 = rows
    assert (l1.service_date, l1.last_activity, l1.responsible_since) == (D1, D2, D2)
    assert (l2.service_date, l2.last_activity, l2.responsible_since) == (D1, D1, D1)


def test_reaged_and_not_reaged_views() -> None:
    history = _history()
    not_reaged = age(history, AS_OF)  # both lines 88 days since 2 Jan
    reaged = age(history, AS_OF, AgingAnchor.RESPONSIBILITY)  # L1 moved 10 Mar: 21 days
    assert [b.minor for b in not_reaged.total.bands] == [0, 0, 8000, 0, 0]
    assert [b.minor for b in reaged.total.bands] == [3000, 0, 5000, 0, 0]
    # the patient's unapplied 15.00 is a credit, apart
    assert [(c.party, c.amount) for c in reaged.credits] == [("patient", usd("15.00"))]


def test_info_gives_service_billed_and_due_dates() -> None:
    info = {
        "L1": SimpleNamespace(service_date=date(2024, 12, 20), billed_on=date(2025, 1, 5)),
        "L2": SimpleNamespace(service_date=date(2024, 12, 28), due_on=date(2025, 4, 30)),
    }
    rows = {r.line_id: r for r in open_lines(_history(), AS_OF, info=info)}
    assert rows["L1"].service_date == date(2024, 12, 20)
    assert rows["L1"].billed_on == date(2025, 1, 5)
    assert rows["L2"].due_on == date(2025, 4, 30)
    r = age(_history(), AS_OF, AgingAnchor.DUE_DATE, info=info)
    # L1 has no due date: from its service date, 101 days; L2 not yet due
    assert [b.minor for b in r.total.bands] == [5000, 0, 0, 3000, 0]
    # first billed: L1 billed 5 Jan -> 85 days (26 + 28 + 31); L2 never billed: from its
    # service date 28 Dec 2024 -> 93 days (3 + 31 + 28 + 31)
    r = age(_history(), AS_OF, AgingAnchor.FIRST_BILLED, info=info)
    assert [b.minor for b in r.total.bands] == [0, 0, 3000, 5000, 0]
    # last activity on the line: L1 10 Mar (PR adjustment) -> 21 days; L2 its charge 2 Jan ->
    # 88 days (the patient's unapplied payment of 20 Mar is on no line)
    r = age(_history(), AS_OF, AgingAnchor.LAST_ACTIVITY, info=info)
    assert [b.minor for b in r.total.bands] == [3000, 0, 5000, 0, 0]


def test_reversed_transfer_restores_the_earlier_responsibility_date() -> None:
    charge = ChargePosted(id="c1", account_id="A1", line_id="L1", effective=D1,
                          amount=usd("80.00"), bucket=Bucket.PRIMARY)  # fmt: skip
    move = Transfer(id="t1", account_id="A1", line_id="L1", effective=D2, amount=usd("80.00"),
                    from_bucket=Bucket.PRIMARY, to_bucket=Bucket.PATIENT)  # fmt: skip
    back = Transfer(id="t2", account_id="A1", line_id="L1", effective=D3, amount=usd("80.00"),
                    from_bucket=Bucket.PATIENT, to_bucket=Bucket.PRIMARY)  # fmt: skip
    undo = reverse(back, id="r1", effective=date(2025, 3, 25))
    (row,) = open_lines([charge, move, back, undo], AS_OF)
    assert (row.bucket, row.responsible_since, row.last_activity) == (
        Bucket.PATIENT,
        D2,
        date(2025, 3, 25),
    )
    (row,) = open_lines([charge, move, back], AS_OF)
    assert (row.bucket, row.responsible_since) == (Bucket.PRIMARY, D3)


def test_as_of_before_all_activity_is_an_empty_report() -> None:
    r = age(_history(), date(2024, 1, 1))
    assert r.total.total == usd("0.00")
    assert r.parties == () and r.credits == () and r.rows == ()


def test_as_of_ignores_later_entries() -> None:
    r = age(_history(), date(2025, 3, 1))  # only the charges: 250.00, 58 days
    assert [b.minor for b in r.total.bands] == [0, 25000, 0, 0, 0]
    assert r.credits == ()


def test_unapplied_credits_per_account() -> None:
    pat = Party.patient("P1")
    entries = [
        PaymentReceived(id="p1", account_id="B", effective=D1, amount=usd("5.00"), party=pat),
        PaymentReceived(id="p2", account_id="A", effective=D1, amount=usd("9.00"),
                        party=Party.payer("AETNA")),
        PaymentReceived(id="p3", account_id="A", effective=D3, amount=usd("1.00"), party=pat),
    ]  # fmt: skip
    assert unapplied_credits(entries, D2) == (
        CreditLine(account_id="A", party="AETNA", amount=usd("9.00")),
        CreditLine(account_id="B", party="patient", amount=usd("5.00")),
    )


# --------------------------------------------------------------------------- properties


def _days_band(days: int, edges: tuple[int, ...]) -> int:
    """Independent of the module: count the edges the age is past."""
    return sum(1 for e in edges if days > e)


@given(
    st.sampled_from(["USD", "JPY", "BHD"]).flatmap(lambda c: open_line_lists(currency=c)),
    bucket_edges(),
    st.sampled_from(list(AgingAnchor)),
)
def test_bands_add_up_to_open_balance_for_every_group(
    lines: list[OpenLine], edges: tuple[int, ...], anchor: AgingAnchor
) -> None:
    r = age(lines, AS_OF, anchor, edges, currency=lines[0].open.currency if lines else "USD")
    positive = [ln for ln in lines if ln.open.minor > 0]
    for row in (*r.parties, *r.accounts, *r.rows, r.total):
        assert sum(b.minor for b in row.bands) == row.total.minor
        assert len(row.bands) == len(edges) + 1
    assert r.total.total.minor == sum(ln.open.minor for ln in positive)
    assert r.total.lines == len(positive)
    assert sum(p.total.minor for p in r.parties) == r.total.total.minor
    assert sum(a.total.minor for a in r.accounts) == r.total.total.minor
    for party in {ln.party for ln in positive}:
        assert r.party(party).total.minor == sum(
            ln.open.minor for ln in positive if ln.party == party
        )
    for account in {ln.account_id for ln in positive}:
        assert r.account(account).total.minor == sum(
            ln.open.minor for ln in positive if ln.account_id == account
        )
    # credits apart: every negative line, and nothing else
    assert r.credit_total.minor == -sum(ln.open.minor for ln in lines if ln.open.minor < 0)
    # each band holds exactly the lines whose day difference falls in it, for every group:
    # overall, per party, per account, per account and party (worked out without the module)
    expected: dict[tuple[str | None, str | None], list[int]] = {}
    for ln in positive:
        band = _days_band((AS_OF - ln.anchor_date(anchor)).days, edges)
        for key in (
            (None, None),
            (None, ln.party),
            (ln.account_id, None),
            (ln.account_id, ln.party),
        ):
            expected.setdefault(key, [0] * (len(edges) + 1))[band] += ln.open.minor
    got = {
        (row.account_id, row.party): [b.minor for b in row.bands]
        for row in (*r.parties, *r.accounts, *r.rows)
    }
    got[(None, None)] = [b.minor for b in r.total.bands]
    expected.setdefault((None, None), [0] * (len(edges) + 1))
    assert got == expected
    for key, bands in expected.items():
        row = next(
            (x for x in (*r.parties, *r.accounts, *r.rows, r.total)
             if (x.account_id, x.party) == key),
        )  # fmt: skip
        assert row.total.minor == sum(bands)
        assert row.lines == sum(
            1 for ln in positive if key[0] in (None, ln.account_id) and key[1] in (None, ln.party)
        )
    # records carry the same exact values, written like Money.amount
    for level, rows in (("detail", r.rows), ("account", r.accounts), ("party", r.parties)):
        for record, row in zip(r.to_records(level, unmasked=True), rows, strict=True):
            assert [str(record[label]) for label in r.labels] == [str(b.amount) for b in row.bands]
            assert (record["account_id"], record["party"]) == (row.account_id, row.party)
            assert str(record["total"]) == str(row.total.amount)


@settings(max_examples=60)
@given(ledger_histories(max_lines=4, max_steps=20), st.integers(min_value=0, max_value=400))
def test_as_of_uses_only_entries_up_to_it(history: tuple[Entry, ...], offset: int) -> None:
    as_of = date(2024, 1, 1) + timedelta(days=offset)
    full = age(history, as_of, AgingAnchor.RESPONSIBILITY)
    cut = [e for e in history if e.effective <= as_of]
    assert full == age(cut, as_of, AgingAnchor.RESPONSIBILITY, currency="USD")
    # total open = the positive open buckets of the line balances as of that date
    balances = line_balances(history, as_of)
    open_minor = sum(m.minor for b in balances.values() for m in b.open.values() if m.minor > 0)
    assert full.total.total.minor == open_minor
    for row in (*full.parties, full.total):
        assert sum(b.minor for b in row.bands) == row.total.minor


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("edges", "message"),
    [
        ((60, 30), "buckets: must be strictly increasing (sorted, no overlaps), got (60, 30)"),
        ((30, 30), "got (30, 30)"),
        ((-1, 30), "buckets[0]: must not be negative, got -1"),
        ((), "buckets: needs at least one edge"),
        ((30, 60.0), "buckets[1]: must be an int number of days, got 60.0"),
        ((True,), "buckets[0]: must be an int number of days, got True"),
        ("30,60", "buckets: must be a sequence of day counts, got '30,60'"),
    ],
)
def test_bad_edges_are_named(edges: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        age([], AS_OF, buckets=edges, currency="USD")  # type: ignore[arg-type]
    assert message in str(info.value)
    assert validate_edges(edges)


def test_good_default_edges() -> None:
    assert validate_edges(DEFAULT_EDGES) == ()


def test_bad_inputs() -> None:
    with pytest.raises(TypeError, match="as_of must be a datetime.date"):
        age([], datetime(2025, 1, 1), currency="USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="anchor must be an AgingAnchor"):
        age([], AS_OF, "service_date", currency="USD")  # type: ignore[arg-type]
    with pytest.raises(InvalidAmountError, match="needs a currency"):
        age([], AS_OF)
    with pytest.raises(TypeError, match="not a mix; item 1 is ChargePosted"):
        age([line(D1), _history()[0]], AS_OF)  # type: ignore[list-item]
    with pytest.raises(CurrencyMismatchError, match="line L2 of account A1 is in EUR"):
        age(
            [
                line(D1),
                OpenLine(account_id="A1", line_id="L2", bucket=Bucket.PATIENT,
                         open=Money("1.00", "EUR"), service_date=D1),
            ],
            AS_OF,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="45 is not a band edge"):
        age([line(D1)], AS_OF).over(45)
    with pytest.raises(TypeError, match="OpenLine.billed_on must be a datetime.date"):
        line(D1, billed_on="2025-01-01")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- views


def test_to_records_are_flat_plain_values() -> None:
    r = age(
        [line(date(2025, 3, 20), "100.00", bucket=Bucket.PRIMARY), line(D1, "-2.00", line_id="L9")],
        AS_OF,
    )
    assert r.to_records()[0]["account_id"] == "****"  # masked unless asked for
    assert r.to_records("credits")[0]["account_id"] == "****"
    assert r.to_records(unmasked=True) == [
        {
            "account_id": "A1",
            "party": "primary",
            "0-30": Decimal("100.00"),
            "31-60": Decimal("0.00"),
            "61-90": Decimal("0.00"),
            "91-120": Decimal("0.00"),
            "over 120": Decimal("0.00"),
            "total": Decimal("100.00"),
            "lines": 1,
            "currency": "USD",
        }
    ]
    assert r.to_records("party")[0]["account_id"] is None
    assert r.to_records("account")[0]["party"] is None
    assert r.to_records("total")[0]["total"] == Decimal("100.00")
    assert r.to_records("credits", unmasked=True) == [
        {
            "account_id": "A1",
            "party": "patient",
            "line_id": "L9",
            "credit": Decimal("2.00"),
            "currency": "USD",
        }
    ]
    allowed = (str, int, Decimal, date, type(None))
    assert all(isinstance(v, allowed) for rec in r.to_records() for v in rec.values())
    with pytest.raises(ValueError, match="level must be"):
        r.to_records("lines")  # type: ignore[arg-type]


def test_repr_html_masks_accounts_and_escapes() -> None:
    lines = [
        line(date(2025, 3, 20), account="ACCT-000123456", line_id="L1"),
        line(date(2025, 3, 20), account="A<2>", line_id="L2", bucket=Bucket.PRIMARY),
    ]
    html = age(lines, AS_OF)._repr_html_()
    assert "ACCT-000123456" not in html
    assert "****3456" in html
    assert "<table>" in html and "A<2>" not in html
    assert "$20.00" in html


# --------------------------------------------------------------------------- views helpers


def test_views_to_records_flattens_ledger_entries() -> None:
    from billing_core.views import to_records

    history = _history()
    records = to_records(history[:4], unmasked=True)
    assert [r["type"] for r in records] == [type(e).__name__ for e in history[:4]]
    # the account id is masked unless the full value is asked for
    assert to_records(history[:1])[0]["account_id"] == "****"
    assert records[0] == {
        "type": "ChargePosted",
        "id": "c1",
        "account_id": "A1",
        "line_id": "L1",
        "effective": D1,
        "amount": Decimal("200.00"),
        "currency": "USD",
        "source_payment_id": None,
        "source_remittance_id": None,
        "source_reason": None,
        "bucket": "primary",
    }
    assert (records[3]["party_kind"], records[3]["party_id"]) == ("payer", "AETNA")
    allowed = (str, int, Decimal, date, type(None))
    assert all(isinstance(v, allowed) for rec in records for v in rec.values())
    assert not any(key.startswith("_") for rec in records for key in rec)
    with pytest.raises(TypeError, match="takes attrs objects or dicts"):
        to_records([object()])


def test_views_masking_and_html_escaping() -> None:
    from billing_core.views import html_table, mask_identifier

    assert mask_identifier("123456789") == "****6789"
    assert mask_identifier("1234567") == "****"  # too short to show a tail
    assert mask_identifier("12345678", visible=0) == "****"
    page = html_table(["<a>"], [["x & y"], [None]], caption="<c>", footer=["t"])
    assert "&lt;a&gt;" in page and "x &amp; y" in page and "&lt;c&gt;" in page
    assert '<td style="text-align:left"></td>' in page and "<tfoot>" in page


def test_age_of_line_balances_needs_service_dates() -> None:
    balances = line_balances(_history(), AS_OF)
    info = {
        "L1": SimpleNamespace(service_date=date(2024, 12, 20)),  # 101 days
        "L2": SimpleNamespace(service_date=date(2025, 3, 1)),  # 30 days
    }
    r = age(balances, AS_OF, info=info)
    assert [b.minor for b in r.total.bands] == [5000, 0, 0, 3000, 0]
    assert r.credits == ()  # balances hold no unapplied money
    with pytest.raises(ValidationError, match=r"info\['L2'\].service_date: balances carry no"):
        age(balances, AS_OF, info={"L1": info["L1"]})


def test_repr_html_summarises_many_accounts() -> None:
    lines = [line(date(2025, 3, 20), account=f"ACC-{i:06d}", line_id=f"L{i}") for i in range(25)]
    page = age(lines, AS_OF)._repr_html_()
    assert "More than 20 accounts" in page and "ACC-0000" not in page


# --------------------------------------------------------------------------- bands by label


def test_rows_give_their_bands_by_label() -> None:
    lines = [
        line(date(2025, 3, 20), "100.00", account="A1", line_id="L1", bucket=Bucket.PRIMARY),
        line(date(2025, 1, 15), "40.00", account="A1", line_id="L2", bucket=Bucket.PATIENT),
        line(date(2024, 11, 1), "60.00", account="A2", line_id="L3", bucket=Bucket.PRIMARY),
        line(date(2025, 2, 20), "5.50", account="A2", line_id="L4", bucket=Bucket.SECONDARY),
    ]
    r = age(lines, AS_OF)
    # hand-worked: L1 11 days, L2 75 days, L3 150 days, L4 39 days
    assert r.party("primary").band("0-30") == usd("100.00")
    assert r.party("primary").band("over 120") == usd("60.00")
    assert r.party("secondary").band("31-60") == usd("5.50")
    assert r.account("A1").band("61-90") == usd("40.00")
    assert r.total.band("91-120") == usd("0.00")
    assert r.party("nobody").band("0-30") == usd("0.00")  # an empty row has labels too
    for row in (*r.parties, *r.accounts, *r.rows, r.total):
        assert row.labels == r.labels
    with pytest.raises(
        NotFoundError, match="no band '31-59' in this row; its bands are 0-30, 31-60"
    ):
        r.total.band("31-59")
    custom = age(lines, AS_OF, buckets=(0, 45))
    assert custom.total.band("1-45") == usd("105.50") and custom.total.band("0") == usd("0.00")


def test_a_row_needs_one_label_per_band() -> None:
    z = usd("0.00")
    with pytest.raises(ValidationError, match="AgingRow.labels: needs one label per band"):
        AgingRow(account_id=None, party=None, bands=(z, z), total=z, lines=0, labels=("0-30",))
    unlabelled = AgingRow(account_id=None, party=None, bands=(z,), total=z, lines=0)
    with pytest.raises(NotFoundError, match="unlabelled"):
        unlabelled.band("0-30")


# --------------------------------------------------------------------------- more bad input


def test_credits_in_another_currency_are_refused() -> None:
    euro = CreditLine(account_id="A9", party="patient", amount=Money("3.00", "EUR"))
    with pytest.raises(CurrencyMismatchError, match="credit of account A9 is in EUR"):
        age([line(D1)], AS_OF, credits=[euro])
    # from entries: another account's unapplied money in another currency
    pat = Party.patient("P1")
    foreign = PaymentReceived(
        id="px", account_id="B1", effective=D1, amount=Money("3.00", "EUR"), party=pat
    )
    with pytest.raises(CurrencyMismatchError, match="credit of account B1 is in EUR"):
        age([*_history(), foreign], AS_OF)


def test_the_first_and_last_days_of_the_calendar_age_without_overflow() -> None:
    oldest = line(date.min, "7.00")
    # as_of - 120 days is before the first date there is: nothing is older than that
    assert band_of(age([oldest], date.min)) == "0-30"
    assert band_of(age([oldest], date.max)) == "over 120"
    assert band_of(age([line(date.max, "7.00")], date.max)) == "0-30"


def test_age_of_a_mapping_takes_line_balances() -> None:
    with pytest.raises(TypeError, match="takes line_balances\\(\\) results; 'L1' is dict"):
        age({"L1": {}}, AS_OF, info={})  # type: ignore[dict-item]


def test_open_lines_and_credits_need_a_date() -> None:
    with pytest.raises(TypeError, match="as_of must be a datetime.date"):
        open_lines(_history(), datetime(2025, 3, 31))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="as_of must be a datetime.date"):
        unapplied_credits(_history(), "2025-03-31")  # type: ignore[arg-type]


def test_a_line_charged_only_by_a_reversed_charge_is_aged_from_its_last_entry() -> None:
    charge = ChargePosted(id="c1", account_id="A1", line_id="L1", effective=D1,
                          amount=usd("80.00"), bucket=Bucket.PRIMARY)  # fmt: skip
    undo = reverse(charge, id="r1", effective=D2)
    # not a valid history (the primary bucket goes negative), but the folds trust their input
    move = Transfer(id="t1", account_id="A1", line_id="L1", effective=D3, amount=usd("80.00"),
                    from_bucket=Bucket.PRIMARY, to_bucket=Bucket.PATIENT)  # fmt: skip
    rows = open_lines([charge, undo, move], AS_OF)
    assert [(r.bucket, r.open, r.service_date) for r in rows] == [
        (Bucket.PRIMARY, usd("-80.00"), D3),
        (Bucket.PATIENT, usd("80.00"), D3),
    ]


def test_open_lines_refuse_a_missing_service_date() -> None:
    with pytest.raises(TypeError, match="OpenLine.service_date must be a datetime.date, got None"):
        line(None)  # type: ignore[arg-type]


def test_age_refuses_items_that_are_not_open_lines() -> None:
    with pytest.raises(TypeError, match="takes OpenLine rows or ledger entries, got int"):
        age([1, 2], AS_OF)  # type: ignore[list-item]


def test_a_broken_open_line_is_not_disguised() -> None:
    broken = line(D1, line_id="L2")
    object.__setattr__(broken, "open", "10.00")  # bypasses the validators
    # every item is an OpenLine: the loop's AttributeError is not turned into a "mix" error
    with pytest.raises(AttributeError, match="'str' object has no attribute 'minor'"):
        age([line(D1), broken], AS_OF)


def test_credits_alone_give_the_report_its_currency() -> None:
    r = age([], AS_OF, credits=[CreditLine(account_id="A", party="patient", amount=usd("2.00"))])
    assert (r.currency, r.credit_total, r.total.total) == ("USD", usd("2.00"), usd("0.00"))
