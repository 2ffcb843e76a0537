"""Spreading claim-level amounts over a claim's lines (private step of posting).

The ledger works per line, but a payer may adjust, or answer, a whole claim.
Each claim-level amount is split over the matched lines by a
[`ClaimLevelRule`][billing_core.posting.ClaimLevelRule], in integer minor units with
the largest-remainder method, so the shares always add up to the amount
exactly (no cent created or lost).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

from billing_core.claims import Claim
from billing_core.errors import Finding
from billing_core.money import Money, allocate_minor
from billing_core.posting._common import Adjusted, LinePost, error, warning
from billing_core.posting._types import ClaimLevelRule
from billing_core.remittance import ClaimPayment


def distribute(
    claim: Claim,
    cp: ClaimPayment,
    loc: str,
    posts: list[LinePost],
    rule: ClaimLevelRule,
    designated: Mapping[str, str],
) -> tuple[list[LinePost], list[Finding]]:
    """The matched lines with the claim's claim-level amounts spread over them."""
    if not posts or (cp.lines and not cp.adjustments):
        return posts, []  # nothing to spread: the payer split the claim line by line
    wanted = designated.get(claim.id) if rule is ClaimLevelRule.DESIGNATED_LINE else None
    weigh = functools.partial(weights, rule, wanted)
    # With service lines the payer already split the payment; only claim-level CAS is
    # left to spread. Without them the whole claim (payment too) must be spread.
    if cp.lines:
        return spread_claim_adjustments(cp, loc, posts, weigh)
    # Spread in proportion, a line takes no more than its charge (ties in rounding would
    # give one line two extra cents it does not have); a designated line takes it all.
    capped = rule is not ClaimLevelRule.DESIGNATED_LINE
    return spread_whole_claim(cp, loc, posts, weigh, capped=capped)


_tuple_new = tuple.__new__

Weigh = Callable[[Sequence[LinePost], bool], list[int]]
"""Each line's weight in a split, given the lines and whether their payments are known."""


def weights(
    rule: ClaimLevelRule, wanted: str | None, posts: Sequence[LinePost], paid: bool
) -> list[int]:
    """Each line's weight under ``rule`` (by charge when paid is not known or all 0).

    ``wanted`` is the designated line of the claim, if the caller named one.
    """
    if rule is ClaimLevelRule.DESIGNATED_LINE:
        target = posts[0].item.id if wanted is None else wanted
        ws = [1 if p.item.id == target else 0 for p in posts]
        if not any(ws):
            ws[0] = 1  # the designated line is not among the answered ones: the first takes it
        return ws
    if paid and rule is ClaimLevelRule.PROPORTIONAL_TO_PAID:
        ws = [max(p.paid, 0) for p in posts]
        if any(ws):
            return ws
    # Charge is the fallback weight: every matched line has one, so a split is always
    # defined even when nothing was paid.
    return [p.item.charge.minor for p in posts]


def spread_claim_adjustments(
    cp: ClaimPayment, loc: str, posts: list[LinePost], weigh: Weigh
) -> tuple[list[LinePost], list[Finding]]:
    """Claim-level CAS of a claim answered line by line, taken out of what the lines paid.

    835 claim balancing: CLP04 = sum(SVC03) - sum(claim-level CAS). So a
    positive claim-level adjustment comes out of the lines' payments, never
    more on a line than that line was paid; a negative one adds to them.
    """
    for adj in cp.adjustments:
        amount = adj.amount.minor
        if amount == 0:
            continue
        # Re-weighed per adjustment: under PROPORTIONAL_TO_PAID the previous one changed paid.
        ws = weigh(posts, True)
        if amount > 0:
            # Capped at each line's payment: a line cannot give back more than it was paid.
            shares = allocate_capped(amount, ws, [max(p.paid, 0) for p in posts])
            if shares is None:
                message = (
                    f"claim-level {adj} is more than the lines paid; it cannot be"
                    " spread over the lines"
                )
                return posts, [error(loc, message, "posting.claim_level")]
        else:
            shares = allocate(amount, ws)
        group, reason = adj.group, adj.reason
        # Rebuilt as the tuples they are (_replace is a Python call per line).
        posts = [
            _tuple_new(
                LinePost,
                (p[0], p[1] - share, (*p[2], (group, reason, share, None)), *p[3:]),
            )
            if share
            else p
            for p, share in zip(posts, shares, strict=True)
        ]
    return posts, []


