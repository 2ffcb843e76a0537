"""A package's exports, imported when first used (private).

A package's ``__init__.py`` (the root and the packages of the core: ``ledger``,
``posting``, ``fees``...) names its public names once, as a table of module ->
names. [`lazy_exports`][billing_core._lazy.lazy_exports] turns the table into
``__all__`` and a module ``__getattr__`` (PEP 562) that imports a name's
module the first time the name is asked for, so ``import billing_core`` costs
almost nothing, a notebook that only needs ``Money`` never loads the posting
engine, and ``from billing_core.fees import VarianceReport`` loads the module
that defines it, not every fee schedule and contract. Type checkers and the
API reference read the ``__init__.pyi`` beside each table, which
[`render_stub`][billing_core._lazy.render_stub] writes from the same table
(``make stubs``; a test keeps the two equal).
"""

from __future__ import annotations

import sys

# typing.TYPE_CHECKING without importing typing (and collections with it): importing the
# package root costs a few hundred microseconds, not the ten milliseconds typing takes.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from types import ModuleType
    from typing import Any, TypeAlias

    Exports: TypeAlias = Mapping[str, Sequence[str]]
    """Module name -> the names a package exports from it."""


def _where(exports: Exports) -> dict[str, str]:
    """Name -> module; a name exported twice is a mistake caught here."""
    where: dict[str, str] = {}
    for module, names in exports.items():
        for name in names:
            if name in where:
                raise ValueError(f"{name} is exported from {where[name]} and {module}")
            where[name] = module
    return where


def _module(name: str) -> ModuleType:
    """The module ``name``, imported if it is not yet.

    Through ``__import__`` rather than ``importlib.import_module``: the same
    import, but the interpreter's own path, which ``python -X importtime`` sees.
    """
    __import__(name)
    return sys.modules[name]


def lazy_exports(
    package: str, exports: Exports, unlisted: Exports | None = None
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``__all__``, ``__getattr__`` and ``__dir__`` for a package.

    Args:
        package: The package's ``__name__``.
        exports: Module -> the names exported from it, in the order ``__all__``
            lists them.
        unlisted: Module -> names the package also offers, left out of
            ``__all__`` (a type variable that implementers of a protocol use).

    Returns:
        The three module attributes.

    Examples:
        >>> all_, getattr_, dir_ = lazy_exports("pkg", {"math": ["pi"]})
        >>> all_, round(getattr_("pi"), 2)
        (['pi'], 3.14)
        >>> getattr_("tau")
        Traceback (most recent call last):
        ...
        AttributeError: module 'pkg' has no attribute 'tau'
        >>> all_, getattr_, dir_ = lazy_exports("pkg", {"math": ["pi"]}, {"math": ["e"]})
        >>> all_, dir_(), round(getattr_("e"), 2)
        (['pi'], ['e', 'pi'], 2.72)
    """
    names = list(_where(exports))
    where = _where(_merged(exports, unlisted or {}))

    def get_attribute(name: str) -> Any:
        module = where.get(name)
        if module is None:
            try:  # a submodule asked for as an attribute: import it, as `import` would
                value: Any = _module(f"{package}.{name}")
            except ModuleNotFoundError:
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        else:
            value = getattr(_module(module), name)
        # Bound on the package, the next lookup never comes back here.
        root = sys.modules.get(package)
        if root is not None:
            setattr(root, name, value)
        return value

    def list_names() -> list[str]:
        return sorted(where)

    return names, get_attribute, list_names


def _merged(exports: Exports, unlisted: Exports) -> dict[str, list[str]]:
    """Both tables as one, module by module (a name in both is caught by ``_where``)."""
    merged = {module: list(names) for module, names in exports.items()}
    for module, names in unlisted.items():
        merged.setdefault(module, []).extend(names)
    return merged


def render_stub(exports: Exports, header: str, unlisted: Exports | None = None) -> str:
    """The text of a package's ``__init__.pyi`` for type checkers and the API reference.

    Each name is re-exported explicitly (``import X as X``), grouped by module
    in the table's order, then the unlisted names, followed by ``__all__``.

    Args:
        exports: The package's table.
        header: A comment to put first (where the stub comes from).
        unlisted: Names the package offers outside ``__all__``.

    Returns:
        The stub's text.

    Examples:
        >>> print(render_stub({"billing_core.money": ["Money", "total"]}, "# generated"))
        # generated
        <BLANKLINE>
        from billing_core.money import Money as Money
        from billing_core.money import total as total
        <BLANKLINE>
        __all__ = [
            "Money",
            "total",
        ]
        <BLANKLINE>
    """
    where = _where(exports)
    also = _where(unlisted or {})
    lines = [header, ""]
    lines += [f"from {module} import {name} as {name}" for name, module in where.items()]
    lines += [f"from {module} import {name} as {name}" for name, module in also.items()]
    lines += ["", "__all__ = ["]
    lines += [f'    "{name}",' for name in where]
    lines += ["]", ""]
    return "\n".join(lines)


def load_all(package: ModuleType) -> None:
    """Import every export of ``package`` now (for tests and tools that need them all).

    Examples:
        >>> import billing_core
        >>> load_all(billing_core)
        >>> "plan_posting" in vars(billing_core)
        True
    """
    for name in package.__all__:
        getattr(package, name)
