"""The two HTTP families the SDK runs on, httpx and httpx2: the one module that knows both.

httpx2 is a fork of httpx 0.28 with the same API under another import name (and httpcore2
under it): a faster connection pool, and TLS verified against the OS trust store instead of
certifi's. httpx is a core dependency and the default; httpx2 comes with the ``httpx2`` extra
and is used only when chosen explicitly, by an ``httpx2.AsyncClient`` or transport passed to
`AsyncClient`, ``http_backend="httpx2"``, or ``$INSTAVIEW_HTTP_BACKEND``. It is never chosen
because it happens to be importable: its other trust store could break a deployment.

A `Family` holds one family's classes; every other module is written once against it and the
`Request`/`Response` aliases. Objects of the two families never mix: the same call to
`choose` that picks the family rejects a client, transport or middleware of the other one.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import typing
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import httpx

if TYPE_CHECKING:
    import httpx2

__all__ = [
    "BACKEND_ENV",
    "HTTPX",
    "Family",
    "HTTPBackend",
    "Headers",
    "Request",
    "Response",
    "Timeout",
    "choose",
    "family",
    "family_of",
    "timeout_family",
]

Request: TypeAlias = "httpx.Request | httpx2.Request"
Response: TypeAlias = "httpx.Response | httpx2.Response"
Headers: TypeAlias = "httpx.Headers | httpx2.Headers"
Timeout: TypeAlias = "httpx.Timeout | httpx2.Timeout"
HTTPBackend: TypeAlias = Literal["httpx", "httpx2"]

BACKEND_ENV = "INSTAVIEW_HTTP_BACKEND"
"""Environment variable naming the family used when no argument decides (default httpx)."""

_NAMES = ("httpx", "httpx2")
# A neutral transport answers each request in that request's family (FakeTransport,
# AiohttpTransport): the client's family decides, not the transport's base class.
ANY_FAMILY = "instaview_any_family"


class Family:
    """One HTTP family's module and the classes the SDK uses from it."""

    __slots__ = (
        "AsyncBaseTransport",
        "AsyncClient",
        "ConnectError",
        "ConnectTimeout",
        "Headers",
        "Limits",
        "NetworkError",
        "ReadError",
        "ReadTimeout",
        "RemoteProtocolError",
        "Request",
        "RequestError",
        "Response",
        "Timeout",
        "TimeoutException",
        "TransportError",
        "UnsupportedProtocol",
        "loggers",
        "module",
        "name",
    )

    def __init__(self, module: ModuleType, core: str) -> None:
        self.name: str = module.__name__
        self.module = module
        self.loggers: tuple[str, str] = (module.__name__, core)
        for attribute in self.__slots__:
            if attribute[0].isupper():
                setattr(self, attribute, getattr(module, attribute))

    # Declared for mypy: the classes differ between families, so they are typed loosely here
    # and precisely by the Request/Response aliases where the SDK hands them out.
    if TYPE_CHECKING:
        AsyncBaseTransport: Any
        AsyncClient: Any
        ConnectError: Any
        ConnectTimeout: Any
        Headers: Any
        Limits: Any
        NetworkError: Any
        ReadError: Any
        ReadTimeout: Any
        RemoteProtocolError: Any
        Request: Any
        RequestError: Any
        Response: Any
        Timeout: Any
        TimeoutException: Any
        TransportError: Any
        UnsupportedProtocol: Any

    def __repr__(self) -> str:
        return f"<HTTP family {self.name}>"

    def timeout(self, value: float | Timeout | None) -> Any:
        """``value`` as this family's Timeout (the other family's Timeout is converted)."""
        if isinstance(value, self.Timeout):
            return value
        if isinstance(value, (int, float)) or value is None:
            return self.Timeout(value)
        return self.Timeout(**value.as_dict())


HTTPX = Family(httpx, "httpcore")
_loaded: dict[str, Family] = {"httpx": HTTPX}


def family(name: str) -> Family:
    """The family called ``name`` ("httpx" or "httpx2"), importing httpx2 on first use."""
    found = _loaded.get(name)
    if found is not None:
        return found
    if name not in _NAMES:
        raise ValueError(f"unknown HTTP backend {name!r}: use 'httpx' or 'httpx2'")
    try:
        module = importlib.import_module("httpx2")
    except ImportError as exc:
        raise ImportError(
            "the httpx2 backend needs httpx2: pip install 'instaview-async[httpx2]'"
        ) from exc
    _loaded[name] = Family(module, "httpcore2")
    return _loaded[name]


