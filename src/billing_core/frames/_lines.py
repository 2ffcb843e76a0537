"""The per-line fold of the line-balance kernel: integer sums over dense line codes (private).

[`line_balances`][billing_core.frames.line_balances] sums every entry of a line
into the figures its effect's terms name. A polars group-by over the line ids
hashes every id and builds one group per line on each call, and the figures
then need a second pass per (figure, key) slot; that was most of the kernel's
time. Here the checked table's ``_line_code`` (a dense code per line, from
``check_entry_table``: the ids are hashed once per table) makes the fold plain
integer arithmetic with numpy:

1. one scatter-add of each row's minor units into a ``lines x K`` matrix, where
   the K columns are the table's distinct *sign patterns* (effects whose terms
   have the same signs share a column: a table may hold hundreds of effect ids
   but only a few patterns);
2. one integer matrix product with the ``K x slots`` sign table read from
   [`TERMS`][billing_core.ledger._effects.TERMS] (via ``_folds.effect_terms``),
   giving every line's sum per (figure, key) slot;
3. the long form from the non-zero cells (and every line's ``charged``), the
   text columns gathered once, at the end, from one row of each line.

Terms keyed by a party (``paid_by_party``) are summed over the few rows of
the effects that have them, sorted by (line, party kind, ``_party_code``)
and summed per run. Minor units stay int64 throughout: no float is ever made
(numpy's integer sums wrap past 2**63 exactly as polars' do; ``MAX_MINOR`` keeps
one amount far below it).

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> from billing_core.frames import to_arrow
    >>> day = datetime.date(2024, 3, 1)
    >>> table = to_arrow([ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day,
    ...                                amount=Money("80.00", "USD"), bucket=Bucket.PATIENT)])
    >>> line_sums(table, day, ("charged", "open")).sort("figure").rows()
    [('A1', 'L1', 'USD', 'charged', None, 8000), ('A1', 'L1', 'USD', 'open', 'patient', 8000)]
"""

from __future__ import annotations

import datetime
from typing import Any, Final

import attrs

from billing_core.frames._check import CODE_COLUMNS, with_codes
from billing_core.frames._deps import np, pl
from billing_core.frames._folds import PARTY_KEY, checked, refuse_uncharged
from billing_core.ledger._effects import TERMS, EffectKind, Role, check_as_of

__all__ = ["LINE_COLUMNS", "line_sums"]

LINE_COLUMNS: Final = ("account_id", "line_id", "currency", "figure", "key", "amount_minor")
"""The columns of ``line_sums``: those of ``frames.line_balances``."""

_TEXT: Final = ("account_id", "line_id", "currency")
_SCHEMA: Final = dict.fromkeys(LINE_COLUMNS[:-1], pl.String) | {"amount_minor": pl.Int64}


@attrs.frozen(kw_only=True)
class _Rows:
    """The table's rows as numpy arrays, and one row of each line.

    Attributes:
        code: Each row's line code; rows on no line or after the as-of date
            have ``lines`` (a spare line that is summed and never shown), so
            no row is copied to cut the table.
        found: Each row's effect id.
        amount: Each row's minor units.
        lines: How many line codes the table has.
        present: Which lines have a row by the as-of date.
        rep: The index of one row of each line (for its ids and currency).
    """

    code: Any
    found: Any
    amount: Any
    lines: int
    present: Any
    rep: Any


def _rows(frame: Any, as_of: datetime.date, lines: int) -> _Rows:
    counted = pl.col("_line_code").is_not_null() & (pl.col("effective") <= as_of)
    code = frame.select(
        pl.when(counted).then(pl.col("_line_code").cast(pl.Int64)).otherwise(pl.lit(lines))
    ).to_series()
    code = code.to_numpy()
    present = np.zeros(lines + 1, dtype=bool)
    present[code] = True
    rep = np.zeros(lines + 1, dtype=np.int64)
    rep[code] = np.arange(len(code))
    return _Rows(
        code=code,
        found=frame["_effect"].to_numpy(),
        amount=frame["amount_minor"].to_numpy(),
        lines=lines,
        present=present[:lines],
        rep=rep,
    )


@attrs.frozen(kw_only=True)
class _Terms:
    """What the table's effects do to the figures asked for, read from ``TERMS``.

    Attributes:
        slots: ``(figure, key)`` of each plain slot (a term keyed by a bucket,
            a detail or nothing), indexed by slot number.
        plain: ``(effect id, slot, sign)`` of every plain term.
        party: Per figure keyed by a party, ``(effect id, sign)`` of its terms.
        charges: The effect ids of charges.
        kind_of: The party kind of each effect id (``None`` for no party).
    """

    slots: list[tuple[str, str | None]]
    plain: list[tuple[int, int, int]]
    party: dict[str, list[tuple[int, int]]]
    charges: list[int]
    kind_of: dict[int, str | None]


