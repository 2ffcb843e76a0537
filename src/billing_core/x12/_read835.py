"""The 835 reader: remittance advice (005010X221A1) into `Remittance` documents.

One [`Remittance`][billing_core.remittance.Remittance] per ST/SE transaction
set, streamed: [`iter_835`][billing_core.x12.iter_835] yields each one when its
SE is read, [`read_835`][billing_core.x12.read_835] returns them all.

What is read, segment by segment: BPR (total, method, BPR16 paid date; DTM*405
when BPR16 is absent, with a finding), TRN (trace number, payer id), N1*PR and
N1*PE (payer and payee); per claim CLP (status with reversals 22 and
crossovers 19-21, charge, paid, patient responsibility, payer claim number),
claim-level CAS (every triplet), MOA/MIA remark codes; per line SVC (procedure
with qualifier and modifiers, the original procedure when re-coded, charge,
paid, units), line CAS, DTM*472/150 service date, REF*6R line control number,
AMT*B6 allowed amount, LQ*HE remarks; PLB with every pair. Segments of the 835
that have no home in the documents (N3/N4, PER, TS3, other REF/DTM/AMT/QTY
qualifiers) are passed over; a segment that is not part of the 835 at all is a
finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from billing_core.remittance import Remittance
from billing_core.x12._problems import Problems
from billing_core.x12._reader835 import GUIDE_835, KNOWN_835, Reader
from billing_core.x12._results import ReadResult
from billing_core.x12._tokens import Source, Tokenizer

__all__ = ["GUIDE_835", "iter_835", "read_835"]


def _walk(reader: Reader) -> Iterator[Remittance]:
    """The reading loop: dispatch each segment, yield each transaction set at its SE."""
    tok, env, handlers, problems = reader.tok, reader.env, reader.handlers, reader.problems
    for seg in tok:
        tag = seg[0]
        handler = handlers.get(tag)
        if handler is not None:
            if reader.header is None and tag != "PLB":
                problems.add(
                    tok.count,
                    tag,
                    "",
                    "outside a transaction set (no ST before it)",
                    "x12.structure",
                )
                continue
            handler(tok.count, seg)
        elif tag == "ST":
            reader.st(tok.count, seg)
        elif tag == "SE":
            remittance = reader.se(tok.count, seg)
            if remittance is not None:
                problems.raise_if_strict()
                yield remittance
        elif tag == "ISA":
            env.isa(tok.count, seg)
        elif tag == "GS":
            env.gs(tok.count, seg)
        elif tag == "GE":
            env.ge(tok.count, seg)
        elif tag == "IEA":
            env.iea(tok.count, seg)
        elif tag not in KNOWN_835:
            problems.add(tok.count, tag[:8], "", "not a segment of the 835", "x12.unknown_segment")
    if reader.header is not None:
        remittance = reader.finish()
        if remittance is not None:
            problems.raise_if_strict()
            yield remittance
    env.end(tok.count)
    problems.raise_if_strict()


def iter_835(
    source: Source,
    *,
    strict: bool = True,
    currency: str = "USD",
    progress: Callable[[int, int], None] | None = None,
    problems: Problems | None = None,
) -> Iterator[Remittance]:
    """Read an 835 one transaction set at a time: each remittance is yielded at its SE.

    Memory stays bounded by one transaction set (and the longest segment),
    whatever the size of the file.

    Args:
        source: The text (``str``), its bytes, a path or a binary stream.
        strict: Raise [`X12Error`][billing_core.x12.X12Error] before yielding
            anything from a transaction set with a problem (or after one), and
            at the end for an envelope problem; when false, read what can be
            read and leave the problems in ``problems``.
        currency: The currency of the amounts.
        progress: Called as ``progress(characters_read, claims_read)`` after
            each chunk of input.
        problems: Where findings go (lenient reading); a new one when omitted.

    Yields:
        One remittance per transaction set.

    Raises:
        X12Error: The input is not an 835 (always), or any problem (strict).

    Examples:
        >>> text = (
        ...     "ST*835*1~BPR*I*100*C*CHK************20240105~TRN*1*T1*P1~"
        ...     "CLP*A1*1*150*100*50*12*PCN1~SVC*HC:99213*150*100**1~"
        ...     "CAS*PR*1*50~REF*6R*L1~SE*8*1~"
        ... )
        >>> (r,) = iter_835(text, strict=False)
        >>> r.total_payment, r.claims[0].lines[0].adjustments[0].key
        (Money('100.00', 'USD'), 'PR-1')
    """
    found = problems if problems is not None else Problems(strict=strict)
    reader: Reader | None = None

    def report(characters: int) -> None:
        if progress is not None:
            progress(characters, reader.claims_read if reader is not None else 0)

    tok = Tokenizer(source, found, progress=report if progress is not None else None)
    tok.start()  # the delimiters are known from here on
    reader = Reader(tok, found, currency)
    yield from _walk(reader)


def read_835(
    source: Source,
    *,
    strict: bool = True,
    currency: str = "USD",
    progress: Callable[[int, int], None] | None = None,
) -> ReadResult[Remittance]:
    """Read every transaction set of an 835 into remittances.

    Strict by default: any problem (an envelope count, a malformed amount, an
    unknown code, a segment that is not part of the 835) raises one
    [`X12Error`][billing_core.x12.X12Error] carrying every finding, each
    located by segment number and id, and nothing is returned. With
    ``strict=False`` the remittances that could be read are returned and the
    problems are in the result's ``findings``.

    Args:
        source: The text (``str``), its bytes, a path or a binary stream.
        strict: See above.
        currency: The currency of the amounts.
        progress: Called as ``progress(characters_read, claims_read)``.

    Returns:
        The remittances (a list), with ``findings``.

    Raises:
        X12Error: See above.

    Examples:
        >>> text = "ST*835*1~BPR*I*0*C*NON************20240105~TRN*1*T1*P1~SE*4*1~"
        >>> result = read_835(text, strict=False)
        >>> len(result), [str(f) for f in result.findings]
        (1, ['segment 1 (ST): no interchange envelope: the input starts at ST, not ISA'])
    """
    found = Problems(strict=strict)
    items = list(
        iter_835(source, strict=strict, currency=currency, progress=progress, problems=found)
    )
    return ReadResult(items, found.findings)
