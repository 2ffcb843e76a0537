"""Notebook views: HTML tables, exact flat records, and the one masking policy.

Shared helpers behind the ``_repr_html_``, ``to_html`` and ``to_records``
methods of reports and documents, so that a report shows as a readable table
in Jupyter and ``pandas.DataFrame(report.to_records())`` just works (pandas is
not needed by the library).

- [`to_records`][] turns attrs objects (entries, rows, risks) into flat
  dicts of plain values: ``str``, ``int``, ``bool``, ``Decimal``, ``date`` or
  ``None``. Amounts are exact: their ``Decimal`` value, or with
  ``money="minor"`` their ``int`` count of minor units (integer columns that
  ``pandas`` can plot), plus a currency column; enums become their value.
  Never a float.
- [`html_table`][] renders rows as an escaped HTML table.
- [`mask_identifier`][], [`shown`][] and [`protected`][] are the masking policy.

**The masking policy.** Patient identifiers are protected health information.
Every view the library gives of an object that holds them (its ``repr``, its
``str``, its HTML view in a notebook, its record export) masks them, the same
way everywhere:

- an identifier of a patient, a guarantor, a member or an account (patient
  ids, member ids, account ids, a patient party's id) keeps its last
  [`ID_VISIBLE`][] (4) characters when it has at least 8: ``"****3456"``; a
  shorter one is hidden entirely: ``"****"``;
- a person's name (patient, guarantor, the signer of an authorization) and a
  birth date are hidden entirely: ``"****"``.

Payer and provider names and ids, claim, bill, line and entry ids, codes,
dates of service and amounts are not protected. The attributes themselves
always return the full value; where a view must show it, ask explicitly:
``to_records(unmasked=True)``, ``to_html(unmasked=True)``, or the statement
renderers' ``patient_copy=True`` (the patient's own copy). A class declares its
protected fields once, with [`protected`][], and every view reads that mark.
Error messages follow a stricter rule: they never show a protected value, not
even its last characters.

Examples:
    >>> import attrs
    >>> from datetime import date
    >>> from billing_core.money import Money
    >>> from billing_core.views import Protected, protected, to_records
    >>> @attrs.frozen
    ... class Row:
    ...     account_id: str = attrs.field(**protected(Protected.ID))
    ...     open: Money
    ...     since: date
    >>> row = Row("ACCT-0001234", Money("12.50", "USD"), date(2025, 1, 2))
    >>> row
    Row(account_id='****1234', open=Money('12.50', 'USD'), since=datetime.date(2025, 1, 2))
    >>> to_records([row])
    [{'type': 'Row', 'account_id': '****1234', 'open': Decimal('12.50'), 'currency': 'USD',
      'since': datetime.date(2025, 1, 2)}]
    >>> to_records([row], unmasked=True, money="minor")[0]
    {'type': 'Row', 'account_id': 'ACCT-0001234', 'open': 1250, 'currency': 'USD',
     'since': datetime.date(2025, 1, 2)}
"""

from __future__ import annotations

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.views._html": ("html_table",),
    "billing_core.views._masking": (
        "ID_VISIBLE",
        "MASK",
        "Protected",
        "mask_identifier",
        "masked_fields",
        "masked_repr",
        "protected",
        "shown",
    ),
    "billing_core.views._records": (
        "MoneyForm",
        "Record",
        "RecordValue",
        "money_value",
        "plain_value",
        "to_records",
    ),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
