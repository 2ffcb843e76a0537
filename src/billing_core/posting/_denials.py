"""What posting does with a denial: hold it open for appeal, or adjust it off (private).

A payer's denial comes as CO, PI or OA adjustments on a claim (or a line)
it paid nothing for. Adjusting them off at once closes the money for good;
a billing office appeals many denials instead. A
[`DenialPolicy`][billing_core.posting.DenialPolicy] says, by claim
adjustment reason code (CARC), which denied amounts stay open in the payer's
bucket for appeal (posting records an
[`AppealHold`][billing_core.ledger.AppealHold] and a follow-up with the
appeal deadline) and which are adjusted off as the payer says.

Examples:
    >>> policy = DenialPolicy(hold={"50", "197"}, adjust={"45"})
    >>> policy.action("50"), policy.action("96")
    (<DenialAction.HOLD: 'hold'>, <DenialAction.ADJUST: 'adjust'>)
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

import attrs

from billing_core._checks import describe
from billing_core.codes import CARC
from billing_core.deadlines import FilingAnchor, FilingRule, HolidayCalendar, filing_deadline
from billing_core.errors import Finding, InvalidCodeError, ValidationError

if TYPE_CHECKING:
    from billing_core.codes import CodeSet

__all__ = [
    "DEFAULT_ADJUSTED_REASONS",
    "DEFAULT_APPEAL_RULE",
    "DEFAULT_DENIAL_POLICY",
    "DEFAULT_HELD_REASONS",
    "DenialAction",
    "DenialPolicy",
    "check_denial_policy",
]

DEFAULT_HELD_REASONS: Final = frozenset({"15", "16", "29", "50", "197"})
"""The CARCs the default policy holds open for appeal (or a corrected claim).

- ``15``: the authorization number is missing, invalid, or does not apply to
  the billed services or provider;
- ``16``: the claim or service lacks information or has submission or billing
  errors (with remark MA130 a claim has no appeal rights: it is corrected and
  sent again, and the held amount is what the corrected claim is paid on);
- ``29``: the time limit for filing has expired (appealed with proof of
  timely filing);
- ``50``: non-covered services, not deemed a medical necessity by the payer;
- ``197``: precertification, authorization, notification or pre-treatment absent.
"""

DEFAULT_ADJUSTED_REASONS: Final = frozenset({"45"})
"""The CARCs the default policy names as adjusted off: ``45``, the charge exceeds
the fee schedule, maximum allowable or contracted fee arrangement."""

DEFAULT_APPEAL_RULE: Final = FilingRule(
    period_days=120, anchor=FilingAnchor.DENIED, name="Medicare redetermination"
)
"""120 days from the denial (the remittance date): Medicare's first-level appeal, a
redetermination, must be filed within 120 days of the initial determination.
Commercial plans differ (often 180 days): give the payer's own rule."""


class DenialAction(enum.Enum):
    """What posting does with a denied amount.

    Examples:
        >>> str(DenialAction.HOLD)
        'hold'
    """

    HOLD = "hold"
    """Keep it open in the payer's bucket, for appeal (an `AppealHold` and a follow-up)."""
    ADJUST = "adjust"
    """Adjust it off the payer's bucket as the payer says."""

    def __str__(self) -> str:
        return self.value


def _codes(value: Iterable[str]) -> frozenset[str]:
    # A str is iterable: hold="50" would silently become {"5", "0"}.
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(f"a set of reason codes is expected, got {describe(value)}")
    return frozenset(value)


