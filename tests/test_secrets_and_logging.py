"""The API key never shows; DEBUG logs say what was sent and how it went."""

from __future__ import annotations

import logging
import traceback

import pytest

import instaview_async as iv
from instaview_async.middleware import Auth
from tests.conftest import envelope, error_reply
from tests.helpers import Recorder, job_json, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

KEY = "sk_test_SECRETKEY123"


def test_key_is_not_in_reprs() -> None:
    """Neither the client's nor the auth layer's repr shows the key."""
    client = iv.AsyncClient(api_key=KEY)
    assert KEY not in repr(client) and KEY not in str(client)
    assert KEY not in repr(Auth(KEY))


async def test_key_is_not_in_errors_or_tracebacks() -> None:
    """An API error, its repr, its traceback and its request's repr do not show the key."""
    recorder = Recorder([error_reply(401, "INVALID_API_KEY", "The provided API key is invalid")])
    async with make_client(recorder) as client:
        with pytest.raises(iv.AuthenticationError) as caught:
            await client.jobs.get("j1")
    error = caught.value
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    assert KEY not in text and KEY not in repr(error)
    assert error.response is not None
    assert KEY not in repr(error.response.request.headers)


async def test_key_is_not_in_connection_errors() -> None:
    """A connection failure's message, cause and request repr do not show the key."""
    async with make_client(Recorder([httpx.ConnectError("refused")])) as client:
        with pytest.raises(iv.APIConnectionError) as caught:
            await client.jobs.get("j1")
    error = caught.value
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    assert KEY not in text
    assert error.request is not None and KEY not in repr(error.request.headers)


async def test_debug_log_names_method_path_status_and_attempt(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """At DEBUG each attempt is logged with method, path, status, attempt and time, no key."""
    recorder = Recorder([httpx.Response(503), envelope(job_json())])
    retry = iv.RetryPolicy(base_delay=0.0, jitter=False)
    with caplog.at_level(logging.DEBUG, logger="instaview_async"):
        async with make_client(recorder, retry=retry) as client:
            await client.jobs.get("j1")
    lines = [r.getMessage() for r in caplog.records if r.name == "instaview_async"]
    assert any("GET /jobs/j1 -> 503 (attempt 1" in line for line in lines)
    assert any("GET /jobs/j1 -> 200 (attempt 2" in line for line in lines)
    assert any(line.endswith("ms)") for line in lines)
    assert all(KEY not in line for line in lines)
