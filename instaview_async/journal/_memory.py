"""A journal in memory: for tests and for runs that need no rerun."""

from __future__ import annotations

from ._base import JournalBinding, JournalEntry, JournalMismatchError

__all__ = ["MemoryJournal"]


class MemoryJournal:
    """A `Journal` held in a dict; lost with the process."""

    def __init__(self) -> None:
        self.binding: JournalBinding | None = None
        self.entries: dict[str, JournalEntry] = {}

    async def bind(self, binding: JournalBinding) -> None:
        """Bind on first use; a later different binding raises JournalMismatchError."""
        if self.binding is None:
            self.binding = binding
        elif (reason := self.binding.mismatch(binding)) is not None:
            raise JournalMismatchError(f"journal cannot be used: {reason}")

    async def get(self, row_id: str) -> JournalEntry | None:
        """The entry for ``row_id``, if recorded."""
        return self.entries.get(row_id)

    async def record(self, entry: JournalEntry) -> None:
        """Keep ``entry`` (the last one for a row id wins)."""
        self.entries[entry.row_id] = entry

    async def aclose(self) -> None:
        """Nothing to release."""
