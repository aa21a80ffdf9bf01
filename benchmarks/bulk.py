"""Row 6 (placeholder): bulk import against the fake API limited to R requests per second.

Not yet measurable: it needs ``client.candidates.bulk_create`` (the Bulk issue) and the fake
server's rate limit (``instaview_async.testing``), neither of which has landed on main yet.
When both exist, this row should run ``bulk_create`` over N rows against
``FakeInstaView(requests_per_minute=60 * R)`` and report achieved rate / R (target >= 0.95),
the number of 429s per window (at most one) and the peak memory per row (flat).
"""

from __future__ import annotations

from ._timing import Row

__all__ = ["run"]


async def run(*, quick: bool) -> list[Row]:
    """Report that the row cannot be measured yet."""
    return [
        Row(
            measure="bulk import at R req/s",
            subject="candidates.bulk_create",
            baseline="R",
            ratio=None,
            target=">= 0.95",
            met=None,
            note="not yet measurable: bulk import and the rate-limited fake are not on main yet",
        )
    ]
