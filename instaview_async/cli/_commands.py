"""``instaview demo``: the main job, a bulk import, on the embedded fake under faults."""

from __future__ import annotations

import contextlib
import random
from collections import Counter
from collections.abc import Iterator

import anyio

from .._client import AsyncClient
from .._exceptions import InstaViewError
from .._policies import CircuitBreakerPolicy, RateLimitPolicy, RetryPolicy
from ._columns import CANDIDATES, plan
from ._progress import make_progress, print_table
from ._report import Report
from ._runner import Tally, run_import
from ._source import BadLine, Record

__all__ = ["demo"]

# Short backoffs keep the demo under a minute; the shape of the policy is the default one.
_DEMO_RETRY = RetryPolicy(max_attempts=6, base_delay=0.05, max_delay=1.0)
_DEMO_BREAKER = CircuitBreakerPolicy(failure_threshold=8, recovery_time=0.5)


async def demo(rows: int, concurrency: int, seed: int, fault_rate: float) -> int:
    """Import generated candidates into the embedded fake under a rate limit and faults."""
    from ..testing import FakeInstaView, Faults

    fake = FakeInstaView(
        max_recorded=0,  # the demo reads the fake's state, not its record of requests
        requests_per_minute=150,
        minute_seconds=1.0,  # a 1-second "minute": the demo meets 429s yet ends quickly
        faults=Faults(
            error_rate=fault_rate * 0.7,
            drop_after_commit_rate=fault_rate * 0.2,
            malformed_rate=fault_rate * 0.1,
            latency=0.02,  # a network's worth of delay, so requests overlap as they do for real
            seed=seed,
        ),
    )
    key = fake.create_api_key()
    async with fake.client(api_key=key, retry=_DEMO_RETRY, circuit_breaker=_DEMO_BREAKER) as client:
        job = await client.jobs.create(
            title="Backend engineer (demo)", description="Python, asyncio and a rate-limited API"
        )
        existing = [f"returning{i}@example.com" for i in range(max(1, rows // 20))]
        for email in existing:
            await client.candidates.create(
                first_name="Returning", last_name="Candidate", email=email, job_ids=[job.id]
            )
        print(f"importing {rows} candidates into the embedded fake API (job {job.id})")
        async with anyio.create_task_group() as tg:
            # Another worker on the same key, which does not pace itself: it spends budget
            # behind the import's back and meets the 429s that pacing spares the import.
            neighbour = fake.client(
                api_key=key,
                retry=None,
                circuit_breaker=None,
                rate_limit=RateLimitPolicy(pace=False, max_retries=0),
            )
            tg.start_soon(_noisy_neighbour, neighbour, job.id)
            progress = make_progress(rows)
            try:
                tally = await run_import(
                    lambda source, key: client.candidates.bulk_create(
                        source, job_id=job.id, concurrency=concurrency, key=key
                    ),
                    _demo_rows(rows, existing, seed),
                    plan=plan(CANDIDATES, ["firstName", "lastName", "email"], "demo"),
                    namespace=f"cli:candidates:{job.id}",
                    journal=None,
                    report=Report(None),
                    progress=progress,
                )
            finally:
                progress.close()
            tg.cancel_scope.cancel()
        stats = client.stats
    duplicates = _duplicates(fake.candidates.values(), job.id)
    _print_account("instaview demo", tally, stats, rows)
    print_table(
        "the API's side",
        [
            ("429s sent to an unpaced neighbour", neighbour.stats.rate_limited),
            ("duplicate candidates on server", duplicates),
        ],
    )
    ok = tally.total == rows and duplicates == 0
    print("every row accounted for, no duplicates" if ok else "FAILED: rows lost or duplicated")
    return 0 if ok else 1


async def _noisy_neighbour(client: AsyncClient, job_id: str) -> None:
    async def one() -> None:
        with contextlib.suppress(InstaViewError):  # its 429s are its own business
            await client.jobs.get(job_id)

    async with client:
        while True:  # bursts of 20 at once, twice a second
            async with anyio.create_task_group() as tg:
                for _ in range(30):
                    tg.start_soon(one)
            await anyio.sleep(0.3)


def _demo_rows(count: int, existing: list[str], seed: int) -> Iterator[Record | BadLine]:
    chooser = random.Random(seed)
    for i in range(count):
        line = i + 1
        if i % 50 == 7:
            yield Record(line, {"firstName": "No", "lastName": "Contact"})  # invalid: no contact
        elif i % 20 == 3:
            email = existing[(i // 20) % len(existing)]
            yield Record(line, {"firstName": "Returning", "lastName": "Candidate", "email": email})
        else:
            name = chooser.choice(["Ada", "Alan", "Grace", "Edsger", "Barbara", "Ken", "Radia"])
            fields = {"firstName": name, "lastName": f"Demo{i}", "email": f"cand{i}@example.com"}
            yield Record(line, fields)


def _duplicates(candidates: object, job_id: str) -> int:
    seen: Counter[str] = Counter()
    for candidate in candidates:  # type: ignore[attr-defined]
        email = candidate.get("email")
        jobs = candidate.get("jobIds") or [candidate.get("jobId")]
        if email and job_id in jobs:
            seen[email.lower()] += 1
    return sum(n - 1 for n in seen.values() if n > 1)


def _print_account(title: str, tally: Tally, stats: object, rows: int) -> None:
    lines = [
        ("rows", rows),
        ("created", tally.created),
        ("existing", tally.existing),
        ("failed", tally.failed),
        ("retries", getattr(stats, "retries", 0)),
        ("429s met", getattr(stats, "rate_limited", 0)),
        ("rate-limit waits", getattr(stats, "rate_limit_waits", 0)),
        ("breaker trips", getattr(stats, "breaker_trips", 0)),
        ("rows per second", f"{tally.rows_per_second():.1f}"),
    ]
    print_table(title, lines)
