"""Matching the payer's answer to our claims and lines (private step of posting).

A claim payment matches our claim by patient control number (our claim id);
a service line matches our line by line control number (our line item id),
falling back to procedure (without modifiers) + service date + charge when the
payer dropped or changed the control number. Anything ambiguous or unmatched
is never posted on a guess: it is an error finding, or, when the plan holds
what does not match, a service line returned to be held.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping

from billing_core._coverage import same_service
from billing_core.charges import LineItem
from billing_core.claims import Claim
from billing_core.errors import Finding
from billing_core.posting._common import Adjusted, LinePost, error, warning
from billing_core.remittance import ClaimPayment, Remittance, ServicePayment

_tuple_new = tuple.__new__


def index_claims(claims: Iterable[Claim]) -> tuple[dict[str, Claim], dict[str, str], list[Finding]]:
    """Our claims by id and each line id's claim, with the findings of a bad set of claims."""
    by_id: dict[str, Claim] = {}
    owner: dict[str, str] = {}
    findings: list[Finding] = []
    for claim in claims:
        if claim.id in by_id:
            findings.append(
                error(f"claim {claim.id}", "two claims given with this id", "posting.claims")
            )
            continue
        by_id[claim.id] = claim
        for line in claim.lines:
            first = owner.setdefault(line.id, claim.id)
            # A line of this claim only (the usual): no other claim's account to compare.
            if first is claim.id:
                continue
            other = by_id[first].account_id
            if other != claim.account_id:
                # Balances and the bucket simulation are by line id: never mix two
                # accounts' lines. (A replacement claim on the same account reuses
                # the original's line items: that is one line, not two.)
                findings.append(
                    error(
                        f"claim {claim.id} line {line.id}",
                        f"line id {line.id} is also a line of claim {first} on account"
                        f" {other}; line ids must be unique across accounts",
                        "posting.duplicate_line_id",
                    )
                )
    return by_id, owner, findings


def answer_order(
    remittance: Remittance, unknown: Container[str] = ()
) -> tuple[list[tuple[int, ClaimPayment]], list[Finding]]:
    """The claim payments in planning order (numbered as in the file), and duplicate answers.

    Claims are planned in the order the file first names them. A payer may
    name a claim twice only to reverse it and send the correction: the
    reversal is planned first, so the correction posts on the restored buckets.
    A patient control number in ``unknown`` (one of no claim of ours, whose
    money is held) may stand for several claims: a patient's account number
    often does.
    """
    claims = remittance.claims
    if len({cp.patient_control_number for cp in claims}) == len(claims):
        return list(enumerate(claims, 1)), []  # each claim answered once: the file's order
    by_pcn: dict[str, list[int]] = {}
    for index, cp in enumerate(remittance.claims):
        by_pcn.setdefault(cp.patient_control_number, []).append(index)
    findings: list[Finding] = []
    order: list[tuple[int, ClaimPayment]] = []
    for pcn, indexes in by_pcn.items():
        if len(indexes) == 1:
            continue  # answered once: nothing to check
        reversals = [i for i in indexes if remittance.claims[i].is_reversal]
        # Unknown numbers are held, not posted: a patient account number may well be answered
        # several times in one file, so no duplicate error for them.
        if pcn in unknown:
            continue
        if len(reversals) > 1 or len(indexes) - len(reversals) > 1:
            where = ", ".join(str(i + 1) for i in indexes)
            findings.append(
                error(
                    f"claims {where} ({pcn})",
                    f"claim {pcn} is answered {len(indexes)} times; only a reversal"
                    " and its correction may name the same claim",
                    "posting.duplicate_claim",
                )
            )
    for indexes in by_pcn.values():
        if len(indexes) == 1:
            order.append((indexes[0] + 1, remittance.claims[indexes[0]]))
            continue
        # sorted is stable: the reversal moves first, the rest keep the file's order.
        for i in sorted(indexes, key=lambda i: not remittance.claims[i].is_reversal):
            order.append((i + 1, remittance.claims[i]))
    return order, findings


