"""A claim's patient details agree with its lines, as a bill's and an encounter's do."""

from __future__ import annotations

import datetime

import attrs
import pytest

from billing_core._examples import example_claim
from billing_core.errors import ValidationError
from billing_core.parties import Patient


def test_a_patient_born_after_a_service_date_is_refused_without_showing_dates() -> None:
    claim = example_claim()
    first = min(line.service_date for line in claim.lines)
    late = first + datetime.timedelta(days=1)
    baby = Patient(id=claim.patient_id, name="Baby Roe", birth_date=late)
    with pytest.raises(
        ValidationError, match=r"\.patient\.birth_date: is after the service date"
    ) as e:
        attrs.evolve(claim, patient=baby)
    assert late.isoformat() not in str(e.value) and str(late.year) not in str(e.value)
    # born on the day of service is fine
    same_day = attrs.evolve(baby, birth_date=first)
    assert attrs.evolve(claim, patient=same_day).patient == same_day
