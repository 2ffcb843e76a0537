"""Test kit for code built on billing_core.

- [`InMemoryStore`][]: the thread-safe reference implementation of the
  storage protocols, for tests and notebooks.
- [`StoreConformance`][]: the conformance suite an adapter author runs
  against their own store (subclass it in pytest and provide a ``store``
  fixture).
- [`strategies`][billing_core.testing.strategies]: public hypothesis strategies for
  every value, document and entry.

The conformance suite needs pytest; import it only from test code.
"""

from billing_core.testing.memory import InMemoryStore

__all__ = ["InMemoryStore"]