@attrs.frozen(kw_only=True)
class DenialPolicy:
    """Which denied amounts posting holds open for appeal, and which it adjusts off.

    The policy applies to the CO, PI and OA adjustments of a **denial**: a
    claim the payer paid nothing on (status 4, or processed with nothing
    paid), or a service line paid nothing. A PR amount always moves on to
    the next responsible party; reductions of a paid line (``CO-45`` on a
    line paid 60.00) are adjusted off whatever the policy says.

    Attributes:
        hold: The CARCs held open for appeal.
        adjust: The CARCs adjusted off (listed to document the choice).
        otherwise: What happens to a reason in neither set.
        appeal_rule: The appeal deadline, counted from the denial (the
            remittance's paid date); its anchor must be
            [`FilingAnchor.DENIED`][billing_core.deadlines.FilingAnchor.DENIED].
        holidays: The days an appeal deadline rolls past (besides weekends).

    Raises:
        ValidationError: Naming every code that is not a claim adjustment
            reason code, every code in both sets, an appeal rule that does not
            count from the denial.
        TypeError: A field of the wrong type.

    Examples:
        >>> DenialPolicy(hold={"50", "CO-50"}, adjust={"50"})
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: 2 problems:
          - DenialPolicy.hold: 'CO-50' is not a claim adjustment reason code (a CARC such as 50 or B7; the policy applies to CO, PI and OA)
          - DenialPolicy.adjust: '50' is both held and adjusted
    """  # noqa: E501

    hold: frozenset[str] = attrs.field(default=DEFAULT_HELD_REASONS, converter=_codes)
    adjust: frozenset[str] = attrs.field(default=DEFAULT_ADJUSTED_REASONS, converter=_codes)
    otherwise: DenialAction = DenialAction.ADJUST
    appeal_rule: FilingRule = DEFAULT_APPEAL_RULE
    holidays: HolidayCalendar | None = None

    def __attrs_post_init__(self) -> None:
        findings: list[Finding] = []
        for name in ("hold", "adjust"):
            for code in sorted(getattr(self, name), key=str):
                findings.extend(_carc_finding(code, f"DenialPolicy.{name}"))
        findings.extend(
            Finding(
                location="DenialPolicy.adjust",
                message=f"{code!r} is both held and adjusted",
                rule="denial_policy.overlap",
            )
            for code in sorted(self.hold & self.adjust, key=str)
        )
        if not isinstance(self.otherwise, DenialAction):
            raise TypeError(
                f"DenialPolicy.otherwise must be a DenialAction, got {describe(self.otherwise)}"
            )
        if not isinstance(self.appeal_rule, FilingRule):
            raise TypeError(
                f"DenialPolicy.appeal_rule must be a FilingRule, got {describe(self.appeal_rule)}"
            )
        # The deadline is computed from the remittance's paid date (the denial); a rule
        # counted from service or submission would give a wrong date with no error.
        if self.appeal_rule.anchor is not FilingAnchor.DENIED:
            findings.append(
                Finding(
                    location="DenialPolicy.appeal_rule",
                    message=f"an appeal deadline counts from the denial, got {self.appeal_rule}",
                    rule="denial_policy.appeal_rule",
                )
            )
        if self.holidays is not None and not isinstance(self.holidays, HolidayCalendar):
            raise TypeError(
                f"DenialPolicy.holidays must be a HolidayCalendar, got {describe(self.holidays)}"
            )
        if findings:
            raise ValidationError(findings)

    def action(self, reason: str) -> DenialAction:
        """What posting does with a denied amount of this reason (CO, PI or OA).

        Examples:
            >>> DEFAULT_DENIAL_POLICY.action("197"), DEFAULT_DENIAL_POLICY.action("45")
            (<DenialAction.HOLD: 'hold'>, <DenialAction.ADJUST: 'adjust'>)
        """
        if reason in self.hold:
            return DenialAction.HOLD
        if reason in self.adjust:
            return DenialAction.ADJUST
        return self.otherwise

    def appeal_deadline(self, denied_on: datetime.date) -> datetime.date:
        """The last day to appeal a denial of ``denied_on`` under ``appeal_rule``.

        Examples:
            >>> DEFAULT_DENIAL_POLICY.appeal_deadline(datetime.date(2024, 4, 1))
            datetime.date(2024, 7, 30)
        """
        return filing_deadline(self.appeal_rule, denied_on=denied_on, holidays=self.holidays)


def _carc_finding(code: object, where: str) -> list[Finding]:
    try:
        if not isinstance(code, str):
            raise InvalidCodeError("not text")
        if CARC(code).code != code:
            raise InvalidCodeError("not in canonical form")
    except InvalidCodeError:
        message = (
            f"{describe(code) if not isinstance(code, str) else repr(code[:12])} is not a claim"
            " adjustment reason code (a CARC such as 50 or B7; the policy applies to CO, PI and OA)"
        )
        return [Finding(location=where, message=message, rule="denial_policy.code")]
    return []


DEFAULT_DENIAL_POLICY: Final = DenialPolicy()
"""The default: [`DEFAULT_HELD_REASONS`][billing_core.posting.DEFAULT_HELD_REASONS] held for
appeal within [`DEFAULT_APPEAL_RULE`][billing_core.posting.DEFAULT_APPEAL_RULE], every other
denied amount (``45`` among them) adjusted off as the payer says."""


def check_denial_policy(policy: DenialPolicy, code_set: CodeSet, on: datetime.date) -> None:
    """Raise if the policy names a code that the CARC code set does not hold on ``on``.

    CARC lists change several times a year: check a policy against the list
    in force when it is used.

    Args:
        policy: The policy.
        code_set: The caller's CARC code set.
        on: The date the codes must be valid on.

    Raises:
        ValidationError: Naming every unknown code (nothing is posted with the policy).

    Examples:
        >>> from billing_core.codes import CodeSetEntry, StaticCodeSet
        >>> carcs = StaticCodeSet("CARC", [CodeSetEntry(c, datetime.date(2000, 1, 1))
        ...                                for c in ("15", "16", "29", "45", "50", "197")])
        >>> check_denial_policy(DEFAULT_DENIAL_POLICY, carcs, datetime.date(2024, 4, 1))
        >>> check_denial_policy(DenialPolicy(hold={"B99"}), carcs, datetime.date(2024, 4, 1))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: DenialPolicy.hold: 'B99' is not in code set 'CARC' on 2024-04-01
    """  # noqa: E501
    findings = [
        Finding(
            location=f"DenialPolicy.{name}",
            message=f"{code!r} is not in code set {code_set.name!r} on {on.isoformat()}",
            rule="denial_policy.unknown_code",
        )
        for name in ("hold", "adjust")
        for code in sorted(getattr(policy, name))
        if not code_set.contains(code, on)
    ]
    if findings:
        raise ValidationError(findings)
