"""Hostile X12 input: a clear X12Error in bounded time and memory, never another exception."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.x12 import (
    CHUNK_SIZE,
    MAX_SEGMENT_LENGTH,
    X12Error,
    read_277ca,
    read_835,
    read_837i,
    read_837p,
    segments,
)
from test_x12_835 import BODY, TEXT
from test_x12_837 import i837, institutional_claim, p837, secondary_claim
from x12_kit import ISA, envelope

READERS: list[Callable[..., object]] = [read_835, read_277ca, read_837p, read_837i]
TEXT_837P = p837([secondary_claim()])
TEXT_837I = i837([institutional_claim()])


class CountingStream(io.RawIOBase):
    """A stream of ``size`` bytes of one letter after a prefix, counting what was read."""

    def __init__(self, prefix: bytes, size: int) -> None:
        self.prefix, self.size, self.served = prefix, size, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = CHUNK_SIZE if n is None or n < 0 else n
        total = len(self.prefix) + self.size
        end = min(self.served + n, total)
        data = self.prefix[self.served : end]
        data += b"A" * (end - self.served - len(data))
        self.served = end
        return data


def test_a_100_mb_element_is_refused_after_reading_little() -> None:
    prefix = (ISA + "GS*HP*S*R*20240105*1200*1*X*005010X221A1~ST*835*1~NM1*QC*1*").encode()
    stream = CountingStream(prefix, 100 * 2**20)
    with pytest.raises(X12Error, match="longer than 65,536 characters") as info:
        read_835(stream)
    assert info.value.findings[-1].location == "segment 4 (NM1)"
    assert stream.served <= MAX_SEGMENT_LENGTH + 3 * CHUNK_SIZE  # never read whole


def test_an_isa_shorter_than_106_characters() -> None:
    with pytest.raises(X12Error, match="shorter than 106 characters"):
        read_835("ISA*00*  *00*~GS*HP~")
    short = ISA.replace("SUBMITTER01    ", "SUBMITTER01")
    result = read_835(short + TEXT[106:], strict=False)
    assert [f.message for f in result.findings] == [
        "the ISA header is 102 characters long, expected 106 (fixed-width elements)"
    ]
    assert len(result) == 1


def test_binary_garbage() -> None:
    for reader in READERS:
        with pytest.raises(X12Error, match="not X12 data"):
            reader(bytes(range(256)) * 10)
    with pytest.raises(X12Error, match="got nothing"):
        read_835(b"")


def test_a_missing_segment_terminator_is_named() -> None:
    text = envelope(BODY).replace("CAS*CO*45*30~", "CAS*CO*45*30\n")
    with pytest.raises(X12Error) as info:
        read_835(text)
    (finding,) = info.value.findings
    assert finding.location == "segment 18 (CAS)"
    assert "the segment terminator '~' is missing before 'CAS'" in finding.message
    # lenient reading splits the lines apart and reads on
    assert read_835(text, strict=False) == read_835(TEXT)


def test_unknown_segments_inside_a_loop() -> None:
    text = envelope(BODY).replace("REF*6R*L1~", "REF*6R*L1~ZZZ*1*2~")
    with pytest.raises(X12Error, match=r"segment 21 \(ZZZ\): not a segment of the 835"):
        read_835(text)


def test_a_truncated_file() -> None:
    text = TEXT[: TEXT.index("CLP*A-3") + 9]
    result = read_835(text, strict=False)
    messages = [f.message for f in result.findings]
    assert "the input ends inside a segment (no terminator '~'): truncated" in messages
    assert len(result) == 1 and len(result[0].claims) == 3


def test_deeply_repeated_loops_read_in_linear_work() -> None:
    body = [*BODY[:9], "CLP*A*1*0*0", *(["SVC*HC:99213*1*0", "CAS*CO*45*1"] * 20_000)]
    (r,) = read_835(envelope(body))
    assert len(r.claims[0].lines) == 20_000


def test_too_many_problems_are_cut_short() -> None:
    body = [*BODY[:9], "CLP*A*1*0*0", *(["ZZ*1"] * 500)]
    result = read_835(envelope(body), strict=False)
    assert len(result.findings) == 101
    assert result.findings[-1].message.startswith("400 more problems not listed")


def test_segments_of_an_input_without_envelope() -> None:
    with pytest.raises(X12Error, match="no interchange envelope"):
        list(segments("ST*835*1~SE*2*1~"))


def test_a_source_of_the_wrong_type() -> None:
    with pytest.raises(TypeError, match="got a int"):
        read_835(42)  # type: ignore[arg-type]


# --- fuzzing ----------------------------------------------------------------------------


def _only_x12_errors(reader: Callable[..., object], data: str | bytes) -> None:
    for strict in (True, False):
        with contextlib.suppress(X12Error):
            reader(data, strict=strict)


@settings(max_examples=60)
@given(st.binary(max_size=600))
def test_random_bytes_raise_only_x12_errors(data: bytes) -> None:
    for reader in READERS:
        _only_x12_errors(reader, ISA.encode() + data)
        _only_x12_errors(reader, data)


@settings(max_examples=150)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(TEXT)), st.integers(0, 40), st.text("*:~^ 0123AZ.-\n", max_size=6)
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_damaged_835_raises_only_x12_errors(edits: list[tuple[int, int, str]]) -> None:
    text = TEXT
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut :]
    _only_x12_errors(read_835, text)


@settings(max_examples=40)
@given(st.integers(1, 300))
def test_chunk_boundaries_do_not_matter(size: int) -> None:
    class Trickle(io.RawIOBase):
        def __init__(self) -> None:
            self.data = TEXT.encode()

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            part, self.data = self.data[:size], self.data[size:]
            return part

    assert read_835(Trickle()) == read_835(TEXT)


@settings(max_examples=150)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4000), st.integers(0, 30), st.text("*:~^ 0129ABPSXZ.-\n", max_size=5)
        ),
        min_size=1,
        max_size=5,
    )
)
def test_a_damaged_837_raises_only_x12_errors(edits: list[tuple[int, int, str]]) -> None:
    for text, reader in ((TEXT_837P, read_837p), (TEXT_837I, read_837i)):
        for at, cut, insert in edits:
            at = at % len(text)
            text = text[:at] + insert + text[at + cut :]
        _only_x12_errors(reader, text)
