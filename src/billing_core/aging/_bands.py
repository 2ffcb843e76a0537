"""Aging bands: their edges in days, their labels, and the rows that hold one amount per band.

With edges ``(30, 60, 90, 120)`` the bands are ``0-30`` (``days <= 30``),
``31-60``, ``61-90``, ``91-120`` and ``over 120``; in general band *i* holds
``edges[i-1] < days <= edges[i]``.

Examples:
    >>> band_labels(DEFAULT_EDGES)
    ('0-30', '31-60', '61-90', '91-120', 'over 120')
    >>> [f.message for f in validate_edges((60, 30))]
    ['must be strictly increasing (sorted, no overlaps), got (60, 30) (tuple)']
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Final

import attrs

from billing_core._checks import describe
from billing_core.errors import Finding, NotFoundError, ValidationError
from billing_core.money import Money
from billing_core.views import Protected, protected

__all__ = ["DEFAULT_EDGES", "AgingRow", "band_labels", "validate_edges"]

DEFAULT_EDGES: Final = (30, 60, 90, 120)
"""The default band edges: 0-30, 31-60, 61-90, 91-120, over 120 days."""


def validate_edges(edges: object) -> tuple[Finding, ...]:
    """Every problem with a sequence of band edges (empty when they are valid).

    Edges are day counts: ints, not negative, strictly increasing (so no two
    bands overlap), at least one.

    Args:
        edges: The proposed edges.

    Returns:
        The findings, empty when the edges are valid.

    Examples:
        >>> validate_edges((30, 60, 90, 120))
        ()
        >>> [str(f) for f in validate_edges((30, 30, -5))]
        ['buckets[2]: must not be negative, got -5',
         'buckets: must be strictly increasing (sorted, no overlaps), got (30, 30, -5) (tuple)']
    """
    if isinstance(edges, str | bytes) or not isinstance(edges, Sequence):
        return (
            Finding(
                location="buckets",
                message=f"must be a sequence of day counts, got {describe(edges)}",
                rule="aging.edges",
            ),
        )
    findings: list[Finding] = []
    if not edges:
        findings.append(
            Finding(location="buckets", message="needs at least one edge", rule="aging.edges")
        )
    numbers = True
    for index, edge in enumerate(edges):
        # type() rather than isinstance: True is an int, and an edge of True days is a bug.
        if type(edge) is not int:
            numbers = False
            findings.append(
                Finding(
                    location=f"buckets[{index}]",
                    message=f"must be an int number of days, got {describe(edge)}",
                    rule="aging.edges",
                )
            )
        elif edge < 0:
            findings.append(
                Finding(
                    location=f"buckets[{index}]",
                    message=f"must not be negative, got {edge}",
                    rule="aging.edges",
                )
            )
    # Only once every edge is an int: comparing a str edge would raise a TypeError here
    # instead of reporting it with the others.
    if numbers and any(a >= b for a, b in pairwise(edges)):
        findings.append(
            Finding(
                location="buckets",
                message="must be strictly increasing (sorted, no overlaps),"
                f" got {describe(tuple(edges))}",
                rule="aging.edges",
            )
        )
    return tuple(findings)


def band_labels(edges: Sequence[int]) -> tuple[str, ...]:
    """The labels of the bands defined by ``edges``.

    Args:
        edges: Valid edges (see [`validate_edges`][billing_core.aging.validate_edges]).

    Returns:
        One label per band: ``len(edges) + 1`` of them.

    Examples:
        >>> band_labels((30, 60, 90, 120))
        ('0-30', '31-60', '61-90', '91-120', 'over 120')
        >>> band_labels((0, 45))
        ('0', '1-45', 'over 45')
    """
    labels = []
    low = 0
    for edge in edges:
        # A one-day band (an edge of 0, or two edges one day apart) is labelled by its day,
        # not as "0-0".
        labels.append(str(edge) if low == edge else f"{low}-{edge}")
        low = edge + 1
    labels.append(f"over {edges[-1]}")
    return tuple(labels)


@attrs.frozen(kw_only=True)
class AgingRow:
    """Open amounts per band for one group (a party, an account, both, or everything).

    Attributes:
        account_id: The account, or ``None`` for a total over accounts.
        party: The party, or ``None`` for a total over parties.
        bands: One amount per band, youngest first.
        total: The sum of the bands (the open balance of the group).
        lines: How many open amounts are in the group.
        labels: The band labels, one per band (see
            [`band_labels`][billing_core.aging.band_labels]); rows of a
            report always have them. Look a band up by its label with
            [`band`][billing_core.aging.AgingRow.band].

    Raises:
        ValidationError: If ``labels`` are given and are not one per band.

    Examples:
        >>> usd = Money("1.00", "USD")
        >>> row = AgingRow(account_id=None, party="patient", bands=(usd, usd + usd),
        ...                total=usd * 3, lines=2, labels=band_labels((30,)))
        >>> row.total, row.band("over 30")
        (Money('3.00', 'USD'), Money('2.00', 'USD'))
    """

    account_id: str | None = attrs.field(**protected(Protected.ID))
    party: str | None
    bands: tuple[Money, ...] = attrs.field(converter=tuple[Money, ...])
    total: Money
    lines: int
    labels: tuple[str, ...] = attrs.field(default=(), converter=tuple[str, ...], repr=False)

    def __attrs_post_init__(self) -> None:
        # Unlabelled rows stay legal (rows built by hand, or read back from before labels
        # existed); only a wrong count is an error, since band() would then misread.
        if self.labels and len(self.labels) != len(self.bands):
            raise ValidationError(
                [
                    Finding(
                        location="AgingRow.labels",
                        message=f"needs one label per band ({len(self.bands)}),"
                        f" got {len(self.labels)}",
                        rule="aging.labels",
                    )
                ]
            )

    def band(self, label: str) -> Money:
        """The amount of the band labelled ``label`` (e.g. ``"31-60"`` or ``"over 120"``).

        Raises:
            NotFoundError: If no band of this row has that label.

        Examples:
            >>> z = Money("0.00", "USD")
            >>> row = AgingRow(account_id="A1", party=None, bands=(z, z), total=z, lines=0,
            ...                labels=("0-30", "over 30"))
            >>> row.band("31-60")
            Traceback (most recent call last):
            ...
            billing_core.errors.NotFoundError: no band '31-60' in this row; its bands are ...
        """
        try:
            return self.bands[self.labels.index(label)]
        except ValueError:
            known = ", ".join(self.labels) if self.labels else "unlabelled"
            raise NotFoundError(
                f"no band {label!r:.40} in this row; its bands are {known}"
            ) from None
