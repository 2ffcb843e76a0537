"""X12 benchmark: read a 10,000-claim 835 and write 10,000 claims as an 837P.

Run: ``python benchmarks/bench_x12.py [--quick]``.

Reading: an 835 of 10,000 claims (1,000 with ``--quick``) made by replicating
the claims of a corpus file (``../shared/corpus/835/stupidedi__multiple-claims-
single-check.835``; a hand-written claim when the corpus is absent) inside one
envelope with correct counts: about 200,000 segments, 4 MB. In the same run,
interleaved, with garbage collection on as a user has it: ``read_835`` into
`Remittance` objects; the floor, a bare ``[s.split('*') for s in
text.split('~')]`` tokenization; and, when installed (bench extra),
``edi-835-parser``'s ``parse`` of the same file. Targets: ``read_835`` within 6x
of the floor and faster than edi-835-parser. Reported too: claims per second
and the peak memory of each reading (tracemalloc, measured apart).

Writing: 10,000 one-line claims as an 837P with ``write_837p``, against the
floor that joins the same segment strings by hand from the claims' attributes
(checked to produce the same text). Target: within 3x of the floor.
"""

from __future__ import annotations

import datetime
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from _harness import compare, quick_flag, verdict

from billing_core._examples import example_837_claim
from billing_core.claims import Claim
from billing_core.x12 import ControlNumbers, Receiver, Submitter, read_835, write_837p

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "835"
SAMPLE = CORPUS / "stupidedi__multiple-claims-single-check.835"
ISA = (
    "ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     "
    "*240105*1200*^*00501*000000101*0*P*:~"
)
HAND_CLAIM = (
    "LX*1~CLP*A-1*1*200*140*30*12*PCN-1~NM1*QC*1*ROE*JANE****MI*M123~DTM*232*20240102~"
    "SVC*HC:99213:25*150*90**1~DTM*472*20240102~CAS*CO*45*30~CAS*PR*1*20**2*10~REF*6R*L1~"
    "AMT*B6*120~SVC*HC:J1100*50*50**2~DTM*472*20240102~REF*6R*L2~AMT*B6*50~"
)


def claim_blocks() -> list[str]:
    """The segments of each claim (LX/CLP to the next), from the corpus sample or by hand."""
    if not SAMPLE.is_file():
        return [HAND_CLAIM]
    text = SAMPLE.read_text().strip()
    body = text[text.index("~LX*") + 1 : text.index("~SE*") + 1]
    return ["LX*" + block for block in body.split("LX*") if block]


def build_835(n_claims: int) -> tuple[str, int]:
    """An interchange of ``n_claims`` claims, correct counts, and its segment count."""
    blocks = claim_blocks()
    per_block = [b.count("CLP*") for b in blocks]
    body: list[str] = []
    claims = 0
    while claims < n_claims:
        for block, count in zip(blocks, per_block, strict=True):
            if claims >= n_claims:
                break
            body.append(block)
            claims += count
    header = "BPR*I*0*C*NON************20240110~TRN*1*EFT-77*1512345678~N1*PR*ACME~N1*PE*CLINIC~"
    payload = header + "".join(body)
    segments = payload.count("~") + 2
    text = (
        f"{ISA}GS*HP*S*R*20240105*1200*101*X*005010X221A1~ST*835*0001~{payload}"
        f"SE*{segments}*0001~GE*1*101~IEA*1*000000101~"
    )
    return text, segments + 4


