"""Journals of done rows, so that a rerun of a bulk import skips what is already on the server.

`Journal` is the protocol (async, keyed by a string row id); `FileJournal` is the CLI's
``--journal PATH``, `MemoryJournal` keeps entries in a dict. A journal is bound to a
`JournalBinding` and refuses any other run with `JournalMismatchError`::

    journal = FileJournal("import.journal")
    await journal.bind(JournalBinding(source="sha256:...", target=client.base_url,
                                      kind="candidates", job_id=job_id))
    if await journal.get(row_id) is None:
        ...  # import the row, then
        await journal.record(JournalEntry(row_id=row_id, status="created", resource_id=c.id))
"""

from ._base import (
    FAKE_TARGET,
    Journal,
    JournalBinding,
    JournalEntry,
    JournalError,
    JournalMismatchError,
)
from ._file import FileJournal
from ._memory import MemoryJournal

__all__ = [
    "FAKE_TARGET",
    "FileJournal",
    "Journal",
    "JournalBinding",
    "JournalEntry",
    "JournalError",
    "JournalMismatchError",
    "MemoryJournal",
]
