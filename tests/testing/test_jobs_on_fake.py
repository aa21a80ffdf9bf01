"""The SDK's jobs resource against the fake, in process and over a real socket."""

from __future__ import annotations

import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView

from .conftest import raw

pytestmark = pytest.mark.anyio


async def _exercise_jobs(client: iv.AsyncClient, fake: FakeInstaView) -> None:
    job = await client.jobs.create(
        title="Backend engineer",
        description="Python, asyncio and httpx",
        required_skills=["python"],
        location={"work_mode": "REMOTE", "country_code": "SK"},
    )
    assert job.status == "OPEN"
    assert job.location is not None and job.location.country_code == "SK"
    assert (await client.jobs.get(job.id)).title == "Backend engineer"
    updated = await client.jobs.update(job.id, status="CLOSED", benefits=None)
    assert updated.status == "CLOSED"
    page = await client.jobs.list()
    assert [j.id for j in page.items] == [job.id] and page.total == 1
    await client.jobs.delete(job.id)
    with pytest.raises(iv.NotFoundError) as caught:
        await client.jobs.get(job.id)
    assert caught.value.details.resource_id == job.id
    assert (await client.jobs.list()).items == ()
    assert job.id in fake.jobs.deleted and job.id not in fake.jobs


async def test_jobs_crud_in_process(fake: FakeInstaView) -> None:
    """create, get, update, list and delete work through fake.client, and delete hides the job."""
    key = fake.create_api_key()
    async with fake.client(api_key=key) as client:
        await _exercise_jobs(client, fake)


async def test_jobs_crud_over_a_real_socket(fake: FakeInstaView) -> None:
    """The same calls work with a plain AsyncClient against fake.serve() on 127.0.0.1."""
    key = fake.create_api_key()
    async with fake.serve(port=0) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        async with iv.AsyncClient(base_url=base_url, api_key=key) as client:
            await _exercise_jobs(client, fake)
    assert [r.method for r in fake.requests][:2] == ["POST", "GET"]


async def test_pages_walk_every_job(fake: FakeInstaView) -> None:
    """Listing 25 jobs 10 at a time yields three pages and every job once."""
    key = fake.create_api_key()
    async with fake.client(api_key=key) as client:
        for i in range(25):
            await client.jobs.create(title=f"Job number {i}", description="A long description")
        first = await client.jobs.list(limit=10)
        assert (first.total, first.total_pages, first.has_next) == (25, 3, True)
        seen = [job.id async for job in client.jobs.list(limit=10)]
    assert seen == list(fake.jobs)


@pytest.mark.parametrize("prefix", ["", "/v1", "/v1/public"])
async def test_every_documented_path_prefix_is_served(fake: FakeInstaView, prefix: str) -> None:
    """Paths work bare, under /v1 and under /v1/public, as the docs show all three."""
    key = fake.create_api_key()
    async with raw(fake, key) as http:
        response = await http.get(f"{prefix}/jobs")
    assert response.status_code == 200
    assert response.json()["data"] == {
        "data": [],
        "total": 0,
        "page": 1,
        "limit": 20,
        "totalPages": 0,
    }


async def test_every_response_carries_a_request_id(fake: FakeInstaView) -> None:
    """x-request-id is on success and error replies, and the SDK error carries it."""
    key = fake.create_api_key()
    async with fake.client(api_key=key) as client:
        with pytest.raises(iv.NotFoundError) as caught:
            await client.jobs.get("00000000-0000-4000-8000-000000000000")
    assert caught.value.request_id == fake.requests[-1].request_id
    assert caught.value.request_id is not None


@pytest.mark.parametrize(
    ("params", "field"), [({"limit": "101"}, "limit"), ({"page": "0"}, "page")]
)
async def test_paging_parameters_are_bounded(
    fake: FakeInstaView, params: dict[str, str], field: str
) -> None:
    """limit is 1-100 and page at least 1, as the docs say; others are VALIDATION_ERROR."""
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.get("/jobs", params=params)
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {field}
