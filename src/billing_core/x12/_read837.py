"""The 837 readers: professional (005010X222A1) and institutional (005010X223A2) claims.

The reader follows the loops: HL levels 20 (billing provider), 22 (subscriber
and payer) and 23 (patient); CLM opens a claim (2300), SBR after it a prior
payer (2320, with 2330A/B), LX a line (2400), SVD a prior payer's line
adjudication (2430). What is read is what [`write_837p`][billing_core.x12.write_837p]
and [`write_837i`][billing_core.x12.write_837i] write (see the guide's table),
so a claim read, written and read again comes back equal. Segments of the 837
that have no home in the documents (repricing, ambulance and DME
certifications, notes, occurrence and value codes, the pay-to address, service
facility) are passed over; a segment that is not part of the 837 is a finding.
"""

from __future__ import annotations

from collections.abc import Callable

from billing_core.claims import Claim
from billing_core.x12._reader837 import KNOWN_837, Reader
from billing_core.x12._results import ReadResult, read_all
from billing_core.x12._tokens import Source
from billing_core.x12._values import element, parse_date

__all__ = ["read_837i", "read_837p"]


def _walk(reader: Reader) -> list[Claim]:
    tok, env, problems = reader.tok, reader.env, reader.problems
    handlers: dict[str, Callable[[int, list[str]], None]] = {
        "HL": reader.hl,
        "SBR": reader.sbr_segment,
        "NM1": reader.nm1,
        "N3": reader.n3,
        "N4": reader.n4,
        "DMG": reader.dmg,
        "PRV": reader.prv,
        "REF": reader.ref,
        "CLM": reader.clm,
        "DTP": reader.dtp,
        "CL1": reader.cl1,
        "PWK": reader.pwk,
        "HI": reader.hi,
        "CAS": reader.cas,
        "AMT": reader.amt,
        "LX": reader.lx,
        "SV1": reader.sv1,
        "SV2": reader.sv2,
        "LIN": reader.lin,
        "CTP": reader.ctp,
        "SVD": reader.svd,
        "ISA": env.isa,
        "GS": env.gs,
        "GE": env.ge,
        "IEA": env.iea,
    }
    for seg in tok:
        tag, number = seg[0], tok.count
        handler = handlers.get(tag)
        if handler is not None:
            handler(number, seg)
        elif tag == "PAT":
            reader.relationship = element(seg, 1)
        elif tag == "BHT":
            reader.claim_date = parse_date(element(seg, 4))
            if reader.claim_date is None:
                reader.add(number, seg, "BHT04", "the transaction date is not a date")
        elif tag == "ST":
            env.st(number, seg)
        elif tag == "SE":
            reader.close()
            env.se(number, seg)
        elif tag not in KNOWN_837:
            problems.add(number, tag[:8], "", "not a segment of the 837", "x12.unknown_segment")
    reader.close()
    env.end(tok.count)
    return reader.done


def _read(
    source: Source, strict: bool, progress: Callable[[int], None] | None, institutional: bool
) -> ReadResult[Claim]:
    return read_all(
        source,
        strict=strict,
        progress=progress,
        walk=lambda tok, found: _walk(Reader(tok, found, institutional=institutional)),
    )


def read_837p(
    source: Source, *, strict: bool = True, progress: Callable[[int], None] | None = None
) -> ReadResult[Claim]:
    """Read the claims of an 837P (professional, 005010X222A1).

    Strict by default: any problem raises one
    [`X12Error`][billing_core.x12.X12Error] with every finding, and nothing
    is returned; with ``strict=False`` the claims that could be read come back
    with the problems in ``findings``. An 837 carries no account or patient id
    of ours: both are set from the subscriber's member id (see the guide).

    Args:
        source: The text (``str``), its bytes, a path or a binary stream.
        strict: See above.
        progress: Called with the characters read so far after each chunk.

    Returns:
        The claims (a list), with ``findings``.

    Raises:
        X12Error: See above.

    Examples:
        >>> import datetime
        >>> from billing_core._examples import example_837_claim
        >>> from billing_core.x12 import ControlNumbers, Receiver, Submitter, write_837p
        >>> claim = example_837_claim()
        >>> text = write_837p([claim], Submitter(name="Good Clinic", id="GC001", phone="5550100"),
        ...     Receiver(name="Acme Health", id="87726"),
        ...     ControlNumbers(interchange=1, group=1, created=datetime.datetime(2024, 3, 5)))
        >>> (back,) = read_837p(text)
        >>> back.total_charge, back.lines[0].procedure.code, back.diagnoses[0].dotted
        (Money('125.00', 'USD'), '99213', 'E11.9')
    """
    return _read(source, strict, progress, institutional=False)


def read_837i(
    source: Source, *, strict: bool = True, progress: Callable[[int], None] | None = None
) -> ReadResult[Claim]:
    """Read the claims of an 837I (institutional, 005010X223A2).

    As [`read_837p`][billing_core.x12.read_837p]; each claim also gets its
    ``institutional`` part (facility type, admission, patient status,
    admitting diagnosis) and statement period, and each line its revenue code.

    Args:
        source: The text (``str``), its bytes, a path or a binary stream.
        strict: See above.
        progress: Called with the characters read so far after each chunk.

    Returns:
        The claims (a list), with ``findings``.

    Raises:
        X12Error: See above.

    Examples:
        >>> read_837i("ST*837*1*005010X223A2~SE*2*1~", strict=False).findings[0].message
        'no interchange envelope: the input starts at ST, not ISA'
    """
    return _read(source, strict, progress, institutional=True)
