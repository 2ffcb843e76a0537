"""The documented iteration order of `Amounts` and the line-balance table's row cut-off."""

from __future__ import annotations

import enum
from datetime import date

from billing_core.balances import Amounts, line_balances
from billing_core.codes import GroupCode
from billing_core.ledger import Bucket, ChargePosted, Party, PartyKind, WriteOffReason
from billing_core.money import Money


def usd(text: str) -> Money:
    return Money(text, "USD")


class Colour(enum.Enum):
    """An enum the library knows nothing about: still ordered by definition."""

    RED = "red"
    BLUE = "blue"


def test_enums_come_first_then_parties_then_any_other_key_by_text() -> None:
    keys: list[object] = [
        "zeta",
        Party.patient("P1"),
        "alpha",
        Party.payer("Z"),
        Party.payer("A"),
        Colour.BLUE,
        Bucket.PATIENT,
        Colour.RED,
    ]
    amounts = Amounts([(k, usd("1.00")) for k in keys], currency="USD")
    order = list(amounts)
    enums, parties, others = order[:3], order[3:6], order[6:]
    # each enum in its own definition order (the enums' relative order is not promised)
    assert [k for k in enums if isinstance(k, Colour)] == [Colour.RED, Colour.BLUE]
    assert Bucket.PATIENT in enums
    assert parties == [Party.payer("A"), Party.payer("Z"), Party.patient("P1")]
    assert others == ["alpha", "zeta"]


def test_library_enums_keep_definition_order_before_parties() -> None:
    keys: list[object] = [
        Party.payer("X"),
        WriteOffReason(list(WriteOffReason)[-1]),
        GroupCode.PR,
        GroupCode.CO,
        Bucket.PATIENT,
        Bucket.PRIMARY,
        PartyKind.PATIENT,
    ]
    order = list(Amounts([(k, usd("2.00")) for k in keys], currency="USD"))
    assert order[-1] == Party.payer("X")
    buckets = [k for k in order if isinstance(k, Bucket)]
    assert buckets == [Bucket.PRIMARY, Bucket.PATIENT]
    codes = [k for k in order if isinstance(k, GroupCode)]
    assert codes == [GroupCode.CO, GroupCode.PR]
    assert PartyKind.PATIENT in order[:-1]


def _charges(n: int) -> list[ChargePosted]:
    return [
        ChargePosted(
            id=f"c{i}",
            account_id="A1",
            line_id=f"L{i:03d}",
            effective=date(2024, 1, 5),
            amount=usd("10.00"),
            bucket=Bucket.PATIENT,
        )
        for i in range(n)
    ]


def test_fifty_lines_are_all_shown_and_fifty_one_are_cut_at_fifty() -> None:
    fifty = line_balances(_charges(50), date(2024, 2, 1)).to_html()
    assert "Line balances: 50 line(s)" in fifty
    assert "shown (see to_records() for all)" not in fifty
    assert fifty.count("L049") == 1
    fifty_one = line_balances(_charges(51), date(2024, 2, 1)).to_html()
    assert "51 line(s), the first 50 shown (see to_records() for all)" in fifty_one
    assert "L049" in fifty_one and "L050" not in fifty_one
