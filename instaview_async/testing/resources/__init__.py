"""One module of handlers per API resource; ``ROUTES`` collects them all."""

from __future__ import annotations

from .._routing import Route
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

__all__ = ["ROUTES"]

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
