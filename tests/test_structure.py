"""The shape of the source tree: layers, private names, module and function sizes.

The layer table is read from CONTRIBUTING.md, so the rule and the document that
states it cannot drift apart. A module may import only from its own layer or a
lower one; a private name (``_x``) may be imported only from a private module
(one whose own name, or a package above it, starts with an underscore).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "billing_core"

MAX_MODULE_LINES = 600
MAX_FUNCTION_CODE_LINES = 60


def _layers() -> dict[str, int]:
    """Module (or package) name -> layer index, from the table in CONTRIBUTING.md."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    layers: dict[str, int] = {}
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    for index, row in enumerate(rows):
        cells = [c.strip() for c in row.strip("|").split("|")]
        for name in re.findall(r"`([A-Za-z0-9_.]+)`", cells[1]):
            layers[name] = index
    return layers


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _dotted(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def _layer_of(dotted: str, layers: dict[str, int]) -> int | None:
    """The layer of the longest listed prefix of ``dotted`` (without ``billing_core.``)."""
    parts = dotted.split(".")[1:]
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        if name in layers:
            return layers[name]
    return None


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """``(module, names)`` of every ``billing_core`` import in a file, top level or nested."""
    tree = ast.parse(path.read_text())
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "billing_core":
                found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names if a.name.split(".")[0] == "billing_core")
    return found


def _is_private_module(dotted: str) -> bool:
    return any(part.startswith("_") for part in dotted.split(".")[1:])


def test_the_layer_table_names_every_module() -> None:
    layers = _layers()
    unlisted = [
        _rel(p)
        for p in _modules()
        if p.name != "__init__.py" or p.parent != PACKAGE
        if _layer_of(_dotted(p), layers) is None
    ]
    assert unlisted == []


def test_no_import_runs_up_the_layers() -> None:
    layers = _layers()
    upward = []
    for path in _modules():
        if path.parent == PACKAGE and path.name == "__init__.py":
            continue  # the package root re-exports from every layer
        own = _layer_of(_dotted(path), layers)
        for module, _names in _imports(path):
            if module == "billing_core":
                upward.append(f"{_rel(path)} imports the package root")
                continue
            theirs = _layer_of(module, layers)
            if own is not None and theirs is not None and theirs > own:
                upward.append(f"{_rel(path)} -> {module}")
    assert upward == []


def test_no_private_name_is_imported_from_a_public_module() -> None:
    found = set()
    for path in _modules():
        for module, names in _imports(path):
            if _is_private_module(module):
                continue
            found.update(
                f"{_rel(path)} <- {module}.{n}"
                for n in names
                if n.startswith("_") and not n.startswith("__")
            )
    assert sorted(found) == []


def _code_lines(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of code in a function: no docstring, comment or blank line."""
    skip: set[int] = set()
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        skip = set(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    end = node.end_lineno or node.lineno
    return sum(
        1
        for number in range(node.lineno, end + 1)
        if number not in skip
        and lines[number - 1].strip()
        and not lines[number - 1].strip().startswith("#")
    )


def test_modules_are_small() -> None:
    long = {_rel(p) for p in _modules() if len(p.read_text().splitlines()) > MAX_MODULE_LINES}
    assert sorted(long) == []


def test_functions_are_short() -> None:
    long = set()
    for path in _modules():
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and _code_lines(lines, node) > MAX_FUNCTION_CODE_LINES
            ):
                long.add(f"{_rel(path)}::{node.name}")
    assert sorted(long) == []


@pytest.mark.parametrize("limit", [MAX_MODULE_LINES, MAX_FUNCTION_CODE_LINES])
def test_the_limits_are_the_documented_ones(limit: int) -> None:
    assert f"{limit} lines" in (ROOT / "CONTRIBUTING.md").read_text()


def _public_functions() -> list[tuple[str, str, object]]:
    import importlib
    import inspect
    import pkgutil

    import billing_core

    found = []
    for info in pkgutil.walk_packages(billing_core.__path__, "billing_core."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if inspect.isfunction(value):
                found.append((info.name, name, value))
    return found


def test_the_validation_vocabulary_is_followed() -> None:
    # CONTRIBUTING.md: validate_* returns findings, balance_* returns verdicts,
    # check_* raises (and says what in its docstring) and never returns findings.
    import inspect

    wrong = []
    functions = _public_functions()
    prefixes = {name.split("_")[0] for _, name, _ in functions}
    assert {"validate", "balance", "check"} <= prefixes  # the test sees them at all
    for module, name, function in functions:
        returns = str(inspect.signature(function).return_annotation)  # type: ignore[arg-type]
        doc = inspect.getdoc(function) or ""
        if name.startswith("validate_") and returns != "tuple[Finding, ...]":
            wrong.append(f"{module}.{name} returns {returns}, not findings")
        elif name.startswith("balance_") and "BalanceCheck" not in returns:
            wrong.append(f"{module}.{name} returns {returns}, not a BalanceCheck")
        elif name.startswith("check_") and ("Finding" in returns or "Raises:" not in doc):
            wrong.append(f"{module}.{name} returns {returns} / documents no Raises")
    assert wrong == []
