"""instaview-async: the asyncio-native Python SDK for the InstaView recruiting API."""

import importlib
from typing import TYPE_CHECKING, Any

from ._client import DEFAULT_BASE_URL, AsyncClient
from ._details import (
    ApiKeySuspendedDetails,
    BillingLimitDetails,
    ConflictDetails,
    InsufficientPermissionsDetails,
    InvalidStateTransitionDetails,
    MissingFieldDetails,
    RateLimitDetails,
    ResourceNotFoundDetails,
    ValidationErrorDetails,
)
from ._envelope import Envelope
from ._error_body import ErrorBody
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BillingLimitError,
    CircuitOpenError,
    ConflictError,
    ImportStoppedError,
    InstaViewError,
    InvalidStateTransitionError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    ValidationError,
)
from ._pagination import AsyncPager, Page
from ._policies import CircuitBreakerPolicy, RateLimitPolicy, RetryPolicy
from ._stats import ClientStats
from ._version import __version__
from ._wire import NOT_GIVEN, NotGiven
from .middleware import CallNext, Middleware, default_middleware

if TYPE_CHECKING:
    from ._bulk import BulkImport, BulkResult
    from .models.webhooks import WebhookEventType
    from .resources.sourcing import SourcingTimeoutError
    from .webhooks import WebhookPayloadError

# Names whose modules load every model or a whole resource are imported on first use, so that
# `import instaview_async` stays cheap (PEP 562).
_LAZY = {
    "BulkImport": "._bulk",
    "BulkResult": "._bulk",
    "SourcingTimeoutError": ".resources.sourcing",
    "WebhookEventType": ".models.webhooks",
    "WebhookPayloadError": ".webhooks",
}


def __getattr__(name: str) -> Any:
    """Import a lazily exported name on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = _public(value)
    return value


def _public(value: Any) -> Any:
    """Make an exported exception class (and AsyncClient) report this package as its module.

    Tracebacks then show ``instaview_async.NotFoundError``, the name users import and catch,
    and ``help(AsyncClient)`` the module users import it from, not the private modules they are
    defined in (pickling finds them here too), as httpx does. Not for the attrs models: attrs
    and cattrs resolve their annotations in the module named there. The lazily exported
    exceptions also say so in their class body, as they can be raised before they are imported.
    """
    if isinstance(value, type) and (issubclass(value, BaseException) or value is AsyncClient):
        value.__module__ = __name__
    return value


__all__ = [
    "DEFAULT_BASE_URL",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "ApiKeySuspendedDetails",
    "AsyncClient",
    "AsyncPager",
    "AuthenticationError",
    "BillingLimitDetails",
    "BillingLimitError",
    "BulkImport",
    "BulkResult",
    "CallNext",
    "CircuitBreakerPolicy",
    "CircuitOpenError",
    "ClientStats",
    "ConflictDetails",
    "ConflictError",
    "Envelope",
    "ErrorBody",
    "ImportStoppedError",
    "InstaViewError",
    "InsufficientPermissionsDetails",
    "InvalidStateTransitionDetails",
    "InvalidStateTransitionError",
    "Middleware",
    "MissingFieldDetails",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PermissionDeniedError",
    "RateLimitDetails",
    "RateLimitError",
    "RateLimitPolicy",
    "ResourceNotFoundDetails",
    "ResponseDecodeError",
    "RetryPolicy",
    "ServerError",
    "SourcingTimeoutError",
    "ValidationError",
    "ValidationErrorDetails",
    "WebhookEventType",
    "WebhookPayloadError",
    "__version__",
    "default_middleware",
]

for _name in __all__:
    if _name not in _LAZY:
        _public(globals()[_name])
del _name
