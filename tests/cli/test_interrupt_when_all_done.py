"""A Ctrl-C after which nothing is left to do does not make the run "interrupted"."""

from __future__ import annotations

import io
from collections.abc import AsyncIterable, Mapping
from typing import Any

import anyio
import pytest

from instaview_async import AsyncClient
from instaview_async.cli._columns import CANDIDATES, plan
from instaview_async.cli._progress import make_progress
from instaview_async.cli._report import Report
from instaview_async.cli._runner import Interrupt, Tally, run_import
from instaview_async.cli._source import Record
from instaview_async.testing import FakeInstaView, Faults

COLUMNS = ("first_name", "last_name", "email")


async def _import_interrupted_in_flight(rows: int, latency: float, grace: float) -> Tally:
    """Import ``rows`` rows, all in flight at once, with a Ctrl-C while they are."""
    fake = FakeInstaView(faults=Faults(latency=latency))
    values = [("Ann", f"R{i}", f"a{i}@x.io") for i in range(rows)]
    records = iter(
        [Record(i + 2, dict(zip(COLUMNS, v, strict=True))) for i, v in enumerate(values)]
    )
    progress = make_progress(rows, io.StringIO())
    interrupt = Interrupt(grace=grace)
    tally: Tally | None = None

    async with fake.client(api_key=fake.create_api_key()) as client:

        def bulk(source: AsyncIterable[Mapping[str, Any]], key: Any) -> Any:
            return client.candidates.bulk_create(source, key=key, concurrency=16)

        async def ctrl_c(client: AsyncClient) -> None:
            await anyio.sleep(latency / 4)  # every row read and sent, none answered yet
            interrupt.request(progress, rows)
            assert interrupt.requested, "the import had not started"

        async with anyio.create_task_group() as group:
            group.start_soon(ctrl_c, client)
            tally = await run_import(
                bulk,
                records,
                plan=plan(CANDIDATES, COLUMNS, "people.csv"),
                namespace="test",
                journal=None,
                report=Report(None),
                progress=progress,
                interrupt=interrupt,
            )
    return tally


@pytest.mark.anyio
async def test_rows_all_finished_within_the_grace_period_make_a_complete_run() -> None:
    """Ctrl-C while the last rows are in flight, all of which finish within the grace period:
    every row is created, and the run is complete (no exit 130, no rerun command)."""
    tally = await _import_interrupted_in_flight(rows=3, latency=0.4, grace=5.0)
    assert (tally.created, tally.not_done) == (3, 0)
    assert not tally.interrupted and not tally.unfinished


@pytest.mark.anyio
async def test_rows_cut_off_by_the_grace_period_leave_the_run_interrupted() -> None:
    """Rows still in flight when the grace period ends are not done: the run is interrupted."""
    tally = await _import_interrupted_in_flight(rows=3, latency=1.0, grace=0.05)
    assert tally.not_done == 3
    assert tally.interrupted and tally.unfinished
