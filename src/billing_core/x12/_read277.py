"""The 277CA reader: claim acknowledgements (005010X214) into `ClaimAcknowledgement` values.

Each claim of a 277CA sits in loop 2200D under its patient (HL level ``PT``):
TRN02 echoes the patient control number we sent in CLM01, STC gives the status
(STC01 category:code:entity, STC02 the effective date, STC03 the action code
``WQ`` accepted or ``U`` rejected, STC12 a message) and REF*1K the payer's
claim number. A claim rejected for several reasons carries several statuses
(more STC segments, or STC10 and STC11): it gets one acknowledgement per status,
in order. Statuses of the batch, the receiver and the billing provider (the
levels above the claim) and of service lines (loop 2220D) are not claim
acknowledgements and are passed over.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Final

from billing_core.claims import ClaimAcknowledgement
from billing_core.errors import BillingError
from billing_core.x12._envelope import EnvelopeChecker
from billing_core.x12._problems import Problems
from billing_core.x12._results import ReadResult, read_all
from billing_core.x12._tokens import Source, Tokenizer
from billing_core.x12._values import element, parse_date

__all__ = ["GUIDE_277CA", "read_277ca"]

GUIDE_277CA: Final = "005010X214"
"""The implementation guide of the 277CA read (GS08)."""

_KNOWN: Final = frozenset(
    {
        *("ISA", "GS", "ST", "SE", "GE", "IEA", "BHT", "HL", "NM1", "TRN", "DTP", "STC"),
        *("QTY", "AMT", "REF", "SVC", "PER"),
    }
)


class _Claim:
    __slots__ = ("claim_id", "number", "payer_claim_number", "statuses")

    def __init__(self, number: int, claim_id: str) -> None:
        self.number = number
        self.claim_id = claim_id
        self.statuses: list[tuple[int, list[str], int]] = []
        self.payer_claim_number: str | None = None


class _Reader:
    def __init__(self, tok: Tokenizer, problems: Problems) -> None:
        self.tok = tok
        self.problems = problems
        self.env = EnvelopeChecker(problems, "277", {GUIDE_277CA}, "HN")
        self.component = tok.delimiters.component
        self.transaction_date: datetime.date | None = None
        self.level = ""
        self.in_line = False
        self.claim: _Claim | None = None

    def hl(self, number: int, seg: list[str]) -> list[ClaimAcknowledgement]:
        done = self.close()
        self.level = element(seg, 3)
        self.in_line = False
        return done

    def trn(self, number: int, seg: list[str]) -> list[ClaimAcknowledgement]:
        if self.level != "PT":
            return []
        done = self.close()
        self.claim = _Claim(number, element(seg, 2))
        self.in_line = False
        return done

    def stc(self, number: int, seg: list[str]) -> None:
        if self.claim is None or self.in_line:
            return
        for index in (1, 10, 11):
            if element(seg, index):
                self.claim.statuses.append((number, seg, index))

    def close(self) -> list[ClaimAcknowledgement]:
        claim, self.claim = self.claim, None
        if claim is None:
            return []
        if not claim.statuses:
            self.problems.add(
                claim.number, "TRN", "", "a claim without a status (no STC)", "x12.missing"
            )
        return [
            ack
            for number, seg, index in claim.statuses
            if (ack := self.acknowledgement(claim, number, seg, index)) is not None
        ]

    def acknowledgement(
        self, claim: _Claim, number: int, seg: list[str], index: int
    ) -> ClaimAcknowledgement | None:
        parts = [p.strip() for p in element(seg, index).split(self.component)]
        parts += [""] * (3 - len(parts))
        received = parse_date(element(seg, 2)) or self.transaction_date
        if received is None:
            self.problems.add(
                number, "STC", "STC02", "no effective date, and no BHT04 date", "x12.missing"
            )
            return None
        action = element(seg, 3) or None
        try:
            return ClaimAcknowledgement(
                claim_id=claim.claim_id,
                received=received,
                category=parts[0],
                status_code=parts[1],
                entity=parts[2] or None,
                action=action,
                payer_claim_number=claim.payer_claim_number,
                message=element(seg, 12) or None,
            )
        except (BillingError, ValueError, TypeError) as exc:
            self.problems.add(number, "STC", f"STC{index:02d}", str(exc), "x12.value")
            return None


def _walk(reader: _Reader) -> Iterator[ClaimAcknowledgement]:
    tok, env, problems = reader.tok, reader.env, reader.problems
    for seg in tok:
        tag, number = seg[0], tok.count
        if tag == "HL":
            yield from reader.hl(number, seg)
        elif tag == "TRN":
            yield from reader.trn(number, seg)
        elif tag == "STC":
            reader.stc(number, seg)
        elif tag == "REF" and reader.claim is not None and element(seg, 1) == "1K":
            reader.claim.payer_claim_number = element(seg, 2) or None
        elif tag == "SVC":
            reader.in_line = True
        elif tag == "BHT":
            reader.transaction_date = parse_date(element(seg, 4))
        elif tag == "ST":
            env.st(number, seg)
        elif tag == "SE":
            yield from reader.close()
            env.se(number, seg)
        elif tag in ("ISA", "GS", "GE", "IEA"):
            getattr(env, tag.lower())(number, seg)
        elif tag not in _KNOWN:
            problems.add(number, tag[:8], "", "not a segment of the 277CA", "x12.unknown_segment")
    yield from reader.close()
    env.end(tok.count)


def read_277ca(
    source: Source,
    *,
    strict: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ReadResult[ClaimAcknowledgement]:
    """Read the claim acknowledgements of a 277CA, one per claim status, in file order.

    Strict by default: any problem raises one
    [`X12Error`][billing_core.x12.X12Error] with every finding and nothing is
    returned; with ``strict=False`` the acknowledgements that could be read
    come back with the problems in ``findings``. Mapping them onto the claim
    lifecycle is the posting side's work.

    Args:
        source: The text (``str``), its bytes, a path or a binary stream.
        strict: See above.
        progress: Called with the characters read so far after each chunk.

    Returns:
        The acknowledgements (a list), with ``findings``.

    Raises:
        X12Error: See above.

    Examples:
        >>> text = (
        ...     "ST*277*1*005010X214~BHT*0085*08*B1*20240306*1200*TH~HL*1**20*1~HL*2*1*21*1~"
        ...     "HL*3*2*19*1~HL*4*3*PT~TRN*2*CLM1~STC*A7:562:85*20240306*U*125~SE*10*1~"
        ... )
        >>> (ack,) = read_277ca(text, strict=False)
        >>> ack.claim_id, ack.category, ack.status_code, ack.rejected
        ('CLM1', 'A7', '562', True)
    """
    return read_all(
        source, strict=strict, progress=progress, walk=lambda tok, found: _walk(_Reader(tok, found))
    )
