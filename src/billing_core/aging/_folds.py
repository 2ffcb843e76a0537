"""The aging folds: [`age`][billing_core.aging.age] and the rows it reads from a ledger.

[`age`][billing_core.aging.age] takes open lines, ledger entries or line
balances and returns an [`AgingReport`][billing_core.aging.AgingReport];
[`open_lines`][billing_core.aging.open_lines] and
[`unapplied_credits`][billing_core.aging.unapplied_credits] derive what
it ages from entries, as of a date.

Examples:
    >>> from datetime import date
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1", effective=date(2025, 1, 3),
    ...                  amount=Money("80.00", "USD"), bucket=Bucket.PATIENT)
    >>> age([c], date(2025, 3, 31)).party("patient").band("61-90")
    Money('80.00', 'USD')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from billing_core._checks import describe
from billing_core.aging._bands import DEFAULT_EDGES, band_labels, validate_edges
from billing_core.aging._derive import open_rows, rows_from_balances
from billing_core.aging._items import AgingAnchor, CreditLine, OpenLine
from billing_core.aging._report import AgingReport
from billing_core.aging._sums import Bands, make_rows, party_order
from billing_core.balances import LineBalance, line_balances
from billing_core.balances import credits as party_credits
from billing_core.errors import CurrencyMismatchError, InvalidAmountError, ValidationError
from billing_core.ledger import Bucket, Entry, LedgerEntry, Party, PartyKind
from billing_core.ledger._effects import check_as_of
from billing_core.money import Money

__all__ = ["age", "open_lines", "unapplied_credits"]


def check_age_args(anchor: object, buckets: object, as_of: object) -> tuple[int, ...]:
    """The band edges of a valid ``age`` call (shared with its columnar twin in ``frames``).

    Raises:
        ValidationError: If the edges are invalid.
        TypeError: If ``anchor`` is not an ``AgingAnchor`` or ``as_of`` not a plain date.

    Examples:
        >>> check_age_args(AgingAnchor.SERVICE_DATE, [30, 60], date(2025, 1, 1))
        (30, 60)
    """
    findings = validate_edges(buckets)
    if findings:
        raise ValidationError(findings)
    if not isinstance(anchor, AgingAnchor):
        raise TypeError(f"anchor must be an AgingAnchor, got {describe(anchor)}")
    check_as_of(as_of)
    return tuple(buckets)  # type: ignore[arg-type]  # validate_edges checked it


def age(
    items: Iterable[OpenLine] | Iterable[Entry] | Mapping[str, LineBalance],
    as_of: date,
    anchor: AgingAnchor = AgingAnchor.SERVICE_DATE,
    buckets: Sequence[int] = DEFAULT_EDGES,
    *,
    currency: str | None = None,
    credits: Iterable[CreditLine] = (),
    info: Mapping[str, object] | None = None,
    payers: Mapping[str, Mapping[Bucket, str]] | None = None,
) -> AgingReport:
    """Age open amounts as of a date (see the module documentation for the rules).

    Args:
        items: [`OpenLine`][billing_core.aging.OpenLine] rows; or ledger entries (then
            [`open_lines`][] and [`unapplied_credits`][] derive the rows,
            counting only entries effective on or before ``as_of``); or the
            result of [`line_balances`][billing_core.balances.line_balances] (then
            ``info`` must give each line's ``service_date``, and every anchor
            falls back to it, since balances carry no dates).
        as_of: The report date.
        anchor: What ages are counted from.
        buckets: The band edges in days (see
            [`validate_edges`][billing_core.aging.validate_edges]).
        currency: The currency; needed only when there is nothing to age.
        credits: Credits to list apart (besides negative open lines).
        info: For entries or balances: per line id, an object with ``service_date``,
            ``billed_on`` and ``due_on`` attributes (a
            [`LineItem`][billing_core.charges.LineItem] works); see [`open_lines`][].
        payers: For entries or balances: per account id, the payer id of each
            coverage bucket.

    Returns:
        The report.

    Raises:
        ValidationError: If the edges are invalid, or a line balance has no
            service date in ``info``.
        CurrencyMismatchError: If amounts (open lines or credits) are in
            several currencies.
        InvalidAmountError: If there is nothing to age and no ``currency``.
        TypeError: If ``as_of`` is not a plain date, ``anchor`` not an
            [`AgingAnchor`][billing_core.aging.AgingAnchor], or ``items``
            mix open lines and entries.

    Examples:
        >>> from datetime import date
        >>> from billing_core.ledger import Bucket, ChargePosted, Transfer
        >>> from billing_core.money import Money
        >>> history = [
        ...     ChargePosted(id="c1", account_id="A1", line_id="L1", effective=date(2025, 1, 2),
        ...                  amount=Money("80.00", "USD"), bucket=Bucket.PRIMARY),
        ...     Transfer(id="t1", account_id="A1", line_id="L1", effective=date(2025, 3, 10),
        ...              amount=Money("80.00", "USD"), from_bucket=Bucket.PRIMARY,
        ...              to_bucket=Bucket.PATIENT),
        ... ]
        >>> not_reaged = age(history, date(2025, 3, 31))
        >>> reaged = age(history, date(2025, 3, 31), AgingAnchor.RESPONSIBILITY)
        >>> not_reaged.total.band("61-90"), reaged.total.band("0-30")
        (Money('80.00', 'USD'), Money('80.00', 'USD'))
        >>> age([], date(2025, 1, 1), buckets=(60, 30), currency="USD")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: buckets: must be strictly increasing ...
    """
    # Arguments are checked before the items are read: a generator of entries must not be
    # consumed by a call that then fails on its edges.
    edges = check_age_args(anchor, buckets, as_of)
    extra = list(credits)
    if isinstance(items, Mapping):
        return _age(rows_from_balances(items, info, payers), as_of, anchor, edges, currency, extra)
    # A list is read as it is and copied after the hot loop (see _age); any other iterable
    # is materialised here.
    rows: Sequence[object] = items if isinstance(items, tuple | list) else tuple(items)
    if rows and isinstance(rows[0], LedgerEntry):
        entries: tuple[Entry, ...] = tuple(rows)  # type: ignore[arg-type]
        if currency is None:  # so that an as_of before all activity gives an empty report
            currency = entries[0].amount.currency
        # Unapplied money is listed apart from the bands: a credit is owed back, and netting it
        # against open amounts would hide both (an account can owe and be owed at once).
        extra.extend(unapplied_credits(entries, as_of))
        rows = open_lines(entries, as_of, info=info, payers=payers)
    return _age(rows, as_of, anchor, edges, currency, extra)  # type: ignore[arg-type]


def _age(
    lines: Sequence[OpenLine],
    as_of: date,
    anchor: AgingAnchor,
    edges: tuple[int, ...],
    currency: str | None,
    credits: list[CreditLine],
) -> AgingReport:
    code = _currency_code(lines, credits, currency)
    nb = len(edges) + 1
    bands = Bands(as_of, edges)
    name = anchor.value
    sums: dict[str, list[int]] = {}
    credit_rows: list[CreditLine] = []
    # The hot loop: one pass over the lines, ints only, a handful of keys (the parties).
    # Per-account sums are computed from the same lines when first asked for.
    try:
        for line in lines:
            money = line.open
            m = money.minor
            if money.currency is not code and money.currency != code:
                raise CurrencyMismatchError(
                    f"line {line.line_id} of account {line.account_id} is in {money.currency},"
                    f" the report is in {code}"
                )
            # A negative open amount (an overpaid line) is a credit, reported apart for the same
            # reason; a zero one is not open at all.
            if m <= 0:
                if m < 0:
                    credit_rows.append(
                        CreditLine(
                            account_id=line.account_id,
                            party=line.party,
                            amount=-money,
                            line_id=line.line_id,
                        )
                    )
                continue
            # A handful of parties: the lookup almost never misses, and a try costs nothing
            # in Python 3.11 where .get() is a method call per line.
            try:
                acc = sums[line.party]
            except KeyError:
                acc = sums[line.party] = [0] * (nb + 1)
            # The anchor date, or the service date when the line has none (dates are truthy).
            acc[bands[getattr(line, name) or line.service_date]] += m
            acc[nb] += 1
    except AttributeError:
        for index, line in enumerate(lines):
            if not isinstance(line, OpenLine):
                raise TypeError(
                    f"age() takes OpenLine rows or ledger entries, not a mix;"
                    f" item {index} is {type(line).__name__}"
                ) from None
        raise
    return _report(as_of, anchor, edges, code, sums, lines, credits + credit_rows)


def _currency_code(
    lines: Sequence[OpenLine], credits: list[CreditLine], currency: str | None
) -> str:
    if currency is not None:
        return Money.zero(currency).currency
    if lines:
        first = lines[0]
        if not isinstance(first, OpenLine):
            raise TypeError(
                f"age() takes OpenLine rows or ledger entries, got {type(first).__name__}"
            )
        return first.open.currency
    if credits:
        return credits[0].amount.currency
    raise InvalidAmountError("age() of nothing needs a currency: age([], as_of, currency='USD')")


def _report(
    as_of: date,
    anchor: AgingAnchor,
    edges: tuple[int, ...],
    code: str,
    sums: dict[str, list[int]],
    lines: Sequence[OpenLine],
    credits: list[CreditLine],
) -> AgingReport:
    # Credits given by the caller are checked here, after the lines: they never pass
    # through the loop above.
    for credit in credits:
        if credit.amount.currency != code:
            raise CurrencyMismatchError(
                f"credit of account {credit.account_id} is in {credit.amount.currency},"
                f" the report is in {code}"
            )
    nb = len(edges) + 1
    overall = [sum(col) for col in zip([0] * (nb + 1), *sums.values(), strict=True)]
    party_rows = make_rows(
        [(None, p, sums[p]) for p in sorted(sums, key=party_order)] + [(None, None, overall)],
        band_labels(edges),
        code,
    )
    ordered = tuple(
        sorted(credits, key=lambda c: (c.account_id, party_order(c.party), c.line_id or ""))
    )
    # The report keeps a private copy of the lines for its per-account rows, made last: a
    # million-item tuple made earlier sat in the young GC generation while the loop and the
    # credit sort allocated, and every collection walked it (the bend at 10^6, issue 14).
    kept = lines if lines.__class__ is tuple else tuple(lines)
    return AgingReport(
        as_of=as_of,
        anchor=anchor,
        edges=edges,
        currency=code,
        parties=party_rows[:-1],
        total=party_rows[-1],
        lines=kept,
        credits=ordered,
    )


def open_lines(
    entries: Iterable[Entry],
    as_of: date,
    *,
    info: Mapping[str, object] | None = None,
    payers: Mapping[str, Mapping[Bucket, str]] | None = None,
) -> tuple[OpenLine, ...]:
    """The open rows of a history of entries, as of a date.

    Open amounts come from [`line_balances`][billing_core.balances.line_balances]
    (only entries effective on or before ``as_of``): one
    [`OpenLine`][billing_core.aging.OpenLine] per line and bucket with a
    non-zero amount. Dates:

    - ``service_date``: ``info[line_id].service_date``, else the charge's date;
    - ``billed_on`` and ``due_on``: from ``info[line_id]`` if it has them;
    - ``last_activity``: the latest entry on the line;
    - ``responsible_since``: the latest date money moved into the bucket (its
      charge, a transfer, a PR/OA adjustment moved to it), not counting moves
      that were reversed by ``as_of``.

    Args:
        entries: A history (one account or several).
        as_of: Only entries effective on or before it count.
        info: Per line id, any object with some of ``service_date``,
            ``billed_on``, ``due_on`` (e.g. the document's line item).
        payers: Per account id, the payer id of each coverage bucket, used as
            the row's ``party``; without it a coverage row's party is its
            bucket name.

    Returns:
        The rows, by account, line and bucket.

    Examples:
        >>> from datetime import date
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> from billing_core.money import Money
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1", effective=date(2025, 1, 3),
        ...                  amount=Money("80.00", "USD"), bucket=Bucket.PRIMARY)
        >>> [(r.party, r.open, r.responsible_since) for r in
        ...  open_lines([c], date(2025, 2, 1), payers={"A1": {Bucket.PRIMARY: "AETNA"}})]
        [('AETNA', Money('80.00', 'USD'), datetime.date(2025, 1, 3))]
    """
    check_as_of(as_of)
    # Cut once here so line_balances and open_rows read the same entries: dates derived
    # from entries after as_of would age a line by a future move.
    history = [e for e in entries if e.effective <= as_of]
    return open_rows(history, line_balances(history, as_of), info=info, payers=payers)


def _credit_party(party: Party) -> str:
    return "patient" if party.kind is PartyKind.PATIENT else party.id


def unapplied_credits(entries: Iterable[Entry], as_of: date) -> tuple[CreditLine, ...]:
    """Each party's unapplied money (received, not applied or refunded), as credits.

    Uses [`credits`][billing_core.balances.credits] per account. A payer's credit is
    labelled with the payer's id, the patient's with ``"patient"``.

    Args:
        entries: A history (one account or several).
        as_of: Only entries effective on or before it count.

    Returns:
        The credits with a positive available amount, by account and party.

    Examples:
        >>> from datetime import date
        >>> from billing_core.ledger import Party, PaymentReceived
        >>> from billing_core.money import Money
        >>> p = PaymentReceived(id="p1", account_id="A1", effective=date(2025, 1, 3),
        ...                     amount=Money("20.00", "USD"), party=Party.patient("P1"))
        >>> unapplied_credits([p], date(2025, 1, 3))
        (CreditLine(account_id='****', party='patient', amount=Money('20.00', 'USD'),
          line_id=None),)
    """
    check_as_of(as_of)
    by_account: dict[str, list[Entry]] = {}
    for e in entries:
        if e.effective <= as_of:
            by_account.setdefault(e.account_id, []).append(e)
    out: list[CreditLine] = []
    for account_id in sorted(by_account):
        for party, credit in party_credits(by_account[account_id], as_of).items():
            available = credit.available
            # A credit used up (or overdrawn, which validate_history reports) has nothing to list.
            if available.minor > 0:
                out.append(
                    CreditLine(account_id=account_id, party=_credit_party(party), amount=available)
                )
    return tuple(out)
