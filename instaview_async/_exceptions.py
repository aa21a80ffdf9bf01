"""The exceptions raised by instaview-async.

Every exception derives from `InstaViewError`, so one ``except`` catches them all::

    InstaViewError                       base of everything the SDK raises
    ├── APIError                         the server answered with an error
    │   ├── AuthenticationError          INVALID_API_KEY, API_KEY_SUSPENDED, 401
    │   ├── PermissionDeniedError        INSUFFICIENT_PERMISSIONS, RESOURCE_ACCESS_DENIED, 403
    │   ├── ValidationError              VALIDATION_ERROR, MISSING_REQUIRED_FIELD, 400/422
    │   ├── NotFoundError                RESOURCE_NOT_FOUND, REQUEST_NOT_FOUND, 404
    │   ├── ConflictError                RESOURCE_CONFLICT, 409
    │   ├── InvalidStateTransitionError  INVALID_STATE_TRANSITION
    │   ├── BillingLimitError            BILLING_LIMIT_EXCEEDED, 402
    │   ├── RateLimitError               RATE_LIMIT_EXCEEDED, 429
    │   └── ServerError                  5xx
    ├── APIConnectionError               no response: connect or read failure
    │   └── APITimeoutError              the request timed out
    ├── CircuitOpenError                 not sent: the circuit breaker is open
    ├── ImportStoppedError               a bulk import stopped early (API unreachable, key rejected)
    └── ResponseDecodeError              a 2xx reply that is not a valid envelope or model

Messages carry the server's code and message and never the API key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._error_body import ErrorBody
    from ._http import Request, Response

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BillingLimitError",
    "CircuitOpenError",
    "ConflictError",
    "ImportStoppedError",
    "InstaViewError",
    "InvalidStateTransitionError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseDecodeError",
    "ServerError",
    "ValidationError",
]


class InstaViewError(Exception):
    """Base class of every exception raised by instaview-async.

    The public exception classes report ``__module__ == "instaview_async"`` (set in the
    package's ``__init__``, as httpx does), so tracebacks show the name users import.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable, so that an error crosses processes: job engines (arq, multiprocessing,
        # concurrent.futures) pickle what a job raised. The keyword-only constructors would
        # refuse the default (args only), and the HTTP request and response, which hold
        # connections and streams, stay behind as None; everything else goes along.
        state = {name: None if name in _LOCAL else value for name, value in self.__dict__.items()}
        if isinstance(self.__cause__, InstaViewError):  # ours pickle safely; others may not
            state["__cause__"] = self.__cause__
        return (_rebuilt, (type(self), self.args), state)

    def __setstate__(self, state: dict[str, Any] | None) -> None:
        state = dict(state or {})
        cause = state.pop("__cause__", None)
        self.__dict__.update(state)
        if cause is not None:
            self.__cause__ = cause


_LOCAL = frozenset({"request", "response"})


def _rebuilt(cls: type[InstaViewError], args: tuple[Any, ...]) -> InstaViewError:
    """An unpickled error: made without its constructor; pickle then restores its attributes."""
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    return error


class APIError(InstaViewError):
    """The API answered with an error: carries status, code, message, details and request id."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        details: Any = None,
        error: ErrorBody | None = None,
        request_id: str | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code
        self.details = details
        self.error = error
        self.request_id = request_id
        self.response = response

    def __str__(self) -> str:
        head = " ".join(str(p) for p in (self.status_code, self.code) if p is not None)
        text = f"{head}: {self.message}" if head else self.message
        reasons = self._reasons()
        if reasons:
            text = f"{text}: {reasons}"
        return f"{text} (request_id={self.request_id})" if self.request_id else text

    def _reasons(self) -> str:
        """What a subclass adds to the one-line message (the field reasons of a 400)."""
        return ""

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code!r}, code={self.code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )


class AuthenticationError(APIError):
    """The API key is invalid, revoked, expired or suspended (401)."""


class PermissionDeniedError(APIError):
    """The key lacks a scope or the resource belongs to another company (403)."""


class ValidationError(APIError):
    """The request was rejected as invalid (400/422), by the server or before sending.

    ``str()`` lists the field reasons, the first few and then how many more, so that a log line
    or a traceback says what was wrong; `field_errors` has all of them.
    """

    SHOWN_REASONS = 3
    """How many field reasons ``str()`` lists before "+N more"."""

    def _reasons(self) -> str:
        # Reasons the message already says are left out: the SDK's own refusals list every
        # field in the message, and MISSING_REQUIRED_FIELD's one reason is its message.
        listed = [
            _field_reason(field, reason)
            for field, reason in self.field_errors.items()
            if str(reason) not in self.message
        ]
        shown = listed[: self.SHOWN_REASONS]
        more = len(listed) - len(shown)
        return "; ".join(shown) + (f"; +{more} more" if more else "")

    @property
    def field_errors(self) -> Mapping[str, str]:
        """Per-field messages, keyed by the wire (camelCase) field name."""
        fields = getattr(self.details, "fields", None)
        if isinstance(fields, Mapping):
            return fields
        field = getattr(self.details, "field", None)
        if isinstance(field, str):
            return {field: self.message}
        if isinstance(self.details, Mapping) and isinstance(self.details.get("fields"), Mapping):
            return self.details["fields"]  # type: ignore[no-any-return]
        return {}


class NotFoundError(APIError):
    """The resource does not exist or was deleted (404)."""


class ConflictError(APIError):
    """The resource already exists, or conflicts with the current state (409)."""

    @property
    def existing_resource_id(self) -> str | None:
        """The id of the resource this one conflicts with, when the server names it."""
        value = getattr(self.details, "existing_resource_id", None)
        return value if isinstance(value, str) else None


class InvalidStateTransitionError(APIError):
    """The resource's state does not allow the requested action."""


class BillingLimitError(APIError):
    """The company's billing limit or credit balance does not allow the request (402)."""


class RateLimitError(APIError):
    """The key is out of its rate-limit budget (429); `retry_after` says for how long."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIError):
    """The API failed on its side (5xx)."""


class APIConnectionError(InstaViewError):
    """No response arrived: the connection failed or broke; the message names host and port."""

    def __init__(self, message: str, *, request: Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out before a response arrived."""


class CircuitOpenError(InstaViewError):
    """Not sent: the breaker is open; ``__cause__`` is the failure that opened it."""

    def __init__(self, message: str, *, retry_in: float) -> None:
        super().__init__(message)
        self.retry_in = retry_in


class ImportStoppedError(InstaViewError):
    """A bulk import stopped early; `cause` (also ``__cause__``) is the failure that stopped it.

    Not raised: every row the import did not finish ends as a ``skipped`` `BulkResult` whose
    ``error`` is this one shared instance. Its message names the cause in one line: the API's
    host and port with the connection error, or the rejected key.
    """

    def __init__(self, message: str, *, cause: Exception) -> None:
        super().__init__(message)
        self.cause = cause
        self.__cause__ = cause


class ResponseDecodeError(InstaViewError):
    """A successful (2xx) reply was not a valid envelope or did not match the model."""

    def __init__(self, message: str, *, response: Response | None = None) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code if response is not None else None


def _field_reason(field: str, reason: object) -> str:
    """``field: reason``, or the reason alone when it already starts with the field's name."""
    if isinstance(reason, (list, tuple)):
        reason = "; ".join(str(r) for r in reason)
    text = str(reason)
    return text if text.startswith(field) else f"{field}: {text}"


def _not_sent(fields: Mapping[str, str]) -> ValidationError:
    """The ValidationError of a request the SDK refused before sending, naming every field."""
    from ._details import ValidationErrorDetails  # loads the converter: only when refusing

    listed = "; ".join(_field_reason(field, reason) for field, reason in fields.items())
    return ValidationError(
        f"invalid request (not sent): {listed}",
        code="VALIDATION_ERROR",
        details=ValidationErrorDetails(fields=dict(fields)),
    )


def _request_target(request: Request) -> str:
    """``GET /jobs to host:port`` for a message; the port comes from the scheme when not given.

    The query string is left out: it may carry search terms or personal data.
    """
    url = request.url
    port = url.port or (443 if url.scheme == "https" else 80)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{request.method} {url.path} to {host}:{port}"
