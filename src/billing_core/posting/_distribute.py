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
    if not posts:
        return posts, []
    wanted = designated.get(claim.id) if rule is ClaimLevelRule.DESIGNATED_LINE else None
    weigh = functools.partial(weights, rule, wanted)
    spread = spread_claim_adjustments if cp.lines else spread_whole_claim
    return spread(cp, loc, posts, weigh)


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
        key = (adj.group, adj.reason)
        posts = [
            p._replace(paid=p.paid - share, adjustments=(*p.adjustments, (*key, share, None)))
            if share
            else p
            for p, share in zip(posts, shares, strict=True)
        ]
    return posts, []


def spread_whole_claim(
    cp: ClaimPayment, loc: str, posts: list[LinePost], weigh: Weigh
) -> tuple[list[LinePost], list[Finding]]:
    """A claim answered without lines: its adjustments and payment spread over our lines."""
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
    for adj in cp.adjustments:
        for line, share in zip(adjusted, allocate(adj.amount.minor, ws), strict=True):
            if share:
                line.append((adj.group, adj.reason, share, None))
    # Used only when the payer's charge is not ours: then no line can balance on its own.
    paid_shares = allocate(cp.paid.minor, ws)
    spread: list[LinePost] = []
    for post, adjs, paid_share in zip(posts, adjusted, paid_shares, strict=True):
        # When the payer's charge is ours, each line's paid is what its own charge
        # leaves after its adjustments, so each line balances exactly.
        paid = post.item.charge.minor - sum(a[2] for a in adjs) if exact else paid_share
        post = post._replace(paid=paid, adjustments=tuple(adjs))
        if paid < 0:
            message = "the claim-level amounts give this line a negative payment"
            findings.append(error(post.location, message, "posting.claim_level"))
        spread.append(post)
    return spread, findings


def allocate(total: int, ws: Sequence[int]) -> list[int]:
    """Split ``total`` minor units by weights, largest remainder; all-zero weights split evenly."""
    if total == 0:
        return [0] * len(ws)
    return list(allocate_minor(total, list(ws) if any(ws) else [1] * len(ws)))


def allocate_capped(total: int, ws: Sequence[int], caps: Sequence[int]) -> list[int] | None:
    """Split a positive total by weights, no part above its cap; None if the caps are too small.

    Each round splits what is left over the lines still under their cap, so a
    line that hits its cap passes the rest on to the others in proportion.
    """
    n = len(ws)
    shares = [0] * n
    remaining = total
    active = [i for i in range(n) if caps[i] > 0]
    while remaining > 0 and active:
        round_ws = [ws[i] for i in active]
        if not any(round_ws):
            round_ws = [caps[i] - shares[i] for i in active]
        for i, part in zip(active, allocate(remaining, round_ws), strict=True):
            take = min(part, caps[i] - shares[i])
            shares[i] += take
            remaining -= take
        active = [i for i in active if shares[i] < caps[i]]
    return shares if remaining == 0 else None
