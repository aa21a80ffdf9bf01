"""examples/aiohttp_app.py with aiohttp's own test server and client, against the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

pytest.importorskip("aiohttp")

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from examples.aiohttp_app import create_app
from instaview_async import AsyncClient
from tests.examples.conftest import FakeSetup
from tests.examples.error_cases import ERROR_CASES, ErrorCase, check_answer

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def _asyncio_only(anyio_backend: str) -> None:
    """aiohttp runs on asyncio only; there is nothing to test on trio."""
    if anyio_backend != "asyncio":
        pytest.skip("aiohttp supports asyncio only, not trio")


@asynccontextmanager
async def running(fake_api: FakeSetup) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """The app served on a local port by aiohttp's TestServer, and a client for it."""
    async with TestClient(TestServer(create_app(client_factory=fake_api.client))) as http:
        yield http


async def test_lists_jobs_through_the_shared_client(fake_api: FakeSetup) -> None:
    """GET /jobs answers with the job that exists on the fake."""
    async with running(fake_api) as http:
        response = await http.get("/jobs")
        assert response.status == 200
        assert [job["id"] for job in await response.json()] == [fake_api.job_id]


async def test_creates_a_candidate_for_a_job(fake_api: FakeSetup) -> None:
    """POST /jobs/{id}/candidates creates the candidate on the fake, assigned to the job."""
    body = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
    async with running(fake_api) as http:
        response = await http.post(f"/jobs/{fake_api.job_id}/candidates", json=body)
        assert response.status == 201
        created = await response.json()
    assert created["job_ids"] == [fake_api.job_id]
    assert created["id"] in fake_api.fake.candidates


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda case: case.id)
async def test_sdk_errors_become_the_right_http_answer(
    fake_api: FakeSetup, case: ErrorCase
) -> None:
    """Each SDK error becomes its own answer: 404, 409, 422, 503 + Retry-After, 502, 500."""
    app = create_app(client_factory=case.make_client(fake_api))
    async with TestClient(TestServer(app)) as http:
        for call in case.calls:
            path = call.path.format(job=fake_api.job_id)
            response = await http.request(call.method, path, json=call.json)
        body = await response.json()
    check_answer(case, fake_api, response.status, body, response.headers)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (b"{not json", {}),
        (b"[1, 2]", {}),
        (b'{"first_name": "Ada", "last_name": "L", "email": 42}', {"email": "must be a string"}),
    ],
)
async def test_a_bad_request_body_is_a_422_naming_the_field(
    fake_api: FakeSetup, body: bytes, fields: dict[str, str]
) -> None:
    """A body that is not a JSON object of strings is the caller's 422, and nothing is sent."""
    async with running(fake_api) as http:
        response = await http.post(f"/jobs/{fake_api.job_id}/candidates", data=body)
        assert response.status == 422
        assert (await response.json())["fields"] == fields
    assert not fake_api.fake.candidates


async def test_cleanup_context_closes_the_client(fake_api: FakeSetup) -> None:
    """The cleanup context makes one client at startup and closes it at shutdown."""
    made: list[AsyncClient] = []

    def factory() -> AsyncClient:
        made.append(fake_api.client())
        return made[-1]

    async with TestClient(TestServer(create_app(client_factory=factory))) as http:
        for _ in range(3):
            assert (await http.get("/jobs")).status == 200
        assert len(made) == 1
        assert not made[0].is_closed
    assert made[0].is_closed
