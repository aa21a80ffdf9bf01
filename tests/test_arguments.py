"""Arguments are checked where they enter: TypeError for a wrong type, ValueError for a value."""

from __future__ import annotations

import inspect
import math
import re
from typing import Any

import pytest

import instaview_async as iv
from tests.conftest import envelope
from tests.helpers import Recorder, make_client
from tests.http_family import httpx
from tests.resources.test_path_ids import _method, _namespaces

# -- AsyncClient ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"api_key": 123}, "api_key must be a str, not int"),
        ({"api_key": b"sk_live"}, "api_key must be a str, not bytes"),
        ({"base_url": 8765}, "base_url must be a str, not int"),
        ({"timeout": "fast"}, "timeout must be a number of seconds or an httpx.Timeout, not str"),
        ({"timeout": None}, "httpx.Timeout(None) means no timeout"),
        ({"timeout": True}, "timeout must be a number of seconds or an httpx.Timeout, not bool"),
        ({"company_id": 7}, "company_id must be a str or None, not int"),
        ({"retry": {"max_attempts": 2}}, "retry must be instaview_async.RetryPolicy or None"),
        ({"circuit_breaker": 5}, "circuit_breaker must be instaview_async.CircuitBreakerPolicy"),
        ({"rate_limit": True}, "rate_limit must be instaview_async.RateLimitPolicy or None"),
        ({"middleware": "auth"}, "middleware must be a sequence of middlewares, not str"),
        ({"middleware": [object()]}, "middleware[0] must be callable"),
        ({"http_client": httpx.Client()}, "http_client must be httpx.AsyncClient or None"),
        ({"transport": httpx.HTTPTransport()}, "transport must be httpx.AsyncBaseTransport"),
    ],
)
def test_a_wrong_type_is_a_type_error_naming_the_argument(
    kwargs: dict[str, Any], message: str
) -> None:
    """Each constructor argument of the wrong type fails at once, saying what was expected."""
    arguments = {"api_key": "sk_test_x", **kwargs}
    with pytest.raises(TypeError) as caught:
        iv.AsyncClient(**arguments)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "127.0.0.1:8765"}, "base_url must be an http:// or https:// URL with a host"),
        ({"base_url": "ftp://files.example"}, "http:// or https://"),
        ({"base_url": "https://"}, "with a host"),
        ({"base_url": ""}, "with a host"),
        ({"base_url": "http://127.0.0.1:port"}, "base_url is not a valid URL"),
        ({"base_url": "https://api.test/?companyId=c1"}, "must not have a query string"),
        ({"timeout": 0}, "timeout must be > 0 seconds, got 0"),
        ({"timeout": -1.5}, "timeout must be > 0 seconds, got -1.5"),
        ({"timeout": math.nan}, "timeout must be > 0 seconds, got nan"),
        ({"timeout": httpx.Timeout(5.0, connect=0)}, "timeout.connect must be > 0 seconds"),
        (
            {"http_client": httpx.AsyncClient(), "transport": httpx.MockTransport(lambda r: None)},
            "give http_client or transport, not both",
        ),
    ],
)
def test_a_wrong_value_is_a_value_error(kwargs: dict[str, Any], message: str) -> None:
    """A value of the right type that cannot work fails at construction, not at the first call."""
    with pytest.raises(ValueError, match=re.escape(message)):
        iv.AsyncClient(api_key="sk_test_x", **kwargs)


def test_good_values_are_kept() -> None:
    """What the checks accept works as before: the URL loses its slash, numbers become Timeouts."""
    client = iv.AsyncClient(api_key=" sk_test_x ", base_url="http://127.0.0.1:8765/", timeout=2)
    assert client.base_url == "http://127.0.0.1:8765"
    assert client._timeout == httpx.Timeout(2)
    no_read_limit = httpx.Timeout(5.0, read=None)
    assert iv.AsyncClient(api_key="k", timeout=no_read_limit)._timeout is no_read_limit


