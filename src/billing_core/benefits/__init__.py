"""Patient responsibility: what the patient and the plan pay for each line, before the 835 comes.

[`estimate`][] applies a plan's [`PlanBenefits`][billing_core.parties.PlanBenefits]
to lines priced with their allowed amounts ([`PricedLine`][]), in
service-date order across lines and visits, starting from the
[`Accumulators`][] met so far: **deductible** first (up to what remains),
then the **copay**, then **coinsurance** on the rest, the patient's share
capped by what remains of the **out-of-pocket maximum**; the plan pays the
rest, less any payment reductions (the 2% sequestration, ``CO-253``). The
plan switches are explicit [`CostSharingRules`][]: whether the copay counts
toward the deductible, comes before coinsurance or replaces it, is charged
per visit or per service, and whether a family plan's deductible is embedded.

The answer, an [`Estimate`][], is shaped like the payer's adjudication: per
line the submitted, allowed, deductible, copay, coinsurance, plan-pays and
patient-pays amounts, which map to the adjustments the payer will send
(``CO-45``, ``PR-1``, ``PR-2``, ``PR-3``), so [`compare_estimate`][] can
set it line by line against the 835 that arrives. A service the plan does
not cover is the patient's only with a patient authorization on the line;
otherwise the provider bears it.

Examples:
    >>> import datetime
    >>> from decimal import Decimal
    >>> from billing_core.money import Money
    >>> from billing_core.parties import PlanBenefits
    >>> usd = lambda s: Money(s, "USD")
    >>> plan = PlanBenefits(deductible=usd("500"), coinsurance_rate=Decimal("0.2"),
    ...                     out_of_pocket_max=usd("2000"))
    >>> met = Accumulators(deductible_met=usd("200"), out_of_pocket_met=usd("200"))
    >>> lines = [PricedLine(line_id="L1", service_date=datetime.date(2024, 3, 4),
    ...                     charge=usd("850"), allowed=usd("600"))]
    >>> est = estimate(lines, plan, met)
    >>> est.deductible, est.coinsurance, est.plan_pays
    (Money('300.00', 'USD'), Money('60.00', 'USD'), Money('240.00', 'USD'))
    >>> est.accumulators_after.deductible_met
    Money('500.00', 'USD')
"""

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.benefits._estimate": ("estimate",),
    "billing_core.benefits._result": (
        "Estimate",
        "EstimateDifference",
        "EstimatedLine",
        "compare_estimate",
    ),
    "billing_core.benefits._terms": (
        "Accumulators",
        "CopayMode",
        "CopayPer",
        "CostSharingRules",
        "PricedLine",
        "check_accumulators",
    ),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
