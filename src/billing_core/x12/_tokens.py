"""The X12 tokenizer: segments out of a text, a file or a binary stream, streamed.

The delimiters come from the ISA header: the element separator is its fourth
character, the component separator ISA16 and the segment terminator the
character after ISA16; the repetition separator is ISA11 (5010). Line breaks and
indentation between segments and a leading UTF-8 byte-order mark are ignored.
A file or a stream is read in chunks of [`CHUNK_SIZE`][billing_core.x12.CHUNK_SIZE]
bytes, so memory stays bounded by the longest segment, which is itself bounded
([`MAX_SEGMENT_LENGTH`][billing_core.x12.MAX_SEGMENT_LENGTH]): a 100 MB element
is refused as soon as it passes the limit, without being read whole.

Examples:
    >>> from billing_core.x12 import segments
    >>> [s[:2] for s in segments("ST*835*1~BPR*I*0~SE*3*1~", strict=False)]
    [['ST', '835'], ['BPR', 'I'], ['SE', '3']]
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterator
from typing import IO, Final, TypeAlias

import attrs

from billing_core.x12._problems import Problems

__all__ = [
    "CHUNK_SIZE",
    "ISA_LENGTH",
    "MAX_SEGMENT_LENGTH",
    "Delimiters",
    "Source",
    "Tokenizer",
    "segments",
]

CHUNK_SIZE: Final = 1 << 16
"""How many bytes a file or stream is read at a time (64 KiB)."""

MAX_SEGMENT_LENGTH: Final = 1 << 16
"""The longest segment accepted, in characters (64 Ki); no 5010 segment comes near it."""

ISA_LENGTH: Final = 106
"""The length of the fixed-width ISA header, its segment terminator included."""

Source: TypeAlias = "str | bytes | bytearray | os.PathLike[str] | IO[bytes]"
"""What a reader reads: the X12 text itself (a ``str``), its bytes, a path, or a binary stream."""

_START_BYTES: Final = 512  # enough to hold the ISA header and what may precede it
_LEADING: Final = "\ufeff \t\r\n"


@attrs.frozen
class Delimiters:
    """The four separators of an interchange.

    Attributes:
        element: Between elements (the ISA's fourth character), usually ``*``.
        component: Between the components of a composite (ISA16), usually ``:``.
        repetition: Between repeated elements (ISA11 in 5010), usually ``^``.
        segment: After each segment (the character after ISA16), usually ``~``.

    Examples:
        >>> Delimiters().segment
        '~'
    """

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"


def _chunks(source: Source) -> Iterator[str]:
    """The text of ``source`` in pieces, decoded as UTF-8 (bad bytes become U+FFFD)."""
    if isinstance(source, str):
        yield source
        return
    if isinstance(source, bytes | bytearray | memoryview):
        yield bytes(source).decode("utf-8", "replace")
        return
    if isinstance(source, os.PathLike):
        with open(os.fspath(source), "rb") as stream:
            yield from _stream_chunks(stream)
        return
    if callable(getattr(source, "read", None)):
        yield from _stream_chunks(source)
        return
    raise TypeError(
        "an X12 source is the text (str), its bytes, a path (pathlib.Path) or a binary stream,"
        f" got a {type(source).__name__}"
    )


def _stream_chunks(stream: IO[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    while True:
        data = stream.read(CHUNK_SIZE)
        if not data:
            break
        if isinstance(data, str):  # a text stream: already decoded
            yield data
            continue
        yield decoder.decode(data)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


class Tokenizer:
    """Splits X12 input into segments (lists of elements), counting them.

    Iterate it once. ``count`` is the number of the last segment yielded
    (the ISA is segment 1); ``characters`` how many characters were read so
    far; ``delimiters`` the separators found in the ISA header.

    Args:
        source: The input (see [`Source`][billing_core.x12.Source]).
        problems: Where problems go.
        progress: Called with the characters read so far after each chunk.
        max_segment_length: The longest segment accepted.

    Examples:
        >>> from billing_core.x12._problems import Problems
        >>> tok = Tokenizer("ST*835*1~SE*2*1~", Problems(strict=False))
        >>> [s[0] for s in tok], tok.count
        (['ST', 'SE'], 2)
    """

    def __init__(
        self,
        source: Source,
        problems: Problems,
        *,
        progress: Callable[[int], None] | None = None,
        max_segment_length: int = MAX_SEGMENT_LENGTH,
    ) -> None:
        self._chunks = _chunks(source)
        self.problems = problems
        self.progress = progress
        self.max_segment_length = max_segment_length
        self.delimiters = Delimiters()
        self.count = 0
        self.characters = 0
        self.isa: list[str] = []
        self._buffer: str | None = None

    # -- the header -----------------------------------------------------------------

    def _first_text(self) -> str:
        buffer = ""
        for chunk in self._chunks:
            buffer += chunk
            self.characters += len(chunk)
            if self.progress is not None:
                self.progress(self.characters)
            if len(buffer.lstrip(_LEADING)) >= _START_BYTES:
                break
        return buffer.lstrip(_LEADING)

    def _read_isa(self, text: str) -> None:
        problems = self.problems
        element = text[3] if len(text) > 3 else ""
        if not element or element.isalnum() or element.isspace():
            problems.fatal(
                1, "ISA", "the ISA header is cut short or has no element separator", "x12.isa"
            )
        position = -1
        for _ in range(16):
            position = text.find(element, position + 1)
            if position < 0 or position > _START_BYTES:
                problems.fatal(
                    1,
                    "ISA",
                    f"the ISA header is shorter than {ISA_LENGTH} characters: it ends before ISA16",
                    "x12.isa",
                )
        if position + 2 >= len(text):
            problems.fatal(1, "ISA", "the input ends inside the ISA header", "x12.isa")
        component, terminator = text[position + 1], text[position + 2]
        fields = text[:position].split(element)
        if terminator.isalnum() or terminator in (element, component) or component.isalnum():
            problems.fatal(
                1,
                "ISA",
                f"ISA16 {component!r} and the segment terminator {terminator!r} are not separators:"
                f" the ISA header must be {ISA_LENGTH} characters long",
                "x12.isa",
            )
        if position + 3 != ISA_LENGTH:
            problems.add(
                1,
                "ISA",
                "",
                f"the ISA header is {position + 3} characters long, expected {ISA_LENGTH}"
                " (fixed-width elements)",
                "x12.isa",
            )
        repetition = fields[11] if len(fields) > 11 and len(fields[11]) == 1 else "^"
        if repetition.isalnum():  # 4010: ISA11 is the standards identifier "U"
            repetition = "^"
        self.delimiters = Delimiters(element, component, repetition, terminator)
        self.isa = [*fields, component]

    def start(self) -> None:
        """Read the header and learn the delimiters (iterating does it when not done yet).

        Raises:
            X12Error: The input is not X12.
        """
        if self._buffer is None:
            self._buffer = self._start()

    def _start(self) -> str:
        text = self._first_text()
        if text.startswith("ISA"):
            self._read_isa(text)
        elif text.startswith("ST") and len(text) > 2 and not text[2].isalnum():
            self.problems.add(
                1,
                "ST",
                "",
                "no interchange envelope: the input starts at ST, not ISA",
                "x12.envelope",
            )
            self.delimiters = Delimiters(element=text[2])
        else:
            shown = repr(text[:20]) if text else "nothing"
            self.problems.fatal(
                1,
                "",
                f"not X12 data: expected an interchange starting with 'ISA', got {shown}"
                " (to read a file, pass a pathlib.Path)",
                "x12.not_x12",
            )
        return text

    # -- the segments -----------------------------------------------------------------

    def _too_long(self, text: str) -> None:
        self.problems.fatal(
            self.count + 1,
            text[:3].rstrip(self.delimiters.element),
            f"the segment is longer than {self.max_segment_length:,} characters"
            f" (no segment terminator {self.delimiters.segment!r} where one was due)",
            "x12.segment_too_long",
        )

    def _split_lines(self, raw: str) -> list[str]:
        """A segment holding line breaks: its terminator is missing; each line is a segment."""
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        self.problems.add(
            self.count + 1,
            lines[0][:3].rstrip(self.delimiters.element),
            "",
            f"a line break inside the segment: the segment terminator"
            f" {self.delimiters.segment!r} is missing before {lines[1][:3]!r}",
            "x12.terminator",
        )
        return lines

    def __iter__(self) -> Iterator[list[str]]:
        self.start()
        buffer, self._buffer = self._buffer or "", ""
        delimiters = self.delimiters
        terminator, element = delimiters.segment, delimiters.element
        limit = self.max_segment_length
        check_lines = terminator not in "\r\n"
        while True:
            # Checks that cannot fail for this chunk are skipped for each of its segments.
            may_be_long = len(buffer) > limit
            may_break = check_lines and "\n" in buffer
            pieces = buffer.split(terminator)
            buffer = pieces.pop()
            for raw in pieces:
                text = raw.strip()
                if not text:
                    continue
                if may_be_long and len(text) > limit:
                    self._too_long(text)
                if may_break and "\n" in text:
                    for line in self._split_lines(text):
                        self.count += 1
                        yield line.split(element)
                    continue
                self.count += 1
                yield text.split(element)
            if len(buffer) > limit:
                self._too_long(buffer.lstrip())
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            buffer += chunk
            self.characters += len(chunk)
            if self.progress is not None:
                self.progress(self.characters)
        rest = buffer.strip()
        if rest:
            self.count += 1
            self.problems.add(
                self.count,
                rest[:3].rstrip(element),
                "",
                f"the input ends inside a segment (no terminator {terminator!r}): truncated",
                "x12.truncated",
            )
            yield rest.split(element)


def segments(source: Source, *, strict: bool = True) -> Iterator[list[str]]:
    """Every segment of an X12 input as a list of elements, the segment id first.

    Args:
        source: The text, its bytes, a path or a binary stream.
        strict: Raise [`X12Error`][billing_core.x12.X12Error] at the end when
            anything was wrong (a missing envelope, a truncated last segment);
            when false, problems are ignored where the segments can still be
            told apart.

    Yields:
        The segments, in order.

    Raises:
        X12Error: Input that is not X12, or (strict) any problem.

    Examples:
        >>> [s for s in segments("ST*835*1~SE*2*1", strict=False)]
        [['ST', '835', '1'], ['SE', '2', '1']]
    """
    problems = Problems(strict=strict)
    yield from Tokenizer(source, problems)
    problems.raise_if_strict()
