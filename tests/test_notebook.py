"""The analyst notebook in docs/notebooks: stored without outputs, and it runs from top to bottom.

It is executed in a fresh kernel with nbclient, as a reader would run it; its
outputs must show the tables and charts, and never a patient identifier.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "analyst.ipynb"


def _read() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def test_the_notebook_is_stored_without_outputs() -> None:
    nb = _read()
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 10
    assert [c.outputs for c in code] == [[] for _ in code]
    assert {c.execution_count for c in code} == {None}
    assert "widgets" not in nb.metadata


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    nb = _read()
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return nb


def _outputs(nb: nbformat.NotebookNode) -> list[dict[str, object]]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_the_notebook_runs_and_shows_tables_and_charts(executed: nbformat.NotebookNode) -> None:
    outputs = _outputs(executed)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # aging, the pandas bars, the waterfall, the KPI trend
    joined = "\n".join(html)
    assert "Line balances: 12 line(s)" in joined
    assert "A/R aging as of 2025-03-31, days since service date" in joined
    assert "Line L02 as of 2025-03-31" in joined and "KPI trend" in joined
    assert "days since you became responsible" in joined  # the statement names its anchor


def test_the_notebook_shows_no_patient_identifier(executed: nbformat.NotebookNode) -> None:
    text = repr(_outputs(executed))
    for value in ("ACCT-0001003", "ACCT-0001000", "MRN-0005002", "Jane Roe"):
        assert value not in text
