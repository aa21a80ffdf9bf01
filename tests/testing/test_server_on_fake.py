"""fake.serve(): the same app on a real 127.0.0.1 socket, started and stopped cleanly."""

from __future__ import annotations

import sys

import pytest

from instaview_async.testing import FakeInstaView
from tests.http_family import httpx

from .conftest import data, error

pytestmark = pytest.mark.anyio


async def test_the_socket_serves_bodies_empty_replies_and_errors(fake: FakeInstaView) -> None:
    """Over the socket a 201, a bodiless 204 and an enveloped 404 all arrive intact."""
    headers = {"Authorization": f"Bearer {fake.create_api_key()}"}
    async with fake.serve() as base_url, httpx.AsyncClient(base_url=base_url, headers=headers) as h:
        hook = data(await h.post("/webhooks", json={"url": "https://e.io/h", "events": ["ping"]}))
        deleted = await h.delete(f"/v1/webhooks/{hook['id']}")
        missing = await h.get(f"/webhooks/{hook['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert error(missing)["code"] == "RESOURCE_NOT_FOUND"
    assert missing.headers["x-request-id"] == fake.requests[-1].request_id


async def test_the_server_is_gone_after_the_block(fake: FakeInstaView) -> None:
    """Leaving serve() stops the server: its port refuses connections."""
    async with fake.serve() as base_url:
        pass
    async with httpx.AsyncClient() as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"{base_url}/jobs")


async def test_serving_without_uvicorn_names_the_extra(
    fake: FakeInstaView, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without uvicorn installed, serve() says to install the server extra."""
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(RuntimeError, match=r"instaview-async\[server\]"):
        async with fake.serve():
            pass
