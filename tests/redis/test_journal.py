"""RedisJournal: one journal of done rows for every worker of an import."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
import redis
from redis.asyncio import Redis

from instaview_async.contrib.redis import RedisJournal
from instaview_async.journal import JournalBinding, JournalEntry, JournalError, JournalMismatchError

from ._redis_server import RedisServer, free_port

pytestmark = pytest.mark.anyio

BINDING = JournalBinding(source="sha256:abc", target="https://api.test", kind="candidates")
ENTRY = JournalEntry(row_id="7", status="created", resource_id="c-7")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def _infos(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]


def _rows_key(redis_sync: redis.Redis) -> str:
    keys = [key.decode() for key in redis_sync.keys("instaview:journal:*:rows")]
    assert len(keys) == 1
    return keys[0]


async def test_a_row_recorded_by_one_worker_is_done_for_another(redis_server: RedisServer) -> None:
    """Two journals bound alike (separate connections) see each other's rows."""
    async with RedisJournal(redis_server.url) as one, RedisJournal(redis_server.url) as two:
        await one.bind(BINDING)
        await two.bind(BINDING)
        assert one.name == two.name
        await one.record(JournalEntry(row_id="7", status="created", resource_id="c-7"))
        assert await two.get("7") == JournalEntry(row_id="7", status="created", resource_id="c-7")
        assert await two.get("8") is None
        assert set(await two.entries()) == {"7"}


async def test_another_run_gets_another_journal_and_a_named_one_refuses_it(
    redis_server: RedisServer,
) -> None:
    """Another file shares nothing by default; naming the same journal for it is refused."""
    other = JournalBinding(source="sha256:def", target="https://api.test", kind="candidates")
    async with RedisJournal(redis_server.url) as one, RedisJournal(redis_server.url) as two:
        await one.bind(BINDING)
        await two.bind(other)
        assert one.name != two.name
        named = RedisJournal(redis_server.url, name=one.name)
        with pytest.raises(JournalMismatchError, match="another file"):
            await named.bind(other)
        await named.aclose()


async def test_unreachable_at_bind_is_an_error_later_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No Redis at bind: JournalError before anything is sent; lost later: 'not done', warned."""
    async with RedisJournal(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2) as journal:
        with pytest.raises(JournalError, match=r"cannot use the journal in Redis at 127\.0\.0\.1"):
            await journal.bind(BINDING)
    server = RedisServer().start()
    try:
        async with RedisJournal(server.url, timeout=0.2) as journal:
            await journal.bind(BINDING)
            server.kill()
            assert await journal.get("1") is None
            await journal.record(JournalEntry(row_id="1", status="created"))
    finally:
        server.kill()
    warnings = [m for m in _warnings(caplog) if "unavailable" in m]
    assert len(warnings) == 1
    assert "idempotency keys" in warnings[0]


async def test_a_client_with_decode_responses_finds_the_rows_recorded(
    redis_server: RedisServer,
) -> None:
    """A Redis client made with decode_responses=True (str replies) works as one without."""
    client = Redis(port=redis_server.port, decode_responses=True)
    try:
        async with RedisJournal(client) as journal:
            await journal.bind(BINDING)
            await journal.record(ENTRY)
            assert await journal.get("7") == ENTRY
            assert await journal.entries() == {"7": ENTRY}
    finally:
        await client.aclose()


async def test_a_renamed_file_keeps_its_journal(redis_server: RedisServer) -> None:
    """The file name takes no part in matching: a renamed copy shares the journal's rows."""
    first = JournalBinding(
        source="sha256:abc", target="https://api.test", kind="candidates", source_name="people.csv"
    )
    renamed = JournalBinding(
        source="sha256:abc",
        target="https://api.test",
        kind="candidates",
        source_name="people-copy.csv",
    )
    async with RedisJournal(redis_server.url) as one, RedisJournal(redis_server.url) as two:
        await one.bind(first)
        await one.record(ENTRY)
        await two.bind(renamed)
        assert two.name == one.name
        assert await two.get("7") == ENTRY


class _Flushing(Redis):
    """Empties the database after every command, as another client's FLUSHDB could at any time."""

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        result = await super().execute_command(*args, **options)
        if args[0] != "FLUSHDB":
            await super().execute_command("FLUSHDB")
        return result


async def test_bind_reads_back_its_binding_in_the_same_atomic_step(
    redis_server: RedisServer,
) -> None:
    """The binding key vanishing after any command cannot make bind fail or misreport."""
    client = _Flushing(port=redis_server.port)
    try:
        async with RedisJournal(client) as journal:
            await journal.bind(BINDING)
    finally:
        await client.aclose()


@pytest.mark.parametrize("stored", [b"not json", b"\xff", b'{"source": "sha256:abc"}'])
async def test_a_key_that_is_no_binding_is_refused_naming_it(
    stored: bytes, redis_server: RedisServer, redis_sync: redis.Redis
) -> None:
    """Something else under the binding's key: JournalError naming the key, nothing bound."""
    redis_sync.set("instaview:journal:{mine}:binding", stored)
    async with RedisJournal(redis_server.url, name="mine") as journal:
        with pytest.raises(
            JournalError,
            match=r"the key instaview:journal:\{mine\}:binding .* "
            r"is not a journal binding",
        ):
            await journal.bind(BINDING)
        with pytest.raises(JournalError, match="not bound"):
            await journal.get("1")


