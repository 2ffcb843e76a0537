r"""Fee schedules and contract pricing: what a service costs, and what a payer should pay for it.

- A [`FeeSchedule`][] holds an amount per unit by service code (with a
  pricing modifier and a place of service where they matter), effective-dated;
  it is read from plain rows or CSV ([`fee_schedule_from_rows`][],
  [`read_fee_schedule`][]) and refuses duplicates and overlapping periods. A
  chargemaster is a fee schedule.
- A [`Contract`][] is a payer's terms as data: [`PercentOfSchedule`][] (a
  fixed-fee schedule at 100%), [`PercentOfCharge`][], [`PerDiem`][] for room
  days, [`FixedFee`][]; carve-outs by placing a narrower term first; the
  lesser of charge and contract; pricing rules for modifiers
  ([`ModifierRule`][], [`BILATERAL`][]) and multiple procedures
  ([`MultipleProcedureRule`][]); and the payment reductions it takes after
  cost sharing. [`price_claim`][] gives each line's allowed amount and how it
  was reached.
- [`physician_fee`][] is the Medicare physician fee schedule formula over
  RVU and GPCI tables the caller supplies ([`RelativeValues`][],
  [`PracticeCostIndex`][]); [`rvu_fee_schedule`][] makes a schedule of it.
- [`expected_payment`][] adds the plan's cost sharing to the contract price:
  what the payer should pay and the patient owe, line by line.
  [`payment_variance`][] sets the payer's answer against the contract: the
  underpayment or overpayment of each line, as findings and a report.

Examples:
    >>> import datetime
    >>> from decimal import Decimal
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.codes import ProcedureCode
    >>> from billing_core.money import Money
    >>> day = datetime.date(2024, 3, 4)
    >>> acme = read_fee_schedule("code,amount,start\n99214,120.00,2024-01-01\n",
    ...                          name="Acme 2024", currency="USD")
    >>> contract = Contract(name="Acme PPO", currency="USD",
    ...                     terms=[PercentOfSchedule(schedule=acme)])
    >>> visit = LineItem(id="L1", category=Category.PROCEDURE, service_date=day,
    ...                  procedure=ProcedureCode("CPT", "99214", ["25"]),
    ...                  charge=Money("180", "USD"))
    >>> print(price_lines([visit], contract)[0])
    L1: allowed 120.00 USD (100% of Acme 2024 120.00 USD x 1 unit)
"""

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.fees._contract": (
        "Contract",
        "ContractPrice",
        "expected_payment",
        "price_claim",
        "price_lines",
    ),
    "billing_core.fees._rows": ("fee_schedule_from_rows", "read_fee_schedule"),
    "billing_core.fees._rules": (
        "BILATERAL",
        "LinePrice",
        "ModifierRule",
        "MultipleProcedureRule",
        "PricingRule",
    ),
    "billing_core.fees._rvu": (
        "FACILITY_PLACES_OF_SERVICE",
        "MAX_RELATIVE_VALUE",
        "PracticeCostIndex",
        "RelativeValues",
        "is_facility",
        "physician_fee",
        "rvu_fee_schedule",
    ),
    "billing_core.fees._schedule": ("FeeSchedule", "FeeScheduleEntry", "validate_fee_schedule"),
    "billing_core.fees._terms": (
        "MAX_MULTIPLIER",
        "ContractTerm",
        "FixedFee",
        "PercentOfCharge",
        "PercentOfSchedule",
        "PerDiem",
        "TermPrice",
        "line_codes",
    ),
    "billing_core.fees._variance": ("LineVariance", "VarianceReport", "payment_variance"),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
