"""The 837 writers: claims out as 837P (005010X222A1) and 837I (005010X223A2).

One interchange, one functional group, one transaction set per claim date (the
BHT04 date), and in it, per claim, the billing provider (2000A), subscriber
(2000B) and, when the patient is not the subscriber, patient (2000C) levels,
then the claim (2300) with its providers (2310), the prior payers of a
secondary claim (2320/2330) and the lines (2400) with their drug (2410),
providers (2420) and prior payers' line adjudication (2430).

Fixed choices, written on every claim: provider signature on file (CLM06
``Y``, 837P), assignment accepted (CLM07 ``A``), benefits assigned (CLM08
``Y``), release of information on file (CLM09 ``Y``); on other payers' OI
segments benefits assigned and release on file. A coverage without a
``filing_code`` is written with SBR09 ``ZZ`` (mutually defined) and read back
as none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from billing_core.claims import Claim
from billing_core.errors import Finding, ValidationError
from billing_core.x12._envelope_types import ControlNumbers, Receiver, Submitter
from billing_core.x12._loops837 import Out, name, write_claim
from billing_core.x12._values import date_text

__all__ = ["GUIDE_837I", "GUIDE_837P", "write_837i", "write_837p"]

GUIDE_837P: Final = "005010X222A1"
"""The implementation guide of the professional 837 (GS08, ST03)."""
GUIDE_837I: Final = "005010X223A2"
"""The implementation guide of the institutional 837 (GS08, ST03)."""


def _isa(submitter: Submitter, receiver: Receiver, numbers: ControlNumbers) -> str:
    created = numbers.created
    return "*".join(
        (
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            submitter.id_qualifier.ljust(2),
            submitter.id[:15].ljust(15),
            receiver.id_qualifier.ljust(2),
            receiver.id[:15].ljust(15),
            created.strftime("%y%m%d"),
            created.strftime("%H%M"),
            "^",
            "00501",
            numbers.isa_control,
            "0",
            "P" if numbers.production else "T",
            ":",
        )
    )


def _transaction(
    group: list[Claim],
    submitter: Submitter,
    receiver: Receiver,
    numbers: ControlNumbers,
    control: str,
    institutional: bool,
) -> Out:
    """One transaction set: ST, BHT, submitter, receiver, the claims, SE."""
    guide = GUIDE_837I if institutional else GUIDE_837P
    out = Out(institutional)
    out.seg("ST", "837", control, guide)
    when = numbers.created.strftime("%H%M")
    out.seg("BHT", "0019", "00", control, date_text(group[0].claim_date), when, "CH")
    name(out, "41", "2", submitter.name, "46", submitter.id)
    contact = ("TE", submitter.phone) if submitter.phone else ("EM", submitter.email)
    out.seg("PER", "IC", submitter.contact_name, *contact)
    name(out, "40", "2", receiver.name, "46", receiver.id)
    for claim in group:
        write_claim(out, claim)
    out.seg("SE", str(len(out.segments) + 1), control)
    return out


def _write(
    claims: Iterable[Claim],
    submitter: Submitter,
    receiver: Receiver,
    numbers: ControlNumbers,
    *,
    institutional: bool,
) -> str:
    guide = GUIDE_837I if institutional else GUIDE_837P
    by_date: dict[object, list[Claim]] = {}
    for claim in claims:
        by_date.setdefault(claim.claim_date, []).append(claim)
    if not by_date:
        raise ValidationError(
            [Finding(location="claims", message="no claim to write", rule="x12.837")]
        )
    created = numbers.created
    parts = [
        _isa(submitter, receiver, numbers),
        "*".join(
            (
                "GS",
                "HC",
                submitter.id,
                receiver.id,
                created.strftime("%Y%m%d"),
                created.strftime("%H%M"),
                str(numbers.group),
                "X",
                guide,
            )
        ),
    ]
    problems: list[Finding] = []
    for offset, group in enumerate(by_date.values()):
        control = f"{numbers.transaction + offset:04d}"
        out = _transaction(group, submitter, receiver, numbers, control, institutional)
        problems.extend(out.problems)
        parts.extend(out.segments)
    if problems:
        raise ValidationError(problems)
    parts.append(f"GE*{len(by_date)}*{numbers.group}")
    parts.append(f"IEA*1*{numbers.isa_control}")
    return "~".join(parts) + "~"


def write_837p(
    claims: Iterable[Claim],
    submitter: Submitter,
    receiver: Receiver,
    control_numbers: ControlNumbers,
) -> str:
    """Write professional claims as one 837P interchange (005010X222A1).

    Each claim needs what an 837P carries: a billing provider with address
    and tax id (care team role ``BILLING``), the subscriber's name
    (``Claim.patient`` when the patient is the subscriber, else
    ``Coverage.subscriber``, with the patient's name, address and birth date),
    a place of service, at least one diagnosis and a procedure code per line.
    Amounts are written exactly and short (``100``, ``12.5``), never ``1E+2``.

    Args:
        claims: The claims, in order; one transaction set per claim date.
        submitter: Who sends them.
        receiver: Who receives them.
        control_numbers: ISA13, GS06, the first ST02, and the creation time.

    Returns:
        The interchange, segments ended by ``~``.

    Raises:
        ValidationError: Every claim problem that keeps a valid 837 from being
            written (each naming the claim), or a value holding a delimiter.

    Examples:
        >>> import datetime
        >>> from billing_core._examples import example_837_claim
        >>> when = datetime.datetime(2024, 3, 5, 9, 30)
        >>> text = write_837p([example_837_claim()],
        ...     Submitter(name="Good Clinic", id="GC001", phone="5555551212"),
        ...     Receiver(name="Acme Health", id="87726"),
        ...     ControlNumbers(interchange=1, group=1, created=when))
        >>> [s for s in text.split("~") if s.startswith(("CLM", "SV1"))]
        ['CLM*CLM1*125***11:B:1*Y*A*Y*Y', 'SV1*HC:99213*125*UN*1***1']
    """
    return _write(claims, submitter, receiver, control_numbers, institutional=False)


def write_837i(
    claims: Iterable[Claim],
    submitter: Submitter,
    receiver: Receiver,
    control_numbers: ControlNumbers,
) -> str:
    """Write institutional claims as one 837I interchange (005010X223A2).

    As [`write_837p`][billing_core.x12.write_837p], and each claim needs its
    ``institutional`` part (facility type, admission, patient status, the
    admitting diagnosis) and a revenue code per line (SV2); the statement
    period is the claim's, or the span of its lines.

    Args:
        claims: The claims, in order.
        submitter: Who sends them.
        receiver: Who receives them.
        control_numbers: ISA13, GS06, the first ST02, and the creation time.

    Returns:
        The interchange.

    Raises:
        ValidationError: See [`write_837p`][billing_core.x12.write_837p].

    Examples:
        >>> import datetime
        >>> from billing_core._examples import example_837_claim
        >>> when = datetime.datetime(2024, 3, 5, 9, 30)
        >>> write_837i([example_837_claim()],
        ...     Submitter(name="Good Clinic", id="GC001", phone="5555551212"),
        ...     Receiver(name="Acme Health", id="87726"),
        ...     ControlNumbers(interchange=1, group=1, created=when))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: 3 problems:
          - claim 'CLM1': the billing provider's ZIP code must have 9 digits (ZIP+4) on an 837I
          - claim 'CLM1': an institutional claim (Claim.institutional) is needed for an 837I
          - claim 'CLM1': line 'L1' needs a revenue code for an 837I
    """
    return _write(claims, submitter, receiver, control_numbers, institutional=True)
