"""The ``instaview`` subcommands."""

from __future__ import annotations

import contextlib
import hashlib
import random
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import anyio

from .._client import AsyncClient
from .._exceptions import InstaViewError
from .._policies import CircuitBreakerPolicy, RateLimitPolicy, RetryPolicy
from ..journal import FAKE_TARGET, FileJournal, JournalBinding, JournalError
from ._progress import make_progress, print_table
from ._rows import BadRow, SourceRow, read_rows
from ._runner import Tally, run_import

__all__ = ["demo", "import_candidates"]

# Short backoffs keep the demo under a minute; the shape of the policy is the default one.
_DEMO_RETRY = RetryPolicy(max_attempts=6, base_delay=0.05, max_delay=1.0)
_DEMO_BREAKER = CircuitBreakerPolicy(failure_threshold=8, recovery_time=0.5)


async def demo(rows: int, concurrency: int, seed: int, fault_rate: float) -> int:
    """Import generated candidates into the embedded fake under a rate limit and faults."""
    from ..testing import FakeInstaView, Faults

    fake = FakeInstaView(
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
        generated = list(_demo_rows(rows, existing, seed))
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
            with make_progress(rows) as progress:
                tally = await run_import(
                    client,
                    generated,
                    job_id=job.id,
                    concurrency=concurrency,
                    journal=None,
                    progress=progress,
                )
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


def _demo_rows(count: int, existing: list[str], seed: int) -> Iterator[SourceRow | BadRow]:
    chooser = random.Random(seed)
    for i in range(count):
        line = i + 1
        if i % 50 == 7:
            yield SourceRow(line, {"firstName": "No", "lastName": "Contact"})  # invalid: no contact
        elif i % 20 == 3:
            email = existing[(i // 20) % len(existing)]
            yield SourceRow(
                line, {"firstName": "Returning", "lastName": "Candidate", "email": email}
            )
        else:
            name = chooser.choice(["Ada", "Alan", "Grace", "Edsger", "Barbara", "Ken", "Radia"])
            fields = {"firstName": name, "lastName": f"Demo{i}", "email": f"cand{i}@example.com"}
            yield SourceRow(line, fields)


def _duplicates(candidates: object, job_id: str) -> int:
    seen: Counter[str] = Counter()
    for candidate in candidates:  # type: ignore[attr-defined]
        email = candidate.get("email")
        jobs = candidate.get("jobIds") or [candidate.get("jobId")]
        if email and job_id in jobs:
            seen[email.lower()] += 1
    return sum(n - 1 for n in seen.values() if n > 1)


def _print_account(title: str, tally: Tally, stats: object, rows: int | None) -> None:
    lines = [
        ("rows", rows if rows is not None else tally.total),
        ("created", tally.created),
        ("existing", tally.existing),
        ("failed", tally.failed),
        ("skipped (journal)", tally.skipped),
        ("retries", getattr(stats, "retries", 0)),
        ("429s met", getattr(stats, "rate_limited", 0)),
        ("rate-limit waits", getattr(stats, "rate_limit_waits", 0)),
        ("breaker trips", getattr(stats, "breaker_trips", 0)),
        ("rows per second", f"{tally.rows_per_second():.1f}"),
    ]
    print_table(title, lines)


async def import_candidates(
    file: Path, job_id: str | None, concurrency: int, journal_path: Path | None, fake: bool
) -> int:
    """Import candidates from CSV or JSON Lines; exit 0 when no row failed."""
    if not file.exists():  # noqa: ASYNC240 - one stat before any I/O starts
        print(f"no such file: {file}", file=sys.stderr)
        return 2
    try:
        client, fake_api = _import_client(fake)
    except InstaViewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    journal = None if journal_path is None else FileJournal(journal_path)
    binding = JournalBinding(
        source=await anyio.to_thread.run_sync(_digest, file),
        target=FAKE_TARGET if fake_api is not None else client.base_url,
        kind="candidates",
        job_id=job_id,
        source_name=file.name,
    )
    async with client:
        if journal is not None:
            try:  # before any request: a journal made for another run must not skip rows
                await journal.bind(binding)
            except JournalError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
        try:
            if fake_api is not None and job_id is None:
                job = await client.jobs.create(
                    title="Imported candidates", description="--fake run"
                )
                job_id = job.id
            with make_progress(None) as progress:
                tally = await run_import(
                    client,
                    read_rows(file),
                    job_id=job_id,
                    concurrency=concurrency,
                    journal=journal,
                    progress=progress,
                )
        finally:
            if journal is not None:
                await journal.aclose()
        _print_account(f"import {file.name}", tally, client.stats, None)
    for line, reason in tally.failures:
        print(f"line {line}: {reason}", file=sys.stderr)
    return 0 if tally.failed == 0 else 1


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def _import_client(fake: bool) -> tuple[AsyncClient, object | None]:
    if not fake:
        return AsyncClient(), None
    from ..testing import FakeInstaView

    api = FakeInstaView()
    return api.client(api_key=api.create_api_key()), api