@pytest.mark.parametrize(
    "damage",
    [
        b"garbage",
        b"\xff\xfe",
        b"[]",
        b'{"status": "created"}',
        b'{"row": "7", "status": "failed", "id": "c-7"}',
        b'{"row": "7", "status": "created", "id": 7}',
        b'{"row": "8", "status": "created", "id": "c-8"}',
    ],
    ids=["not-json", "not-utf8", "not-an-object", "no-row", "bad-status", "bad-id", "other-row"],
)
async def test_a_damaged_entry_is_a_warning_naming_its_row_and_the_row_is_not_done(
    damage: bytes,
    redis_server: RedisServer,
    redis_sync: redis.Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A damaged entry neither raises nor counts as done; recording the row again repairs it."""
    async with RedisJournal(redis_server.url) as journal:
        await journal.bind(BINDING)
        await journal.record(JournalEntry(row_id="1", status="existing", resource_id="c-1"))
        redis_sync.hset(_rows_key(redis_sync), "7", damage)
        assert await journal.get("7") is None
        assert set(await journal.entries()) == {"1"}
        await journal.record(ENTRY)
        assert await journal.get("7") == ENTRY
    warnings = _warnings(caplog)
    assert len(warnings) == 2  # get and entries
    assert all("entry of row 7 is damaged" in m and journal.name in m for m in warnings)


@pytest.mark.parametrize(
    "again", [BINDING, JournalBinding(source="sha256:x", target="t", kind="jobs")]
)
async def test_a_second_bind_is_refused(again: JournalBinding, redis_server: RedisServer) -> None:
    """As a FileJournal, a RedisJournal is bound once: binding it again is a JournalError."""
    async with RedisJournal(redis_server.url) as journal:
        await journal.bind(BINDING)
        name = journal.name
        with pytest.raises(JournalError, match="already bound"):
            await journal.bind(again)
        assert journal.name == name


async def test_a_stalled_redis_is_tried_again_after_a_growing_interval(
    redis_server: RedisServer,
) -> None:
    """Stalled: one call waits out the timeout, then calls return at once until the retry
    interval has passed; a failed retry doubles the interval (1 s, then 2 s)."""
    clock = Clock()
    async with RedisJournal(
        redis_server.url, timeout=0.2, retry_interval=1.0, clock=clock
    ) as journal:
        await journal.bind(BINDING)
        redis_server.pause()
        assert await journal.get("1") is None  # the timeout, once
        started = time.monotonic()
        for i in range(20):
            assert await journal.get(str(i)) is None
            await journal.record(JournalEntry(row_id=f"r{i}", status="created"))
        assert time.monotonic() - started < 0.2  # would be 40 timeouts of 0.2 s
        clock.now += 1.0
        started = time.monotonic()
        assert await journal.get("1") is None  # a retry, which waits for Redis in vain
        assert time.monotonic() - started >= 0.2
        clock.now += 1.5
        started = time.monotonic()
        assert await journal.get("1") is None  # 1.5 s later: too early for the next retry
        assert time.monotonic() - started < 0.1
        redis_server.resume()


async def test_each_outage_is_warned_once_and_its_rows_are_written_when_redis_answers(
    redis_server: RedisServer, redis_sync: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """Rows done while Redis stalls are kept (and found), written once it answers again; the
    end of an outage is logged, and the next outage is warned about again."""
    caplog.set_level(logging.INFO, logger="instaview_async")
    clock = Clock()
    async with RedisJournal(redis_server.url, timeout=0.2, clock=clock) as journal:
        await journal.bind(BINDING)
        redis_server.pause()
        for i in range(3):
            await journal.record(JournalEntry(row_id=str(i), status="created", resource_id=f"c{i}"))
        assert await journal.get("1") == JournalEntry(
            row_id="1", status="created", resource_id="c1"
        )
        assert journal.unsaved == 3
        redis_server.resume()
        clock.now += 1.0
        await journal.record(ENTRY)
        assert journal.unsaved == 0
        assert sorted(redis_sync.hkeys(_rows_key(redis_sync))) == [b"0", b"1", b"2", b"7"]
        redis_server.pause()
        assert await journal.get("9") is None
        redis_server.resume()
    outages = [m for m in _warnings(caplog) if "unavailable" in m]
    assert len(outages) == 2
    assert len([m for m in _infos(caplog) if "answers again" in m]) == 1


async def test_close_writes_the_rows_an_outage_kept(
    redis_server: RedisServer, redis_sync: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """Redis back before the end, within the retry interval: aclose still writes every row."""
    async with RedisJournal(redis_server.url, timeout=0.2, clock=Clock()) as journal:
        await journal.bind(BINDING)
        redis_server.pause()
        await journal.record(ENTRY)
        redis_server.resume()
    assert journal.unsaved == 0
    assert redis_sync.hkeys(_rows_key(redis_sync)) == [b"7"]
    assert not [m for m in _warnings(caplog) if "could not be written" in m]


async def test_rows_redis_never_took_are_counted_and_warned_at_close(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Redis gone for good: aclose tries once more, then says how many done rows it lacks."""
    server = RedisServer().start()
    try:
        async with RedisJournal(server.url, timeout=0.2) as journal:
            await journal.bind(BINDING)
            server.kill()
            for i in range(3):
                await journal.record(JournalEntry(row_id=str(i), status="created"))
    finally:
        server.kill()
    assert journal.unsaved == 3
    assert any("3 done rows could not be written" in m for m in _warnings(caplog))


async def test_entries_of_a_stalled_redis_is_a_journal_error_within_the_timeout(
    redis_server: RedisServer,
) -> None:
    """entries() does not hang on a stalled Redis: JournalError naming where and why."""
    async with RedisJournal(redis_server.url, timeout=0.2) as journal:
        await journal.bind(BINDING)
        redis_server.pause()
        started = time.monotonic()
        with pytest.raises(JournalError, match=r"cannot read the journal in Redis at 127\.0\.0\.1"):
            await journal.entries()
        assert time.monotonic() - started < 1.0
        redis_server.resume()
