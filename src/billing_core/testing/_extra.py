"""The one check of an optional package a part of the test kit needs (private; edges).

The conformance suite needs pytest and the strategies need hypothesis: both come with the
``testing`` extra. Without them, importing that part says which extra to install, instead
of a bare ``No module named 'pytest'``.
"""

from __future__ import annotations

import importlib.util

__all__ = ["require"]


def require(package: str, *, extra: str, part: str) -> None:
    """Raise ImportError naming ``extra`` unless ``package`` can be imported.

    Examples:
        >>> require("json", extra="testing", part="billing_core.testing.strategies")
        >>> require("no_such_package_here", extra="testing", part="billing_core.testing.strategies")
        Traceback (most recent call last):
        ...
        ImportError: billing_core.testing.strategies needs no_such_package_here: pip install 'billing_core[testing]'
    """  # noqa: E501
    if importlib.util.find_spec(package) is None:
        raise ImportError(
            f"{part} needs {package}: pip install 'billing_core[{extra}]'", name=package
        )
