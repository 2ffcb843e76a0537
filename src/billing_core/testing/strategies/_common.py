"""Text strategies shared by the strategy modules (private)."""

from __future__ import annotations

from hypothesis import strategies as st

ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
"""Upper-case letters (no I or O) and digits: ids that read unambiguously."""


def ids(prefix: str) -> st.SearchStrategy[str]:
    """Ids of 4 to 10 characters after ``prefix``."""
    return st.text(ID_ALPHABET, min_size=4, max_size=10).map(lambda s: prefix + s)


def names() -> st.SearchStrategy[str]:
    """Title-cased names of letters and spaces."""
    return st.text("abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20).map(str.title)
