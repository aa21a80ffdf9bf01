"""Injected faults: deterministic from a seed, and harmless to a client that retries with keys."""

from __future__ import annotations

import contextlib
from collections import Counter

import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView, Faults
from tests.http_family import httpx

from .conftest import raw

pytestmark = pytest.mark.anyio

JOB = {"title": "Backend engineer", "description": "Python, asyncio and httpx"}
PATIENT = iv.RetryPolicy(max_attempts=12, base_delay=0.0001, max_delay=0.001)


async def test_n_creates_under_faults_leave_exactly_n_jobs() -> None:
    """60 creates under 20% errors, dropped-after-commit replies and bad bodies make 60 jobs."""
    faults = Faults(error_rate=0.15, malformed_rate=0.05, drop_after_commit_rate=0.15, seed=7)
    fake = FakeInstaView(faults=faults)
    key = fake.create_api_key()
    async with fake.client(api_key=key, retry=PATIENT, circuit_breaker=None) as client:
        made = [await client.jobs.create(**JOB) for _ in range(60)]
    assert len({job.id for job in made}) == 60
    assert set(fake.jobs) == {job.id for job in made}
    seen = Counter(r.fault for r in fake.requests)
    assert seen["error"] and seen["malformed"] and seen["drop_after_commit"]
    assert any(r.replayed for r in fake.requests)


async def test_dropped_replies_over_a_socket_do_not_duplicate() -> None:
    """Over a real socket, a connection aborted after commit is retried into one job."""
    fake = FakeInstaView(faults=Faults(drop_after_commit_rate=0.3, seed=3))
    key = fake.create_api_key()
    async with fake.serve() as url, iv.AsyncClient(base_url=url, api_key=key, retry=PATIENT) as c:
        made = [await c.jobs.create(**JOB) for _ in range(15)]
    assert set(fake.jobs) == {job.id for job in made}
    assert any(r.fault == "drop_after_commit" and r.status is None for r in fake.requests)


async def test_a_dropped_reply_is_a_read_error_after_the_write() -> None:
    """In process, a lost response raises httpx.ReadError, yet the job exists."""
    fake = FakeInstaView(faults=Faults(drop_after_commit_rate=1.0))
    async with raw(fake, fake.create_api_key()) as http:
        with pytest.raises(httpx.ReadError):
            await http.post("/jobs", json=JOB)
    assert len(fake.jobs) == 1


@pytest.mark.parametrize("seed", [1, 2])
async def test_malformed_replies_are_server_errors_that_write_nothing(seed: int) -> None:
    """An HTML 502 or a cut-off JSON body maps to ServerError, and no job is created."""
    fake = FakeInstaView(faults=Faults(malformed_rate=1.0, seed=seed))
    async with fake.client(api_key=fake.create_api_key(), retry=None) as client:
        with pytest.raises(iv.ServerError) as caught:
            await client.jobs.create(**JOB)
    assert caught.value.status_code >= 500
    assert not fake.jobs and fake.requests[0].fault == "malformed"


async def test_malformed_replies_include_html_and_truncated_json() -> None:
    """Among malformed replies are nginx-style HTML 502 pages and JSON cut in half."""
    fake = FakeInstaView(faults=Faults(malformed_rate=1.0, seed=5))
    async with raw(fake, fake.create_api_key()) as http:
        replies = [await http.get("/jobs") for _ in range(10)]
    kinds = {r.headers["content-type"].split(";")[0] for r in replies}
    assert kinds == {"text/html", "application/json"}
    for reply in replies:
        if reply.headers["content-type"].startswith("application/json"):
            with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
                reply.json()


async def test_error_faults_use_the_chosen_statuses_before_any_write() -> None:
    """error_rate=1 with statuses=(503,) answers 503 to everything and stores nothing."""
    fake = FakeInstaView(faults=Faults(error_rate=1.0, statuses=(503,)))
    async with raw(fake, fake.create_api_key()) as http:
        replies = [await http.post("/jobs", json=JOB) for _ in range(3)]
    assert {r.status_code for r in replies} == {503}
    assert replies[0].json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert not fake.jobs


async def test_the_same_seed_gives_the_same_faults() -> None:
    """Two fakes with one seed fail the same requests in the same way."""

    async def run() -> list[tuple[str | None, int | None]]:
        fake = FakeInstaView(faults=Faults(error_rate=0.3, drop_after_commit_rate=0.2, seed=9))
        async with raw(fake, fake.create_api_key()) as http:
            for _ in range(30):
                with contextlib.suppress(httpx.ReadError):
                    await http.get("/jobs")
        return [(r.fault, r.status) for r in fake.requests]

    first = await run()
    assert first == await run()
    assert {fault for fault, _ in first} == {None, "error", "drop_after_commit"}


async def test_faults_can_be_limited_to_some_methods() -> None:
    """Faults hit GETs by default; methods=("POST",) spares them."""
    fake = FakeInstaView(faults=Faults(error_rate=1.0, methods=("POST",)))
    async with raw(fake, fake.create_api_key()) as http:
        assert (await http.get("/jobs")).status_code == 200
        assert (await http.post("/jobs", json=JOB)).status_code >= 500


def test_faults_refuse_impossible_rates() -> None:
    """Rates outside 0..1 and non-5xx statuses are configuration errors."""
    with pytest.raises(ValueError, match="error_rate"):
        Faults(error_rate=1.5)
    with pytest.raises(ValueError, match="statuses"):
        Faults(statuses=(404,))
