"""X12 5010 at the edge: read 835 remittances and 277CA acknowledgements, read and write 837s.

The readers stream their input (a ``str`` holding the X12 text, its bytes, a
``pathlib.Path`` or a binary stream), take the delimiters from the ISA header,
check the envelopes (ISA/IEA, GS/GE, ST/SE counts and control numbers) and turn
the segments into the library's documents. Strict by default: any problem
raises one [`X12Error`][billing_core.x12.X12Error] carrying every finding, each
located by segment number and id, and nothing is returned; ``strict=False``
returns what could be read with the problems in ``findings``.

It holds the readers (`read_835`, `iter_835`, `read_277ca`, `read_837p`,
`read_837i`) and their `ReadResult`; the writers (`write_837p`, `write_837i`)
with the envelope's own data (`Submitter`, `Receiver`, `ControlNumbers`); the
tokenizer (`segments`, `Delimiters`, `Source` and its limits); `X12Error`; and
the command line (`main`, run by ``python -m billing_core.x12`` and the
``billing-x12`` script). The guide "X12 in and out" has a table of what each
transaction supports, loop by loop.

Examples:
    >>> from billing_core.x12 import read_835
    >>> text = (
    ...     "ST*835*1~BPR*I*100*C*CHK************20240105~TRN*1*T1*P1~"
    ...     "CLP*A1*1*150*100*50*12*PCN1~SVC*HC:99213*150*100**1~CAS*PR*1*50~SE*7*1~"
    ... )
    >>> (remittance,) = read_835(text, strict=False)
    >>> remittance.claims[0].lines[0].procedure
    ProcedureCode(system=<CodeSystem.CPT: 'CPT'>, code='99213', modifiers=())
"""

from billing_core.x12._cli import main
from billing_core.x12._envelope_types import ControlNumbers, Receiver, Submitter
from billing_core.x12._problems import MAX_FINDINGS, X12Error
from billing_core.x12._read277 import GUIDE_277CA, read_277ca
from billing_core.x12._read835 import GUIDE_835, iter_835, read_835
from billing_core.x12._read837 import read_837i, read_837p
from billing_core.x12._results import ReadResult
from billing_core.x12._tokens import (
    CHUNK_SIZE,
    ISA_LENGTH,
    MAX_SEGMENT_LENGTH,
    Delimiters,
    Source,
    segments,
)
from billing_core.x12._write837 import GUIDE_837I, GUIDE_837P, write_837i, write_837p

__all__ = [
    "write_837p",
    "write_837i",
    "GUIDE_837P",
    "GUIDE_837I",
    "Submitter",
    "Receiver",
    "ControlNumbers",
    "CHUNK_SIZE",
    "GUIDE_277CA",
    "GUIDE_835",
    "ISA_LENGTH",
    "MAX_FINDINGS",
    "MAX_SEGMENT_LENGTH",
    "Delimiters",
    "ReadResult",
    "Source",
    "X12Error",
    "iter_835",
    "main",
    "read_277ca",
    "read_835",
    "read_837i",
    "read_837p",
    "segments",
]
