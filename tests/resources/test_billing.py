"""client.billing.usage: the request it sends and every documented reply shape."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest

import instaview_async as iv
from instaview_async.models.billing import (
    BillingSystem,
    BillingUsage,
    CompanyUsage,
    CostBreakdown,
)
from tests.conftest import envelope, error_reply
from tests.helpers import Recorder, make_client

pytestmark = pytest.mark.anyio

MINUTES_COMPANY = {
    "companyId": "c1",
    "companyName": "Acme",
    "billingSystem": "minutes",
    "totalInterviews": 12,
    "totalMinutesUsed": 245.5,
    "breakdownByCostKey": [{"costKey": "interview_minutes", "events": 12, "minutesUsed": 245.5}],
}
CREDITS_COMPANY = {
    "companyId": "c2",
    "companyName": "Beta",
    "billingSystem": "credits",
    "totalInterviews": 3,
    "totalCreditsUsed": 90,
    "breakdownByCostKey": [{"costKey": "screening", "events": 3, "creditsUsed": 90}],
}


async def _usage(data: Any, **arguments: Any) -> tuple[BillingUsage, Recorder]:
    recorder = Recorder([envelope(data)])
    async with make_client(recorder) as client:
        usage = await client.billing.usage(**arguments)
    return usage, recorder


@pytest.mark.parametrize(
    ("start", "end", "params"),
    [
        (None, None, {}),
        (date(2026, 1, 1), date(2026, 1, 31), {"start": "2026-01-01", "end": "2026-01-31"}),
        (
            datetime(2026, 1, 1, tzinfo=timezone.utc),
            "2026-01-31",
            {"start": "2026-01-01T00:00:00+00:00", "end": "2026-01-31"},
        ),
    ],
    ids=["default-period", "dates", "datetime-and-str"],
)
async def test_usage_sends_the_period_as_iso_query_parameters(
    start: Any, end: Any, params: dict[str, str]
) -> None:
    """usage GETs /billing/usage with start and end as ISO strings, only when given."""
    _, recorder = await _usage({"companies": []}, start=start, end=end)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("GET", "/billing/usage")
    assert dict(sent.url.params) == params


async def test_usage_decodes_minutes_and_credits_companies_with_ats_totals() -> None:
    """An ATS reply with a minutes and a credits company decodes each in its own unit."""
    data = {
        "companies": [MINUTES_COMPANY, CREDITS_COMPANY],
        "totalInterviews": 15,
        "totalMinutesUsed": 245.5,
        "totalCreditsUsed": 90,
        "breakdownByCostKey": [
            {"costKey": "interview_minutes", "events": 12, "minutesUsed": 245.5},
            {"costKey": "screening", "events": 3, "creditsUsed": 90},
        ],
    }
    usage, _ = await _usage(data)
    minutes, credits = usage.companies
    assert minutes.billing_system is BillingSystem.MINUTES
    assert (minutes.total_minutes_used, minutes.total_credits_used) == (245.5, None)
    assert credits.billing_system is BillingSystem.CREDITS
    assert (credits.total_minutes_used, credits.total_credits_used) == (None, 90)
    assert credits.breakdown_by_cost_key == (
        CostBreakdown(cost_key="screening", events=3, credits_used=90),
    )
    assert (usage.total_interviews, usage.total_minutes_used, usage.total_credits_used) == (
        15,
        245.5,
        90,
    )
    assert len(usage.breakdown_by_cost_key) == 2


async def test_usage_decodes_the_reference_example_that_mixes_units() -> None:
    """The reference example with both minutes and credits fields on one company decodes."""
    mixed = {**MINUTES_COMPANY, "totalCreditsUsed": 0, "breakdownByCostKey": []}
    usage, _ = await _usage({"companies": [mixed]})
    assert usage.companies[0].total_minutes_used == 245.5
    assert usage.companies[0].total_credits_used == 0
    assert usage.companies[0].billing_system is BillingSystem.MINUTES


@pytest.mark.parametrize(
    ("company", "expected"),
    [
        (
            {
                "companyId": "c1",
                "totalMinutesUsed": 245.5,
                "breakdownByCostKey": {"standard": 200.0, "premium": 45.5},
            },
            CompanyUsage(
                company_id="c1",
                billing_system=BillingSystem.MINUTES,
                total_minutes_used=245.5,
                breakdown_by_cost_key=(
                    CostBreakdown(cost_key="standard", minutes_used=200.0),
                    CostBreakdown(cost_key="premium", minutes_used=45.5),
                ),
            ),
        ),
        (
            {
                "companyId": "c2",
                "billingSystem": "credits",
                "breakdownByCostKey": {"screening": 90},
            },
            CompanyUsage(
                company_id="c2",
                billing_system=BillingSystem.CREDITS,
                breakdown_by_cost_key=(CostBreakdown(cost_key="screening", credits_used=90),),
            ),
        ),
        (
            {"companyId": "c3", "breakdownByCostKey": {"x": {"events": 2, "creditsUsed": 4}}},
            CompanyUsage(
                company_id="c3",
                breakdown_by_cost_key=(CostBreakdown(cost_key="x", events=2, credits_used=4),),
            ),
        ),
    ],
    ids=["old-minutes-map", "credits-map", "map-of-objects"],
)
async def test_usage_turns_a_cost_key_map_into_the_list_shape(
    company: dict[str, Any], expected: CompanyUsage
) -> None:
    """A breakdownByCostKey map (older docs) decodes to the same list of CostBreakdown."""
    usage, _ = await _usage({"companies": [company]})
    assert usage.companies == (expected,)


async def test_usage_top_level_map_counts_in_minutes() -> None:
    """A top-level cost-key map with minute totals decodes to minute breakdowns."""
    usage, _ = await _usage(
        {"totalMinutesUsed": 245.5, "breakdownByCostKey": {"standard": 200.0, "premium": 45.5}}
    )
    assert usage.breakdown_by_cost_key == (
        CostBreakdown(cost_key="standard", minutes_used=200.0),
        CostBreakdown(cost_key="premium", minutes_used=45.5),
    )
    assert usage.companies == ()


async def test_usage_reports_a_reply_that_is_not_usage() -> None:
    """A reply of the wrong shape raises ResponseDecodeError, not a bare cattrs error."""
    with pytest.raises(iv.ResponseDecodeError, match="BillingUsage"):
        await _usage({"companies": "none"})


async def test_usage_without_the_scope_is_permission_denied() -> None:
    """A 403 INSUFFICIENT_PERMISSIONS raises PermissionDeniedError."""
    recorder = Recorder([error_reply(403, "INSUFFICIENT_PERMISSIONS", "needs read:billing")])
    async with make_client(recorder) as client:
        with pytest.raises(iv.PermissionDeniedError, match="read:billing"):
            await client.billing.usage()
