"""Every ```python block in the docs and the README runs, top to bottom, one namespace per page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_examples_run(page: Path) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, block in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), start=1):
        code = compile(block, f"{page.relative_to(ROOT)} (block {number})", "exec")
        exec(code, namespace)


def test_every_docs_page_has_at_least_one_page() -> None:
    # Guards the collector itself: a broken glob would silently run nothing.
    assert any(p.name == "money.md" for p in PAGES)
    assert BLOCK.findall((ROOT / "docs" / "guide" / "money.md").read_text(encoding="utf-8"))