def test_with_options_checks_its_arguments_too() -> None:
    """A copy's timeout, retry and company_id get the same checks."""
    client = iv.AsyncClient(api_key="sk_test_x")
    with pytest.raises(TypeError, match="timeout must be a number"):
        client.with_options(timeout="5")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout must be > 0"):
        client.with_options(timeout=-1)
    with pytest.raises(TypeError, match=r"retry must be instaview_async\.RetryPolicy"):
        client.with_options(retry=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="company_id must be a str or None"):
        client.with_options(company_id=1)  # type: ignore[arg-type]


def test_a_bad_environment_base_url_is_named_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """$INSTAVIEW_BASE_URL without a scheme fails at construction like the argument."""
    monkeypatch.setenv("INSTAVIEW_BASE_URL", "localhost:8765")
    with pytest.raises(ValueError, match="base_url must be an http"):
        iv.AsyncClient(api_key="sk_test_x")


# -- policies ---------------------------------------------------------------------------------

POLICY_TYPES = [
    (iv.RetryPolicy, "max_attempts", "3", "must be an int, not str"),
    (iv.RetryPolicy, "max_attempts", 2.0, "must be an int, not float"),
    (iv.RetryPolicy, "base_delay", "1", "must be a number of seconds, not str"),
    (iv.RetryPolicy, "max_delay", None, "must be a number of seconds, not NoneType"),
    (iv.RetryPolicy, "jitter", "no", "must be a bool, not str"),
    (iv.RetryPolicy, "timeout", "10", "must be a number of seconds or None, not str"),
    (iv.CircuitBreakerPolicy, "failure_threshold", True, "must be an int, not bool"),
    (iv.CircuitBreakerPolicy, "recovery_time", "60", "must be a number of seconds, not str"),
    (iv.CircuitBreakerPolicy, "half_open_max_calls", 1.5, "must be an int, not float"),
    (iv.RateLimitPolicy, "max_wait", "60", "must be a number of seconds, not str"),
    (iv.RateLimitPolicy, "pace", 1, "must be a bool, not int"),
    (iv.RateLimitPolicy, "max_retries", None, "must be an int, not NoneType"),
]
POLICY_VALUES = [
    (iv.RetryPolicy, "max_attempts", 0, "must be >= 1, got 0"),
    (iv.RetryPolicy, "base_delay", -0.1, "must be >= 0, got -0.1"),
    (iv.RetryPolicy, "max_delay", math.nan, "must be >= 0, got nan"),
    (iv.RetryPolicy, "timeout", 0, "must be > 0, got 0"),
    (iv.CircuitBreakerPolicy, "failure_threshold", 0, "must be >= 1, got 0"),
    (iv.CircuitBreakerPolicy, "recovery_time", -5, "must be >= 0, got -5"),
    (iv.CircuitBreakerPolicy, "half_open_max_calls", 0, "must be >= 1, got 0"),
    (iv.RateLimitPolicy, "max_wait", -1, "must be >= 0, got -1"),
    (iv.RateLimitPolicy, "max_retries", -1, "must be >= 0, got -1"),
]


@pytest.mark.parametrize(("policy", "field", "value", "message"), POLICY_TYPES)
def test_a_policy_field_of_the_wrong_type_is_a_type_error(
    policy: type, field: str, value: object, message: str
) -> None:
    """A policy names its class and field and the type it expected."""
    with pytest.raises(TypeError) as caught:
        policy(**{field: value})
    assert str(caught.value) == f"{policy.__name__}.{field} {message}"


@pytest.mark.parametrize(("policy", "field", "value", "message"), POLICY_VALUES)
def test_a_policy_field_out_of_range_is_a_value_error(
    policy: type, field: str, value: object, message: str
) -> None:
    """A policy field outside its range says the range and the value."""
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        policy(**{field: value})
    assert str(caught.value) == f"{policy.__name__}.{field} {message}"


def test_policies_accept_their_documented_values() -> None:
    """Edges that are meaningful stay allowed: no backoff, no recovery wait, no 429 retries."""
    iv.RetryPolicy(max_attempts=1, base_delay=0, max_delay=0, jitter=False, timeout=0.5)
    iv.CircuitBreakerPolicy(failure_threshold=1, recovery_time=0, half_open_max_calls=1)
    iv.RateLimitPolicy(max_wait=0, pace=False, max_retries=0)


# -- list fields of the resources -------------------------------------------------------------

