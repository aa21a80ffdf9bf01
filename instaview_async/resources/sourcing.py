"""``client.sourcing``: sourcing runs, previews, enrichment, profile cards, and polling for results.

The docs show these replies as a flat object with its own ``success`` and no ``data`` wrapper,
and do not say whether that object also arrives inside the standard envelope. Both decode: a
payload with a top-level ``requestId``, or whose ``data`` is not an object (enrichment and
render-html replies carry their own ``data`` *list*), is the flat object; otherwise it is the
envelope and its ``data`` is taken.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import anyio

from .._envelope import parse_json, structure
from .._error_mapping import error_from_body, error_from_response
from .._exceptions import APITimeoutError, ValidationError
from .._wire import NOT_GIVEN, NotGiven, body, path_id, strings
from ..models.sourcing import (
    EnrichmentResults,
    PreviewResults,
    RenderedCards,
    SourcingResults,
    SourcingRun,
    Theme,
)
from . import _validate
from ._base import Resource

if TYPE_CHECKING:
    from .._http import Response

__all__ = ["MIN_POLL_INTERVAL", "Sourcing", "SourcingTimeoutError"]

T = TypeVar("T")
_Results = SourcingResults | PreviewResults | EnrichmentResults
Kind = Literal["sourcing", "preview", "enrich"]

MIN_POLL_INTERVAL = 10.0
"""Seconds: the docs ask results to be polled at most once every 10 s (>120/min gets a 429)."""

MAX_TITLE = 200
MAX_JOB_DESCRIPTION = 10_000
MAX_QUERY_PATCH = 500
MAX_EXTRA_LIMIT = 50
MAX_PREVIEW_LIMIT = 100
MAX_PROFILE_IDS = 10


class SourcingTimeoutError(APITimeoutError):
    """``wait_for_results`` reached its deadline while the run was still processing.

    ``last`` holds the last results seen; the run goes on server-side, so waiting again with
    the same ``request_id`` is safe.
    """

    __module__ = "instaview_async"  # exported there (lazily, so not set by the package)

    def __init__(self, message: str, *, request_id: str, timeout: float, last: Any) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.timeout = timeout
        self.last = last


class Sourcing(Resource):
    """Sourcing (``sourcing:read``/``sourcing:write``) and enrichment (``enrich:write``)."""

    __slots__ = ()

    async def create(
        self,
        *,
        title: str,
        job_description: str,
        location: str | None = None,
        query: str | None = None,
        limit: int | None = None,
        webhook_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> SourcingRun:
        """Start a sourcing run (202); poll `results` or `wait_for_results` with its request_id.

        Prepaid companies without enough credits get a BillingLimitError (402) before any
        work starts. ``webhook_id`` must name a webhook of the same company subscribed to the
        sourcing events.
        """
        payload = _search_body(title, job_description, location, query, limit, webhook_id)
        return await self._post("/sourcing", payload, idempotency_key)

    async def update(
        self,
        request_id: str,
        *,
        query: str | NotGiven | None = NOT_GIVEN,
        limit: int | NotGiven | None = NOT_GIVEN,
    ) -> SourcingRun:
        """Continue a finished run with a context ``query`` and/or ``limit`` more candidates (202).

        At least one of them is required (ValidationError before sending). While the run is
        still processing the API answers 409 (ConflictError).
        """
        if isinstance(query, NotGiven) and isinstance(limit, NotGiven):
            raise _invalid(
                {"query": "give query or limit (or both)", "limit": "give query or limit (or both)"}
            )
        problems: dict[str, str] = {}
        _check_length(problems, "query", query, MAX_QUERY_PATCH)
        _check_range(problems, "limit", limit, 1, MAX_EXTRA_LIMIT)
        _raise_if(problems)
        payload = body(drop_none=False, query=query, limit=limit)
        path = f"/sourcing/{path_id('request_id', request_id)}"
        return await self._call("PATCH", path, SourcingRun, json=payload)

    async def results(self, request_id: str) -> SourcingResults:
        """Fetch a sourcing run's results: ``processing`` (202) or ``completed``/``failed``."""
        path = f"/sourcing/{path_id('request_id', request_id)}/results"
        return await self._call("GET", path, SourcingResults)

    async def preview(
        self,
        *,
        title: str,
        job_description: str,
        location: str | None = None,
        query: str | None = None,
        limit: int | None = None,
        webhook_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> SourcingRun:
        """Start a cheap preview run (202): summary profiles only, ``limit`` 1-100 (default 20)."""
        payload = _search_body(
            title, job_description, location, query, limit, webhook_id, max_limit=MAX_PREVIEW_LIMIT
        )
        return await self._post("/sourcing/preview", payload, idempotency_key)

    async def preview_results(self, request_id: str) -> PreviewResults:
        """Fetch a preview run's results; poll at most every 10 s (faster gets RateLimitError)."""
        path = f"/sourcing/preview/{path_id('request_id', request_id)}/results"
        return await self._call("GET", path, PreviewResults)

    async def enrich(
        self,
        *,
        profile_ids: Sequence[str],
        webhook_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> SourcingRun:
        """Start enriching 1-10 sourced profiles (202); failed profiles are not billed."""
        _raise_if(_check_profile_ids(profile_ids))
        payload = body(drop_none=True, profile_ids=list(profile_ids), webhook_id=webhook_id)
        return await self._post("/sourcing/enrich", payload, idempotency_key)

    async def enrich_results(self, request_id: str) -> EnrichmentResults:
        """Fetch an enrichment run's results; a completed run may list per-profile failures."""
        path = f"/sourcing/enrich/{path_id('request_id', request_id)}/results"
        return await self._call("GET", path, EnrichmentResults)

    async def render_html(
        self,
        *,
        profile_ids: Sequence[str],
        theme: Theme | str | None = None,
        idempotency_key: str | None = None,
    ) -> RenderedCards:
        """Render 1-10 profiles as HTML cards now; ``theme`` "dark" (server default) or "light".

        A profile that cannot be rendered is a card with ``success`` false and an
        ``error_code`` such as ``PROFILE_NOT_FOUND``, not an exception.
        """
        _raise_if(_check_profile_ids(profile_ids))
        payload = body(drop_none=True, profile_ids=list(profile_ids), theme=theme)
        return await self._call(
            "POST",
            "/sourcing/render-html",
            RenderedCards,
            json=payload,
            idempotency_key=idempotency_key,
        )

    @overload
    async def wait_for_results(
        self,
        request_id: str,
        *,
        kind: Literal["sourcing"] = "sourcing",
        interval: float = ...,
        timeout: float | None = ...,  # noqa: ASYNC109 (see the implementation)
        sleep: Callable[[float], Awaitable[object]] = ...,
        clock: Callable[[], float] = ...,
    ) -> SourcingResults: ...

    @overload
    async def wait_for_results(
        self,
        request_id: str,
        *,
        kind: Literal["preview"],
        interval: float = ...,
        timeout: float | None = ...,  # noqa: ASYNC109 (see the implementation)
        sleep: Callable[[float], Awaitable[object]] = ...,
        clock: Callable[[], float] = ...,
    ) -> PreviewResults: ...

    @overload
    async def wait_for_results(
        self,
        request_id: str,
        *,
        kind: Literal["enrich"],
        interval: float = ...,
        timeout: float | None = ...,  # noqa: ASYNC109 (see the implementation)
        sleep: Callable[[float], Awaitable[object]] = ...,
        clock: Callable[[], float] = ...,
    ) -> EnrichmentResults: ...

    async def wait_for_results(
        self,
        request_id: str,
        *,
        kind: Kind = "sourcing",
        interval: float = MIN_POLL_INTERVAL,
        # A parameter, not anyio.fail_after: the deadline runs on the injectable clock and ends
        # with a SourcingTimeoutError carrying the last results, which a cancel scope cannot.
        timeout: float | None = 600.0,  # noqa: ASYNC109
        sleep: Callable[[float], Awaitable[object]] = anyio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> _Results:
        """Poll a run's results every ``interval`` seconds until it is completed or failed.

        ``interval`` below 10 s raises ValueError: the docs allow at most one poll per 10 s.
        A poll that could only start after ``timeout`` seconds is not made; SourcingTimeoutError
        (an APITimeoutError) is raised instead. ``timeout=None`` waits for ever. Cancelling the
        calling task or scope stops the wait at once; the run itself carries on server-side.
        """
        if interval < MIN_POLL_INTERVAL:
            raise ValueError(
                f"interval must be at least {MIN_POLL_INTERVAL} s (the API's polling limit), "
                f"got {interval}"
            )
        fetch = self._fetcher(kind)
        deadline = None if timeout is None else clock() + timeout
        while True:
            result = await fetch(request_id)
            if result.done:
                return result
            if timeout is not None and deadline is not None and clock() + interval > deadline:
                raise SourcingTimeoutError(
                    f"{kind} run {request_id} is still {result.status} and the next poll "
                    f"would come after the {timeout} s deadline",
                    request_id=request_id,
                    timeout=timeout,
                    last=result,
                )
            await sleep(interval)

    def _fetcher(self, kind: str) -> Callable[[str], Awaitable[_Results]]:
        fetchers: dict[str, Callable[[str], Awaitable[_Results]]] = {
            "sourcing": self.results,
            "preview": self.preview_results,
            "enrich": self.enrich_results,
        }
        if kind not in fetchers:
            raise ValueError(f"kind must be one of {sorted(fetchers)}, got {kind!r}")
        return fetchers[kind]

    async def _post(
        self, path: str, payload: dict[str, Any], idempotency_key: str | None
    ) -> SourcingRun:
        return await self._call(
            "POST", path, SourcingRun, json=payload, idempotency_key=idempotency_key
        )

    async def _call(
        self,
        method: str,
        path: str,
        cast: type[T],
        *,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> T:
        request = self._client.build_request(
            method, path, json=json, idempotency_key=idempotency_key
        )
        response = await self._client.send(request)
        if not response.is_success:
            raise error_from_response(response)
        return structure(_unwrap(parse_json(response), response), cast, response)


def _unwrap(payload: Any, response: Response) -> Any:
    """Return the flat sourcing object, whether it came bare or inside the standard envelope."""
    if not isinstance(payload, Mapping):
        return payload
    if isinstance(payload.get("error"), Mapping):
        raise error_from_body(response, payload)
    if "requestId" in payload or not isinstance(payload.get("data"), Mapping):
        return payload  # the flat object: its own ``success`` may be false for a failed run
    if payload.get("success") is False:
        raise error_from_body(response, payload)
    return payload["data"]


def _search_body(
    title: str,
    job_description: str,
    location: str | None,
    query: str | None,
    limit: int | None,
    webhook_id: str | None,
    *,
    max_limit: int | None = None,
) -> dict[str, Any]:
    problems: dict[str, str] = {}
    _check_length(problems, "title", title, MAX_TITLE)
    _check_length(problems, "jobDescription", job_description, MAX_JOB_DESCRIPTION)
    _check_range(problems, "limit", limit, 1, max_limit)
    _raise_if(problems)
    return body(
        drop_none=True,
        title=title,
        job_description=job_description,
        location=location,
        query=query,
        limit=limit,
        webhook_id=webhook_id,
    )


def _check_length(problems: dict[str, str], field: str, value: Any, most: int) -> None:
    if isinstance(value, str) and len(value) > most:
        problems[field] = f"must be at most {most} characters"


def _check_range(
    problems: dict[str, str], field: str, value: Any, least: int, most: int | None
) -> None:
    if value is None or isinstance(value, NotGiven):
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        problems[field] = f"must be an integer of at least {least}"
    elif most is not None and value > most:
        problems[field] = f"must be at most {most}"


def _check_profile_ids(profile_ids: Any) -> dict[str, str]:
    strings("profile_ids", profile_ids)
    if profile_ids is None:
        raise TypeError("profile_ids must be a list or tuple, not NoneType")
    if not 1 <= len(profile_ids) <= MAX_PROFILE_IDS:
        return {"profileIds": f"must hold 1-{MAX_PROFILE_IDS} ids, got {len(profile_ids)}"}
    if not all(isinstance(i, str) and i.strip() for i in profile_ids):
        return {"profileIds": "every id must be a non-empty string"}
    return {}


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise _invalid(problems)


def _invalid(problems: dict[str, str]) -> ValidationError:
    return _validate.invalid(problems)
