"""Sampled mutation testing: do the tests notice when the code is subtly wrong?

Run with ``make mutate`` (on demand, never in ``make test``). For each area
(a group of modules and the tests that cover them) it makes small changes to
the source, one at a time — ``and`` for ``or``, ``<=`` for ``<``, ``pass`` for a
``raise``, ``n + 1`` for a small constant, ``-`` for ``+``, a dropped ``not`` —
runs the area's tests against each changed copy, and counts a mutant *killed*
when a test fails (or the run times out). A mutant the area's tests miss then
faces the whole suite (unless ``--quick``): only a survivor of every test counts.
A mutant that survives is either a gap in the tests or a change that does not
alter behaviour (an *equivalent* mutant); equivalents are listed, with the reason, in
``tools/mutation-equivalents.txt`` and left out of the score.

The mutants of an area are enumerated in a stable order and sampled with a
fixed seed, so two runs on the same code draw the same mutants. Each worker runs
in its own copy of the repository, so the working tree is never touched.

Usage::

    python tools/mutate.py                      # every area, default sample
    python tools/mutate.py money balances -n 0  # two areas, every mutant
    python tools/mutate.py --list posting       # show the mutants, run nothing
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "tools" / "mutation-equivalents.txt"

# area -> (source globs, test paths). The tests of an area are the ones that
# exercise it directly; the module's own doctests run too (its source file).
AREAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "money": (
        ("src/billing_core/money.py", "src/billing_core/money/*.py", "src/billing_core/_money*.py"),
        ("tests/test_money*.py",),
    ),
    "allocation": (
        ("src/billing_core/allocation.py", "src/billing_core/allocation/*.py"),
        ("tests/test_allocation*.py",),
    ),
    "balances": (
        ("src/billing_core/balances.py", "src/billing_core/balances/*.py"),
        ("tests/test_balances*.py",),
    ),
    "posting": (
        ("src/billing_core/posting.py", "src/billing_core/posting/*.py"),
        ("tests/test_posting*.py",),
    ),
    "balancing": (
        ("src/billing_core/balancing.py", "src/billing_core/balancing/*.py"),
        ("tests/test_balancing*.py",),
    ),
    "aging": (
        ("src/billing_core/aging.py", "src/billing_core/aging/*.py"),
        ("tests/test_aging*.py",),
    ),
    "workflows": (
        ("src/billing_core/workflows.py", "src/billing_core/workflows/*.py"),
        ("tests/test_workflow*.py",),
    ),
}

SMALL_CONSTANTS = range(-2, 101)


@dataclass(frozen=True)
class Mutant:
    """One change to one file: the ``index``-th mutation point of the file's walk."""

    area: str
    path: Path
    index: int
    line: int
    description: str

    @property
    def key(self) -> str:
        """A key that survives unrelated edits: file, operator and the source line's text."""
        text = self.path.read_text().splitlines()[self.line - 1].strip()
        return f"{self.path.relative_to(ROOT)} | {self.description} | {text}"


# --------------------------------------------------------------------------- finding mutants

_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.FloorDiv,
}


def _skipped_lines(tree: ast.Module) -> set[int]:
    """Lines no mutant should touch: annotations, decorators, ``__all__``, ``TYPE_CHECKING``.

    Decorators declare a class's shape (``attrs.frozen(kw_only=True)``); the
    tests of logic are what this tool measures.
    """
    skip: set[int] = set()

    def cover(node: ast.AST | None) -> None:
        if node is not None and hasattr(node, "lineno"):
            end = getattr(node, "end_lineno", None) or node.lineno
            skip.update(range(node.lineno, end + 1))

    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign):
            cover(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for decorator in node.decorator_list:
                cover(decorator)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            cover(node.returns)
            for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                cover(arg.annotation)
        elif _is_all(node) or (
            isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        ):
            cover(node)
    return skip


def _is_all(node: ast.AST) -> bool:
    return isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
    )


