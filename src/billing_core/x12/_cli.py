"""The command line: ``python -m billing_core.x12 check|summary FILE...`` (also ``billing-x12``).

``check`` reads each 835 and prints every remittance's balancing verdicts,
explained, then a summary; ``summary`` prints a table of the claims of one 835
with masked identifiers. The exit status is 0 when everything was read and
balances, 1 otherwise (2 for a usage error). Bad input is reported on stderr
with its segment number, never with a traceback. On a terminal, files over
[`PROGRESS_BYTES`][billing_core.x12._cli.PROGRESS_BYTES] show their progress
on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, TextIO

from billing_core.balancing import balancing_report
from billing_core.remittance import Remittance
from billing_core.views import mask_identifier
from billing_core.x12._problems import X12Error
from billing_core.x12._read835 import read_835

__all__ = ["PROGRESS_BYTES", "main"]

PROGRESS_BYTES: Final = 4 * 2**20
"""Files larger than this (4 MiB) show their progress on a terminal."""


def _progress(path: Path, stderr: TextIO) -> Callable[[int, int], None] | None:
    try:
        large = path.stat().st_size > PROGRESS_BYTES
    except OSError:
        return None
    if not (large and stderr.isatty()):
        return None

    def show(characters: int, claims: int) -> None:
        stderr.write(f"\r{path.name}: {characters / 2**20:,.1f} MB, {claims:,} claims read")
        stderr.flush()

    return show


def _read(path: Path, strict: bool, stderr: TextIO) -> tuple[list[Remittance], int] | None:
    """The remittances of a file and how many problems a lenient reading found, or None."""
    progress = _progress(path, stderr)
    try:
        result = read_835(path, strict=strict, progress=progress)
    except X12Error as exc:
        newline = "\n" if progress is not None else ""
        stderr.write(f"{newline}{path}: cannot be read:\n{exc}\n")
        return None
    except OSError as exc:
        stderr.write(f"{path}: {exc.strerror or exc}\n")
        return None
    if progress is not None:
        stderr.write("\n")
    for finding in result.findings:
        stderr.write(f"{path}: {finding}\n")
    return list(result), len(result.findings)


def _check(paths: Sequence[Path], strict: bool, out: TextIO, err: TextIO) -> int:
    unreadable = balanced = unbalanced = claims = problems = 0
    for path in paths:
        read = _read(path, strict, err)
        if read is None:
            unreadable += 1
            continue
        remittances, found = read
        problems += found
        for remittance in remittances:
            report = balancing_report(remittance)
            claims += len(remittance.claims)
            out.write(f"{path.name}: {report}\n")
            if report.ok:
                balanced += 1
            else:
                unbalanced += 1
    out.write(
        f"{len(paths)} files, {balanced + unbalanced} remittances, {claims} claims:"
        f" {balanced} balanced, {unbalanced} not balanced, {unreadable} files unreadable\n"
    )
    return 0 if unreadable == unbalanced == problems == 0 else 1


def _summary(path: Path, strict: bool, out: TextIO, err: TextIO) -> int:
    read = _read(path, strict, err)
    if read is None:
        return 1
    remittances, problems = read
    header = f"{'claim':<14} {'status':<28} {'charge':>12} {'paid':>12} {'patient':>12} lines"
    for remittance in remittances:
        out.write(
            f"remittance {remittance.trace_number} from {remittance.payer}, paid"
            f" {remittance.paid_date.isoformat()}: {remittance.total_payment}\n{header}\n"
        )
        for claim in remittance.claims:
            pr = claim.patient_responsibility
            out.write(
                f"{mask_identifier(claim.patient_control_number):<14}"
                f" {claim.status.name.lower():<28} {claim.charge.amount:>12}"
                f" {claim.paid.amount:>12} {'' if pr is None else pr.amount:>12}"
                f" {len(claim.lines)}\n"
            )
    return 0 if problems == 0 else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="billing-x12",
        description="Check and summarise X12 835 remittance files.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="balancing verdicts of every remittance, explained")
    check.add_argument("files", nargs="+", type=Path)
    summary = commands.add_parser("summary", help="a table of the claims (identifiers masked)")
    summary.add_argument("file", type=Path)
    for sub in (check, summary):
        sub.add_argument(
            "--lenient",
            action="store_true",
            help="read what can be read and list the problems instead of refusing the file",
        )
    return parser


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    r"""Run the command line; returns the exit status.

    Args:
        argv: The arguments (default: ``sys.argv[1:]``).
        stdout: Where results go (default: ``sys.stdout``).
        stderr: Where problems and progress go (default: ``sys.stderr``).

    Returns:
        0 when every file was read and balances, 1 otherwise, 2 for a usage error.

    Examples:
        >>> import io
        >>> out, err = io.StringIO(), io.StringIO()
        >>> main(["check", "no-such-file.835"], stdout=out, stderr=err)
        1
        >>> err.getvalue()
        'no-such-file.835: No such file or directory\n'
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    strict = not args.lenient
    if args.command == "check":
        return _check(args.files, strict, out, err)
    return _summary(args.file, strict, out, err)


def run() -> None:
    """The ``billing-x12`` console script and ``python -m billing_core.x12``."""
    raise SystemExit(main())
