"""HTTP as a real server of this API answers it: routing first, honest messages, one rule."""

from __future__ import annotations

from typing import Any

import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView

from .conftest import error, raw

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/jobs", "GET, POST"),
        ("DELETE", "/v1/public/jobs", "GET, POST"),
        ("POST", "/v1/candidates/0b6e2c1a-0000-4000-8000-000000000001", "GET, PATCH, DELETE"),
    ],
)
async def test_a_wrong_method_on_a_known_path_is_405_with_allow(
    fake: FakeInstaView, method: str, path: str, allow: str
) -> None:
    """A known path with a wrong method: 405 METHOD_NOT_ALLOWED and an Allow header."""
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    problem = error(response)
    assert problem["code"] == "METHOD_NOT_ALLOWED"
    assert problem["details"]["allowed"] == allow.split(", ")
    assert path in problem["message"]


@pytest.mark.parametrize("key", [None, "sk_test_unknown", "valid"])
async def test_an_unknown_route_is_404_with_or_without_a_key(
    fake: FakeInstaView, key: str | None
) -> None:
    """Routing comes before authentication: no key, a wrong key and a good key all get 404."""
    secret = fake.create_api_key() if key == "valid" else key
    async with raw(fake, secret) as http:
        response = await http.get("/v1/public/nope")
    assert response.status_code == 404
    assert error(response) == {"code": "ROUTE_NOT_FOUND", "message": "Cannot GET /v1/public/nope"}


async def test_a_wrong_method_without_a_key_is_still_405(fake: FakeInstaView) -> None:
    """The router answers before authentication for a wrong method too."""
    async with raw(fake, None) as http:
        response = await http.put("/jobs")
    assert response.status_code == 405 and response.headers["allow"] == "GET, POST"


@pytest.mark.parametrize("path", ["/nope", "/v1/nope/", "/v1/public/jobs/1/nope"])
async def test_messages_keep_the_path_the_client_sent(fake: FakeInstaView, path: str) -> None:
    """The 404 names the path exactly as sent, prefix and trailing slash included."""
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.post(path, json={})
    assert error(response)["message"] == f"Cannot POST {path}"


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({}, "Missing Authorization header"),
        ({"Authorization": ""}, "Missing Authorization header"),
        ({"Authorization": "Token sk_test_abc"}, "Malformed Authorization header"),
        ({"Authorization": "Bearer"}, "Malformed Authorization header"),
        ({"Authorization": "Bearer sk_test_abc"}, "invalid or has been revoked"),
    ],
)
async def test_the_401_says_what_is_wrong_with_the_authorization(
    fake: FakeInstaView, headers: dict[str, str], says: str
) -> None:
    """A missing, malformed or unknown key is INVALID_API_KEY (401), each with its own message."""
    fake.create_api_key()
    async with raw(fake, None, **headers) as http:
        response = await http.get("/jobs")
    assert response.status_code == 401
    problem = error(response)
    assert problem["code"] == "INVALID_API_KEY" and says in problem["message"]


CANDIDATE = {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}


@pytest.mark.parametrize(
    ("leave_out", "field", "fields"),
    [
        (("lastName",), "lastName", ["lastName"]),
        (("firstName", "lastName"), "firstName", ["firstName", "lastName"]),
    ],
)
async def test_one_and_several_missing_fields_follow_one_rule(
    fake: FakeInstaView, leave_out: tuple[str, ...], field: str, fields: list[str]
) -> None:
    """Only missing fields: MISSING_REQUIRED_FIELD naming the first, and all in details.fields."""
    body = {k: v for k, v in CANDIDATE.items() if k not in leave_out}
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.post("/candidates", json=body)
    problem = error(response)
    assert response.status_code == 400
    assert problem["code"] == "MISSING_REQUIRED_FIELD"
    assert problem["message"].endswith(": " + ", ".join(fields))
    assert (problem["details"]["field"], problem["details"]["type"]) == (field, "string")
    assert list(problem["details"]["fields"]) == fields
    assert not fake.candidates


async def test_missing_and_invalid_fields_together_are_a_validation_error(
    fake: FakeInstaView,
) -> None:
    """A missing field next to an invalid one: VALIDATION_ERROR listing both."""
    body = {"firstName": "Ada", "email": "not-an-email"}
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.post("/candidates", json=body)
    problem = error(response)
    assert problem["code"] == "VALIDATION_ERROR"
    assert set(problem["details"]["fields"]) == {"lastName", "email"}


async def test_the_sdk_sees_every_missing_field(fake: FakeInstaView) -> None:
    """ValidationError.field_errors lists each missing field, as the fake names them all."""
    async with fake.client(api_key=fake.create_api_key()) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.request("POST", "/jobs", Any, json={})
    assert caught.value.code == "MISSING_REQUIRED_FIELD"
    assert set(caught.value.field_errors) == {"title", "description"}


@pytest.mark.parametrize(
    ("content", "content_type", "says"),
    [
        (b"firstName=Ada&lastName=L", "application/x-www-form-urlencoded", "Content-Type"),
        (b'{"firstName": "Ada",', "application/json", "does not parse"),
        (b"\xff\xfe", "application/json", "does not parse"),
        (b'{"firstName": "Ada"}', "text/plain", "'text/plain'"),
    ],
)
async def test_a_body_that_is_not_json_is_a_400_saying_so(
    fake: FakeInstaView, content: bytes, content_type: str, says: str
) -> None:
    """A form, broken JSON or a non-JSON Content-Type: a 400 envelope naming the cause."""
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.post(
            "/candidates", content=content, headers={"Content-Type": content_type}
        )
    assert response.status_code == 400
    problem = error(response)
    assert problem["code"] == "VALIDATION_ERROR"
    assert problem["message"].startswith("The request body is not JSON")
    assert says in problem["message"] and problem["details"]["fields"]["body"]
    assert not fake.candidates


async def test_json_with_a_charset_or_a_json_suffix_is_accepted(fake: FakeInstaView) -> None:
    """application/json; charset=utf-8 and application/merge-patch+json bodies are parsed."""
    job = b'{"title": "Backend engineer", "description": "Python, asyncio"}'
    async with raw(fake, fake.create_api_key()) as http:
        made = await http.post(
            "/jobs", content=job, headers={"Content-Type": "application/json; charset=utf-8"}
        )
        job_id = made.json()["data"]["id"]
        patched = await http.patch(
            f"/jobs/{job_id}",
            content=b'{"status": "CLOSED"}',
            headers={"Content-Type": "application/merge-patch+json"},
        )
    assert made.status_code == 201 and patched.json()["data"]["status"] == "CLOSED"