def spread_whole_claim(
    cp: ClaimPayment, loc: str, posts: list[LinePost], weigh: Weigh, *, capped: bool = True
) -> tuple[list[LinePost], list[Finding]]:
    """A claim answered without lines: its adjustments and payment spread over our lines.

    With ``capped``, a positive adjustment is spread over what each line still
    has of its charge, so no line is adjusted below zero while another has room.
    """
    charges = [p.item.charge.minor for p in posts]
    findings: list[Finding] = []
    exact = sum(charges) == cp.charge.minor
    if not exact:
        findings.append(
            warning(
                loc,
                f"the payer answered without lines; its charge {cp.charge} differs from"
                f" the claim's lines {Money.from_minor(sum(charges), cp.charge.currency)}",
                "posting.claim_charge",
            )
        )
    ws = weigh(posts, False)
    adjusted: list[list[Adjusted]] = [[] for _ in posts]
    room = list(charges)
    for adj in cp.adjustments:
        amount = adj.amount.minor
        shares = allocate(amount, ws)
        # Uncapped when even the caps cannot hold the amount (over): the split still adds up,
        # and the line overdrawn by it is refused later with a clear error.
        if capped and amount > 0:
            fitted, over = fill_capped(amount, ws, [max(r, 0) for r in room])
            shares = shares if over else fitted
        for i, (line, share) in enumerate(zip(adjusted, shares, strict=True)):
            if share:
                line.append((adj.group, adj.reason, share, None))
                room[i] -= share
    left = room
    # CLP04 = CLP03 - sum(claim CAS) and our lines are the payer's charge: each line's
    # paid is what its own charge leaves after its adjustments, so each line balances.
    # Otherwise CLP04 is spread by weight, never more on a line than it has left: a
    # claim never applies more than the payer paid, nor overdraws a line.
    balanced = cp.paid.minor == cp.charge.minor - sum(a.amount.minor for a in cp.adjustments)
    if exact and balanced:
        paid = left
    else:
        paid, extra = fill_capped(max(cp.paid.minor, 0), ws, [max(x, 0) for x in left])
        if extra:
            message = (
                f"{Money.from_minor(extra, cp.charge.currency)} of the claim's payment is more"
                " than its lines have open; it stays as the payer's unapplied credit"
            )
            findings.append(warning(loc, message, "posting.overpaid"))
    spread: list[LinePost] = []
    for post, adjs, line_paid in zip(posts, adjusted, paid, strict=True):
        post = post._replace(paid=line_paid, adjustments=tuple(adjs))
        if line_paid < 0:
            message = "the claim-level amounts give this line a negative payment"
            findings.append(error(post.location, message, "posting.claim_level"))
        spread.append(post)
    return spread, findings


def cap_to_paid(
    posts: list[LinePost], paid: int, loc: str, currency: str
) -> tuple[list[LinePost], list[Finding]]:
    """The lines' payments cut so that together they never exceed what the claim paid.

    A balanced claim's lines add up to its payment (CLP04) exactly; the lines
    of an unbalanced one (accepted by the caller) may add up to more. Applying
    that would spend cash nobody sent: each line keeps a share of the payment
    in proportion to what it says it was paid, and the rest stays open in the
    payer's bucket.
    """
    total = 0
    for p in posts:  # a loop, not a comprehension: this runs for every claim
        if p[1] > 0:
            total += p[1]
    if total <= paid:
        return posts, []
    wanted = [max(p.paid, 0) for p in posts]
    shares = fill_capped(paid, wanted, wanted)[0] if paid > 0 else [0] * len(posts)
    message = (
        f"the lines would apply {Money.from_minor(total, currency)} but the payer paid"
        f" {Money.from_minor(max(paid, 0), currency)} (CLP04): each line's payment is cut"
        " in proportion, the rest stays open in the payer's bucket"
    )
    capped = [
        _tuple_new(LinePost, (p[0], share, *p[2:])) if p.paid > 0 else p
        for p, share in zip(posts, shares, strict=True)
    ]
    return capped, [warning(loc, message, "posting.capped_to_paid")]


def allocate(total: int, ws: Sequence[int]) -> list[int]:
    """Split ``total`` minor units by weights, largest remainder; all-zero weights split evenly."""
    # All-zero weights would make the largest-remainder split undefined: an even split
    # still conserves the total exactly.
    if total == 0:
        return [0] * len(ws)
    return list(allocate_minor(total, list(ws) if any(ws) else [1] * len(ws)))


def allocate_capped(total: int, ws: Sequence[int], caps: Sequence[int]) -> list[int] | None:
    """Split a positive total by weights, no part above its cap; None if the caps are too small."""
    shares, remaining = fill_capped(total, ws, caps)
    return shares if remaining == 0 else None


def fill_capped(total: int, ws: Sequence[int], caps: Sequence[int]) -> tuple[list[int], int]:
    """Split a positive total by weights, no part above its cap; the shares and what is left.

    Each round splits what is left over the lines still under their cap, so a
    line that hits its cap passes the rest on to the others in proportion.
    """
    if any(ws) and min(caps, default=0) > 0:
        # Every line has room: the first round is a plain split, and when no part goes
        # over its cap it is the whole answer (the usual claim-level share).
        first = allocate(total, ws)
        if all(part <= cap for part, cap in zip(first, caps, strict=True)):
            return first, 0
    n = len(ws)
    shares = [0] * n
    remaining = total
    active = [i for i in range(n) if caps[i] > 0]
    # Terminates: each round either places all that is left or caps at least one more
    # line, which then leaves the active set.
    while remaining > 0 and active:
        round_ws = [ws[i] for i in active]
        # Every line with weight is full: the rest goes by room left, so it is still placed
        # where there is room rather than lost.
        if not any(round_ws):
            round_ws = [caps[i] - shares[i] for i in active]
        for i, part in zip(active, allocate(remaining, round_ws), strict=True):
            take = min(part, caps[i] - shares[i])
            shares[i] += take
            remaining -= take
        active = [i for i in active if shares[i] < caps[i]]
    return shares, remaining
