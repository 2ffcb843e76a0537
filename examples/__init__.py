"""Examples built on billing_core: importable from the repository, never part of the wheel.

- `examples.walkthrough`: the billing story end to end (``make demo``).
- `examples.sqlite_store`: a complete store over the standard library's
  ``sqlite3`` that passes the storage conformance suite.

The tests import them as a package (pytest puts the repository root on the
path); from a checkout, ``python -m examples.walkthrough`` runs the demo.
"""
