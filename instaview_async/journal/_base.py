"""What a journal is: a binding to the run it was made for, entries keyed by row id, a protocol.

A journal lets a rerun skip rows an earlier run already put on the server. Skipping is only
safe for the same rows sent to the same place, so every journal is bound, on first use, to a
`JournalBinding` (the input's content hash, the target, the resource kind and the job) and
refuses any other: reusing a journal for another file or another API must fail loudly,
because the rows it would skip were never imported there.
"""

from __future__ import annotations

import json
from typing import Any, Literal, Protocol

import attrs

from .._exceptions import InstaViewError

__all__ = [
    "FAKE_TARGET",
    "Journal",
    "JournalBinding",
    "JournalEntry",
    "JournalError",
    "JournalMismatchError",
]

FAKE_TARGET = "fake"
"""The target of a run against the embedded fake API, which never matches a real base URL."""

DoneStatus = Literal["created", "existing"]


class JournalError(InstaViewError):
    """A journal cannot be used: unreadable, damaged, or not a journal at all."""


class JournalMismatchError(JournalError):
    """The journal was made for another input, target, resource kind or job."""


@attrs.frozen(kw_only=True)
class JournalBinding:
    """What a journal is for; two runs share a journal only if their bindings are equal.

    ``source`` identifies the input by content (e.g. ``"sha256:<hex>"``), ``target`` is the
    API's base URL or `FAKE_TARGET`, ``kind`` the resource (``"candidates"``, ``"jobs"``),
    ``job_id`` the job rows are assigned to. ``source_name`` (a file name) only makes
    messages readable; it takes no part in matching, so a renamed file keeps its journal.
    """

    source: str
    target: str
    kind: str
    job_id: str | None = None
    source_name: str | None = attrs.field(default=None, eq=False)

    def mismatch(self, wanted: JournalBinding) -> str | None:
        """Why a journal bound to ``self`` cannot serve a run of ``wanted``, or None if it can."""
        if self.target != wanted.target:
            return f"it was made for {_target(self.target)}, not {_target(wanted.target)}"
        if self.kind != wanted.kind:
            return f"it was made for importing {self.kind}, not {wanted.kind}"
        if self.source != wanted.source:
            was = f" ({self.source_name})" if self.source_name else ""
            return f"it was made for another file{was}, whose content differs from this one"
        if self.job_id != wanted.job_id:
            return f"it was made for job {self.job_id or '(none)'}, not {wanted.job_id or '(none)'}"
        return None

    def to_json(self) -> str:
        """The binding as one line of JSON, for stores."""
        return json.dumps(attrs.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> JournalBinding:
        """Read a binding written by `to_json`; JournalError if it is not one."""
        try:
            data: Any = json.loads(text)
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise JournalError(f"not a journal binding: {exc}") from None


def _target(target: str) -> str:
    return "the fake API (--fake)" if target == FAKE_TARGET else target


@attrs.frozen(kw_only=True)
class JournalEntry:
    """One row that is on the server: its row id, how it got there, and its resource id."""

    row_id: str
    status: DoneStatus
    resource_id: str | None = None


class Journal(Protocol):
    """Storage of done rows, keyed by a string row id; implementations must be safe to share
    by the tasks of one import (and, for shared stores, by many processes).

    Call `bind` once before anything else. Failed rows are never recorded, so a rerun tries
    them again.
    """

    async def bind(self, binding: JournalBinding) -> None:
        """Claim the journal for ``binding``, or raise JournalMismatchError if it is another's."""
        ...

    async def get(self, row_id: str) -> JournalEntry | None:
        """The entry for ``row_id`` if that row is done, else None."""
        ...

    async def record(self, entry: JournalEntry) -> None:
        """Remember that a row is done; durable once this returns."""
        ...

    async def aclose(self) -> None:
        """Release the storage; idempotent."""
        ...
