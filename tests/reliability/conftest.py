"""Fixtures of the reliability suite: misbehaving servers on real 127.0.0.1 sockets."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from .misbehaving_server import HOST, MisbehavingServer


@pytest.fixture(scope="module")
def _servers() -> Iterator[tuple[MisbehavingServer, MisbehavingServer]]:
    """The misbehaving server and a second one standing for another host, once per module."""
    other = MisbehavingServer()
    other.start()
    server = MisbehavingServer()
    server.redirect_to = other.base_url  # another port: another origin
    server.start()
    yield server, other
    server.stop()
    other.stop()


@pytest.fixture
def misbehaving(_servers: tuple[MisbehavingServer, MisbehavingServer]) -> MisbehavingServer:
    """The misbehaving server (redirecting to ``other_host``), its record cleared."""
    server = _servers[0]
    server.clear()
    return server


@pytest.fixture
def other_host(_servers: tuple[MisbehavingServer, MisbehavingServer]) -> MisbehavingServer:
    """The other host a redirect points to, its record cleared."""
    server = _servers[1]
    server.clear()
    return server


@pytest.fixture
def closed_port_url() -> str:
    """A base URL on a port where nothing listens (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    return f"http://{HOST}:{port}"
