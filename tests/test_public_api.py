"""The public API: everything in __all__ exists, is documented, and appears in the docs."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import billing_core

ROOT = Path(__file__).resolve().parents[1]


def test_all_names_exist_and_are_unique() -> None:
    assert len(billing_core.__all__) == len(set(billing_core.__all__))
    missing = [n for n in billing_core.__all__ if not hasattr(billing_core, n)]
    assert missing == []


def test_every_public_callable_has_a_docstring() -> None:
    undocumented = [
        name
        for name in billing_core.__all__
        if (inspect.isclass(getattr(billing_core, name)) or callable(getattr(billing_core, name)))
        and not inspect.getdoc(getattr(billing_core, name))
    ]
    assert undocumented == []


def _public_home(module: str) -> str:
    """The public module a name is imported from: its module without private parts."""
    return ".".join(part for part in module.split(".") if not part.startswith("_"))


def test_every_public_module_has_a_reference_page() -> None:
    homes = {
        _public_home(getattr(billing_core, n).__module__)
        for n in billing_core.__all__
        if hasattr(getattr(billing_core, n), "__module__")
    }
    homes.discard("builtins")
    pages = (ROOT / "docs" / "reference").glob("*.md")
    documented = {
        line.strip()[4:]
        for p in pages
        for line in p.read_text().splitlines()
        if line.startswith("::: ")
    }
    assert sorted(m for m in homes if m.startswith("billing_core") and m not in documented) == []


def test_every_name_is_exported_by_its_public_home() -> None:
    missing = []
    for name in billing_core.__all__:
        value = getattr(billing_core, name)
        module = getattr(value, "__module__", None)
        if not isinstance(module, str) or not module.startswith("billing_core."):
            continue
        home = importlib.import_module(_public_home(module))
        if name not in getattr(home, "__all__", ()):
            missing.append(f"{name} ({home.__name__})")
    assert missing == []
