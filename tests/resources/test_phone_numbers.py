"""client.phone_numbers: the request list sends and what it returns."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from instaview_async.models.phone_numbers import PhoneNumber, PhoneNumberCapability
from tests.conftest import envelope
from tests.helpers import Recorder, make_client

pytestmark = pytest.mark.anyio

NUMBER = {
    "id": "pn-1",
    "number": "+421233123456",
    "companyId": "c1",
    "capabilities": "OUTBOUND",
    "custom": False,
    "provider": "TWILIO",
    "status": "AVAILABLE",
    "numberType": "LOCAL",
    "location": "Bratislava",
    "createdAt": "2025-01-01T00:00:00.000Z",
    "updatedAt": "2025-01-01T00:00:00.000Z",
}
_WHEN = datetime(2025, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "data",
    [
        {"data": [NUMBER], "total": 5, "page": 2, "limit": 50, "totalPages": 1},  # the docs' own
        {"items": [NUMBER], "pagination": {"total": 5, "page": 2, "limit": 50, "totalPages": 1}},
    ],
)
async def test_list_sends_paging_and_company_and_decodes_numbers(data: Any) -> None:
    """list GETs /phone-numbers with paging and the client's companyId, decoding each number."""
    recorder = Recorder([envelope(data)])
    async with make_client(recorder, company_id="ats-co") as client:
        page = await client.phone_numbers.list(page=2, limit=50)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("GET", "/phone-numbers")
    assert dict(sent.url.params) == {"page": "2", "limit": "50", "companyId": "ats-co"}
    assert page.items == (
        PhoneNumber(
            id="pn-1",
            number="+421233123456",
            company_id="c1",
            capabilities=PhoneNumberCapability.OUTBOUND,
            custom=False,
            provider="TWILIO",
            status="AVAILABLE",
            number_type="LOCAL",
            location="Bratislava",
            created_at=_WHEN,
            updated_at=_WHEN,
        ),
    )
    assert (page.total, page.total_pages, page.has_next) == (5, 1, False)


async def test_list_walks_every_page_lazily() -> None:
    """Iterating the pager fetches pages until the last one."""
    first = {"data": [NUMBER], "total": 2, "page": 1, "limit": 1, "totalPages": 2}
    second = {"data": [{**NUMBER, "id": "pn-2"}], "total": 2, "page": 2, "limit": 1}
    recorder = Recorder([envelope(first), envelope(second)])
    async with make_client(recorder) as client:
        ids = [number.id async for number in client.phone_numbers.list(limit=1)]
    assert ids == ["pn-1", "pn-2"]
    assert [r.url.params["page"] for r in recorder.requests] == ["1", "2"]
