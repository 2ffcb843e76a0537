"""The good faith estimate: the expected charges given to a self-pay patient before care.

A patient who is uninsured, or who will not use their insurance, is given a
written estimate of the charges expected for a scheduled service (the No
Surprises Act, 45 CFR 149.610): who they are, who will provide the care and
where, the primary service and its date, an itemized list of the items and
services reasonably expected with their diagnosis and service codes and
expected charges, what will be scheduled separately, and the disclaimers.
[`GoodFaithEstimate`][billing_core.good_faith.GoodFaithEstimate] holds it;
its items are [`LineItem`][billing_core.charges.LineItem] values whose
``charge`` is the expected charge (after any self-pay discount). It prints
like a statement: plain text and HTML, with localized money and dates, the
patient's identifiers masked except on the patient's own copy.

A bill for a provider that comes to at least
[`DISPUTE_THRESHOLD`][billing_core.good_faith.DISPUTE_THRESHOLD] ($400) more than
that provider's expected charges lets the patient start the patient-provider
dispute resolution process: [`GoodFaithEstimate.may_dispute`][billing_core.good_faith.GoodFaithEstimate.may_dispute].

Examples:
    >>> import datetime
    >>> from billing_core._examples import example_line
    >>> from billing_core.parties import Patient, Provider
    >>> gfe = GoodFaithEstimate(id="GFE-1", issued_on=datetime.date(2024, 2, 26),
    ...     patient=Patient(id="P1", name="Jane Roe", birth_date=datetime.date(1980, 5, 17)),
    ...     provider=Provider(npi="1245319599", name="Riverside Clinic"),
    ...     primary_service="Office visit", scheduled_on=datetime.date(2024, 3, 4),
    ...     lines=[example_line("L1", "180.00")], diagnoses=["M54.50"])
    >>> gfe.total
    Money('180.00', 'USD')
    >>> gfe.may_dispute(Money("579.99", "USD")), gfe.may_dispute(Money("580.00", "USD"))
    (False, True)
"""  # noqa: E501

from __future__ import annotations

import datetime
import html
import textwrap
from typing import Final

import attrs
from babel.dates import format_date

from billing_core._fields import date_field, diagnoses, invalid, items_of, of_type, text, to_tuple
from billing_core.charges import LineItem
from billing_core.charges._lines import charges_minor, check_lines, line_records
from billing_core.codes import DiagnosisCode
from billing_core.errors import CurrencyMismatchError
from billing_core.money import Money, format_money
from billing_core.money._cldr import locale as _locale
from billing_core.parties import CareRole, Patient, Provider
from billing_core.views import MASK, MoneyForm, Record, html_table, mask_identifier

__all__ = ["DEFAULT_DISCLAIMER", "DISPUTE_THRESHOLD", "GoodFaithEstimate"]

DISPUTE_THRESHOLD: Final = Money("400.00", "USD")
"""How much more than a provider's expected charges a bill must be for the patient to
dispute it (45 CFR 149.620): at least $400."""

DEFAULT_DISCLAIMER: Final = (
    "This is an estimate of the charges for the items and services we reasonably expect for"
    " your care, made with what we knew when we wrote it; it is not a contract. It leaves out"
    " costs nobody can foresee, and items or services scheduled or requested separately."
    " Complications or special circumstances can make the bill higher. If a provider or"
    " facility bills you at least $400 more than its total on this estimate, you have the"
    " right to dispute the bill, and doing so will not affect the quality of the care you"
    " receive. Keep a copy of this estimate."
)
"""The disclaimers an estimate carries unless given others: it is an estimate, what it
leaves out, and the right to dispute a bill well above it."""

_COLUMNS: Final = (
    "Date of service",
    "Description",
    "Code",
    "Units",
    "Diagnoses",
    "Expected charge",
)


def _date_text(day: datetime.date, locale: str) -> str:
    return str(format_date(day, format="medium", locale=_locale(locale)))


