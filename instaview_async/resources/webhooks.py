"""``client.webhooks``: list, get, create, update, delete, test, reset_circuit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import attrs

from .._envelope import parse_json, unwrap
from .._error_mapping import error_from_response
from .._exceptions import ValidationError
from .._pagination import AsyncPager, Page, decode_page
from .._wire import NOT_GIVEN, NotGiven, body, nested, path_id, sequence
from ..models.webhooks import (
    WebhookConfig,
    WebhookEventType,
    WebhookHeader,
    WebhookTestResult,
)
from . import _validate
from ._base import Resource

__all__ = ["Webhooks"]

_Event = WebhookEventType | str | int
_Header = WebhookHeader | Mapping[str, Any]

MAX_URL_LENGTH = 2048
MAX_HEADERS = 50
MAX_NAME_LENGTH = 255
MAX_HEADER_NAME_LENGTH = 255
MAX_HEADER_VALUE_LENGTH = 4096


class Webhooks(Resource):
    """Webhook configurations (scopes ``read:webhooks``, ``write:webhooks``)."""

    __slots__ = ()

    def list(self, *, company_id: str | None = None) -> AsyncPager[WebhookConfig]:
        """List the key's webhooks (one page: the endpoint takes no paging parameters).

        ``company_id`` keeps only that company's webhooks and drops the global ones (it
        defaults to the client's ``company_id``). The docs show ``{data, total}`` with no
        ``page``/``limit``, so none are sent (a strict server could reject unknown query
        parameters) and the first page is the whole list.
        """

        return AsyncPager(partial(self._list_page, company_id))

    async def _list_page(self, company_id: str | None, number: int) -> Page[WebhookConfig]:
        if number != 1:  # the whole list is page 1; later pages are empty, without a request
            return Page(items=(), total=None, page=number, limit=0, total_pages=1, has_next=False)
        request = self._client.build_request("GET", "/webhooks", params={"companyId": company_id})
        response = await self._client.send(request)
        if not response.is_success:
            raise error_from_response(response)
        data = unwrap(parse_json(response), response)
        page = decode_page(data, WebhookConfig, response, page=1, limit=0)
        return attrs.evolve(page, limit=len(page.items), total_pages=1, has_next=False)

    async def get(self, webhook_id: str) -> WebhookConfig:
        """Fetch one webhook; NotFoundError if unknown, PermissionDeniedError if not yours."""
        return await self._client.request("GET", _path(webhook_id), WebhookConfig)

    async def create(
        self,
        *,
        url: str,
        events: Sequence[_Event],
        name: str | None = None,
        description: str | None = None,
        company_id: str | None = None,
        headers: Sequence[_Header] | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookConfig:
        """Create a webhook (201); the reply's `signing_secret` is shown this one time only.

        ``url`` must be HTTPS and at most 2048 characters, ``headers`` at most 50 name/value
        pairs; a ValidationError is raised before sending otherwise. Events may be given in
        any spelling and are sent as UPPER_SNAKE. Without ``company_id`` the webhook receives
        the events of every company the key can access.
        """
        _check(url=url, name=name, headers=headers)
        payload = body(
            drop_none=True,
            url=url,
            events=_events(events),
            name=name,
            description=description,
            company_id=company_id,
            headers=_headers(headers),
        )
        return await self._client.request(
            "POST", "/webhooks", WebhookConfig, json=payload, idempotency_key=idempotency_key
        )

    async def update(
        self,
        webhook_id: str,
        *,
        url: str | NotGiven = NOT_GIVEN,
        events: Sequence[_Event] | NotGiven = NOT_GIVEN,
        name: str | NotGiven | None = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        headers: Sequence[_Header] | NotGiven | None = NOT_GIVEN,
        is_active: bool | NotGiven = NOT_GIVEN,
    ) -> WebhookConfig:
        """Change only the fields given (``None`` sends ``null``); ``headers`` replaces them all.

        ``is_active=False`` pauses deliveries. The company cannot be changed.
        """
        _check(url=url, name=name, headers=headers)
        payload = body(
            drop_none=False,
            url=url,
            events=events if isinstance(events, NotGiven) else _events(events),
            name=name,
            description=description,
            headers=_headers(headers),
            is_active=is_active,
        )
        return await self._client.request("PATCH", _path(webhook_id), WebhookConfig, json=payload)

    async def delete(self, webhook_id: str) -> None:
        """Delete a webhook for good (204); its pending deliveries are cancelled."""
        await self._client.request("DELETE", _path(webhook_id), None)

    async def test(
        self, webhook_id: str, *, idempotency_key: str | None = None
    ) -> WebhookTestResult:
        """Send a ``ping`` delivery now and report how it went (the webhook must subscribe to ping).

        A failed delivery is not an exception: the API answers ``success: true`` and the
        result's own ``success`` and ``message`` say what happened.
        """
        return await self._client.request(
            "POST",
            f"{_path(webhook_id)}/test",
            WebhookTestResult,
            idempotency_key=idempotency_key,
        )

    async def reset_circuit(
        self, webhook_id: str, *, idempotency_key: str | None = None
    ) -> WebhookConfig:
        """Close the delivery circuit breaker and re-activate the webhook; returns it updated."""
        return await self._client.request(
            "POST",
            f"{_path(webhook_id)}/reset-circuit",
            WebhookConfig,
            idempotency_key=idempotency_key,
        )


def _path(webhook_id: str) -> str:
    return f"/webhooks/{path_id('webhook_id', webhook_id)}"


def _events(events: Iterable[_Event]) -> list[Any]:
    """Normalise every known spelling to UPPER_SNAKE; unknown names are sent as given."""
    return [_event_wire(event) for event in sequence("events", events)]


def _event_wire(event: _Event) -> Any:
    try:
        return WebhookEventType(event).value
    except ValueError:
        return event


def _headers(headers: Sequence[_Header] | NotGiven | None) -> Any:
    if headers is None or isinstance(headers, NotGiven):
        return headers
    return nested(list(headers))


def _check(*, url: Any, name: Any, headers: Any) -> None:
    """Apply the documented limits before sending; raise ValidationError naming the fields."""
    sequence("headers", headers)
    problems: dict[str, str] = {}
    if isinstance(url, str):
        _check_url(url, problems)
    if isinstance(name, str) and len(name) > MAX_NAME_LENGTH:
        problems["name"] = f"must be at most {MAX_NAME_LENGTH} characters"
    if isinstance(headers, Sequence) and not isinstance(headers, (str, bytes)):
        _check_headers(headers, problems)
    if problems:
        raise _invalid_fields(problems)


def _check_url(url: str, problems: dict[str, str]) -> None:
    if len(url) > MAX_URL_LENGTH:
        problems["url"] = f"must be at most {MAX_URL_LENGTH} characters"
    elif urlsplit(url).scheme.lower() != "https" or not urlsplit(url).netloc:
        problems["url"] = "must be an absolute https:// URL"


def _check_headers(headers: Sequence[_Header], problems: dict[str, str]) -> None:
    if len(headers) > MAX_HEADERS:
        problems["headers"] = f"must have at most {MAX_HEADERS} items"
        return
    for index, header in enumerate(headers):
        pair = _as_mapping(header)
        for key, limit in (("name", MAX_HEADER_NAME_LENGTH), ("value", MAX_HEADER_VALUE_LENGTH)):
            value = pair.get(key)
            if not isinstance(value, str) or not 1 <= len(value) <= limit:
                problems[f"headers[{index}].{key}"] = f"must be a string of 1-{limit} characters"


def _as_mapping(header: Any) -> Mapping[str, Any]:
    if isinstance(header, Mapping):
        return header
    return attrs.asdict(header) if attrs.has(type(header)) else {}


def _invalid(field: str, reason: str) -> ValidationError:
    return _invalid_fields({field: reason})


def _invalid_fields(problems: dict[str, str]) -> ValidationError:
    return _validate.invalid(problems)
