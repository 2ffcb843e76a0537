"""What importing costs: the everyday names load only what they need; lazy packages stay whole.

The package root and the core packages (``ledger``, ``posting``, ``fees``, ...) are
tables of module -> names (``_EXPORTS``) imported on first use. These tests pin
what the everyday vocabulary must not load (what was cut, so it cannot silently
come back) and that every lazy package still offers every name of its
``__all__``: as an attribute, through ``from ... import``, in ``dir()`` and
``help()``, with its stub for the type checkers in step with its table.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pickle
import pydoc
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from test_structure import _layer_of, _layers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import stubs

from billing_core._lazy import lazy_exports, render_stub

_VOCABULARY = (
    "from billing_core import Money, Bill, Claim, plan_posting, post_payment, age, statement"
)

_PROGRAM = f"import sys\n{_VOCABULARY}\nprint('babel.dates' in sys.modules)\n"

# What the everyday names never need, each cut once and pinned here: the edges,
# the machinery of features they do not use (fee contracts, benefits, COB, KPIs,
# dunning, the other workflows), and babel's date formatting (first date shown).
NOT_LOADED = (
    "babel.dates",
    "cattrs",
    "billing_core.serialization",
    "billing_core.x12",
    "billing_core.fhir",
    "billing_core.frames",
    "billing_core.plots",
    "billing_core.pydantic",
    "billing_core.testing",
    "billing_core.fees._contract",
    "billing_core.fees._terms",
    "billing_core.fees._schedule",
    "billing_core.benefits",
    "billing_core.cob",
    "billing_core.kpis",
    "billing_core.secondary",
    "billing_core.good_faith",
    "billing_core.statements._dunning",
    "billing_core.workflows._remittances",
    "billing_core.workflows._charging",
    "billing_core.claims._rules",
    "billing_core.charges._encounters",
    "billing_core.codes._sets",
    # The results of billing and of posting remittances (and the routing that
    # billing's result holds): post_payment creates only the patient's results.
    "billing_core.workflows._charging_results",
    "billing_core.workflows._remittance_results",
    "billing_core.routing",
    # The US federal holiday computation and the rrule it needs: appeal deadlines
    # count days without it.
    "billing_core.deadlines._federal",
    "dateutil.rrule",
    # Rendering for people (HTML tables in notebooks, wrapped text): imported where drawn.
    "html",
    "textwrap",
)

# A ceiling on the library's modules the everyday names load (110 when it was last
# set): a new module on their path is a choice to make, not an accident.
MAX_MODULES = 114

LAZY_PACKAGES = [p.__name__ for p in stubs.lazy_packages()]


def _output(program: str) -> str:
    """What ``program`` prints, run in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", program], check=True, capture_output=True, text=True
    )
    return done.stdout


def _loaded_by(program: str) -> list[str]:
    return _output(f"import sys\n{program}\nprint(*sorted(sys.modules))\n").split()


def test_the_everyday_names_do_not_load_babel_dates() -> None:
    out = _output(_PROGRAM)
    assert out.split() == ["False"]


def test_the_everyday_names_load_none_of_what_they_never_need() -> None:
    loaded = _loaded_by(_VOCABULARY)
    found = sorted(m for m in loaded for cut in NOT_LOADED if m == cut or m.startswith(f"{cut}."))
    assert found == []
    ours = [m for m in loaded if m.split(".")[0] == "billing_core"]
    assert len(ours) <= MAX_MODULES


def test_a_package_loads_only_the_module_of_the_name_asked_for() -> None:
    loaded = _loaded_by("from billing_core.fees import VarianceReport")
    fees = sorted(m for m in loaded if m.startswith("billing_core.fees"))
    assert fees == ["billing_core.fees", "billing_core.fees._variance"]


@pytest.mark.parametrize(
    "name", ["BillResult", "EncounterResult", "PostingStatus", "RemittanceResult"]
)
def test_a_result_that_moved_out_is_still_found_where_0_1_0_pickled_it(name: str) -> None:
    import billing_core.workflows

    # Protocol 0's GLOBAL opcode, as 0.1.0 wrote it: module, then name.
    old = f"cbilling_core.workflows._results\n{name}\n.".encode()
    assert pickle.loads(old) is getattr(billing_core.workflows, name)


def test_a_posting_status_pickled_by_0_1_0_loads() -> None:
    from billing_core.workflows import PostingStatus

    # PostingStatus.POSTED under 0.1.0 (protocol 0): the class, then its value.
    old = b"cbilling_core.workflows._results\nPostingStatus\np0\n(Vposted\np1\ntp2\nRp3\n."
    assert pickle.loads(old) is PostingStatus.POSTED


def test_a_posting_plan_without_contracts_never_loads_them() -> None:
    program = (
        "import sys\n"
        "from billing_core.posting._variances import check_contracts, plan_variances\n"
        "print(check_contracts(None), plan_variances(None, {}, {}),"
        " 'billing_core.fees._contract' in sys.modules)\n"
    )
    out = _output(program)
    assert out.strip() == "{} ((), []) False"


def test_a_date_is_still_formatted_on_first_use() -> None:
    program = (
        "import datetime, sys\n"
        "from billing_core.statements._render import _date_text\n"
        "print(_date_text(datetime.date(2024, 3, 4), 'en_US'), 'babel.dates' in sys.modules)\n"
    )
    out = _output(program)
    # CLDR's medium date in en_US: abbreviated month, day, year.
    assert out.strip() == "Mar 4, 2024 True"


