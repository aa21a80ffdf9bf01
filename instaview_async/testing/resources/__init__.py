"""One module of handlers per API resource; ``ROUTES`` and ``INDEXES`` collect them all."""

from __future__ import annotations

from .._routing import Route
from .._state import KeyFunc
from . import (
    agents,
    billing,
    candidates,
    companies,
    interviews,
    jobs,
    phone_numbers,
    sourcing,
    webhooks,
)

__all__ = ["INDEXES", "ROUTES"]

ROUTES: tuple[Route, ...] = (
    *jobs.ROUTES,
    *candidates.ROUTES,
    *interviews.ROUTES,
    *agents.ROUTES,
    *companies.ROUTES,
    *phone_numbers.ROUTES,
    *billing.ROUTES,
    *webhooks.ROUTES,
    *sourcing.ROUTES,
)

INDEXES: dict[str, KeyFunc] = {
    "jobs": jobs.index_keys,
    "candidates": candidates.index_keys,
    "interviews": interviews.index_keys,
    "webhooks": webhooks.index_keys,
}
"""The index of each table that needs more than its company (``_state.by_company``)."""
