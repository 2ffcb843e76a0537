"""Give names defined in private submodules the public home a package re-exports them from.

A package such as [`storage`][billing_core.storage] keeps its code in private
submodules (``storage/_values.py``, ...) and its public names in its
``__all__``. Python still says each object lives where it was defined, so
``help()``, pickles, the API test and doctest discovery (which collects an
object's examples in the module its ``__module__`` names) would all point into
the private module. [`adopt`][billing_core._exports.adopt] rewrites ``__module__`` of
the exported objects, and of the methods defined in their class bodies, to the
package: their examples then run once, as the package's.

A class's string annotations (``from __future__ import annotations``) are
resolved first, in the module that wrote them: ``typing.get_type_hints``,
attrs and cattrs look names up in the module ``__module__`` names, and the
package does not hold the names the private module imported.
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Iterable, Mapping
from types import FunctionType


def adopt(package: str, namespace: Mapping[str, object], names: Iterable[str]) -> None:
    """Make ``package`` the ``__module__`` of every exported name defined below it.

    Only classes and functions defined in a private submodule of ``package`` are changed:
    re-exported names from elsewhere (an error class from ``errors``) keep
    their own home.

    Args:
        package: The package's name (its ``__name__``).
        namespace: The package's globals.
        names: The names it exports (its ``__all__``).

    Examples:
        >>> def f() -> None: ...
        >>> f.__module__ = "pkg._impl"
        >>> adopt("pkg", {"f": f}, ["f"])
        >>> f.__module__
        'pkg'
    """
    private = f"{package}._"
    for name in names:
        value = namespace[name]
        # classes and functions only: a constant's __module__ is its class's
        if not isinstance(value, type | FunctionType):
            continue
        if not value.__module__.startswith(private):
            continue
        if isinstance(value, type):
            _resolve_annotations(value)
        value.__module__ = package
        if isinstance(value, type):
            for member in vars(value).values():
                function = getattr(member, "__func__", member)  # class- and staticmethods
                if isinstance(function, FunctionType) and function.__module__.startswith(private):
                    function.__module__ = package


def _resolve_annotations(cls: type) -> None:
    """Replace a class's own string annotations by the objects they name, where it wrote them."""
    own = inspect.get_annotations(cls)
    if not own:
        return
    module = vars(sys.modules[cls.__module__])
    hints = typing.get_type_hints(cls, globalns=module, localns=dict(vars(cls)))
    cls.__annotations__ = {name: hints.get(name, hint) for name, hint in own.items()}
