"""RedisJournal: one journal of done rows for every worker of an import."""

from __future__ import annotations

import logging

import pytest

from instaview_async.contrib.redis import RedisJournal
from instaview_async.journal import JournalBinding, JournalEntry, JournalError, JournalMismatchError

from ._redis_server import RedisServer, free_port

pytestmark = pytest.mark.anyio

BINDING = JournalBinding(source="sha256:abc", target="https://api.test", kind="candidates")


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
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "idempotency keys" in warnings[0].getMessage()
