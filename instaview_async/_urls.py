"""URLs in messages: never shown with their password; Redis URLs checked before use.

redis-py reads a URL lazily and loosely: a port that is not a number raises a bare ValueError
from deep inside the client's constructor (its message quoting the URL, password and all),
and a database that is not a number (``/abc``) silently becomes database 0, so workers meant
to share one budget or journal would not. `check_redis_url` says what is wrong in one line;
`RedisBudget`, `RedisJournal` and the command line's ``--redis`` all use it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

__all__ = ["check_redis_url", "redact"]

_SCHEMES = ("redis", "rediss", "unix")
# Everything between the scheme (if any) and the last '@' before the path: user:password.
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)?[^/?#]*@")


def redact(url: str) -> str:
    """``url`` with any ``user:password@`` shown as ``***@``, for messages and printed commands."""
    return _USERINFO.sub(lambda m: f"{m.group(1) or ''}***@", url, count=1)


def check_redis_url(url: str, label: str = "--redis") -> None:
    """Raise ValueError naming ``label`` and the URL, redacted, if ``url`` is not usable."""
    shown = f"{label} {redact(url)!r}"
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "Invalid IPv6 URL": an unclosed '['
        raise ValueError(f"{shown} is not a valid URL ({exc})") from None
    if parts.scheme not in _SCHEMES or not url.startswith(f"{parts.scheme}://"):
        raise ValueError(f"{shown} is not a redis://, rediss:// or unix:// URL")
    if parts.scheme == "unix":
        if not parts.path:
            raise ValueError(f"{shown} names no socket path (unix:///path/to/redis.sock)")
    else:
        _check_port(shown, parts.netloc)
        _check_path_db(shown, parts.path)
    for db in parse_qs(parts.query).get("db", []):
        if not db.isdigit():
            raise ValueError(f"{shown}: the database {db!r} is not a number from 0")


def _check_port(shown: str, netloc: str) -> None:
    host_port = netloc.rpartition("@")[2]
    after_host = host_port.rpartition("]")[2]  # an IPv6 address is in brackets
    _, colon, port = after_host.rpartition(":")
    if not colon or not port:
        return  # the default port, 6379
    if not port.isdigit():
        raise ValueError(f"{shown}: the port {port!r} is not a number")
    if not 1 <= int(port) <= 65535:
        raise ValueError(f"{shown}: the port {port} is not from 1 to 65535")


def _check_path_db(shown: str, path: str) -> None:
    db = path.removeprefix("/")
    if db and not db.isdigit():
        raise ValueError(
            f"{shown}: the database {db!r} is not a number from 0 (redis://host:port/DB)"
        )
