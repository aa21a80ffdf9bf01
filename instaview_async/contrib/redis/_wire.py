"""Script calls on redis-py's own connections, without its per-command machinery.

An admission is one ``EVALSHA``. Through ``Redis.evalsha`` redis-py packs its thirteen
arguments in Python, takes the pool's lock, polls the socket for stray data and looks up a
reply callback: together more than half of what an admission costs on a local Redis. Here the
scope's part of the command (script, keys) is packed once, and each call writes the bytes on
an idle connection of its own and reads one reply. The connections are redis-py's, made by the
client's own pool, so host, password, TLS, database and protocol are the client's.

Why this is safe without the pool's poll: only a connection whose exchange ended with a reply
goes back to the idle list; one whose write or read was interrupted (timeout, cancellation, a
dead socket) is dropped, so an idle connection never holds a reply meant for an earlier call.
One that died while idle (Redis restarted) fails its next call, which is tried once more on a
fresh socket, as the client's own retry would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError

__all__ = ["Keys", "Scripts"]


def _pack(*parts: bytes) -> bytes:
    """RESP bulk strings, without the array header: a command's arguments, ready to write."""
    return b"".join(b"$%d\r\n%b\r\n" % (len(part), part) for part in parts)


class Keys:
    """A script's keys, packed once: the ``numkeys`` argument and the names."""

    __slots__ = ("count", "packed")

    def __init__(self, names: Sequence[str]) -> None:
        self.packed = _pack(b"%d" % len(names), *(name.encode() for name in names))
        self.count = 1 + len(names)  # arguments: numkeys, then the names


def _arg(value: int | str) -> bytes:
    return str(value).encode() if isinstance(value, int) else value.encode()


class Scripts:
    """Lua scripts, each run by one ``EVALSHA`` on a connection kept for these calls."""

    __slots__ = ("_bodies", "_closed", "_heads", "_idle", "_redis", "_shas")

    def __init__(self, redis: Redis, bodies: Sequence[str]) -> None:
        self._redis = redis
        self._bodies = tuple(body.encode() for body in bodies)
        self._shas = tuple(hashlib.sha1(body).hexdigest() for body in self._bodies)
        self._heads = tuple(_pack(b"EVALSHA", sha.encode()) for sha in self._shas)
        self._idle: list[AbstractConnection] = []
        self._closed = False

    def sha(self, which: int) -> str:
        """The SHA-1 Redis knows script ``which`` by."""
        return self._shas[which]

    async def call(self, which: int, keys: Keys, args: Sequence[int | str]) -> Any:
        """Run script ``which`` (its index in ``bodies``) on ``keys`` with ``args``."""
        size = b"*%d\r\n" % (2 + keys.count + len(args))  # verb, script, numkeys, keys, args
        tail = keys.packed + _pack(*map(_arg, args))
        try:
            return await self._send(size + self._heads[which] + tail)
        except NoScriptError:  # Redis restarted or flushed its scripts: EVAL loads it again
            return await self._send(size + _pack(b"EVAL", self._bodies[which]) + tail)

    async def _send(self, command: bytes) -> Any:
        connection = self._idle.pop() if self._idle else self._connection()
        try:
            reply = await self._exchange(connection, command)
        except ResponseError:  # Redis's answer (NOSCRIPT, a script's error): the line is clean
            await self._done(connection)
            raise
        except BaseException:
            # Interrupted or failed: redis-py has dropped the socket, and any reply still due
            # on it with it; this makes sure of it and leaves the connection out.
            await connection.disconnect(nowait=True)
            raise
        await self._done(connection)
        return reply

    @staticmethod
    async def _exchange(connection: AbstractConnection, command: bytes) -> Any:
        """One command and its reply; tried again once if an idle connection had died."""
        reused = connection.is_connected
        try:
            await connection.send_packed_command(command, check_health=False)
            return await connection.read_response()
        except RedisConnectionError:
            if not reused:
                raise
        # Died while idle (a restart, an idle timeout): once more, on a new socket.
        await connection.send_packed_command(command, check_health=False)
        return await connection.read_response()

    async def _done(self, connection: AbstractConnection) -> None:
        """Keep a connection whose exchange ended cleanly, for the next call."""
        if self._closed:
            await connection.disconnect()
        else:
            self._idle.append(connection)

    def _connection(self) -> AbstractConnection:
        """A new connection, made (not yet connected) by the client's own pool."""
        made: AbstractConnection = self._redis.connection_pool.make_connection()  # type: ignore[no-untyped-call, unused-ignore]
        return made

    async def aclose(self) -> None:
        """Close the idle connections, and each busy one when its call ends."""
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.disconnect()
