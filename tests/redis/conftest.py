"""Fixtures of the Redis tests: a real redis-server per test, asyncio only.

redis-py's asyncio client does not run under trio, so these tests run on asyncio; the trio
behaviour (a clear error) has a test of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from ._redis_server import RedisServer


@pytest.fixture
def anyio_backend() -> str:
    """RedisBudget is asyncio only."""
    return "asyncio"


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A fresh redis-server on a free port, killed (by pid) after the test."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.resume()
        server.kill()


@pytest.fixture
def redis_sync(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A synchronous client to look at what Redis holds."""
    client = redis.Redis(port=redis_server.port)
    try:
        yield client
    finally:
        client.close()
