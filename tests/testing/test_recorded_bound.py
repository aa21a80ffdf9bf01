"""``FakeInstaView(max_recorded=N)``: a long-running fake keeps only the newest N requests."""

from __future__ import annotations

import pytest

from instaview_async.testing import FakeInstaView

pytestmark = pytest.mark.anyio


async def test_only_the_newest_requests_are_kept() -> None:
    """State is untouched by the bound: every job is there; the record holds the last 3."""
    fake = FakeInstaView(max_recorded=3)
    async with fake.client(api_key=fake.create_api_key()) as client:
        jobs = [
            await client.jobs.create(title=f"Job number {i}", description="Bounded records")
            for i in range(5)
        ]
        assert len(await client.jobs.list(limit=10)) == 5
    recorded = fake.requests
    assert [r.method for r in recorded] == ["POST", "POST", "GET"]
    assert [r.json["title"] for r in recorded[:2]] == [jobs[3].title, jobs[4].title]


async def test_zero_records_nothing_and_the_default_everything() -> None:
    """0 for a server nobody inspects; None (the default) keeps all, as tests expect."""
    quiet, full = FakeInstaView(max_recorded=0), FakeInstaView()
    for fake in (quiet, full):
        async with fake.client(api_key=fake.create_api_key()) as client:
            for _ in range(4):
                await client.jobs.list()
    assert quiet.requests == ()
    assert len(full.requests) == 4


@pytest.mark.parametrize("bad", [-1, 2.5, "10", True])
def test_a_bad_bound_names_the_argument(bad: object) -> None:
    """Refused at construction, naming the argument."""
    with pytest.raises(ValueError, match="max_recorded"):
        FakeInstaView(max_recorded=bad)  # type: ignore[arg-type]
