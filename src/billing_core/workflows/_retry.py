"""Trying again when a concurrent writer got there first: a bounded number of times, with backoff.

Private: the public names are re-exported by [`billing_core.workflows`][billing_core.workflows].
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs

from billing_core._checks import describe
from billing_core.errors import ConcurrencyError, Finding, ValidationError

T = TypeVar("T")

DEFAULT_ATTEMPTS: Final = 10
"""How many times a workflow plans and appends before it lets a ConcurrencyError through."""


def _seconds(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        # bool is an int: Backoff(first_delay=True) is a typo, not one second.
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (math.isfinite(value) and value >= 0)
    ):
        raise ValidationError(
            [
                Finding(
                    location=f"Backoff.{attribute.name}",
                    message=f"must be a finite number of seconds, 0 or more; got {describe(value)}",
                    rule="workflow.backoff",
                )
            ]
        )


def _function(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not callable(value):
        raise ValidationError(
            [
                Finding(
                    location=f"Backoff.{attribute.name}",
                    message=f"must be callable; got {describe(value)}",
                    rule="workflow.backoff",
                )
            ]
        )


def _doubled(base: float, times: int) -> float:
    """``base * 2**times`` exactly; infinity where that is beyond any float."""
    # ldexp scales by a power of two without rounding; a float power (2.0 ** 1100) or the
    # scaled result past the largest float raises OverflowError instead of giving infinity.
    try:
        return math.ldexp(base, times)
    except OverflowError:
        return math.inf


@attrs.frozen(kw_only=True)
class Backoff:
    """How long a workflow waits before it tries again after losing to a concurrent writer.

    Exponential backoff with full jitter, scaled to the work: the k-th wait
    (k = 0, 1, ...) is ``random() * min(max_delay, base * 2**k)`` seconds,
    where ``base`` is the longer of ``first_delay`` and the time the attempt
    that just lost took; the waits of one call add up to at most
    ``max_total_wait``. Writers that collided spread out over a few times the
    length of an attempt instead of colliding again in step, so few of them
    run out of attempts (an attempt on a long ledger is slow, and its window
    for losing is as long); a writer that keeps losing still gives up in
    bounded time. ``sleep``, ``random`` and ``clock`` are injectable, so a
    test neither sleeps nor depends on luck or timing.

    Attributes:
        first_delay: The least cap of the first wait, in seconds.
        max_delay: The cap of any one wait.
        max_total_wait: The most one call waits in all.
        sleep: Waits that many seconds (``time.sleep``).
        random: Returns a number in [0, 1) (``random.random``); values outside
            are clamped.
        clock: Seconds from a monotonic clock (``time.monotonic``), to time
            an attempt.

    Examples:
        >>> Backoff(first_delay=0.01, max_delay=0.04, max_total_wait=0.1,
        ...         random=lambda: 0.5).delays(6)
        [0.005, 0.01, 0.02, 0.02, 0.02]
        >>> Backoff(random=lambda: 0.5).delays(3, took=0.2)  # attempts of 0.2 s
        [0.1, 0.2]
        >>> Backoff(first_delay=-1)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: Backoff.first_delay: must be a finite number of seconds, 0 or more; got -1 (int)
    """  # noqa: E501

    first_delay: float = attrs.field(default=0.005, validator=_seconds)
    max_delay: float = attrs.field(default=1.0, validator=_seconds)
    max_total_wait: float = attrs.field(default=5.0, validator=_seconds)
    sleep: Callable[[float], object] = attrs.field(default=time.sleep, validator=_function)
    random: Callable[[], float] = attrs.field(default=random.random, validator=_function)
    clock: Callable[[], float] = attrs.field(default=time.monotonic, validator=_function)

    def waits(self) -> Callable[[float], float]:
        """A fresh schedule for one call: give it how long the lost attempt took, get the wait.

        Examples:
            >>> next_wait = Backoff(random=lambda: 1.0).waits()
            >>> next_wait(0.0), next_wait(0.0), next_wait(0.3)
            (0.005, 0.01, 1.0)
        """
        left = float(self.max_total_wait)
        retry = 0

        def next_wait(took: float) -> float:
            nonlocal left, retry
            cap = min(self.max_delay, _doubled(max(self.first_delay, took), retry))
            # Full jitter: a uniform wait in [0, cap) spreads writers that collided, where a fixed
            # wait would make them collide again in step.
            wait = min(left, min(max(self.random(), 0.0), 1.0) * cap)
            left -= wait
            retry += 1
            return wait

        return next_wait

    def delays(self, attempts: int, *, took: float = 0.0) -> list[float]:
        """The waits between ``attempts`` attempts (one fewer) that each took ``took`` seconds.

        Examples:
            >>> Backoff(random=lambda: 0.0).delays(3)
            [0.0, 0.0]
        """
        next_wait = self.waits()
        return [next_wait(took) for _ in range(attempts - 1)]


DEFAULT_BACKOFF: Final = Backoff()
"""The backoff of every workflow unless given: from 5 ms (or the attempt's time), 1 s at most
each, 5 s in all."""


def check_attempts(max_attempts: object) -> None:
    """Refuse a ``max_attempts`` that is not a whole number of at least 1.

    Raises:
        ValidationError: Saying what was given.

    Examples:
        >>> check_attempts(0)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: max_attempts: must be a whole number, at least 1; got 0 (int)
    """  # noqa: E501
    if type(max_attempts) is not int or max_attempts < 1:
        raise ValidationError(
            [
                Finding(
                    location="max_attempts",
                    message=f"must be a whole number, at least 1; got {describe(max_attempts)}",
                    rule="workflow.max_attempts",
                )
            ]
        )


def retrying(max_attempts: int, backoff: Backoff, attempt: Callable[[int], T]) -> T:
    """Run ``attempt(n)`` until it does not raise ConcurrencyError, at most ``max_attempts`` times.

    It waits between attempts as ``backoff`` says, never after the last one.

    Examples:
        >>> retrying(3, DEFAULT_BACKOFF, lambda n: n)
        1
    """
    check_attempts(max_attempts)
    next_wait = backoff.waits()
    # The last attempt runs outside the loop so its ConcurrencyError reaches the caller,
    # and no one sleeps after the final try.
    for n in range(1, max_attempts):
        # The attempt is timed: on a long ledger an attempt is slow, so the wait scales with it
        # (a 5 ms wait after a 200 ms attempt would collide again at once).
        started = backoff.clock()
        try:
            return attempt(n)
        except ConcurrencyError:
            backoff.sleep(next_wait(backoff.clock() - started))
    return attempt(max_attempts)