def _points(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Every mutation point of a module, in a stable order, with what the change does."""
    skip = _skipped_lines(tree)
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.BoolOp):
            new = "and" if isinstance(node.op, ast.Or) else "or"
            yield node, f"boolean operator -> {new}"
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _COMPARE_SWAPS:
                    swap = _COMPARE_SWAPS[type(op)].__name__
                    yield node, f"comparison {i}: {type(op).__name__} -> {swap}"
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAPS:
            swap = _BINOP_SWAPS[type(node.op)].__name__
            yield node, f"operator {type(node.op).__name__} -> {swap}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "not dropped"
        elif isinstance(node, ast.Raise):
            yield node, "raise -> pass"
        elif (
            isinstance(node, ast.Constant)
            and type(node.value) is int
            and node.value in SMALL_CONSTANTS
        ):
            yield node, f"constant {node.value} -> {node.value + 1}"
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            yield node, f"constant {node.value} -> {not node.value}"


def _apply(tree: ast.Module, target: ast.AST, description: str) -> None:
    """Change ``target`` in place as ``description`` says."""
    if isinstance(target, ast.BoolOp):
        target.op = ast.And() if isinstance(target.op, ast.Or) else ast.Or()
    elif isinstance(target, ast.Compare):
        i = int(description.split(":")[0].split()[-1])
        target.ops[i] = _COMPARE_SWAPS[type(target.ops[i])]()
    elif isinstance(target, ast.BinOp):
        target.op = _BINOP_SWAPS[type(target.op)]()
    elif isinstance(target, ast.UnaryOp):
        _replace(tree, target, target.operand)
    elif isinstance(target, ast.Raise):
        _replace(tree, target, ast.Pass())
    elif isinstance(target, ast.Constant) and type(target.value) is bool:
        target.value = not target.value
    elif isinstance(target, ast.Constant):
        target.value = target.value + 1


def _replace(tree: ast.Module, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list) and any(v is old for v in value):
                value[[id(v) for v in value].index(id(old))] = new
                return
    raise LookupError("mutation point not found")


def mutants_of(area: str) -> list[Mutant]:
    """Every mutant of an area, in a stable order."""
    globs, _tests = AREAS[area]
    files = sorted({p for g in globs for p in ROOT.glob(g)})
    found: list[Mutant] = []
    for path in files:
        tree = ast.parse(path.read_text())
        for index, (node, description) in enumerate(_points(tree)):
            line = getattr(node, "lineno", 0)
            found.append(Mutant(area, path, index, line, description))
    return found


def mutated_source(mutant: Mutant) -> str:
    """The source of the mutant's file with the one change made."""
    tree = ast.parse(mutant.path.read_text())
    node, description = list(_points(tree))[mutant.index]
    _apply(tree, node, description)
    return ast.unparse(tree)


# --------------------------------------------------------------------------- running


def _copy_repo(into: Path) -> Path:
    """A copy of the tracked files (and the shared corpus beside it), for one worker."""
    repo = into / "repo"
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (into / "shared").symlink_to(shared)
    return repo


def _test_args(area: str, repo: Path) -> list[str]:
    globs, tests = AREAS[area]
    paths = sorted({p for g in (*tests, *globs) for p in repo.glob(g)})
    return [str(p.relative_to(repo)) for p in paths]


def _run_tests(repo: Path, args: Sequence[str], timeout: float) -> tuple[bool, float]:
    """(the tests passed, seconds taken); a timeout counts as a failure."""
    env = {**os.environ, "PYTHONPATH": str(repo / "src"), "CI": "true"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=repo, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, time.perf_counter() - start
    return done.returncode == 0, time.perf_counter() - start


def _worker(
    batch: Sequence[Mutant], workdir: Path, timeout: float, confirm: bool
) -> list[tuple[Mutant, bool]]:
    repo = _copy_repo(workdir)
    results = []
    for mutant in batch:
        target = repo / mutant.path.relative_to(ROOT)
        original = target.read_text()
        target.write_text(mutated_source(mutant))
        try:
            passed, _ = _run_tests(repo, _test_args(mutant.area, repo), timeout)
            if passed and confirm:
                # A survivor of the area's tests faces the whole suite before it counts.
                passed, _ = _run_tests(repo, ["tests", "src"], 10 * timeout)
        finally:
            target.write_text(original)
        results.append((mutant, not passed))
        state = "killed" if not passed else "SURVIVED"
        print(f"  {state:8} {mutant.path.relative_to(ROOT)}:{mutant.line} {mutant.description}")
    return results


def _equivalents() -> dict[str, str]:
    """Known equivalent mutants: key -> why it cannot change behaviour."""
    if not EQUIVALENTS.is_file():
        return {}
    known = {}
    for raw in EQUIVALENTS.read_text().splitlines():
        if raw.strip() and not raw.startswith("#"):
            key, _, why = raw.rpartition(" || ")
            known[key.strip()] = why.strip()
    return known


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sampled mutation test; exit 1 when an area scores under the target."""
    parser = argparse.ArgumentParser(description="Sampled mutation testing of billing_core.")
    parser.add_argument("areas", nargs="*", help=f"areas to mutate, of: {', '.join(AREAS)}")
    parser.add_argument("-n", "--sample", type=int, default=40, help="mutants per area; 0: all")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--target", type=float, default=95.0, help="percent killed needed")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="count a mutant the area's tests miss as a survivor without running the whole suite",
    )
    options = parser.parse_args(argv)
    areas = options.areas or list(AREAS)
    unknown = sorted(set(areas) - set(AREAS))
    if unknown:
        parser.error(f"unknown areas {unknown}; the areas are {list(AREAS)}")
    chosen: list[Mutant] = []
    for area in areas:
        every = mutants_of(area)
        rng = random.Random(f"{options.seed}:{area}")
        take = every if options.sample <= 0 else rng.sample(every, min(options.sample, len(every)))
        chosen.extend(sorted(take, key=lambda m: (str(m.path), m.index)))
        print(f"{area}: {len(take)} of {len(every)} mutants")
    if options.list:
        for m in chosen:
            print(f"{m.area:10} {m.path.relative_to(ROOT)}:{m.line} {m.description}")
        return 0
    known = _equivalents()
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        baseline = _copy_repo(Path(tmp) / "baseline")
        slowest = 0.0
        for area in areas:
            passed, seconds = _run_tests(baseline, _test_args(area, baseline), 3600)
            if not passed:
                print(f"{area}: the tests fail without any mutant; fix them first")
                return 2
            slowest = max(slowest, seconds)
        timeout = 3 * slowest + 30
        batches = [chosen[i :: options.jobs] for i in range(options.jobs)]
        with concurrent.futures.ProcessPoolExecutor(options.jobs) as pool:
            futures = [
                pool.submit(_worker, batch, Path(tmp) / f"w{i}", timeout, not options.quick)
                for i, batch in enumerate(batches)
            ]
            results = [r for f in futures for r in f.result()]
    return _report(areas, results, known, options.target)


def _report(
    areas: Sequence[str],
    results: Sequence[tuple[Mutant, bool]],
    known: dict[str, str],
    target: float,
) -> int:
    print()
    print(f"{'area':12}{'mutants':>9}{'killed':>8}{'equivalent':>12}{'score':>8}")
    failing = 0
    for area in areas:
        mine = [(m, k) for m, k in results if m.area == area]
        killed = sum(1 for _, k in mine if k)
        equivalent = [m for m, k in mine if not k and m.key in known]
        counted = len(mine) - len(equivalent)
        score = 100.0 * killed / counted if counted else 100.0
        failing += score < target
        print(f"{area:12}{len(mine):9}{killed:8}{len(equivalent):12}{score:7.1f}%")
    survivors = [m for m, k in results if not k and m.key not in known]
    if survivors:
        print("\nsurvivors (a test gap, or an equivalent for tools/mutation-equivalents.txt):")
        for m in survivors:
            print(f"  {m.key}")
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
