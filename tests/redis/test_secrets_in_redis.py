"""After a sharded import through Redis, nothing Redis holds reveals the API key.

Looked at with Redis's own command-line client, as an operator would: ``redis-cli --scan`` for
every key, then ``DUMP`` and the decoded value of each.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import Served

from ._redis_server import RedisServer
from .test_cli_shards import _rows, _shards, limited

__all__ = ["limited"]  # the fixture, imported for its use below

pytestmark = pytest.mark.skipif(shutil.which("redis-cli") is None, reason="needs redis-cli")


def _cli(server: RedisServer, *args: str) -> str:
    done = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(server.port), "--no-raw", *args],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    return done.stdout


def _value(server: RedisServer, key: str) -> str:
    kind = _cli(server, "TYPE", key).strip()
    read = {"hash": ["HGETALL"], "string": ["GET"], "set": ["SMEMBERS"], "list": ["LRANGE"]}
    command = read.get(kind, ["GET"])
    extra = ["0", "-1"] if kind == "list" else []
    return _cli(server, *command, key, *extra)


def test_redis_holds_no_trace_of_the_api_key(
    limited: Served, redis_server: RedisServer, tmp_path: Path
) -> None:
    """Budget, in-flight counts and journal: fingerprints and row data only."""
    _shards(_rows(tmp_path / "people.csv"), redis_server.url, 2, tmp_path)
    names = [name for name in _cli(redis_server, "--scan").splitlines() if name]
    assert any(":rl:" in name for name in names)  # the budget's keys are there to look at
    assert len(names) > 3
    secret = limited.key
    forms = {secret, base64.b64encode(secret.encode()).decode(), secret.encode().hex()}
    for name in names:
        key = name.strip('"')
        held = name + _cli(redis_server, "DUMP", key) + _value(redis_server, key)
        assert not [form for form in forms if form in held], key
