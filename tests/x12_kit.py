"""Test helpers for the X12 tests: envelopes with correct counts, pyx12's verdict, the parties."""

from __future__ import annotations

import datetime
import io
import logging

from billing_core.parties import (
    Address,
    Coverage,
    CoverageSequence,
    Patient,
    Payer,
    Provider,
    ProviderKind,
    Relationship,
    Sex,
)

ISA = (
    "ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     "
    "*240105*1200*^*00501*000000101*0*P*:~"
)
assert len(ISA) == 106


def envelope(
    body: list[str],
    *,
    transaction: str = "835",
    guide: str = "005010X221A1",
    functional: str = "HP",
    control: str = "0001",
) -> str:
    """An interchange holding one transaction set of ``body`` segments (no terminators)."""
    st = f"ST*{transaction}*{control}" + (f"*{guide}" if transaction != "835" else "")
    segments = [st, *body, f"SE*{len(body) + 2}*{control}"]
    return (
        ISA
        + f"GS*{functional}*SUBMITTER01*RECEIVER01*20240105*1200*101*X*{guide}~"
        + "".join(s + "~" for s in segments)
        + "GE*1*101~IEA*1*000000101~"
    )


def pyx12_errors(text: str) -> list[str]:
    """pyx12's validation errors for an X12 text (empty when it passes)."""
    import pyx12.params
    import pyx12.x12n_document

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logger = logging.getLogger("pyx12")
    logger.addHandler(handler)
    logger.setLevel(logging.ERROR)
    try:
        ok = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(),
            src_file=io.StringIO(text),
            fd_997=None,
            fd_html=None,
        )
    finally:
        logger.removeHandler(handler)
    errors = [line for line in log.getvalue().splitlines() if line.strip()]
    if not ok and not errors:
        errors = ["pyx12 reported a failure without a message"]
    return errors


def seg_list(text: str, tag: str) -> list[str]:
    """The segments of ``text`` with id ``tag``, as written."""
    return [s for s in text.split("~") if s.split("*")[0] == tag]


# The parties of the 837 tests: a clinic billing for a dependant (Jane) of a subscriber
# (John) covered by Acme.
CLINIC = Provider(
    npi="1245319599",
    name="Riverside Clinic",
    kind=ProviderKind.ORGANIZATION,
    taxonomy="207Q00000X",
    address=Address(
        lines=["100 River Rd", "Suite 2"], city="Albany", state="NY", postal_code="122071234"
    ),
    tax_id="141234567",
)
SMITH = Provider(npi="1234567893", name="Smith, Ada", taxonomy="207Q00000X")
HOME = Address(lines="12 Elm St", city="Albany", state="NY", postal_code="12208")
JANE = Patient(
    id="M-1/19",
    name="Roe, Jane",
    birth_date=datetime.date(2010, 5, 17),
    sex=Sex.FEMALE,
    address=HOME,
)
JOHN = Patient(
    id="M-1", name="Roe, John Q", birth_date=datetime.date(1978, 1, 2), sex=Sex.MALE, address=HOME
)
ACME = Coverage(
    id="87726/P",
    payer=Payer(id="87726", name="Acme Health", payer_id="87726"),
    member_id="M-1",
    sequence=CoverageSequence.PRIMARY,
    group_number="G-55",
    relationship=Relationship.CHILD,
    subscriber=JOHN,
    filing_code="CI",
)
