"""A trio script: create a job, add candidates concurrently in a nursery, then list them.

The SDK is built on anyio, so it runs under trio unchanged: no asyncio loop, no adapter.
Run it against the real API (it creates a job and three candidates in your account)::

    pip install "instaview-async" trio
    INSTAVIEW_API_KEY=sk_live_... python examples/trio_script.py
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
import trio

from instaview_async import AsyncClient
from instaview_async.models import Candidate, Job

ClientFactory = Callable[[], AsyncClient]

PEOPLE = (
    ("Ada", "Lovelace", "ada@example.com"),
    ("Grace", "Hopper", "grace@example.com"),
    ("Alan", "Turing", "alan@example.com"),
)


@attrs.frozen
class Report:
    """The job the script created and the candidates listed for it afterwards."""

    job: Job
    candidates: tuple[Candidate, ...]


async def run(
    client: AsyncClient, people: Sequence[tuple[str, str, str]] = PEOPLE, *, limit: int = 20
) -> Report:
    """Create a job, add ``people`` to it at the same time, then page through its candidates."""
    job = await client.jobs.create(
        title="Backend engineer (trio example)", description="Python, structured concurrency"
    )

    async def add(first: str, last: str, email: str) -> None:
        await client.candidates.create(
            first_name=first, last_name=last, email=email, job_ids=[job.id]
        )

    async with trio.open_nursery() as nursery:
        for first, last, email in people:
            nursery.start_soon(add, first, last, email)

    listed = [c async for c in client.candidates.list(job_id=job.id, limit=limit)]
    return Report(job=job, candidates=tuple(listed))


async def main(client_factory: ClientFactory = AsyncClient) -> Report:
    """Run the script with a client from ``client_factory`` (default: key from the environment)."""
    async with client_factory() as client:
        report = await run(client)
    print(f"job {report.job.id}: {len(report.candidates)} candidates")
    for candidate in report.candidates:
        print(f"  {candidate.id}  {candidate.first_name} {candidate.last_name}")
    return report


if __name__ == "__main__":
    trio.run(main)
