"""Deriving aging's open rows from ledger entries or line balances (private).

Shared by the aging folds and the statements, which
fold a history once and derive both the balances and the rows from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from billing_core._checks import is_plain_date
from billing_core.aging._items import OpenLine
from billing_core.balances import LineBalance
from billing_core.errors import Finding, ValidationError
from billing_core.ledger import Bucket, Entry, Reversal
from billing_core.ledger._effects import EffectKind, effect

__all__ = ["line_rows", "open_rows", "party_label", "rows_from_balances"]


def party_label(
    account_id: str, bucket: Bucket, payers: Mapping[str, Mapping[Bucket, str]] | None
) -> str:
    """Who owes a bucket, for grouping: the payer's id when known, else the bucket's name."""
    if bucket is Bucket.PATIENT:
        return "patient"
    if payers is not None:
        found = payers.get(account_id, {}).get(bucket)
        if found is not None:
            return found
    return str(bucket)


def line_rows(
    line_id: str,
    lb: LineBalance,
    service: date,
    extra: object,
    payers: Mapping[str, Mapping[Bucket, str]] | None,
    *,
    last_activity: date | None = None,
    inflow: Mapping[tuple[str, Bucket], date] | None = None,
) -> list[OpenLine]:
    """One [`OpenLine`][billing_core.aging.OpenLine] per bucket with money open on a line.

    ``extra`` (an ``info`` value) gives ``billed_on`` and ``due_on``; ``inflow``
    the date money last moved into each bucket (``responsible_since``, else the
    service date). Without ``inflow`` (balances carry no dates) it is left unset.
    """
    account_id = lb.account_id
    billed_on = getattr(extra, "billed_on", None)
    due_on = getattr(extra, "due_on", None)
    return [
        OpenLine(
            account_id=account_id,
            line_id=line_id,
            bucket=bucket,
            party=party_label(account_id, bucket, payers),
            open=amount,
            service_date=service,
            billed_on=billed_on,
            due_on=due_on,
            last_activity=last_activity,
            responsible_since=None if inflow is None else inflow.get((line_id, bucket), service),
        )
        for bucket, amount in lb.open.items()
    ]


def open_rows(
    history: Sequence[Entry],
    balances: Mapping[str, LineBalance],
    *,
    info: Mapping[str, object] | None,
    payers: Mapping[str, Mapping[Bucket, str]] | None,
) -> tuple[OpenLine, ...]:
    """Open rows from a history already cut at ``as_of`` and its line balances.

    For callers that fold the history themselves (the statements module), so it
    is folded once. See [`open_lines`][billing_core.aging.open_lines] for the dates.
    """
    reversed_ids = {e.reverses for e in history if isinstance(e, Reversal)}
    charged: dict[str, date] = {}
    last: dict[str, date] = {}
    inflow: dict[tuple[str, Bucket], date] = {}
    for e in history:
        line = e.line_id
        if line is None:
            continue
        day = e.effective
        # Entries come in any order: the latest date wins, whichever entry comes last.
        if last.get(line, day) <= day:
            last[line] = day
        # A charge that was reversed does not date the line either: the remaining charge does.
        if e.id in reversed_ids or isinstance(e, Reversal):
            continue  # a move that was undone does not make anyone responsible
        found = effect(e)
        if found.kind is EffectKind.CHARGE and charged.get(line, day) >= day:
            charged[line] = day
        # Money enters a bucket where the effect's OPEN term is positive: the charge's
        # bucket, the target of a transfer or of a PR/OA adjustment.
        for bucket, sign in found.opens:
            key = (line, bucket)
            if sign > 0 and inflow.get(key, day) <= day:
                inflow[key] = day
    out: list[OpenLine] = []
    for line_id in sorted(balances, key=lambda k: (balances[k].account_id, k)):
        lb = balances[line_id]
        extra = info.get(line_id) if info is not None else None
        # The document's service date beats the charge's: charges are often posted days after
        # the service, and aging by service date must not make a claim look younger.
        service = getattr(extra, "service_date", None) or charged.get(line_id)
        if service is None:  # a line charged only by a reversed charge
            service = last[line_id]
        out.extend(
            line_rows(
                line_id, lb, service, extra, payers, last_activity=last.get(line_id), inflow=inflow
            )
        )
    return tuple(out)


def rows_from_balances(
    balances: Mapping[str, LineBalance],
    info: Mapping[str, object] | None,
    payers: Mapping[str, Mapping[Bucket, str]] | None,
) -> tuple[OpenLine, ...]:
    """Open rows from line balances; the service dates come from ``info``."""
    rows: list[OpenLine] = []
    missing: list[Finding] = []
    for line_id in sorted(balances):
        lb = balances[line_id]
        if not isinstance(lb, LineBalance):
            raise TypeError(
                f"age() of a mapping takes line_balances() results; {line_id!r:.40} is"
                f" {type(lb).__name__}"
            )
        extra = info.get(line_id) if info is not None else None
        service = getattr(extra, "service_date", None)
        # Every missing date is collected before raising: a caller fixing info for one line
        # at a time would need one run per line.
        if not is_plain_date(service):
            missing.append(
                Finding(
                    location=f"info[{line_id!r}].service_date",
                    message="balances carry no dates: give each line's service_date in info",
                    rule="aging.service_date",
                )
            )
            continue
        rows.extend(line_rows(line_id, lb, service, extra, payers))
    if missing:
        raise ValidationError(missing)
    return tuple(rows)
