"""Test helpers for the X12 tests: envelopes with correct counts, and pyx12's verdict."""

from __future__ import annotations

import io
import logging

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