def _terms(frame: Any, totals: tuple[str, ...]) -> _Terms:
    """Each distinct effect of the table (one row of each, by index) through ``TERMS``."""
    columns = ("_effect", "_kind", "_bucket", "_detail", "party_kind")
    effects = frame.select(columns)[frame["_effect"].arg_unique()].rows()
    slot_of: dict[tuple[str, str | None], int] = {}
    out = _Terms(slots=[], plain=[], party={}, charges=[], kind_of={})
    for found, kind, bucket, detail, party_kind in effects:
        out.kind_of[found] = party_kind
        if kind == EffectKind.CHARGE.value:
            out.charges.append(found)
        for total, role, sign in TERMS[EffectKind(kind)]:
            figure = total.name.lower()
            if figure not in totals:
                continue
            if role is Role.PARTY:
                out.party.setdefault(figure, []).append((found, sign))
                continue
            key = bucket if role is Role.BUCKET else detail if role is Role.DETAIL else None
            slot = slot_of.setdefault((figure, key), len(slot_of))
            out.plain.append((found, slot, sign))
    out.slots.extend(slot_of)
    return out


def _slot_sums(rows: _Rows, terms: _Terms, effects: int) -> list[Any]:
    """Each plain slot's sum per line (index ``lines`` is the spare line), by slot number.

    One scatter-add per row into a ``patterns x lines`` matrix (effects whose
    plain terms have the same signs share a pattern), then each slot is the
    signed sum of the few pattern rows that have it.
    """
    signs = np.zeros((effects, max(1, len(terms.slots))), dtype=np.int64)
    for found, slot, sign in terms.plain:
        signs[found, slot] += sign  # summed, as the object fold adds each term
    patterns, pattern_of = np.unique(signs, axis=0, return_inverse=True)
    width = rows.lines + 1
    per_pattern = np.zeros(patterns.shape[0] * width, dtype=np.int64)
    np.add.at(per_pattern, pattern_of.reshape(-1)[rows.found] * width + rows.code, rows.amount)
    per_pattern = per_pattern.reshape(-1, width)
    out = []
    for slot in range(len(terms.slots)):
        total = np.zeros(width, dtype=np.int64)
        for k in np.flatnonzero(patterns[:, slot]).tolist():
            total += patterns[k, slot] * per_pattern[k]
        out.append(total)
    return out


def _charged(rows: _Rows, terms: _Terms, effects: int) -> Any:
    """Which lines have a charge by the as-of date (a charge reversed to zero still opened one)."""
    is_charge = np.zeros(effects, dtype=bool)
    is_charge[terms.charges] = True
    charged = np.zeros(rows.lines + 1, dtype=bool)
    charged[rows.code[is_charge[rows.found]]] = True
    return charged[: rows.lines]


@attrs.frozen(kw_only=True)
class _Cells:
    """Long rows before their text is gathered: one entry per output row.

    Attributes:
        at: The index of a table row of the output row's line (its ids and currency).
        figure: The output row's figure, as an index into the figure names.
        amount: Its signed minor units.
    """

    at: Any
    figure: Any
    amount: Any


def _plain_cells(terms: _Terms, sums: list[Any], rows: _Rows) -> tuple[_Cells, Any]:
    """The slots keyed by a bucket or a detail: non-zero, and every line's charged; their keys."""
    lines, slot_of, amounts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
    for slot, (figure, _key) in enumerate(terms.slots):
        total = sums[slot][: rows.lines]
        at = np.flatnonzero(rows.present if figure == "charged" else total)
        lines.append(at)
        slot_of.append(np.full(len(at), slot, dtype=np.int64))
        amounts.append(total[at])
    slot_ids = np.concatenate(slot_of)
    keys = pl.Series([k for _, k in terms.slots], dtype=pl.String)
    cells = _Cells(
        at=rows.rep[np.concatenate(lines)],
        figure=slot_ids,
        amount=np.concatenate(amounts).astype(np.int64),
    )
    return cells, keys.gather(pl.Series(slot_ids))


