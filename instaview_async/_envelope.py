"""The response envelope ``{success, data, error, timestamp}`` and decoding a reply into a model."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import attrs

from ._converter import converter, describe_failure
from ._error_body import ErrorBody
from ._error_mapping import error_from_body, error_from_response
from ._exceptions import ResponseDecodeError

if TYPE_CHECKING:
    from ._http import Response

__all__ = ["Envelope", "ErrorBody", "decode", "parse_json", "unwrap"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Envelope(Generic[T]):
    """The standard envelope every InstaView reply is wrapped in."""

    success: bool
    data: T | None = None
    error: ErrorBody | None = None
    timestamp: datetime | None = None


def parse_json(response: Response) -> Any:
    """Return the reply's JSON, or raise ResponseDecodeError saying why it is not JSON."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ResponseDecodeError(
            f"{_where(response)}: the body is not valid JSON ({exc}); starts with "
            f"{response.content[:80]!r}",
            response=response,
        ) from None


def unwrap(payload: Any, response: Response) -> Any:
    """Return the ``data`` of an envelope; a bare DTO (as some pages show) is its own data."""
    if type(payload) is dict and "success" in payload:
        if payload["success"] is False or payload.get("error"):
            raise error_from_body(response, payload)
        if "data" in payload:
            return payload["data"]
    return payload


def decode(response: Response, cl: type[T] | Any) -> T:
    """Decode a reply into ``cl``; raise the matching APIError for an error reply."""
    if not response.is_success:
        raise error_from_response(response)
    data = unwrap(parse_json(response), response)
    result: T = structure(data, cl, response)
    return result


def structure(data: Any, cl: type[T] | Any, response: Response) -> T:
    """Structure ``data`` into ``cl`` or raise ResponseDecodeError naming the mismatched path."""
    try:
        return cast(T, converter.structure(data, cl))
    except Exception:  # cattrs raises many kinds; all mean "not the documented shape"
        reason = describe_failure(data, cl)
        name = getattr(cl, "__name__", str(cl))
        raise ResponseDecodeError(
            f"{_where(response)}: the reply does not match {name}: {reason}", response=response
        ) from None


def _where(response: Response) -> str:
    # A user's middleware may build a reply without ``request=``; httpx then raises
    # RuntimeError on ``.request``, which would hide the decode failure being reported.
    try:
        request = response.request
    except RuntimeError:
        return f"reply {response.status_code}"
    return f"{request.method} {request.url.path} -> {response.status_code}"
