"""Write ``src/billing_core/__init__.pyi`` from the package root's export table.

Run with ``make stubs`` after changing ``_EXPORTS`` in ``billing_core/__init__.py``;
``tests/test_public_api.py`` fails while the stub is out of date.
"""

from __future__ import annotations

from pathlib import Path

import billing_core
from billing_core._lazy import render_stub

STUB = Path(billing_core.__file__).with_suffix(".pyi")
HEADER = "# Generated from _EXPORTS in billing_core/__init__.py by `make stubs`; do not edit."


def main() -> None:
    """Write the stub."""
    STUB.write_text(render_stub(billing_core._EXPORTS, HEADER))
    print(f"wrote {STUB}")


if __name__ == "__main__":
    main()
