"""The package as an index shows it and as a user installs it: metadata, README, sdist, wheel.

`make package` (part of `make test`) builds the wheel and the sdist and checks their
metadata with ``twine check --strict``; these tests pin what they hold. The project's home
is declared in pyproject.toml's ``[project.urls]`` and mkdocs.yml (``repo_url``,
``site_url``): the tests keep them, the README and the changelog's links on one base.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
URLS: dict[str, str] = PROJECT["urls"]
SOURCE, DOCS = URLS["Source"], URLS["Documentation"]
README = (ROOT / "README.md").read_text()


def _mkdocs_setting(name: str) -> str:
    found = re.search(rf"^{name}: (\S+)$", (ROOT / "mkdocs.yml").read_text(), re.MULTILINE)
    assert found, f"mkdocs.yml has no {name}"
    return found.group(1)


def test_the_index_page_metadata() -> None:
    classifiers = set(PROJECT["classifiers"])
    assert {
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Intended Audience :: Healthcare Industry",
        "Topic :: Office/Business :: Financial",
        "Typing :: Typed",
    } <= classifiers
    assert any(c.startswith("Development Status :: ") for c in classifiers)
    assert {"medical billing", "healthcare", "X12"} <= set(PROJECT["keywords"])
    assert set(URLS) == {"Homepage", "Documentation", "Source", "Changelog", "Issues"}


def test_the_project_home_is_one_base() -> None:
    assert _mkdocs_setting("repo_url") == SOURCE
    assert _mkdocs_setting("site_url") == DOCS
    assert DOCS.endswith("/") and not SOURCE.endswith("/")
    assert URLS["Homepage"] == SOURCE
    assert URLS["Changelog"] == f"{SOURCE}/blob/main/CHANGELOG.md"
    assert URLS["Issues"] == f"{SOURCE}/issues"
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"[Unreleased]: {SOURCE}/" in changelog


def test_a_released_version_has_its_dated_changelog_section_and_link() -> None:
    version = PROJECT["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text()
    if ".dev" in version:  # between releases only [Unreleased] is required
        assert "## [Unreleased]" in changelog
        return
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    assert f"[{version}]: {SOURCE}/releases/tag/v{version}" in changelog
    assert f"[Unreleased]: {SOURCE}/compare/v{version}...HEAD" in changelog


def test_the_readme_starts_with_the_install_line_and_links_absolutely() -> None:
    blocks = re.findall(r"```(\w+)\n(.*?)```", README, re.DOTALL)
    assert blocks[0] == ("console", "pip install billing_core\n")
    assert "make demo" in blocks[1][1] and "make test" in blocks[1][1]
    targets = re.findall(r"\]\(([^)]+)\)", README)
    assert targets, "the README links its docs"
    relative = [t for t in targets if not t.startswith("https://")]
    assert relative == [], "an index page has no files beside it: links must be absolute"
    ours = [t for t in re.findall(r"https://\S+?(?=[)\s]|$)", README) if "billing" in t]
    assert ours and all(t.startswith((SOURCE, DOCS)) for t in ours)


def test_the_extras() -> None:
    extras: dict[str, list[str]] = PROJECT["optional-dependencies"]

    def names(extra: str) -> set[str]:
        return {re.split(r"[\[<>=!~ ;]", d, maxsplit=1)[0].lower() for d in extras[extra]}

    assert names("testing") == {"pytest", "hypothesis"}
    assert names("postgres") == {"psycopg"}
    assert names("holidays") == {"holidays"}
    assert names("docs") & {"ruff", "black"}, "mkdocstrings formats signatures with one"
    assert {"build", "twine"} <= names("package")
    (dev,) = extras["dev"]
    listed = set(re.fullmatch(r"billing_core\[(.*)\]", dev).group(1).split(","))  # type: ignore[union-attr]
    assert listed == set(extras) - {"dev", "testing"}  # testing comes with test


# --------------------------------------------------------------------------- built artifacts


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", out],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    return out


def test_the_sdist_ships_the_listed_files_only(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    top = {n.split("/")[1] for n in names if n.count("/") >= 1}
    assert top == {
        "src", "tests", "examples", "docs", "benchmarks", "tools", "CHANGELOG.md",
        "CONTRIBUTING.md", "LICENSE", "Makefile", "README.md", "mkdocs.yml", "pyproject.toml",
        "PKG-INFO", ".gitignore",
    }  # fmt: skip
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".db"))]
    assert any(n.endswith("src/billing_core/py.typed") for n in names)


def test_the_wheel_holds_the_typed_package_alone(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(
            archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA")
        )
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {
        "billing_core"
    }
    assert {"billing_core/py.typed", "billing_core/__init__.pyi"} <= set(names)
    assert f"Project-URL: Documentation, {DOCS}" in metadata
    assert "Provides-Extra: testing" in metadata
    assert "Classifier: Intended Audience :: Healthcare Industry" in metadata
    assert "Description-Content-Type: text/markdown" in metadata


# --------------------------------------------------------------------------- optional packages

_BLOCK = textwrap.dedent(
    """\
    import sys

    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {blocked!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None

    sys.meta_path.insert(0, Block())
    import importlib.util
    real = importlib.util.find_spec
    importlib.util.find_spec = lambda name, *a: None if name in {blocked!r} else real(name, *a)
    try:
        import {module}
    except ImportError as error:
        print(error)
    """
)


@pytest.mark.parametrize(
    ("module", "blocked", "message"),
    [
        (
            "billing_core.testing.conformance",
            "pytest",
            "billing_core.testing.conformance needs pytest: pip install 'billing_core[testing]'",
        ),
        (
            "billing_core.testing.strategies",
            "hypothesis",
            "billing_core.testing.strategies needs hypothesis: pip install 'billing_core[testing]'",
        ),
    ],
)
def test_the_test_kit_names_the_extra_it_needs(module: str, blocked: str, message: str) -> None:
    script = _BLOCK.format(module=module, blocked={blocked})
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == message, done.stderr


def test_the_core_imports_no_optional_package() -> None:
    script = (
        "import sys, billing_core, billing_core.deadlines, billing_core.serialization;"
        " import billing_core.testing.memory;"
        " print(sorted({'holidays', 'psycopg', 'psycopg_pool', 'pytest', 'hypothesis'}"
        " & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr
