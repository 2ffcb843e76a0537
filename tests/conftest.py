"""Shared test configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Timings never decide a test: no hypothesis deadline, and slow data generation is fine.
# Locally every run explores new examples; under CI (CI=true) the examples are
# derandomized, so a run's verdict does not depend on luck.
settings.register_profile(
    "billing_core",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "ci",
    parent=settings.get_profile("billing_core"),
    derandomize=True,
    database=None,
)
settings.load_profile("ci" if os.environ.get("CI") else "billing_core")

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT.parent / "shared" / "corpus"


@pytest.fixture
def corpus_dir() -> Path:
    """The shared corpus of real X12/FHIR files; skips the test when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS
