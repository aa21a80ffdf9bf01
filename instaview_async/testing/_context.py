"""What a resource handler gets: the caller's key and company, the request, and the state."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from ._auth import ApiKey, KeyRing, require_scope
from ._http import Reply, access_denied, not_found
from ._state import Row, Store, Table
from ._validation import integer, invalid

__all__ = ["Config", "Context", "Handler"]


@attrs.frozen(kw_only=True)
class Config:
    """Business rules of the fake that a test may tune."""

    monthly_interview_limit: int | None = None
    sourcing_seconds: float = 0.0


@attrs.define(eq=False)
class Context:
    """One request as a handler sees it."""

    store: Store
    keys: KeyRing
    config: Config
    key: ApiKey
    query: Mapping[str, str]
    params: Mapping[str, str]
    body: Any
    now: float
    company_id: str | None = None

    def require(self, *scopes: str) -> None:
        """403 INSUFFICIENT_PERMISSIONS unless the key has every scope."""
        require_scope(self.key, scopes)

    def json(self) -> Mapping[str, Any]:
        """The body as a JSON object (an empty body is ``{}``), else 400."""
        if self.body is None:
            return {}
        if not isinstance(self.body, Mapping):
            raise invalid({"body": "must be a JSON object"})
        return self.body

    def load(self, table: Table, row_id: str) -> Row:
        """A live row of the caller's company: 404 if unknown or deleted, 403 if another's."""
        row = table.get(row_id)
        if row is None or not row.live:
            raise not_found(table.resource_type, row_id)
        if row.company_id != self.company_id:
            raise access_denied()
        return row

    def page(self, rows: Sequence[Row], render: Callable[[Row], Any] | None = None) -> Reply:
        """One page of ``rows`` in the list shape ``{data, total, page, limit, totalPages}``.

        Costs O(page): ``rows`` is a list (usually a table's index), sliced, and counted by len.
        """
        page, limit = self._paging()
        chunk = rows[(page - 1) * limit : page * limit]
        items = [render(r) if render else r.data for r in chunk]
        total = len(rows)
        data = {
            "data": items,
            "total": total,
            "page": page,
            "limit": limit,
            "totalPages": -(-total // limit),
        }
        return Reply(data)

    def _paging(self) -> tuple[int, int]:
        errors: dict[str, str] = {}
        values: dict[str, int] = {}
        for name, default, maximum in (("page", 1, 10000), ("limit", 20, 100)):
            raw = self.query.get(name)
            try:
                value = default if raw is None else int(raw)
            except ValueError:
                errors[name] = f"{name} must be an integer number"
                continue
            problem = integer(1, maximum)(value)
            if problem:
                errors[name] = f"{name} {problem}"
            values[name] = value
        if errors:
            raise invalid(errors)
        return values["page"], values["limit"]


Handler = Callable[[Context], Reply]
"""A resource handler: runs synchronously under the store's lock, raises Problem for errors."""
