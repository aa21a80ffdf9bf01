"""Routes: method and path pattern to handler, its scopes, and whether it acts for a company.

Paths are accepted with no prefix, ``/v1`` or ``/v1/public`` (the docs show all three), and
``/companies`` is the same as ``/company``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from ._context import Handler
from ._http import Problem

__all__ = ["Route", "Router", "normalize"]

_PREFIXES = ("/v1/public", "/v1")


@attrs.frozen
class Route:
    """One endpoint: ``pattern`` like ``/jobs/{id}``; ``company`` routes resolve ``companyId``."""

    method: str
    pattern: str
    handler: Handler
    scopes: tuple[str, ...] = ()
    company: bool = True


def normalize(path: str) -> str:
    """The path without API prefix or trailing slash, with ``/companies`` as ``/company``."""
    for prefix in _PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix) :]
            break
    path = path.rstrip("/") or "/"
    if path == "/companies" or path.startswith("/companies/"):
        path = "/company" + path[len("/companies") :]
    return path


class Router:
    """Finds the route for a method and a path as the client sent it."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = [(route, _compile(route.pattern)) for route in routes]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route and its path parameters; else 404 ROUTE_NOT_FOUND or 405 with ``Allow``.

        Messages name the path as sent (prefix included), as a real server's do.
        """
        allowed: list[str] = []
        normalized = normalize(path)
        for route, regex in self._routes:
            found = regex.match(normalized)
            if found is None:
                continue
            if route.method == method:
                return route, found.groupdict()
            allowed.append(route.method)
        if not allowed:
            raise Problem(404, "ROUTE_NOT_FOUND", f"Cannot {method} {path}")
        allow = ", ".join(dict.fromkeys(allowed))
        raise Problem(
            405,
            "METHOD_NOT_ALLOWED",
            f"Method {method} is not allowed on {path}; allowed: {allow}",
            {"method": method, "path": path, "allowed": list(dict.fromkeys(allowed))},
            headers={"Allow": allow},
        )


def _compile(pattern: str) -> re.Pattern[str]:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
    return re.compile(f"^{regex}$")
