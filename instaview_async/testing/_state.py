"""The fake's in-memory state: one table per resource, and read-only views for assertions."""

from __future__ import annotations

import copy
import random
import threading
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

__all__ = ["ResourceView", "Row", "Store", "Table"]


@attrs.define(eq=False)
class Row:
    """One stored resource: its wire object plus what the API keeps but never shows."""

    id: str
    company_id: str | None
    data: dict[str, Any]
    deleted_at: float | None = None
    owner_key: str | None = None
    internal: dict[str, Any] = attrs.field(factory=dict)

    @property
    def live(self) -> bool:
        """False once soft-deleted."""
        return self.deleted_at is None


class Table:
    """Rows of one resource type in creation order."""

    def __init__(self, resource_type: str, journal: list[tuple[Table, str]]) -> None:
        self.resource_type = resource_type
        self.rows: dict[str, Row] = {}
        self._journal = journal

    def add(self, row: Row) -> Row:
        """Store a new row (and note it in the store's journal)."""
        self.rows[row.id] = row
        self._journal.append((self, row.id))
        return row

    def get(self, row_id: str) -> Row | None:
        """The row with this id, deleted or not."""
        return self.rows.get(row_id)

    def live(self, company_id: str | None = None) -> list[Row]:
        """Rows not deleted, optionally of one company, oldest first."""
        return [
            row
            for row in self.rows.values()
            if row.live and (company_id is None or row.company_id == company_id)
        ]


class Store:
    """Every table of the fake, a lock for cross-thread use, and deterministic ids."""

    def __init__(self, seed: int = 0) -> None:
        self.lock = threading.RLock()
        self._ids = random.Random(seed)
        self._journal: list[tuple[Table, str]] = []
        self.companies = Table("Company", self._journal)
        self.jobs = Table("Job", self._journal)
        self.candidates = Table("Candidate", self._journal)
        self.interviews = Table("Interview", self._journal)
        self.agents = Table("Agent", self._journal)
        self.phone_numbers = Table("PhoneNumber", self._journal)
        self.webhooks = Table("WebhookConfig", self._journal)
        self.sourcing = Table("SourcingRequest", self._journal)

    def begin(self) -> None:
        """Start noting added rows, so that ``rollback`` can remove them."""
        self._journal.clear()

    def rollback(self) -> None:
        """Remove the rows added since ``begin`` (a refused request writes nothing new)."""
        for table, row_id in self._journal:
            table.rows.pop(row_id, None)
        self._journal.clear()

    def new_id(self) -> str:
        """A fresh UUID v4, reproducible from the store's seed."""
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def new_hex(self, nbytes: int) -> str:
        """Fresh random hex, reproducible from the store's seed."""
        return f"{self._ids.getrandbits(nbytes * 8):0{nbytes * 2}x}"


class ResourceView(Mapping[str, Mapping[str, Any]]):
    """A read-only mapping id -> wire object (a copy) of the resources the API would show.

    Soft-deleted resources are left out, as ``GET`` and ``list`` leave them out; ``deleted``
    maps the soft-deleted ones. Each lookup returns a fresh copy, so changing it changes nothing.
    """

    def __init__(self, table: Table, lock: threading.RLock, *, deleted: bool = False) -> None:
        self._table = table
        self._lock = lock
        self._deleted = deleted

    def _ids(self) -> list[str]:
        with self._lock:
            return [r.id for r in self._table.rows.values() if r.live != self._deleted]

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        with self._lock:
            row = self._table.rows.get(key)
            if row is None or row.live == self._deleted:
                raise KeyError(key)
            return copy.deepcopy(row.data)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids())

    def __len__(self) -> int:
        return len(self._ids())

    @property
    def deleted(self) -> ResourceView:
        """The soft-deleted resources of this type."""
        return ResourceView(self._table, self._lock, deleted=True)

    def __repr__(self) -> str:
        return f"<ResourceView {self._table.resource_type}: {len(self)} live>"
