"""Interned effects: the shared terms and the weak table equal what the constructor computes.

``effect_of`` makes a new effect from terms shared by every account's effect of
the same kind, bucket, detail and party, and keeps it in a table of plain weak
references swept when it doubles. These tests hold the fast path to the
reference (``Effect(...)`` computes its terms itself) and pin the table's bounds.
"""

from __future__ import annotations

import gc

from hypothesis import given
from hypothesis import strategies as st

from billing_core.codes import GroupCode
from billing_core.ledger import Bucket, Party, _effects
from billing_core.ledger._effects import Effect, EffectKind, Total, effect_of

FIELDS = ("kind", "bucket", "detail", "party", "account_id", "currency")
DERIVED = ("terms", "balance_terms", "opens", "open_sign")

parties = st.sampled_from(
    [None, Party.payer("acme"), Party.payer("beta"), Party.patient("P1"), Party.patient("P2")]
)
details = st.sampled_from([None, GroupCode.CO, GroupCode.PR, Bucket.PATIENT, Bucket.SECONDARY])
buckets = st.sampled_from([None, *Bucket])
calls = st.tuples(
    st.sampled_from(list(EffectKind)),
    buckets,
    details,
    parties,
    st.sampled_from(["A1", "A2", "A3"]),
    st.sampled_from(["USD", "EUR"]),
)


@given(st.lists(calls, min_size=1, max_size=40))
def test_interned_effects_equal_constructed_ones(seq: list[tuple[object, ...]]) -> None:
    made = [effect_of(*args) for args in seq]  # type: ignore[arg-type]
    for args, found in zip(seq, made, strict=True):
        reference = Effect(*args)  # type: ignore[arg-type]
        for name in FIELDS + DERIVED:
            assert getattr(found, name) == getattr(reference, name), name
        # Still interned while alive: the same call finds the same object.
        assert effect_of(*args) is found  # type: ignore[arg-type]


def test_terms_of_an_applied_payment_by_hand() -> None:
    payer = Party.payer("acme")
    found = effect_of(EffectKind.APPLIED, Bucket.PRIMARY, None, payer, "A9", "USD")
    assert found.terms == (
        (Total.PAID_BY_PARTY, payer, 1),
        (Total.PAID_BY_BUCKET, Bucket.PRIMARY, 1),
        (Total.OPEN, Bucket.PRIMARY, -1),
        (Total.CREDIT, payer, -1),
    )
    assert found.opens == ((Bucket.PRIMARY, -1),)
    assert found.open_sign == -1
    # Another account's effect of the same kind shares those terms, not the account.
    other = effect_of(EffectKind.APPLIED, Bucket.PRIMARY, None, payer, "A10", "USD")
    assert other is not found and other.account_id == "A10" and other.terms == found.terms


def test_freed_effects_leave_the_table_and_live_ones_stay() -> None:
    payer = Party.payer("sweep")
    kept = effect_of(EffectKind.RECEIVED, None, None, payer, "KEEP", "USD")
    for n in range(3 * 1024):
        effect_of(EffectKind.RECEIVED, None, None, payer, f"gone{n}", "USD")
    gc.collect()
    effect_of(EffectKind.RECEIVED, None, None, payer, "one-more", "USD")  # may sweep
    for n in range(3 * 1024):  # enough new keys to pass the sweep mark at least once
        effect_of(EffectKind.RECEIVED, None, None, payer, f"again{n}", "USD")
    # Dead references are swept: the table stays within twice its live entries (and the
    # floor of the sweep mark), not one per effect ever made.
    assert len(_effects._INTERNED) <= max(1024, 2 * _live()) + 1
    assert effect_of(EffectKind.RECEIVED, None, None, payer, "KEEP", "USD") is kept


def test_shared_terms_stay_bounded() -> None:
    for n in range(_effects._SHARED_MAX + 10):
        found = effect_of(EffectKind.REFUND, None, None, Party.patient(f"P{n}"), "A1", "USD")
        assert found.terms[0][1] == Party.patient(f"P{n}")
    assert len(_effects._SHARED) <= _effects._SHARED_MAX


def _live() -> int:
    return sum(1 for ref in list(_effects._INTERNED.values()) if ref() is not None)