def match_lines(
    claim: Claim,
    cp: ClaimPayment,
    loc: str,
    line_owner: Mapping[str, str],
    *,
    denied: bool = False,
    hold: bool = False,
) -> tuple[list[LinePost], list[Finding], list[tuple[int, ServicePayment]]]:
    """Each service line of ``cp`` matched to a line of ``claim``; every line when it has none.

    ``denied``: the payer paid nothing on the claim, so every line is a
    denial. With ``hold``, a service line that matches no line (or several)
    is not an error: it is returned, with its number, to be held.
    """
    if not cp.lines:
        # Answered at claim level only (institutional style): every line takes a share.
        return [LinePost(item, 0, (), (loc, 0, None), denied) for item in claim.lines], [], []
    remaining = {line.id: line for line in claim.lines}
    # Every control number first, so a fallback match never takes a line that a
    # later service line names by its control number.
    found = [
        remaining.pop(sp.line_control_number, None) if sp.line_control_number else None
        for sp in cp.lines
    ]
    posts: list[LinePost] = []
    findings: list[Finding] = []
    held: list[tuple[int, ServicePayment]] = []
    for number, (sp, item) in enumerate(zip(cp.lines, found, strict=True), 1):
        lcn = sp.line_control_number
        if item is None:
            lloc = f"{loc} line {number}" + (f" ({lcn})" if lcn else "")
            item, finding = _match_by_service(claim, remaining, sp, lloc, line_owner)
            if item is None and hold and finding.rule == "posting.unmatched_line":
                held.append((number, sp))
                finding = warning(lloc, f"{finding.message}; its payment is held", "posting.held")
            findings.append(finding)
            if item is None:
                continue
            del remaining[item.id]
        given = sp.adjustments
        if len(given) == 2:
            # The usual line (CO and PR, say) spelled out: a comprehension is a call in 3.11.
            (a, b), ma, mb = given, given[0].amount, given[1].amount
            adjustments: tuple[Adjusted, ...] = (
                (a.group, a.reason, ma.minor, ma),
                (b.group, b.reason, mb.minor, mb),
            )
        else:
            adjustments = tuple([(a.group, a.reason, (m := a.amount).minor, m) for a in given])
        paid = sp.paid
        minor = paid.minor
        # A zero-charge line paid nothing is not a denial (nothing was asked), so the denial
        # policy must not hold its adjustments for appeal.
        line_denied = denied or (minor == 0 and sp.charge.minor != 0)
        # Made as the tuple it is (a named tuple's __new__ is a Python call, once per line).
        posts.append(
            _tuple_new(LinePost, (item, minor, adjustments, (loc, number, lcn), line_denied, paid))
        )
    return posts, findings, held


def _match_by_service(
    claim: Claim,
    remaining: Mapping[str, LineItem],
    sp: ServicePayment,
    lloc: str,
    line_owner: Mapping[str, str],
) -> tuple[LineItem | None, Finding]:
    """The one remaining line a service line without a usable control number is for."""
    lcn = sp.line_control_number
    owner = line_owner.get(lcn) if lcn else None
    if owner is not None and owner != claim.id:
        message = f"line control number {lcn} is a line of claim {owner}, not of {claim.id}"
        return None, error(lloc, message, "posting.line_of_other_claim")
    if owner is not None:
        # Our line, but popped already: an earlier service line of this answer took it.
        return None, error(lloc, f"line {lcn} is answered twice", "posting.duplicate_line")
    # Only lines no control number claimed: a fallback never steals a named line.
    candidates = [item for item in remaining.values() if same_service(item, sp)]
    if len(candidates) == 1:
        why = "no line control number" if not lcn else f"unknown line control number {lcn}"
        message = f"{why}; matched to line {candidates[0].id} by procedure, service date and charge"
        return candidates[0], warning(lloc, message, "posting.line_matched_by_service")
    what = "several lines" if candidates else "no line"
    return None, error(
        lloc,
        f"{what} of claim {claim.id} match this service line"
        f" ({sp.procedure or 'no procedure'}, {sp.service_date}, {sp.charge});"
        " nothing is posted for a guess",
        "posting.unmatched_line",
    )
