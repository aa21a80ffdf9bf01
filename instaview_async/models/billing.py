"""Billing: usage per company and in total, in minutes or in credits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ._base import WireEnum

__all__ = ["BillingSystem", "BillingUsage", "CompanyUsage", "CostBreakdown"]


class BillingSystem(WireEnum):
    """The unit a company is billed in."""

    MINUTES = "minutes"
    CREDITS = "credits"


@attrs.frozen(kw_only=True)
class CostBreakdown:
    """Usage under one cost key (e.g. ``interview_minutes``): events and minutes or credits."""

    cost_key: str
    events: int | None = None
    minutes_used: float | None = None
    credits_used: float | None = None


@attrs.frozen(kw_only=True)
class CompanyUsage:
    """One company's usage; only the fields of its `billing_system` are set."""

    company_id: str | None = None
    company_name: str | None = None
    billing_system: BillingSystem | str | None = None
    total_interviews: int | None = None
    total_minutes_used: float | None = None
    total_credits_used: float | None = None
    breakdown_by_cost_key: tuple[CostBreakdown, ...] = ()


@attrs.frozen(kw_only=True)
class BillingUsage:
    """Usage over a period: per company (one for a regular key) and the totals."""

    companies: tuple[CompanyUsage, ...] = ()
    total_interviews: int | None = None
    total_minutes_used: float | None = None
    total_credits_used: float | None = None
    breakdown_by_cost_key: tuple[CostBreakdown, ...] = ()


def normalize_usage(data: Any) -> Any:
    """Rewrite a usage reply's older shapes into the one `BillingUsage` decodes.

    - ``breakdownByCostKey`` as a map (``{"standard": 200.0}``, older docs) becomes the list
      shape ``[{"costKey": "standard", "minutesUsed": 200.0}]``; a bare number counts in the
      unit of the object it sits in (credits if that object is credit-billed, else minutes:
      the map shape predates credits billing).
    - A company without ``billingSystem`` (older docs) gets the one its totals imply.
    Anything else is passed through for the decoder to judge.
    """
    if not isinstance(data, Mapping):
        return data
    out = _normalize_part(data, infer_system=False)
    companies = data.get("companies")
    if isinstance(companies, list):
        out["companies"] = [
            _normalize_part(c, infer_system=True) if isinstance(c, Mapping) else c
            for c in companies
        ]
    return out


def _normalize_part(part: Mapping[str, Any], *, infer_system: bool) -> dict[str, Any]:
    out = dict(part)
    system = out.get("billingSystem") or _implied_system(out)
    if infer_system and system and not out.get("billingSystem"):
        out["billingSystem"] = system
    breakdown = out.get("breakdownByCostKey")
    if isinstance(breakdown, Mapping):
        unit = "creditsUsed" if system == BillingSystem.CREDITS.value else "minutesUsed"
        out["breakdownByCostKey"] = [
            {"costKey": key, **value}
            if isinstance(value, Mapping)
            else {"costKey": key, unit: value}
            for key, value in breakdown.items()
        ]
    return out


def _implied_system(part: Mapping[str, Any]) -> str | None:
    minutes = part.get("totalMinutesUsed") is not None
    credits = part.get("totalCreditsUsed") is not None
    if credits and not minutes:
        return BillingSystem.CREDITS.value
    if minutes and not credits:
        return BillingSystem.MINUTES.value
    return None
