"""KPI sets: several ratios for one period, and a trend of sets over periods.

A [`KpiSet`][billing_core.kpis.KpiSet] holds the [`Ratio`][billing_core.kpis.Ratio]s of one
period (by name: ``kpis["days in A/R"]``); a [`KpiTrend`][billing_core.kpis.KpiTrend]
holds one set per period, in order, and gives each KPI's series for a chart.
Both show as tables in a notebook and export exact records.

Examples:
    >>> from datetime import date
    >>> from billing_core.kpis import clean_claim_rate, denial_rate_by_count
    >>> march = KpiSet(label="2025-03", start=date(2025, 3, 1), end=date(2025, 3, 31),
    ...                ratios=[denial_rate_by_count(4, 50), clean_claim_rate(45, 50)])
    >>> print(march)
    KPIs 2025-03 (2025-03-01 to 2025-03-31)
    denial rate (count): 8.00%
    clean-claim rate: 90.00%
    >>> march["clean-claim rate"].value
    Decimal('90.00')
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from billing_core._checks import describe, is_plain_date
from billing_core._fields import invalid
from billing_core.errors import NotFoundError
from billing_core.kpis._ratios import Ratio
from billing_core.money import Money, format_money
from billing_core.views import MoneyForm, Record, html_table
from billing_core.views._records import check_money_form

__all__ = ["KpiSet", "KpiTrend"]


def _ratios(value: Iterable[Ratio]) -> tuple[Ratio, ...]:
    return tuple(value)


def _term_text(term: Money | int) -> str:
    return format_money(term) if isinstance(term, Money) else str(term)


@attrs.frozen(kw_only=True)
class KpiSet:
    """The KPIs of one period, by name.

    Attributes:
        label: The period's name, e.g. ``"2025-03"`` or ``"Q1 2025"``.
        start: The first day of the period.
        end: The last day of the period (inclusive).
        ratios: The KPIs, each a [`Ratio`][billing_core.kpis.Ratio]; names are unique.

    Raises:
        TypeError: A date that is not a plain date, a ratio that is not a `Ratio`.
        ValidationError: ``end`` before ``start``, or two ratios with one name.

    Examples:
        >>> from billing_core.kpis import clean_claim_rate
        >>> KpiSet(label="x", start=date(2025, 1, 1), end=date(2025, 1, 31),
        ...        ratios=[clean_claim_rate(1, 2), clean_claim_rate(2, 2)])
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: KpiSet.ratios[1]: a second 'clean-claim rate'
    """

    label: str
    start: date
    end: date
    ratios: tuple[Ratio, ...] = attrs.field(converter=_ratios)

    def __attrs_post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not is_plain_date(value):
                raise TypeError(f"KpiSet.{name} must be a datetime.date, got {describe(value)}")
        if self.end < self.start:
            raise invalid("KpiSet.end", f"{self.end} is before start {self.start}", "kpi.period")
        seen: set[str] = set()
        for index, ratio in enumerate(self.ratios):
            if not isinstance(ratio, Ratio):
                raise TypeError(f"KpiSet.ratios[{index}] must be a Ratio, got {describe(ratio)}")
            # Ratios are looked up by name (kpis["days in A/R"]): a second one with the same name
            # could never be reached.
            if ratio.name in seen:
                raise invalid(
                    f"KpiSet.ratios[{index}]", f"a second {ratio.name!r}", "kpi.unique_names"
                )
            seen.add(ratio.name)

    @property
    def names(self) -> tuple[str, ...]:
        """The KPIs' names, in order.

        Examples:
            >>> KpiSet(label="x", start=date(2025, 1, 1), end=date(2025, 1, 1), ratios=()).names
            ()
        """
        return tuple(r.name for r in self.ratios)

    def __getitem__(self, name: str) -> Ratio:
        for ratio in self.ratios:
            if ratio.name == name:
                return ratio
        raise NotFoundError(f"no KPI {name!r:.60} in {self.label}; it has {', '.join(self.names)}")

    def to_records(self, *, money: MoneyForm = "decimal") -> list[Record]:
        """One flat row per KPI, led by the period's ``period``, ``start`` and ``end``.

        The rest of a row is [`Ratio.to_record`][billing_core.kpis.Ratio.to_record].

        Examples:
            >>> from billing_core.kpis import gross_collection_rate
            >>> s = KpiSet(label="2025-03", start=date(2025, 3, 1), end=date(2025, 3, 31),
            ...            ratios=[gross_collection_rate(Money("95", "USD"), Money("100", "USD"))])
            >>> row = s.to_records(money="minor")[0]
            >>> row["period"], row["name"], row["value"], row["numerator"]
            ('2025-03', 'gross collection rate', Decimal('95.00'), 9500)
        """
        check_money_form(money)
        head: Record = {"period": self.label, "start": self.start, "end": self.end}
        return [{**head, **r.to_record(money=money)} for r in self.ratios]

    def __str__(self) -> str:
        lines = [f"KPIs {self.label} ({self.start} to {self.end})"]
        lines.extend(f"{r.name}: {r}" for r in self.ratios)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self) -> str:
        """The KPIs as an HTML table: value, numerator, denominator, definition.

        Examples:
            >>> "<caption>KPIs 2025-03" in KpiSet(label="2025-03", start=date(2025, 3, 1),
            ...                                    end=date(2025, 3, 31), ratios=()).to_html()
            True
        """
        rows = [
            [r.name, str(r), _term_text(r.numerator), _term_text(r.denominator), r.definition]
            for r in self.ratios
        ]
        caption = f"KPIs {self.label} ({self.start.isoformat()} to {self.end.isoformat()})"
        columns = ["KPI", "value", "numerator", "denominator", "definition"]
        return html_table(columns, rows, caption=caption, right=(1, 2, 3))


def _sets(value: Iterable[KpiSet]) -> tuple[KpiSet, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class KpiTrend:
    """KPI sets over consecutive periods, oldest first: the input of a trend chart.

    Attributes:
        periods: One [`KpiSet`][billing_core.kpis.KpiSet] per period, each
            starting after the previous one ended.

    Raises:
        TypeError: A period that is not a `KpiSet`.
        ValidationError: Periods out of order or overlapping.

    Examples:
        >>> from billing_core.kpis import clean_claim_rate
        >>> def month(m, clean):
        ...     return KpiSet(label=f"2025-{m:02}", start=date(2025, m, 1),
        ...                   end=date(2025, m, 28), ratios=[clean_claim_rate(clean, 50)])
        >>> trend = KpiTrend(periods=[month(1, 40), month(2, 45)])
        >>> trend.series("clean-claim rate")
        (('2025-01', Decimal('80.00')), ('2025-02', Decimal('90.00')))
    """

    periods: tuple[KpiSet, ...] = attrs.field(converter=_sets)

    def __attrs_post_init__(self) -> None:
        for index, period in enumerate(self.periods):
            if not isinstance(period, KpiSet):
                raise TypeError(
                    f"KpiTrend.periods[{index}] must be a KpiSet, got {describe(period)}"
                )
            if index and period.start <= self.periods[index - 1].end:
                raise invalid(
                    f"KpiTrend.periods[{index}]",
                    f"starts {period.start}, not after the previous period's end"
                    f" {self.periods[index - 1].end}",
                    "kpi.trend_order",
                )

    @property
    def labels(self) -> tuple[str, ...]:
        """The periods' labels, oldest first.

        Examples:
            >>> KpiTrend(periods=()).labels
            ()
        """
        return tuple(p.label for p in self.periods)

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the KPIs, in the order they first appear.

        Examples:
            >>> KpiTrend(periods=()).names
            ()
        """
        return tuple(dict.fromkeys(name for p in self.periods for name in p.names))

    def series(self, name: str) -> tuple[tuple[str, Decimal | None], ...]:
        """One KPI's value per period: ``(label, value)``, ``None`` where undefined or missing.

        Raises:
            NotFoundError: If no period has a KPI of that name.

        Examples:
            >>> KpiTrend(periods=()).series("days in A/R")
            Traceback (most recent call last):
            ...
            billing_core.errors.NotFoundError: no KPI 'days in A/R' in this trend
        """
        if name not in self.names:
            raise NotFoundError(f"no KPI {name!r:.60} in this trend")
        return tuple((p.label, p[name].value if name in p.names else None) for p in self.periods)

    def to_records(self, *, money: MoneyForm = "decimal") -> list[Record]:
        """One flat row per period and KPI (long form: ``period``, ``name``, ``value``, ...).

        Examples:
            >>> KpiTrend(periods=()).to_records()
            []
        """
        check_money_form(money)
        return [row for p in self.periods for row in p.to_records(money=money)]

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self) -> str:
        """The trend as an HTML table: one row per KPI, one column per period.

        Examples:
            >>> "<table>" in KpiTrend(periods=()).to_html()
            True
        """
        rows = [
            [name, *(str(p[name]) if name in p.names else "" for p in self.periods)]
            for name in self.names
        ]
        columns = ["KPI", *self.labels]
        return html_table(columns, rows, caption="KPI trend", right=range(1, len(columns)))
