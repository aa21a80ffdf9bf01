"""The spool of a run without --journal: done rows with their ids, on disk, never fatal."""

from __future__ import annotations

import errno
import io
import os
from typing import Any

import pytest

from instaview_async.cli import _spool
from instaview_async.journal import JournalBinding, JournalEntry

pytestmark = pytest.mark.anyio

BINDING = JournalBinding(source="sha256:1", target="fake", kind="candidates")


async def test_the_spool_gives_back_every_entry_with_its_id() -> None:
    """Entries come back in order, resource ids included, and appends go on after reading."""
    spool = _spool.SpoolJournal()
    await spool.bind(BINDING)
    try:
        await spool.record(JournalEntry(row_id="2", status="created", resource_id="c1"))
        await spool.record(JournalEntry(row_id="3", status="existing", resource_id="c0"))
        assert [e.resource_id for e in spool.entries()] == ["c1", "c0"]
        await spool.record(JournalEntry(row_id="4", status="created", resource_id="c2"))
        assert [e.row_id for e in spool.entries()] == ["2", "3", "4"]
        assert await spool.get("2") is None  # a run without a journal skips nothing
    finally:
        await spool.aclose()


class _Full(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


async def test_a_full_temporary_directory_ends_the_spool_not_the_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A write that fails is remembered as `lost` and later rows are ignored, without raising."""

    def full(*args: Any, **kwargs: Any) -> io.StringIO:
        return _Full()

    monkeypatch.setattr(_spool.tempfile, "TemporaryFile", full)
    spool = _spool.SpoolJournal()
    await spool.bind(BINDING)
    await spool.record(JournalEntry(row_id="2", status="created", resource_id="c1"))
    await spool.record(JournalEntry(row_id="3", status="created", resource_id="c2"))
    assert spool.lost == os.strerror(errno.ENOSPC)
    assert list(spool.entries()) == []
    await spool.aclose()
