"""Write each lazy package's ``__init__.pyi`` from its export table.

The package root and the core packages (``ledger``, ``posting``, ...) name their
exports once, in ``_EXPORTS`` in their ``__init__.py``, and import them on first
use; type checkers and the API reference read the ``__init__.pyi`` beside it.
Run with ``make stubs`` after changing an ``_EXPORTS`` table;
``tests/test_public_api.py`` (the root) and ``tests/test_import_cost.py`` (every
package) fail while a stub is out of date.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import billing_core
from billing_core._lazy import render_stub

STUB = Path(billing_core.__file__).with_suffix(".pyi")
HEADER = "# Generated from _EXPORTS in billing_core/__init__.py by `make stubs`; do not edit."


def header(package: ModuleType) -> str:
    """The comment a package's stub starts with (where it comes from)."""
    if package is billing_core:
        return HEADER
    source = package.__name__.replace(".", "/")
    return f"# Generated from _EXPORTS in {source}/__init__.py by `make stubs`; do not edit."


def lazy_packages() -> list[ModuleType]:
    """The root and every package of ``billing_core`` whose exports are a lazy table."""
    root = STUB.parent
    names = sorted(
        ".".join(("billing_core", *init.parent.relative_to(root).parts))
        for init in root.rglob("__init__.py")
        if "\n_EXPORTS = {" in init.read_text()
    )
    return [importlib.import_module(name) for name in names]


def stubs() -> dict[Path, str]:
    """Each lazy package's stub file and the text it must hold."""
    return {
        Path(package.__file__ or "").with_suffix(".pyi"): render_stub(
            package._EXPORTS, header(package), vars(package).get("_UNLISTED")
        )
        for package in lazy_packages()
    }


def main() -> None:
    """Write the stubs."""
    for path, text in stubs().items():
        path.write_text(text)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
