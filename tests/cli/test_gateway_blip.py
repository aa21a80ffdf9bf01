"""`instaview import` behind a real nginx whose upstream goes away for 2 s mid-run.

The import pauses while the breaker is open and resumes when a probe gets through. The
command's breaker probes after 5 s, then 10, 20, up to 60: a blip costs seconds, where a
fixed 60 s recovery (the SDK's default) would have held the import for a minute.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import anyio
import pytest

from instaview_async.cli import main
from instaview_async.testing import FakeInstaView

from ..bulk._servers import nginx, nginx_binary, upstream

pytestmark = pytest.mark.anyio

ROWS = 200
OUTAGE = 2.0


@pytest.fixture
def anyio_backend() -> str:
    """The served fake and nginx run on the test's loop; the command runs in a thread."""
    return "asyncio"


async def test_a_two_second_gateway_outage_costs_the_import_seconds_not_a_minute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    nginx_binary()
    fake = FakeInstaView()
    monkeypatch.setenv("INSTAVIEW_API_KEY", fake.create_api_key())
    source = tmp_path / "people.csv"
    lines = [f"Blip,Row{i},blip{i}@example.com" for i in range(ROWS)]
    source.write_text("First Name,Last Name,Email\n" + "\n".join(lines) + "\n")
    async with upstream(fake) as served, nginx(tmp_path / "nginx", served.port) as gateway:
        args = ["import", "candidates", str(source), "--base-url", gateway, "--concurrency", "4"]
        outage_at = 0.0

        async def outage() -> None:
            nonlocal outage_at
            while len(fake.candidates) < ROWS // 4:  # noqa: ASYNC110 (the fake has no event)
                await anyio.sleep(0.01)
            outage_at = time.monotonic()
            await served.stop()
            await anyio.sleep(OUTAGE)
            await served.start()

        async with anyio.create_task_group() as tg:
            tg.start_soon(outage)
            code = await anyio.to_thread.run_sync(main, args)
        ended = time.monotonic()
    err = capsys.readouterr().err
    assert code == 0, err
    assert outage_at > 0
    assert ended - outage_at < OUTAGE + 15, err  # a fixed 60 s recovery: over a minute
    emails = Counter(c["email"] for c in fake.candidates.values())
    assert len(emails) == ROWS and set(emails.values()) == {1}