def test_the_core_packages_are_lazy() -> None:
    assert {
        "billing_core",
        "billing_core.ledger",
        "billing_core.posting",
        "billing_core.fees",
        "billing_core.workflows",
        "billing_core.statements",
    } <= set(LAZY_PACKAGES)


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_every_name_of_a_lazy_package_resolves_from_a_cold_start(name: str) -> None:
    # A fresh interpreter: a name's module imported for the first time through the
    # table, in __all__'s order, as `from package import *` does.
    program = (
        f"import {name} as p\n"
        f"from {name} import *\n"
        "missing = [n for n in p.__all__ if n not in globals()]\n"
        "print(len(p.__all__), missing)\n"
    )
    out = _output(program)
    count, missing = out.split(" ", 1)
    assert int(count) > 0
    assert missing.strip() == "[]"


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_a_lazy_package_offers_each_name_as_an_eager_one_did(name: str) -> None:
    package = importlib.import_module(name)
    assert len(package.__all__) == len(set(package.__all__))
    for export in package.__all__:
        value = getattr(package, export)
        namespace: dict[str, object] = {}
        exec(f"from {name} import {export}", namespace)
        assert namespace[export] is value
        assert export in dir(package)
        home = getattr(value, "__module__", None)
        if isinstance(home, str) and home.startswith(f"{name}._"):
            # The object keeps its private module as its home, and is the same object there.
            assert getattr(sys.modules[home], export) is value
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        package.no_such_name  # noqa: B018


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_a_lazy_table_names_only_modules_its_package_may_import(name: str) -> None:
    layers = _layers()
    package: ModuleType = importlib.import_module(name)
    own = _layer_of(name, layers) if name != "billing_core" else None
    for module in package._EXPORTS:
        assert importlib.util.find_spec(module) is not None, module
        if own is None or module.startswith(f"{name}."):
            continue
        theirs = _layer_of(module, layers)
        assert theirs is not None
        assert theirs <= own, f"{name} -> {module} runs up the layers"


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_the_field_annotations_of_every_exported_class_resolve(name: str) -> None:
    # Serialization, the JSON Schema and the frames read them at run time, and so may
    # a caller (typing.get_type_hints): a name a class's fields use stays a real
    # import of its module, never one under TYPE_CHECKING, wherever the class moves.
    package = importlib.import_module(name)
    classes = [v for v in (getattr(package, n) for n in package.__all__) if attrs_class(v)]
    unresolved = []
    for cls in classes:
        try:
            typing.get_type_hints(cls)
        except NameError as e:
            unresolved.append(f"{cls.__qualname__}: {e}")
    assert unresolved == []


def attrs_class(value: object) -> bool:
    return isinstance(value, type) and attrs.has(value)


def test_help_lists_a_lazy_packages_names() -> None:
    import billing_core.fees

    text = pydoc.render_doc(billing_core.fees, renderer=pydoc.plaintext)
    assert "class Contract" in text
    assert "payment_variance(" in text
    assert "Fee schedules and contract pricing" in text


def test_every_package_stub_is_generated_from_its_table() -> None:
    stale = [str(path) for path, text in stubs.stubs().items() if path.read_text() != text]
    assert stale == [], "run `make stubs`"


def test_every_lazy_package_has_a_stub() -> None:
    paths = {path.parent.name for path in stubs.stubs()}
    assert {name.split(".")[-1] for name in LAZY_PACKAGES} == paths


# --------------------------------------------------------------------------- the mechanism

_MODULES = {
    "math": ("pi", "e", "tau", "inf", "sqrt", "floor"),
    "string": ("ascii_letters", "digits", "hexdigits", "punctuation"),
    "keyword": ("kwlist", "iskeyword", "softkwlist"),
}


@st.composite
def _tables(draw: st.DrawFn) -> dict[str, tuple[str, ...]]:
    """A table of module -> names drawn from real modules, each name once."""
    modules = draw(st.lists(st.sampled_from(sorted(_MODULES)), unique=True, min_size=1))
    return {
        m: tuple(draw(st.lists(st.sampled_from(_MODULES[m]), unique=True, min_size=1)))
        for m in modules
    }


@given(_tables())
def test_lazy_exports_offer_each_name_of_the_table_in_order(
    table: dict[str, tuple[str, ...]],
) -> None:
    all_, get, dir_ = lazy_exports("no_such_package", table)
    assert all_ == [name for names in table.values() for name in names]
    assert dir_() == sorted(all_)
    for module, names in table.items():
        for name in names:
            assert get(name) is getattr(importlib.import_module(module), name)
    with pytest.raises(AttributeError, match="has no attribute 'absent'"):
        get("absent")


@given(_tables(), st.data())
def test_a_name_in_two_modules_of_a_table_is_refused(
    table: dict[str, tuple[str, ...]], data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from([n for names in table.values() for n in names]))
    twice = {**table, "operator": ("add", name)}
    with pytest.raises(ValueError, match=f"{name} is exported from"):
        lazy_exports("no_such_package", twice)


@given(_tables())
def test_a_stub_reexports_exactly_the_table(table: dict[str, tuple[str, ...]]) -> None:
    tree = ast.parse(render_stub(table, "# header"))
    imported = [
        (node.module, alias.name, alias.asname)
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]
    assert imported == [(m, n, n) for m, names in table.items() for n in names]
    all_ = next(n for n in tree.body if isinstance(n, ast.Assign))
    assert ast.literal_eval(all_.value) == [n for names in table.values() for n in names]
