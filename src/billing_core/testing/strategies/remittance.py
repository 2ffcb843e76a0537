"""Hypothesis strategies for remittances ([`remittance`][billing_core.remittance]).

The balanced strategies build every amount from integer minor units so that
the 835 rules hold by construction, independently of
[`balancing`][billing_core.balancing]:

    line:        paid = charge - sum(line adjustments)
    claim:       paid = charge - sum(claim adjustments) - sum(line adjustments)
    transaction: total = sum(claim paid) - sum(provider adjustments)

Examples:
    >>> from hypothesis import given, settings
    >>> from billing_core.balancing import balancing_report
    >>> @settings(max_examples=20)
    ... @given(balanced_remittances())
    ... def test_balanced(remittance):
    ...     assert balancing_report(remittance).ok
    >>> test_balanced()
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence

import attrs
from hypothesis import strategies as st

from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.codes import GroupCode, ProcedureCode
from billing_core.ledger import Bucket, ChargePosted, Entry
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer
from billing_core.remittance import (
    CasAdjustment,
    ClaimPayment,
    ClaimStatus,
    PaymentMethod,
    ProviderAdjustment,
    ProviderAdjustmentReason,
    Remittance,
    ServicePayment,
)

__all__ = [
    "REASONS_BY_GROUP",
    "PostingScenario",
    "adjustments_totalling",
    "balanced_claim_payments",
    "balanced_remittances",
    "balanced_service_payments",
    "posting_scenarios",
    "provider_adjustments",
    "split_minor",
]

REASONS_BY_GROUP: dict[GroupCode, tuple[str, ...]] = {
    GroupCode.CO: ("45", "42", "131", "253", "97"),
    GroupCode.PR: ("1", "2", "3", "96"),
    GroupCode.OA: ("23", "94", "A7"),
    GroupCode.PI: ("104", "59"),
}
"""Plausible CARCs per group code, used by the strategies."""

_GROUPS = (GroupCode.CO, GroupCode.PR, GroupCode.OA, GroupCode.PI)


def split_minor(total: int, parts: int) -> st.SearchStrategy[tuple[int, ...]]:
    """Split a non-negative integer into ``parts`` non-negative integers adding up to it.

    Args:
        total: The integer to split (minor units), at least 0.
        parts: How many parts, at least 1.

    Returns:
        A strategy of tuples of length ``parts`` summing to ``total``.

    Examples:
        >>> from hypothesis import given
        >>> @given(split_minor(100, 3))
        ... def test_sum(parts):
        ...     assert sum(parts) == 100 and len(parts) == 3
        >>> test_sum()
    """
    if parts == 1:
        return st.just((total,))

    def cut(points: list[int]) -> tuple[int, ...]:
        edges = [0, *sorted(points), total]
        return tuple(b - a for a, b in itertools.pairwise(edges))

    return st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1).map(cut)


def adjustments_totalling(
    total_minor: int,
    currency: str = "USD",
    *,
    groups: Sequence[GroupCode] = _GROUPS,
    max_count: int = 3,
    negative: bool = False,
) -> st.SearchStrategy[tuple[CasAdjustment, ...]]:
    """Adjustments whose signed amounts add up to exactly ``total_minor`` minor units.

    Args:
        total_minor: The sum, at least 0. Zero may give no adjustment.
        currency: The currency.
        groups: The group codes to draw from.
        max_count: The most adjustments (at least 1).
        negative: Allow one negative adjustment, compensated by a larger
            positive one (as ``OA-94`` on a secondary paying above the primary's
            fee schedule).

    Returns:
        A strategy of adjustment tuples.

    Examples:
        >>> from hypothesis import given
        >>> @given(adjustments_totalling(1000, negative=True))
        ... def test_total(adjs):
        ...     assert sum(a.amount.minor for a in adjs) == 1000
        >>> test_total()
    """

    @st.composite
    def build(draw: st.DrawFn) -> tuple[CasAdjustment, ...]:
        low = 0 if total_minor == 0 else 1
        count = draw(st.integers(low, max_count))
        if count == 0:
            return ()
        amounts = list(draw(split_minor(total_minor, count)))
        if negative and draw(st.booleans()):
            extra = draw(st.integers(1, 10_000))
            amounts[0] += extra
            amounts.append(-extra)
        out = []
        for amount in amounts:
            group = draw(st.sampled_from(tuple(groups)))
            reason = draw(st.sampled_from(REASONS_BY_GROUP[group]))
            out.append(
                CasAdjustment(group=group, reason=reason, amount=Money.from_minor(amount, currency))
            )
        return tuple(out)

    return build()


def balanced_service_payments(
    currency: str = "USD",
    *,
    max_charge_minor: int = 500_000,
    groups: Sequence[GroupCode] = _GROUPS,
    negative_adjustments: bool = False,
) -> st.SearchStrategy[ServicePayment]:
    """Service lines with ``paid = charge - sum(adjustments)``, paid between 0 and the charge.

    Args:
        currency: The currency.
        max_charge_minor: The largest charge in minor units.
        groups: The group codes the adjustments draw from.
        negative_adjustments: Allow a negative adjustment on some lines.

    Returns:
        A strategy of balanced service payments.

    Examples:
        >>> from hypothesis import given
        >>> @given(balanced_service_payments())
        ... def test_line(line):
        ...     assert line.paid.minor == line.charge.minor - line.adjustment_total.minor
        >>> test_line()
    """

    @st.composite
    def build(draw: st.DrawFn) -> ServicePayment:
        charge = draw(st.integers(0, max_charge_minor))
        paid = draw(st.integers(0, charge))
        adjustments = draw(
            adjustments_totalling(
                charge - paid, currency, groups=groups, negative=negative_adjustments
            )
        )
        return ServicePayment(
            line_control_number=draw(st.text("0123456789ABCDEF", min_size=1, max_size=8)),
            charge=Money.from_minor(charge, currency),
            paid=Money.from_minor(paid, currency),
            adjustments=adjustments,
        )

    return build()


def balanced_claim_payments(
    currency: str = "USD",
    *,
    statuses: Sequence[ClaimStatus] = (ClaimStatus.PROCESSED_PRIMARY,),
    max_lines: int = 4,
    claim_level: bool = True,
    groups: Sequence[GroupCode] = _GROUPS,
) -> st.SearchStrategy[ClaimPayment]:
    """Claim payments balanced at line and claim level.

    The claim charge is the sum of the line charges; claim-level adjustments
    (when ``claim_level``) take part of what the lines paid, so the claim paid
    amount stays between 0 and the sum of the lines' paid amounts.

    Args:
        currency: The currency.
        statuses: The claim statuses to draw from.
        max_lines: The most service lines (at least 1).
        claim_level: Allow claim-level adjustments.
        groups: The group codes the adjustments draw from.

    Returns:
        A strategy of balanced claim payments.

    Examples:
        >>> from hypothesis import given
        >>> from billing_core.balancing import balance_claim
        >>> @given(balanced_claim_payments())
        ... def test_claim(claim):
        ...     assert balance_claim(claim).ok
        >>> test_claim()
    """

    @st.composite
    def build(draw: st.DrawFn) -> ClaimPayment:
        lines = draw(
            st.lists(
                balanced_service_payments(currency, groups=groups),
                min_size=1,
                max_size=max_lines,
            )
        )
        charge = sum(line.charge.minor for line in lines)
        lines_paid = sum(line.paid.minor for line in lines)
        claim_adjustment = draw(st.integers(0, lines_paid)) if claim_level else 0
        adjustments = draw(adjustments_totalling(claim_adjustment, currency, groups=groups))
        paid = lines_paid - claim_adjustment
        return ClaimPayment(
            patient_control_number=draw(st.text("0123456789", min_size=1, max_size=10)),
            status=draw(st.sampled_from(tuple(statuses))),
            charge=Money.from_minor(charge, currency),
            paid=Money.from_minor(paid, currency),
            adjustments=adjustments,
            lines=lines,
        )

    return build()


def provider_adjustments(
    currency: str = "USD", *, max_abs_minor: int = 100_000
) -> st.SearchStrategy[ProviderAdjustment]:
    """Provider-level adjustments: interest (negative), recoupments and forwarding balances.

    Args:
        currency: The currency.
        max_abs_minor: The largest absolute amount in minor units.

    Returns:
        A strategy of provider adjustments.

    Examples:
        >>> from hypothesis import given
        >>> @given(provider_adjustments())
        ... def test_plb(plb):
        ...     assert plb.amount.currency == "USD"
        >>> test_plb()
    """
    reasons = st.sampled_from(
        (
            ProviderAdjustmentReason.INTEREST_OWED,
            ProviderAdjustmentReason.OVERPAYMENT_RECOVERY,
            ProviderAdjustmentReason.FORWARDING_BALANCE,
            ProviderAdjustmentReason.AUTHORIZED_RETURN,
        )
    )
    return st.builds(
        lambda reason, amount, ref: ProviderAdjustment(
            reason=reason,
            reference=ref,
            amount=Money.from_minor(
                -amount if reason is ProviderAdjustmentReason.INTEREST_OWED else amount, currency
            ),
        ),
        reasons,
        st.integers(1, max_abs_minor),
        st.text("0123456789", min_size=1, max_size=10),
    )


def balanced_remittances(
    currency: str = "USD",
    *,
    max_claims: int = 4,
    max_provider_adjustments: int = 2,
    statuses: Sequence[ClaimStatus] = (ClaimStatus.PROCESSED_PRIMARY,),
    claims: st.SearchStrategy[ClaimPayment] | None = None,
) -> st.SearchStrategy[Remittance]:
    """Remittances balanced at every level (line, claim, transaction).

    Provider adjustments are drawn first and the total payment is computed
    from them, so the total may be negative when a recoupment exceeds the
    claims paid (the payer then sends no money).

    Args:
        currency: The currency.
        max_claims: The most claim payments.
        max_provider_adjustments: The most provider-level adjustments.
        statuses: The claim statuses to draw from (ignored when ``claims`` is given).
        claims: The strategy for claim payments; balanced primary claims by default.

    Returns:
        A strategy of balanced remittances.

    Examples:
        >>> from hypothesis import given
        >>> from billing_core.balancing import balance_remittance
        >>> @given(balanced_remittances())
        ... def test_total(remittance):
        ...     assert balance_remittance(remittance).ok
        >>> test_total()
    """
    claim_strategy = claims or balanced_claim_payments(currency, statuses=statuses)

    @st.composite
    def build(draw: st.DrawFn) -> Remittance:
        claim_payments = draw(st.lists(claim_strategy, max_size=max_claims))
        plbs = draw(st.lists(provider_adjustments(currency), max_size=max_provider_adjustments))
        total = sum(c.paid.minor for c in claim_payments) - sum(p.amount.minor for p in plbs)
        return Remittance(
            payer=draw(st.sampled_from(("1935665544", "1512345678", "87726"))),
            payee="1234567893",
            total_payment=Money.from_minor(total, currency),
            payment_method=PaymentMethod.ACH if total > 0 else PaymentMethod.NONE,
            trace_number=draw(st.text("0123456789", min_size=1, max_size=12)),
            paid_date=draw(st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))),
            claims=claim_payments,
            provider_adjustments=plbs,
        )

    return build()


@attrs.frozen(kw_only=True)
class PostingScenario:
    """Primary claims, their charges in the ledger, and a balanced remittance answering them.

    Attributes:
        claims: The claims (primary coverage), one or more per account.
        history: A [`ChargePosted`][billing_core.ledger.ChargePosted] per line, to the
            primary bucket.
        remittance: A remittance answering every claim, balanced at every level, each
            service line carrying its line control number.
        as_of: The day the charges were posted (before the remittance's paid date).

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> s = find(posting_scenarios(), lambda s: True, settings=quick)
        >>> len(s.history) == sum(len(c.lines) for c in s.claims)
        True
    """

    claims: tuple[Claim, ...]
    history: tuple[Entry, ...]
    remittance: Remittance
    as_of: datetime.date


def posting_scenarios(
    currency: str = "USD",
    *,
    max_claims: int = 4,
    max_lines: int = 4,
    claim_level: bool = True,
    groups: Sequence[GroupCode] = (GroupCode.CO, GroupCode.PR, GroupCode.PI, GroupCode.OA),
) -> st.SearchStrategy[PostingScenario]:
    """Scenarios for posting property tests: claims, charges and their balanced remittance.

    Adjustments are non-negative (a negative one moves money to the payer's credit
    rather than a line), so per claim ``paid + written off + transferred = charge``.

    Args:
        currency: The currency.
        max_claims: The most claims.
        max_lines: The most lines per claim.
        claim_level: Allow claim-level adjustments.
        groups: The group codes the adjustments draw from.

    Returns:
        A strategy of [`PostingScenario`][].

    Examples:
        >>> from hypothesis import given, settings
        >>> from billing_core.balancing import balancing_report
        >>> @settings(max_examples=10)
        ... @given(posting_scenarios())
        ... def test_balanced(s):
        ...     assert balancing_report(s.remittance).ok
        >>> test_balanced()
    """
    settings = _ScenarioSettings(currency, claim_level, tuple(groups))

    @st.composite
    def build(draw: st.DrawFn) -> PostingScenario:
        n_claims = draw(st.integers(1, max_claims))
        n_accounts = draw(st.integers(1, n_claims))
        claims: list[Claim] = []
        history: list[Entry] = []
        payments: list[ClaimPayment] = []
        for ci in range(n_claims):
            n_lines = draw(st.integers(1, max_lines))
            claim, charges, payment = _scenario_claim(draw, settings, ci, ci % n_accounts, n_lines)
            claims.append(claim)
            history.extend(charges)
            payments.append(payment)
        plbs = draw(st.lists(provider_adjustments(currency), max_size=1))
        total = sum(p.paid.minor for p in payments) - sum(p.amount.minor for p in plbs)
        remittance = Remittance(
            payer="payer-1",
            payee="1234567893",
            total_payment=Money.from_minor(total, currency),
            payment_method=PaymentMethod.ACH,
            trace_number=draw(st.text("0123456789", min_size=4, max_size=10)),
            paid_date=datetime.date(2024, 4, 1),
            claims=payments,
            provider_adjustments=plbs,
        )
        return PostingScenario(
            claims=tuple(claims), history=tuple(history), remittance=remittance, as_of=_DAY
        )

    return build()


@attrs.frozen
class _ScenarioSettings:
    currency: str
    claim_level: bool
    groups: tuple[GroupCode, ...]


_DAY = datetime.date(2024, 3, 4)
_CODE = ProcedureCode("CPT", "99213")
_COVERAGE = Coverage(
    id="COV-1",
    payer=Payer(id="payer-1", name="Payer One"),
    member_id="M0001",
    sequence=CoverageSequence.PRIMARY,
)


def _scenario_line(
    draw: st.DrawFn, settings: _ScenarioSettings, line_id: str, account: str
) -> tuple[LineItem, ChargePosted, ServicePayment]:
    """One line: the item, its charge in the primary bucket, and the payer's balanced answer."""
    currency = settings.currency
    charge = draw(st.integers(0, 200_000))
    item = LineItem(
        id=line_id,
        category=Category.PROCEDURE,
        service_date=_DAY,
        procedure=_CODE,
        charge=Money.from_minor(charge, currency),
    )
    posted = ChargePosted(
        id=f"charge-{line_id}",
        account_id=account,
        line_id=line_id,
        effective=_DAY,
        amount=item.charge,
        bucket=Bucket.PRIMARY,
    )
    paid = draw(st.integers(0, charge))
    adjustments = draw(adjustments_totalling(charge - paid, currency, groups=settings.groups))
    answer = ServicePayment(
        line_control_number=line_id,
        procedure=_CODE,
        service_date=_DAY,
        charge=item.charge,
        paid=Money.from_minor(paid, currency),
        adjustments=adjustments,
    )
    return item, posted, answer


def _scenario_claim(
    draw: st.DrawFn, settings: _ScenarioSettings, ci: int, account_index: int, n_lines: int
) -> tuple[Claim, list[ChargePosted], ClaimPayment]:
    """One claim of a scenario, its charges, and its balanced claim payment."""
    account = f"A{account_index}"
    drawn = [_scenario_line(draw, settings, f"C{ci}L{li}", account) for li in range(n_lines)]
    claim = Claim(
        id=f"CLM{ci}",
        account_id=account,
        patient_id=f"P{account_index}",
        coverage=_COVERAGE,
        claim_date=_DAY,
        lines=[item for item, _, _ in drawn],
    )
    lines = [answer for _, _, answer in drawn]
    lines_paid = sum(sp.paid.minor for sp in lines)
    # Claim-level adjustments take part of what the lines paid, so the claim still balances.
    claim_adj = draw(st.integers(0, lines_paid)) if settings.claim_level else 0
    claim_adjustments = draw(
        adjustments_totalling(claim_adj, settings.currency, groups=settings.groups)
    )
    payment = ClaimPayment(
        patient_control_number=claim.id,
        status=ClaimStatus.PROCESSED_PRIMARY,
        charge=claim.total_charge,
        paid=Money.from_minor(lines_paid - claim_adj, settings.currency),
        payer_claim_control_number=f"PCN-{ci}",
        adjustments=claim_adjustments,
        lines=lines,
    )
    return claim, [posted for _, posted, _ in drawn], payment
