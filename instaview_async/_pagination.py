"""Pages of a list endpoint, and a pager that walks them lazily."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ._envelope import structure
from ._exceptions import ResponseDecodeError

if TYPE_CHECKING:
    from ._http import Response

__all__ = ["AsyncPager", "Page", "decode_page"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Page(Generic[T]):
    """One page of a list: its items and where it stands in the whole list."""

    items: tuple[T, ...]
    total: int | None
    page: int
    limit: int
    total_pages: int | None
    has_next: bool

    def __len__(self) -> int:
        return len(self.items)


def decode_page(
    data: Any, item_type: type[T], response: Response, *, page: int, limit: int
) -> Page[T]:
    """Decode either documented list shape: ``{items, pagination}`` or ``{data, total, ...}``."""
    raw_items, meta = _split(data, response)
    items: tuple[T, ...] = structure(raw_items, tuple[item_type, ...], response)  # type: ignore[valid-type]
    total = _int(meta.get("total"))
    page = _int(meta.get("page")) or page
    limit = _int(meta.get("limit")) or limit
    total_pages = _int(meta.get("totalPages"))
    has_next = meta.get("hasNextPage")
    if not isinstance(has_next, bool):
        has_next = _guess_has_next(len(items), page, limit, total, total_pages)
    return Page(
        items=items,
        total=total,
        page=page,
        limit=limit,
        total_pages=total_pages,
        has_next=has_next,
    )


def _split(data: Any, response: Response) -> tuple[list[Any], Mapping[str, Any]]:
    if isinstance(data, list):
        return data, {}
    if isinstance(data, Mapping):
        if isinstance(data.get("items"), list):
            pagination = data.get("pagination")
            return data["items"], pagination if isinstance(pagination, Mapping) else data
        if isinstance(data.get("data"), list):
            return data["data"], data
    raise ResponseDecodeError(
        f"{response.request.method} {response.request.url.path}: expected a list "
        f"({{items, pagination}} or {{data, total, ...}}), got {type(data).__name__}",
        response=response,
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _guess_has_next(
    count: int, page: int, limit: int, total: int | None, total_pages: int | None
) -> bool:
    if total_pages is not None:
        return page < total_pages
    if total is not None:
        return page * limit < total
    return count >= limit > 0


class AsyncPager(Generic[T]):
    """A list call: ``await pager`` gives the first page, ``async for`` walks every item lazily."""

    __slots__ = ("_fetch", "_start")

    def __init__(self, fetch: Callable[[int], Awaitable[Page[T]]], *, start: int = 1) -> None:
        self._fetch = fetch
        self._start = start

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch(self._start).__await__()

    def __aiter__(self) -> _ItemIterator[T]:
        return _ItemIterator(self._fetch, self._start)

    async def get_page(self, number: int) -> Page[T]:
        """Fetch one page by its 1-based number."""
        return await self._fetch(number)

    def pages(self) -> _PageIterator[T]:
        """Iterate page by page instead of item by item."""
        return _PageIterator(self._fetch, self._start)


class _PageIterator(Generic[T]):
    __slots__ = ("_done", "_fetch", "_next")

    def __init__(self, fetch: Callable[[int], Awaitable[Page[T]]], start: int) -> None:
        self._fetch = fetch
        self._next = start
        self._done = False

    def __aiter__(self) -> _PageIterator[T]:
        return self

    async def __anext__(self) -> Page[T]:
        if self._done:
            raise StopAsyncIteration
        page = await self._fetch(self._next)
        self._next += 1
        self._done = not page.has_next or not page.items
        return page


class _ItemIterator(Generic[T]):
    __slots__ = ("_buffer", "_pages")

    def __init__(self, fetch: Callable[[int], Awaitable[Page[T]]], start: int) -> None:
        self._pages = _PageIterator(fetch, start)
        self._buffer: list[T] = []

    def __aiter__(self) -> _ItemIterator[T]:
        return self

    async def __anext__(self) -> T:
        while not self._buffer:
            page = await self._pages.__anext__()
            self._buffer = list(reversed(page.items))
        return self._buffer.pop()