def peak_mb(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def row(name: str, seconds: float, n: int, floor: float, extra: str, target: str = "") -> None:
    print(
        f"| {name:<34} | {seconds * 1e3:9.1f} ms | {seconds / floor:6.2f}x | {n / seconds:>12,.0f}"
        f" | {extra:>10} | {target:<18} | {verdict(seconds / floor, target):<4} |"
    )


def bench_read(n_claims: int, rounds: int) -> None:
    text, n_segments = build_835(n_claims)
    print(
        f"\n### reading an 835: {n_claims:,} claims, {n_segments:,} segments, "
        f"{len(text) / 2**20:.1f} MB\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.835"
        path.write_text(text)
        contenders: dict[str, Callable[[], Any]] = {
            "bare split (floor)": lambda: [s.split("*") for s in text.split("~")],
            "read_835 (str)": lambda: read_835(text),
            "read_835 (path, streamed)": lambda: read_835(path),
        }
        try:
            import warnings

            from edi_835_parser import parse

            def peer() -> object:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return parse(str(path))

            contenders["edi-835-parser parse (path)"] = peer
        except ImportError:
            print("(edi-835-parser not installed: pip install -e '.[bench]')")
        assert sum(len(r.claims) for r in read_835(text)) == n_claims
        best_of = compare(contenders, rounds=rounds, clock=time.perf_counter)
        floor = best_of["bare split (floor)"]
        print(
            f"| {'operation':<34} | {'best':>12} | {'ratio':>7} | {'claims/s':>12} |"
            f" {'peak':>10} | {'target':<18} | {'':<4} |"
        )
        print(f"|{'-' * 36}|{'-' * 14}|{'-' * 9}|{'-' * 14}|{'-' * 12}|{'-' * 20}|{'-' * 6}|")
        targets = {"read_835 (str)": "<= 6x floor", "read_835 (path, streamed)": "<= 6x floor"}
        for name, fn in contenders.items():
            peak = f"{peak_mb(fn):.1f} MB"
            row(name, best_of[name], n_claims, floor, peak, targets.get(name, ""))
        peer_time = best_of.get("edi-835-parser parse (path)")
        if peer_time is not None:
            print(
                f"\nread_835 is {peer_time / best_of['read_835 (path, streamed)']:.1f}x faster"
                " than edi-835-parser on the same file (target: faster)"
            )


def floor_837p(claims: list[Claim], head: str, tail: str) -> str:
    """The same 837P text, joined by hand from the claims' attributes (one-line claims)."""
    parts = [head]
    hl = 0
    for c in claims:
        billing = c.care_team[0].provider
        ba, pa, pt, line = billing.address, c.patient.address, c.patient, c.lines[0]  # type: ignore[union-attr]
        last, first = pt.name.split(", ")  # type: ignore[union-attr]
        d = c.diagnoses[0].code
        parts.append(
            f"HL*{hl + 1}**20*1~NM1*85*2*{billing.name}*****XX*{billing.npi.code}~"
            f"N3*{ba.lines[0]}~N4*{ba.city}*{ba.state}*{ba.postal_code}~REF*EI*{billing.tax_id}~"
            f"HL*{hl + 2}*{hl + 1}*22*0~SBR*P*18*******ZZ~"
            f"NM1*IL*1*{last}*{first}****MI*{c.coverage.member_id}~N3*{pa.lines[0]}~"
            f"N4*{pa.city}*{pa.state}*{pa.postal_code}~"
            f"DMG*D8*{pt.birth_date:%Y%m%d}*{pt.sex.value}~"  # type: ignore[union-attr]
            f"NM1*PR*2*{c.coverage.payer.name}*****PI*{c.coverage.payer.id}~"
            f"CLM*{c.id}*{c.total_charge.amount:f}***{c.place_of_service.code}:B:1*Y*A*Y*Y~"  # type: ignore[union-attr]
            f"HI*ABK:{d}~LX*1~SV1*HC:{line.procedure.code}*{line.charge.amount:f}*UN*1***1~"  # type: ignore[union-attr]
            f"DTP*472*D8*{line.service_date:%Y%m%d}~REF*6R*{line.id}~"
        )
        hl += 2
    parts.append(tail)
    return "".join(parts)


def bench_write(n_claims: int, rounds: int) -> None:
    base = example_837_claim()
    claims = [
        attrs.evolve(base, id=f"CLM{i}", total_charge=base.lines[0].charge) for i in range(n_claims)
    ]
    submitter = Submitter(name="Good Clinic", id="GC001", phone="5555551212")
    receiver = Receiver(name="Acme Health", id="87726")
    numbers = ControlNumbers(interchange=1, group=1, created=datetime.datetime(2024, 3, 5, 9, 30))
    text = write_837p(claims, submitter, receiver, numbers)
    head = text[: text.index("HL*1*")]
    tail = text[text.index("SE*") :]
    # Amounts of these claims have no trailing zeros to cut (125.00 -> "125" by hand too).
    hand = floor_837p(claims, head, tail).replace(".00*", "*")
    assert hand == text, "the floor must write the same text"
    best_of = compare(
        {
            "join by hand (floor)": lambda: floor_837p(claims, head, tail),
            "write_837p": lambda: write_837p(claims, submitter, receiver, numbers),
        },
        rounds=rounds,
        clock=time.perf_counter,
    )
    floor = best_of["join by hand (floor)"]
    print(f"\n### writing {n_claims:,} claims as an 837P ({len(text) / 2**20:.1f} MB)\n")
    print(
        f"| {'operation':<34} | {'best':>12} | {'ratio':>7} | {'claims/s':>12} |"
        f" {'peak':>10} | {'target':<18} | {'':<4} |"
    )
    print(f"|{'-' * 36}|{'-' * 14}|{'-' * 9}|{'-' * 14}|{'-' * 12}|{'-' * 20}|{'-' * 6}|")
    row("join by hand (floor)", floor, n_claims, floor, "")
    row("write_837p", best_of["write_837p"], n_claims, floor, "", "<= 3x floor")


def main(quick: bool = False) -> None:
    n_claims = 1_000 if quick else 10_000
    rounds = 3 if quick else 5
    bench_read(n_claims, rounds)
    bench_write(n_claims, rounds)


if __name__ == "__main__":
    main(quick=quick_flag(__doc__))
