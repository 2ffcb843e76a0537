"""The error hierarchy and the finding type shared by every validation.

Every error the library raises derives from [`BillingError`][] and also from
the builtin exception a caller would naturally catch (``ValueError``,
``TypeError``, ``KeyError``), so both ``except BillingError`` and
``except ValueError`` work.

Validation never stops at the first problem: it collects [`Finding`][]
objects, each with a location, and raises one [`ValidationError`][] that
carries them all.

Examples:
    >>> from billing_core.errors import Finding, ValidationError
    >>> err = ValidationError([
    ...     Finding(location="line 2.units", message="must be positive"),
    ...     Finding(location="claim.diagnoses", message="more than 12"),
    ... ])
    >>> print(err)
    2 problems:
      - line 2.units: must be positive
      - claim.diagnoses: more than 12
    >>> isinstance(err, ValueError)
    True
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

__all__ = [
    "AuthorizationRequiredError",
    "BillingError",
    "ConcurrencyError",
    "CurrencyMismatchError",
    "DuplicateError",
    "Finding",
    "IncompleteBatchError",
    "InsufficientCreditError",
    "InvalidAmountError",
    "InvalidCodeError",
    "InvalidTransitionError",
    "NotFoundError",
    "Severity",
    "StalePlanError",
    "UnbalancedError",
    "UnknownCurrencyError",
    "ValidationError",
]


class BillingError(Exception):
    """Base class of every error raised by billing_core."""


class InvalidAmountError(BillingError, ValueError):
    """An amount is not a valid money amount (NaN, infinity, too many decimal places, ...)."""


class UnknownCurrencyError(BillingError, ValueError):
    """A currency code is not a known ISO 4217 code."""


class CurrencyMismatchError(BillingError, ValueError):
    """Two amounts in different currencies were combined."""


class InvalidCodeError(BillingError, ValueError):
    """A code (procedure, diagnosis, NPI, NDC, ...) is not well formed."""


class InvalidTransitionError(BillingError, ValueError):
    """A document lifecycle move that is not allowed from its current state."""


class AuthorizationRequiredError(BillingError, ValueError):
    """A patient-billable line lacks the patient's signed authorization."""


class InsufficientCreditError(BillingError, ValueError):
    """More money was applied or refunded than the party's available credit."""


class StalePlanError(BillingError, ValueError):
    """A plan was built on balances that have changed since; re-plan it."""


class NotFoundError(BillingError, KeyError):
    """A referenced object (document, entry, line, account) does not exist."""

    def __str__(self) -> str:
        # KeyError quotes its argument; show the message as written.
        return str(self.args[0]) if self.args else ""


class DuplicateError(BillingError, ValueError):
    """An object with the same identity already exists."""


class ConcurrencyError(BillingError, RuntimeError):
    """A write was based on a stale version (optimistic concurrency conflict)."""


class IncompleteBatchError(BillingError, RuntimeError):
    """A store kept part of an all-or-nothing batch: some of its entries are missing."""


class Severity(enum.Enum):
    """How serious a finding is: errors block, warnings inform."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True)
class Finding:
    """One problem found by a validation, with where it is.

    Attributes:
        location: Where the problem is, e.g. ``"line 2.diagnosis_pointers"``.
        message: What is wrong, in words a billing clerk understands.
        severity: `Severity.ERROR` (blocks) or `Severity.WARNING`.
        rule: A short stable identifier of the rule that produced it.

    Examples:
        >>> str(Finding(location="claim", message="has no lines", rule="claim.lines"))
        'claim: has no lines'
    """

    location: str
    message: str
    severity: Severity = Severity.ERROR
    rule: str = ""

    def __str__(self) -> str:
        suffix = " (warning)" if self.severity is Severity.WARNING else ""
        return f"{self.location}: {self.message}{suffix}"


class ValidationError(BillingError, ValueError):
    """One error carrying every finding of a validation.

    Attributes:
        findings: Every problem found, in the order found.
    """

    findings: tuple[Finding, ...]

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = tuple(findings)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.findings) == 1:
            return str(self.findings[0])
        lines = [f"{len(self.findings)} problems:"]
        lines.extend(f"  - {f}" for f in self.findings)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._render()

    def __reduce__(self) -> tuple[type[ValidationError], tuple[tuple[Finding, ...]]]:
        return (type(self), (self.findings,))


class UnbalancedError(BillingError, ValueError):
    """Amounts that must balance do not; the message explains both sides."""