def _families() -> Iterable[Family]:
    # httpx2's objects can only exist once httpx2 was imported: no import just to look.
    yield HTTPX
    if sys.modules.get("httpx2") is not None:
        yield family("httpx2")


def family_of(obj: object) -> Family | None:
    """The family of an httpx/httpx2 client, transport, request, response or timeout."""
    for each in _families():
        if isinstance(
            obj,
            (each.AsyncClient, each.AsyncBaseTransport, each.Request, each.Response, each.Timeout),
        ):
            return each
    return None


def timeout_family(value: object) -> Family | None:
    """The family whose ``Timeout`` ``value`` is, or None when it is not a Timeout."""
    for each in _families():
        if isinstance(value, each.Timeout):
            return each
    return None


def _family_of_class(cls: object) -> Family | None:
    if not isinstance(cls, type):
        return None
    for each in _families():
        if issubclass(cls, (each.Request, each.Response)):
            return each
    return None


def choose(
    http_backend: str | None,
    http_client: object | None,
    transport: object | None,
    middleware: Iterable[object] = (),
) -> Family:
    """The family a client runs on; a TypeError if the arguments mix the two families.

    Decided by, in order: ``http_client``, ``transport`` (unless it answers in any family),
    ``http_backend``, ``$INSTAVIEW_HTTP_BACKEND``, else httpx. An explicit ``http_backend``
    that disagrees with the client or transport is a mix too.
    """
    if http_backend is not None and http_backend not in _NAMES:
        raise ValueError(f"http_backend={http_backend!r}: use 'httpx' or 'httpx2'")
    decided: tuple[Family, str] | None = None
    if http_client is not None:
        client_family = family_of(http_client)
        if client_family is None or not isinstance(http_client, client_family.AsyncClient):
            raise TypeError(
                f"http_client must be httpx.AsyncClient or None (or an httpx2.AsyncClient), "
                f"not {type(http_client).__qualname__}"
            )
        decided = client_family, f"http_client is an {client_family.name}.AsyncClient"
    if transport is not None and not getattr(transport, ANY_FAMILY, False):
        transport_family = family_of(transport)
        if transport_family is None:
            raise TypeError(
                f"transport must be httpx.AsyncBaseTransport or None (or an httpx2 one), "
                f"not {type(transport).__qualname__}"
            )
        reason = f"transport is an {transport_family.name} transport"
        _agree(decided, transport_family, reason)
        decided = decided or (transport_family, reason)
    if http_backend is not None:
        named = family(http_backend)
        _agree(decided, named, f"http_backend={http_backend!r}")
        decided = decided or (named, f"http_backend={http_backend!r}")
    if decided is None:
        from_env = os.environ.get(BACKEND_ENV, "").strip()
        if from_env and from_env not in _NAMES:
            raise ValueError(f"${BACKEND_ENV}={from_env!r}: use 'httpx' or 'httpx2'")
        decided = family(from_env or "httpx"), f"${BACKEND_ENV}={from_env or 'httpx'}"
    chosen, reason = decided
    for each in middleware:
        _check_middleware(each, chosen, reason)
    return chosen


def _agree(decided: tuple[Family, str] | None, other: Family, reason: str) -> None:
    if decided is not None and decided[0] is not other:
        raise TypeError(f"HTTP families mixed: {decided[1]} but {reason}; use one family")


def _check_middleware(middleware: object, chosen: Family, reason: str) -> None:
    """Reject a middleware annotated with the other family's Request or Response.

    Only annotations that resolve are read: a middleware that is generic, untyped, or typed
    with names imported under TYPE_CHECKING passes (nothing proves it wrong).
    """
    target = middleware if inspect.isroutine(middleware) else type(middleware).__call__
    try:
        hints = typing.get_type_hints(target)
        parameters = list(inspect.signature(middleware).parameters)  # type: ignore[arg-type]
    except (NameError, TypeError, ValueError, AttributeError):
        return
    names = [*parameters[:1], "return"]
    for name in names:
        found = _family_of_class(hints.get(name))
        if found is not None and found is not chosen:
            raise TypeError(
                f"HTTP families mixed: {reason} but middleware {type(middleware).__qualname__} "
                f"takes {found.name} objects ({name}: {hints[name].__module__}."
                f"{hints[name].__qualname__}); use one family"
            )
