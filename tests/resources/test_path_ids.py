"""Ids stay in their path segment: every resource method that takes an id, for any text."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import instaview_async as iv
from instaview_async.resources._base import Resource
from tests.conftest import error_reply
from tests.helpers import Recorder, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

MARKER = "ID-MARKER"

# Keyword arguments a method needs for a call that the SDK would send (so that a
# ValidationError can only come from the id).
NEEDS: dict[str, dict[str, Any]] = {
    "interviews.call_attempts.reschedule": {
        "scheduled_at": datetime(2030, 1, 1, 9, tzinfo=timezone.utc)
    },
    "sourcing.update": {"query": "python developers"},
}

TRICKY = [
    "",
    " ",
    ".",
    "..",
    "...",
    "a/b",
    "a/../b",
    "%2F",
    "a%2Fb",
    "%2e%2e",
    "a?b=1",
    "a#frag",
    "a\\b",
    "a b",
    "a\tb",
    "a\x00b",
    "a\u200bb",
    "a\u00a0b",
    "é",
    "a;b=c",
    "a&b",
    "a+b",
    "~user",
    "550e8400-e29b-41d4-a716-446655440000",
]
IDS = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list("./\\?#%;=&+ \t\r\n\x00aZ9-_~é\u2028"))),
    st.sampled_from(TRICKY),
)


def _namespaces(client: iv.AsyncClient) -> Iterator[tuple[str, Resource]]:
    """Every resource namespace of a client, nested ones (interviews.call_attempts) too."""
    for name in dir(type(client)):
        value = None if name.startswith("_") else getattr(client, name)
        if not isinstance(value, Resource):
            continue
        yield name, value
        for sub in dir(type(value)):
            if not sub.startswith("_") and isinstance(getattr(type(value), sub), property):
                nested = getattr(value, sub)
                if isinstance(nested, Resource):
                    yield f"{name}.{sub}", nested


def _id_methods() -> list[tuple[str, str, list[str]]]:
    """(qualified method name, id parameter, all positional parameters) of every id method."""
    client = iv.AsyncClient(api_key="sk_test_x")
    found = []
    for space, resource in _namespaces(client):
        for name in dir(resource):
            method = getattr(resource, name)
            if name.startswith("_") or not callable(method):
                continue
            positional = [
                p.name
                for p in inspect.signature(method).parameters.values()
                if p.kind is p.POSITIONAL_OR_KEYWORD
            ]
            for parameter in positional:
                if parameter.endswith("_id"):
                    found.append((f"{space}.{name}", parameter, positional))
    return found


ID_METHODS = _id_methods()
TEMPLATES: dict[tuple[str, str], httpx.URL] = {}


def _method(client: iv.AsyncClient, qualified: str) -> Callable[..., Any]:
    target: Any = client
    for part in qualified.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


async def _call(
    qualified: str, positional: list[str], parameter: str, text: str
) -> tuple[Recorder, iv.ValidationError | None]:
    """Call the method with ``text`` as ``parameter`` (other ids valid): what was sent, and the
    ValidationError raised, if any (the server answers 404 to everything)."""
    recorder = Recorder(lambda request: error_reply(404, "RESOURCE_NOT_FOUND", "not found"))
    args = [text if name == parameter else "other-id" for name in positional]
    async with make_client(recorder) as client:
        try:
            await _method(client, qualified)(*args, **NEEDS.get(qualified, {}))
        except iv.NotFoundError:
            return recorder, None
        except iv.ValidationError as error:
            return recorder, error
    raise AssertionError("the fake server answers 404 to everything")


def test_the_id_methods_are_found() -> None:
    """Discovery sees every resource's id methods (a guard against finding nothing)."""
    names = {name for name, _, _ in ID_METHODS}
    assert {"jobs.get", "candidates.delete", "interviews.call_attempts.reschedule"} <= names
    assert {"webhooks.reset_circuit", "sourcing.wait_for_results", "companies.update"} <= names
    assert len(ID_METHODS) >= 28


@pytest.mark.parametrize(("qualified", "parameter", "positional"), ID_METHODS)
async def test_a_valid_id_is_sent_as_one_segment(
    qualified: str, parameter: str, positional: list[str]
) -> None:
    """With a plain id each method sends one request whose path holds the id as a segment."""
    recorder, error = await _call(qualified, positional, parameter, MARKER)
    assert error is None
    assert len(recorder.requests) == 1
    assert MARKER in recorder.requests[0].url.path.split("/")
    assert recorder.requests[0].url.query == b""


@pytest.mark.parametrize(("qualified", "parameter", "positional"), ID_METHODS)
@settings(max_examples=25, deadline=None)
@given(text=IDS)
@example(text="..")
@example(text="a/b")
async def test_any_text_is_refused_or_stays_in_its_segment(
    qualified: str, parameter: str, positional: list[str], text: str
) -> None:
    """For any text: ValidationError naming the argument and nothing sent, or exactly the
    resource's path with the text as its one segment and no query string."""
    key = (qualified, parameter)
    if key not in TEMPLATES:
        TEMPLATES[key] = (await _call(qualified, positional, parameter, MARKER))[0].requests[0].url
    template = TEMPLATES[key]
    recorder, error = await _call(qualified, positional, parameter, text)
    if error is not None:
        assert parameter in error.field_errors
        assert parameter in str(error)
        assert recorder.requests == []
        return
    (request,) = recorder.requests
    expected = [text if s == MARKER else s for s in template.path.split("/")]
    assert request.url.path.split("/") == expected
    assert request.url.query == template.query == b""
    assert request.url.fragment == ""


@pytest.mark.parametrize("bad", [None, 123, b"j1", ["j1"]])
async def test_an_id_that_is_not_a_str_is_a_type_error(bad: object) -> None:
    """A non-str id raises TypeError naming the argument and the type; nothing is sent."""
    recorder = Recorder([httpx.Response(200)])
    async with make_client(recorder) as client:
        with pytest.raises(TypeError, match=rf"^job_id must be a str, not {type(bad).__name__}$"):
            await client.jobs.get(bad)  # type: ignore[arg-type]
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "must be a non-empty string"),
        ("..", "must not be '.' or '..'"),
        ("a/b", "must be one path segment"),
    ],
)
async def test_a_refused_id_says_why(text: str, reason: str) -> None:
    """The ValidationError's field reason says what is wrong with the id."""
    async with make_client(Recorder([httpx.Response(200)])) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.candidates.delete(text)
    assert caught.value.field_errors["candidate_id"].startswith(reason)