@attrs.frozen(kw_only=True)
class GoodFaithEstimate:
    """A good faith estimate of expected charges for a self-pay patient.

    Attributes:
        id: The caller's identifier.
        issued_on: The day it is given to the patient.
        patient: The patient (name and birth date are printed on it).
        provider: The convening provider or facility.
        primary_service: What the primary item or service is.
        lines: The items and services reasonably expected, each with its
            expected charge (its ``charge``); at least one, one currency.
        scheduled_on: The primary service's scheduled date, if scheduled.
        diagnoses: The diagnoses the lines' pointers refer to.
        tax_id: The provider's tax identification number.
        location: Where the services are expected to be given.
        separately_scheduled: Items or services expected to be scheduled
            separately, before or after (not in the totals).
        disclaimer: The disclaimers printed under the items.

    Raises:
        ValidationError: No lines, two lines with one id.
        CurrencyMismatchError: Lines in different currencies.
        TypeError: A field of the wrong type.

    Examples:
        >>> from billing_core.parties import Patient, Provider
        >>> GoodFaithEstimate(id="GFE-1", issued_on=datetime.date(2024, 2, 26),
        ...     patient=Patient(id="P1", name="Jane Roe"),
        ...     provider=Provider(npi="1245319599", name="Riverside Clinic"),
        ...     primary_service="Office visit", lines=[])
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: good faith estimate 'GFE-1'.lines: an estimate lists at least one item or service
    """  # noqa: E501

    id: str = attrs.field(validator=text("good faith estimate", nonempty=True))
    issued_on: datetime.date = attrs.field(validator=date_field("good faith estimate"))
    patient: Patient = attrs.field(validator=of_type("good faith estimate", Patient))
    provider: Provider = attrs.field(validator=of_type("good faith estimate", Provider))
    primary_service: str = attrs.field(validator=text("good faith estimate", nonempty=True))
    lines: tuple[LineItem, ...] = attrs.field(converter=to_tuple)
    scheduled_on: datetime.date | None = attrs.field(
        default=None, validator=date_field("good faith estimate", optional=True)
    )
    diagnoses: tuple[DiagnosisCode, ...] = attrs.field(
        default=(),
        converter=diagnoses("diagnoses"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    tax_id: str = attrs.field(default="", validator=text("good faith estimate"))
    location: str = attrs.field(default="", validator=text("good faith estimate"))
    separately_scheduled: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items_of("good faith estimate", str)
    )
    disclaimer: str = attrs.field(default=DEFAULT_DISCLAIMER, validator=text("good faith estimate"))

    def __attrs_post_init__(self) -> None:
        where = f"good faith estimate {self.id!r}"
        if not self.lines:
            raise invalid(f"{where}.lines", "an estimate lists at least one item or service",
                          "good_faith.lines")  # fmt: skip
        first = self.lines[0]
        if not isinstance(first, LineItem):
            check_lines(self.lines, "", where)  # names the item that is not a line
        check_lines(self.lines, first.charge.currency, where)

    @property
    def currency(self) -> str:
        """The currency of the expected charges."""
        return self.lines[0].charge.currency

    @property
    def total(self) -> Money:
        """The total expected charges."""
        return Money.from_minor(charges_minor(self.lines), self.currency)

    def _npi_of(self, line: LineItem) -> str:
        provider = line.provider(CareRole.RENDERING)
        return (provider or self.provider).npi.code

    def totals_by_provider(self) -> dict[str, Money]:
        """The expected charges per provider NPI: a line's rendering provider, else the convening one.

        Examples:
            >>> import datetime
            >>> from billing_core._examples import example_line
            >>> from billing_core.parties import Patient, Provider
            >>> gfe = GoodFaithEstimate(id="G", issued_on=datetime.date(2024, 2, 26),
            ...     patient=Patient(id="P1", name="Jane Roe"), primary_service="Visit",
            ...     provider=Provider(npi="1245319599", name="Riverside Clinic"),
            ...     lines=[example_line("L1", "180.00"), example_line("L2", "20.00")])
            >>> gfe.totals_by_provider()
            {'1245319599': Money('200.00', 'USD')}
        """  # noqa: E501
        minor: dict[str, int] = {}
        for line in self.lines:
            npi = self._npi_of(line)
            minor[npi] = minor.get(npi, 0) + line.charge.minor
        return {npi: Money.from_minor(units, self.currency) for npi, units in minor.items()}

    def may_dispute(self, billed: Money, *, npi: str | None = None) -> bool:
        """Whether a bill lets the patient dispute it: at least $400 above the expected charges.

        Args:
            billed: What the provider billed for the care estimated.
            npi: The provider whose expected charges count; the whole estimate
                when not given.

        Returns:
            ``billed - expected >= DISPUTE_THRESHOLD``.

        Raises:
            CurrencyMismatchError: The bill or the estimate not in US dollars.
            TypeError: ``billed`` is not a `Money`.
        """
        if not isinstance(billed, Money):
            raise TypeError(f"billed must be a Money, got {type(billed).__name__}")
        expected = self.total if npi is None else self.totals_by_provider().get(npi)
        if expected is None:
            expected = Money.zero(self.currency)
        if billed.currency != DISPUTE_THRESHOLD.currency or self.currency != billed.currency:
            raise CurrencyMismatchError(
                f"the dispute threshold is in {DISPUTE_THRESHOLD.currency}: the bill is in"
                f" {billed.currency}, the estimate in {self.currency}"
            )
        return (billed - expected).minor >= DISPUTE_THRESHOLD.minor

    def to_records(self, *, money: MoneyForm = "decimal") -> list[Record]:
        """The items as flat rows of plain values (``pandas.DataFrame(records)`` works).

        No patient identifier is included, so there is nothing to mask.

        Args:
            money: ``"decimal"`` (``Decimal`` amounts) or ``"minor"`` (``int``
                minor units, which pandas can plot).

        Returns:
            One record per item.

        Examples:
            >>> import datetime
            >>> from billing_core._examples import example_line
            >>> from billing_core.parties import Patient, Provider
            >>> gfe = GoodFaithEstimate(id="G", issued_on=datetime.date(2024, 2, 26),
            ...     patient=Patient(id="P1", name="Jane Roe"), primary_service="Visit",
            ...     provider=Provider(npi="1245319599", name="Riverside Clinic"),
            ...     lines=[example_line("L1", "180.00")])
            >>> [(r["estimate_id"], r["charge"]) for r in gfe.to_records(money="minor")]
            [('G', 18000)]
        """
        return line_records(self.lines, self.currency, money, estimate_id=self.id)

    def _rows(self, locale: str) -> list[list[str]]:
        rows = []
        for line in self.lines:
            codes = [str(c) for c in (line.procedure, line.revenue_code) if c is not None]
            pointed = [self.diagnoses[p - 1].dotted for p in line.diagnosis_pointers
                       if p <= len(self.diagnoses)]  # fmt: skip
            rows.append([
                _date_text(line.service_date, locale), line.description or line.category.value,
                ", ".join(codes), str(line.units), ", ".join(pointed),
                format_money(line.charge, locale),
            ])  # fmt: skip
        return rows

    def _who(self, locale: str, patient_copy: bool) -> str:
        if not patient_copy:
            return f"{MASK} (patient {mask_identifier(self.patient.id)})"
        born = self.patient.birth_date
        return self.patient.name + (f", born {_date_text(born, locale)}" if born else "")

    def _head(self, locale: str, patient_copy: bool) -> list[str]:
        provider = f"{self.provider.name}, NPI {self.provider.npi.code}"
        provider += f", TIN {self.tax_id}" if self.tax_id else ""
        service = self.primary_service
        if self.scheduled_on is not None:
            service += f", scheduled for {_date_text(self.scheduled_on, locale)}"
        head = [
            f"Estimate {self.id}, issued {_date_text(self.issued_on, locale)}",
            f"Patient: {self._who(locale, patient_copy)}",
            f"Provider: {provider}",
        ]
        if self.location:
            head.append(f"Location: {self.location}")
        head.append(f"Primary service: {service}")
        return head

    def render_text(self, locale: str = "en_US", *, patient_copy: bool = False) -> str:
        """The estimate as plain text, with localized money and dates.

        Args:
            locale: A babel locale name.
            patient_copy: Print the patient's name and birth date (the copy
                given to the patient); masked otherwise.

        Returns:
            The text.

        Examples:
            >>> import datetime
            >>> from billing_core._examples import example_line
            >>> from billing_core.parties import Patient, Provider
            >>> gfe = GoodFaithEstimate(id="G", issued_on=datetime.date(2024, 2, 26),
            ...     patient=Patient(id="P1", name="Jane Roe"), primary_service="Visit",
            ...     provider=Provider(npi="1245319599", name="Riverside Clinic"),
            ...     lines=[example_line("L1", "180.00")])
            >>> [line for line in gfe.render_text().splitlines() if line.startswith("Total")]
            ['Total expected charges: $180.00']
        """
        rows = self._rows(locale)
        table = [list(_COLUMNS), *rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(_COLUMNS))]
        out = ["GOOD FAITH ESTIMATE", *self._head(locale, patient_copy), ""]
        for r in table:
            cells = [c.ljust(w) for c, w in zip(r[:-1], widths, strict=False)]
            out.append("  ".join([*cells, r[-1].rjust(widths[-1])]).rstrip())
        out.append("")
        out.extend(f"To be scheduled separately: {item}" for item in self.separately_scheduled)
        out.append(f"Total expected charges: {format_money(self.total, locale)}")
        out.extend(["", textwrap.fill(self.disclaimer, width=88)])
        return "\n".join(out)

    def render_html(self, locale: str = "en_US", *, patient_copy: bool = False) -> str:
        """The estimate as an HTML fragment (escaped), with localized money and dates.

        Examples:
            >>> import datetime
            >>> from billing_core._examples import example_line
            >>> from billing_core.parties import Patient, Provider
            >>> gfe = GoodFaithEstimate(id="G", issued_on=datetime.date(2024, 2, 26),
            ...     patient=Patient(id="P1", name="Jane Roe"), primary_service="Visit",
            ...     provider=Provider(npi="1245319599", name="Riverside Clinic"),
            ...     lines=[example_line("L1", "180.00")])
            >>> "Jane Roe" in gfe.render_html(), "Jane Roe" in gfe.render_html(patient_copy=True)
            (False, True)
        """
        e = html.escape
        head = "<br>".join(e(line) for line in self._head(locale, patient_copy))
        separately = "".join(f"<br>To be scheduled separately: {e(item)}"
                             for item in self.separately_scheduled)  # fmt: skip
        total = e(format_money(self.total, locale))
        return "\n".join([
            '<div class="billing-good-faith-estimate">',
            "<h3>Good Faith Estimate</h3>",
            f"<p>{head}</p>",
            html_table(_COLUMNS, self._rows(locale), right=(3, len(_COLUMNS) - 1)),
            f"<p>Total expected charges: <b>{total}</b>{separately}</p>",
            f"<p><small>{e(self.disclaimer)}</small></p>",
            "</div>",
        ])  # fmt: skip

    def _repr_html_(self) -> str:
        return self.render_html()