def _party_cells(frame: Any, terms: _Terms, rows: _Rows, effects: int) -> tuple[_Cells, Any]:
    """The slots keyed by a party (``paid_by_party``), non-zero; their keys (``payer:AETNA``).

    Only the rows of the effects with such terms are read: sorted by (line,
    party kind, party) and each run summed (``np.add.reduceat``). An effect
    has one party kind (the check groups rows by it), so the kind is read per
    effect; the party is the check's ``_party_code``.
    """
    has = np.zeros(effects, dtype=bool)
    has[[found for signs in terms.party.values() for found, _ in signs]] = True
    (at,) = np.nonzero(has[rows.found] & (rows.code < rows.lines))
    if not len(at):
        empty = np.zeros(0, dtype=np.int64)
        return _Cells(at=empty, figure=empty, amount=empty), pl.Series([], dtype=pl.String)
    kinds = sorted({k for k in terms.kind_of.values() if k is not None})
    kind_code = np.zeros(effects, dtype=np.int64)
    for found, kind in terms.kind_of.items():
        kind_code[found] = 0 if kind is None else kinds.index(kind)
    found, line = rows.found[at], rows.code[at]
    kind = kind_code[found]
    who = frame["_party_code"].gather(pl.Series(at)).to_numpy().astype(np.int64)
    parties = int(who.max()) + 1
    group = len(kinds) * parties
    if rows.lines * group < 2**63:  # (line, kind, party) as one int64
        key = line * group + kind * parties + who
        order = np.argsort(key, kind="stable")
        key = key[order]
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    else:  # pragma: no cover - billions of lines and parties
        order = np.lexsort((who, kind, line))
        keys = np.stack((line, kind, who))[:, order]
        starts = np.flatnonzero(np.concatenate(([True], (keys[:, 1:] != keys[:, :-1]).any(0))))
    first = at[order[starts]]  # one row of each (line, party)
    picked, figures, amounts = [], [], []
    for n, effect_signs in enumerate(terms.party.values()):
        signs = np.zeros(effects, dtype=np.int64)
        for effect_id, sign in effect_signs:
            signs[effect_id] += sign
        sums = np.add.reduceat(rows.amount[at][order] * signs[found[order]], starts)
        (nonzero,) = np.nonzero(sums)
        picked.append(first[nonzero])
        figures.append(np.full(len(nonzero), len(terms.slots) + n, dtype=np.int64))
        amounts.append(sums[nonzero])
    chosen = np.concatenate(picked)
    label = frame.select("party_kind", "party_id")[chosen].select(key=PARTY_KEY)["key"]
    cells = _Cells(
        at=rows.rep[rows.code[chosen]],
        figure=np.concatenate(figures),
        amount=np.concatenate(amounts),
    )
    return cells, label


def line_sums(entries: Any, as_of: datetime.date, totals: tuple[str, ...]) -> Any:
    """Every line's signed minor units per figure and key, as of a date, in long form.

    Args:
        entries: A table of entries, checked (``check_entry_table``) or not.
        as_of: Only entries effective on or before it count.
        totals: The figures to sum (lower-case ``Total`` names).

    Returns:
        A polars frame of ``LINE_COLUMNS``: zero sums are left out, except
        ``charged`` (every line has it), in no particular order.

    Raises:
        NotFoundError: Naming the first line with entries but no charge.
        ValidationError: If the table is not valid.
        TypeError: If ``as_of`` is not a plain date.
    """
    check_as_of(as_of)
    frame = with_codes(checked(entries))  # a checked frame keeps its codes
    top = frame["_line_code"].max()
    if top is None:
        return pl.DataFrame(schema=_SCHEMA)
    if top >= 2 * frame.height:  # a few rows of a large checked table: code them again
        frame = with_codes(frame.drop(CODE_COLUMNS))  # (the sums' arrays are sized by codes)
        top = frame["_line_code"].max()
    rows = _rows(frame, as_of, int(top) + 1)
    if not rows.present.any():
        return pl.DataFrame(schema=_SCHEMA)
    effects = int(frame["_effect"].max()) + 1
    terms = _terms(frame, totals)
    charged = _charged(rows, terms, effects)
    if not charged[rows.present].all():
        missing = np.flatnonzero(rows.present & ~charged)
        refuse_uncharged(frame.select("line_id")[rows.rep[missing]].with_columns(_charged=False))
    plain, plain_keys = _plain_cells(terms, _slot_sums(rows, terms, effects), rows)
    party, party_keys = _party_cells(frame, terms, rows, effects)
    figures = pl.Series([f for f, _ in terms.slots] + list(terms.party), dtype=pl.String)
    # The text is gathered once, for every output row: most of the kernel's remaining time.
    return (
        frame.select(_TEXT)[np.concatenate((plain.at, party.at))]
        .with_columns(
            figure=figures.gather(pl.Series(np.concatenate((plain.figure, party.figure)))),
            key=pl.concat([plain_keys, party_keys]),
            amount_minor=pl.Series(np.concatenate((plain.amount, party.amount)), dtype=pl.Int64),
        )
        .select(LINE_COLUMNS)
    )
