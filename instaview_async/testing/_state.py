"""The fake's in-memory state: one table per resource, with indexes, and read-only views.

Why indexes: a fake that scans its tables slows down as a test fills it (a create after 10,000
candidates cost 15x one on an empty fake). Each table files its rows under the keys its
``KeyFunc`` names (the company, a job, a status, a job and an email, ...), in creation order,
so the duplicate-email rule, a filtered list and its count cost the same at any size.

Handlers change rows in place. Rows a request reached through ``Table.get`` or ``Table.add``
are refiled once the request is done (``Store.settle``, also run before the next request
begins, which covers the fake's own methods such as ``complete_interview``), so no handler has
to remember to.
"""

from __future__ import annotations

import bisect
import copy
import random
import threading
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

__all__ = ["KeyFunc", "ResourceView", "Row", "Store", "Table", "by_company"]


@attrs.define(eq=False)
class Row:
    """One stored resource: its wire object plus what the API keeps but never shows."""

    id: str
    company_id: str | None
    data: dict[str, Any]
    deleted_at: float | None = None
    owner_key: str | None = None
    internal: dict[str, Any] = attrs.field(factory=dict)
    seq: int = 0  # creation order within its table, set by Table.add

    @property
    def live(self) -> bool:
        """False once soft-deleted."""
        return self.deleted_at is None


KeyFunc = Callable[[Row], Iterable[Hashable]]
"""The index keys a row is filed under (a live row at least under ``("company", id)``)."""


def by_company(row: Row) -> Iterable[Hashable]:
    """The default index: live rows by company."""
    return (("company", row.company_id),) if row.live else ()


def _seq(row: Row) -> int:
    return row.seq


class Table:
    """Rows of one resource type by id, and filed under index keys in creation order."""

    def __init__(self, resource_type: str, store: Store, keys: KeyFunc = by_company) -> None:
        self.resource_type = resource_type
        self.rows: dict[str, Row] = {}
        self._store = store
        self._keys = keys
        self._buckets: dict[Hashable, list[Row]] = {}
        self._keys_of: dict[Hashable, Hashable] = {}
        self._filed: dict[str, tuple[Hashable, ...]] = {}
        self._serial = 0

    def add(self, row: Row) -> Row:
        """Store a new row (noted for ``Store.rollback``) and file it."""
        self._serial += 1
        row.seq = self._serial
        self.rows[row.id] = row
        self._store.added(self, row)
        self.refile(row)
        return row

    def get(self, row_id: str) -> Row | None:
        """The row with this id, deleted or not (refiled when the request settles)."""
        row = self.rows.get(row_id)
        if row is not None:
            self._store.touched(self, row)
        return row

    def remove(self, row_id: str) -> None:
        """Forget a row for good (a permanent delete, or a rolled-back create)."""
        row = self.rows.pop(row_id, None)
        if row is not None:
            self._unfile(row, self._filed.pop(row.id, ()))

    def filed(self, key: Hashable) -> Sequence[Row]:
        """The rows filed under ``key``, oldest first (read only: a live index)."""
        return self._buckets.get(key, ())

    def live(self, company_id: str | None) -> Sequence[Row]:
        """Live rows of one company, oldest first (read only)."""
        return self.filed(("company", company_id))

    def refile(self, row: Row) -> None:
        """File ``row`` under the keys its current state gives (after any change)."""
        if self.rows.get(row.id) is not row:
            return  # removed meanwhile
        new = tuple(dict.fromkeys(self._keys(row)))
        old = self._filed.get(row.id, ())
        if new == old:
            return
        self._unfile(row, [k for k in old if k not in new])
        for key in new:
            if key not in old:
                _insert(self._bucket(key), row)
        # Rows keep the bucket's own key objects: equal keys (a company, a job) stored once.
        self._filed[row.id] = tuple(self._keys_of[k] for k in new)

    def _bucket(self, key: Hashable) -> list[Row]:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = []
            self._keys_of[key] = key
        return bucket

    def _unfile(self, row: Row, keys: Iterable[Hashable]) -> None:
        for key in keys:
            bucket = self._buckets[key]
            del bucket[bisect.bisect_left(bucket, row.seq, key=_seq)]
            if not bucket:
                del self._buckets[key], self._keys_of[key]


def _insert(bucket: list[Row], row: Row) -> None:
    if not bucket or bucket[-1].seq < row.seq:
        bucket.append(row)  # the usual case: a new row is the newest
    else:
        bisect.insort(bucket, row, key=_seq)


class Store:
    """Every table of the fake, a lock for cross-thread use, and deterministic ids.

    ``keys`` names the index of each table that needs more than ``by_company``.
    """

    def __init__(self, seed: int = 0, keys: Mapping[str, KeyFunc] | None = None) -> None:
        self.lock = threading.RLock()
        self._ids = random.Random(seed)
        self._added: list[tuple[Table, str]] = []
        self._touched: dict[int, tuple[Table, Row]] = {}
        keys = keys or {}

        def table(name: str, resource_type: str) -> Table:
            return Table(resource_type, self, keys.get(name, by_company))

        self.companies = table("companies", "Company")
        self.jobs = table("jobs", "Job")
        self.candidates = table("candidates", "Candidate")
        self.interviews = table("interviews", "Interview")
        self.agents = table("agents", "Agent")
        self.phone_numbers = table("phone_numbers", "PhoneNumber")
        self.webhooks = table("webhooks", "WebhookConfig")
        self.sourcing = table("sourcing", "SourcingRequest")

    def added(self, table: Table, row: Row) -> None:
        """Note a new row, for ``rollback``."""
        self._added.append((table, row.id))
        self.touched(table, row)

    def touched(self, table: Table, row: Row) -> None:
        """Note a row a handler may change, for ``settle``."""
        self._touched[id(row)] = (table, row)

    def begin(self) -> None:
        """Start noting added rows, so that ``rollback`` can remove them."""
        self.settle()
        self._added.clear()

    def rollback(self) -> None:
        """Remove the rows added since ``begin`` (a refused request writes nothing new)."""
        for table, row_id in self._added:
            table.remove(row_id)
        self._added.clear()
        self.settle()

    def settle(self) -> None:
        """Refile every row handed out since the last settle (their fields may have changed)."""
        touched, self._touched = self._touched, {}
        for table, row in touched.values():
            table.refile(row)

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
