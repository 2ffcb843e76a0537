"""Edges of aging that a subtly wrong implementation would get wrong.

Each test pins a documented behaviour found missing by ``make mutate``; the
expected values are worked out by hand.
"""

from __future__ import annotations

from billing_core.aging import validate_edges


def test_edges_that_are_not_ints_are_reported_alone() -> None:
    # Order is judged only among int edges: an edge that is not an int is reported
    # as such (not compared, which could fail or add a second finding).
    assert [str(f) for f in validate_edges(("30", 60))] == [
        "buckets[0]: must be an int number of days, got '30' (str)"
    ]
    assert [str(f) for f in validate_edges((60, 30.5))] == [
        "buckets[1]: must be an int number of days, got 30.5 (float)"
    ]
