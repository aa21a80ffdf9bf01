"""Checking AsyncClient's arguments where they enter, once, at construction.

A wrong type raises TypeError naming the argument and the type expected; a wrong value raises
ValueError saying what is allowed. Checking here, not on the first call, turns a mistake such as
``base_url="127.0.0.1:8765"`` (no scheme) into an error at the line that made it, instead of an
httpx error seconds later; and costs nothing per call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import httpx

from ._http import timeout_family

if TYPE_CHECKING:
    from ._http import Timeout

__all__ = ["api_key", "base_url", "instance", "middleware", "optional_str", "timeout"]

T = TypeVar("T")


def api_key(value: object) -> str:
    """The key, stripped; TypeError unless a str (emptiness is the caller's clearer error)."""
    if not isinstance(value, str):
        raise TypeError(f"api_key must be a str, not {type(value).__name__}")
    return value.strip()


def base_url(value: object) -> str:
    """An ``http://`` or ``https://`` URL with a host, without its trailing slash."""
    if not isinstance(value, str):
        raise TypeError(f"base_url must be a str, not {type(value).__name__}")
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError as exc:
        raise ValueError(f"base_url is not a valid URL ({exc}): {value!r}") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ValueError(
            f"base_url must be an http:// or https:// URL with a host, such as "
            f"'https://api.instaview.sk', got {value!r}"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"base_url must not have a query string or fragment, got {value!r}")
    return value.strip().rstrip("/")


def timeout(value: object, name: str = "timeout") -> Timeout:
    """A positive number of seconds, or an httpx (or httpx2) ``Timeout`` (parts may be None)."""
    family = timeout_family(value)
    if family is not None:
        given: Timeout = family.timeout(value)  # the same object, typed
        for part, seconds in given.as_dict().items():
            if seconds is not None:
                _positive(seconds, f"{name}.{part}")
        return given
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = " (httpx.Timeout(None) means no timeout)" if value is None else ""
        raise TypeError(
            f"{name} must be a number of seconds or an httpx.Timeout, not "
            f"{type(value).__name__}{hint}"
        )
    _positive(value, name)
    return httpx.Timeout(value)


def instance(value: T | None, name: str, expected: type[T]) -> T | None:
    """``value`` if it is None or an ``expected``; else TypeError naming both."""
    if value is not None and not isinstance(value, expected):
        raise TypeError(
            f"{name} must be {expected.__module__.split('.')[0]}.{expected.__name__} or None, "
            f"not {type(value).__name__}"
        )
    return value


def optional_str(value: object, name: str) -> str | None:
    """None or a str."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    return value


def middleware(value: object) -> tuple[Any, ...]:
    """A sequence of middlewares (each callable), outermost first."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"middleware must be a sequence of middlewares, not {type(value).__name__}")
    for index, layer in enumerate(value):
        if not callable(layer):
            raise TypeError(
                f"middleware[{index}] must be callable as layer(request, call_next), "
                f"not {type(layer).__name__}"
            )
    return tuple(value)


def _positive(seconds: object, name: str) -> None:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(seconds).__name__}")
    if not seconds > 0:  # also refuses NaN
        raise ValueError(f"{name} must be > 0 seconds, got {seconds!r}")
