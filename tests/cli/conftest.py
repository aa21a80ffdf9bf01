"""The fake API served on a real 127.0.0.1 socket, for driving the ``instaview`` command."""

from __future__ import annotations

from collections.abc import Iterator

import anyio.from_thread
import attrs
import pytest

from instaview_async.testing import FakeInstaView


@attrs.frozen
class Served:
    """A fake served on a socket, with the base URL and a key the command can use."""

    fake: FakeInstaView
    base_url: str
    key: str


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """A fresh fake on a free port, in a thread of its own; $INSTAVIEW_BASE_URL/KEY point at it.

    The command under test runs its own event loop (``anyio.run``) in the test's thread, as it
    does for a user, so the server needs another thread.
    """
    fake = FakeInstaView()
    key = fake.create_api_key()
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(fake.serve(port=0)) as base_url,
    ):
        monkeypatch.setenv("INSTAVIEW_BASE_URL", base_url)
        monkeypatch.setenv("INSTAVIEW_API_KEY", key)
        yield Served(fake, base_url, key)