# Valid arguments of each method with a list field, so only the list field can be wrong.
VALID: dict[str, dict[str, Any]] = {
    "agents.create": {
        "name": "Screening",
        "type": "ONLINE",
        "focus": "GENERAL",
        "language": "EN",
        "duration": 20,
    },
    "candidates.create": {"first_name": "Ada", "last_name": "Lovelace", "email": "a@x.io"},
    "jobs.create": {"title": "Engineer", "description": "Build the things that matter."},
    "webhooks.create": {"url": "https://example.com/hook", "events": ["interview.completed"]},
    "sourcing.enrich": {"profile_ids": ["p1"]},
    "sourcing.render_html": {"profile_ids": ["p1"]},
}


def _list_fields() -> list[tuple[str, str, bool]]:
    """(method, list argument, whether its items must be str) for every resource method."""
    client = iv.AsyncClient(api_key="sk_test_x")
    found = []
    for space, resource in _namespaces(client):
        for name in dir(resource):
            method = getattr(resource, name)
            if name.startswith("_") or not callable(method):
                continue
            for parameter in inspect.signature(method).parameters.values():
                annotation = str(parameter.annotation)
                if "Sequence[" in annotation:
                    items_are_str = "Sequence[str]" in annotation or "str]" in annotation
                    found.append((f"{space}.{name}", parameter.name, items_are_str))
    return found


LIST_FIELDS = _list_fields()


def test_the_list_fields_are_found() -> None:
    """The walk sees the list arguments the issue names (a guard against finding nothing)."""
    found = {(method, field) for method, field, _ in LIST_FIELDS}
    assert ("candidates.create", "job_ids") in found
    assert ("candidates.update", "job_ids") in found
    assert ("jobs.update", "language_requirements") in found
    assert ("webhooks.create", "events") in found
    assert len(found) >= 16


async def _call(recorder: Recorder, method: str, **kwargs: Any) -> None:
    async with make_client(recorder) as client:
        positional = ["some-id"] if method.endswith(".update") else []
        await _method(client, method)(*positional, **{**VALID.get(method, {}), **kwargs})


@pytest.mark.anyio
@pytest.mark.parametrize(("method", "field", "items_are_str"), LIST_FIELDS)
@pytest.mark.parametrize("value", ["abc", b"abc", {"a": "b"}, 42], ids=repr)
async def test_a_list_field_given_a_non_list_is_a_type_error(
    method: str, field: str, items_are_str: bool, value: object
) -> None:
    """A str (or any non-list) where a list belongs is a TypeError naming it; nothing is sent."""
    recorder = Recorder([envelope({})])
    with pytest.raises(TypeError, match=rf"^{field} must be a list or tuple, not "):
        await _call(recorder, method, **{field: value})
    assert recorder.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "field"), [(m, f) for m, f, items_are_str in LIST_FIELDS if items_are_str]
)
async def test_a_list_of_str_with_another_item_is_a_type_error(method: str, field: str) -> None:
    """An item that is not a str is named by its position."""
    recorder = Recorder([envelope({})])
    with pytest.raises(TypeError, match=rf"^{field}\[1\] must be a str, not int$"):
        await _call(recorder, method, **{field: ["ok", 7]})
    assert recorder.requests == []


@pytest.mark.anyio
async def test_job_ids_as_a_string_is_never_sent() -> None:
    """The issue's case: candidates.create(job_ids="abc") used to send the string."""
    recorder = Recorder([envelope({})])
    async with make_client(recorder) as client:
        with pytest.raises(TypeError, match="job_ids must be a list or tuple, not str"):
            await client.candidates.create(
                first_name="Ada",
                last_name="Lovelace",
                email="ada@example.com",
                job_ids="abc",  # type: ignore[arg-type]
            )
    assert recorder.requests == []


@pytest.mark.anyio
async def test_an_inline_candidates_job_ids_is_checked_too() -> None:
    """A mapping given for an interview's inline candidate gets the same check."""
    candidate = {"first_name": "Ada", "last_name": "L", "email": "a@x.io", "job_ids": "abc"}
    async with make_client(Recorder([envelope({})])) as client:
        with pytest.raises(TypeError, match=r"candidate\.jobIds must be a list of str, not str"):
            await client.interviews.create(candidate=candidate, agent_id="a1")
