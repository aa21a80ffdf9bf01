"""``instaview import candidates|jobs FILE``: a file into the API, every row accounted for.

The order matters for never losing data: everything that can be checked without the API
(the file exists, its columns, the journal's binding, the key) is checked first, and a
problem exits 2 before a single request is sent.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import attrs

from .._client import DEFAULT_BASE_URL, AsyncClient
from .._options import base_url
from .._policies import CircuitBreakerPolicy, RateLimitPolicy
from .._urls import check_redis_url, redact
from ..journal import (
    FAKE_TARGET,
    FileJournal,
    Journal,
    JournalBinding,
    JournalError,
    JournalMismatchError,
)
from ._columns import CANDIDATES, JOBS, ColumnsError, Kind, Plan, plan
from ._progress import make_progress, print_table
from ._report import Report
from ._runner import BulkFactory, Interrupt, Tally, run_import
from ._source import BadLine, Record, SourceError, Survey, detect_format, read, survey
from ._spool import SpoolJournal

if TYPE_CHECKING:
    from ..contrib.redis import RedisBudget

__all__ = ["KINDS", "CommandError", "import_file"]

KINDS = {"candidates": CANDIDATES, "jobs": JOBS}

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_STOPPED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class CommandError(Exception):
    """A mistake in the command or its input: one line, exit 2, nothing sent."""


@attrs.frozen
class _Setup:
    kind: Kind
    file: Path
    survey: Survey
    plan: Plan
    binding: JournalBinding
    target: str  # the base URL as given (the binding's is shown: without a password)


def import_file(args: argparse.Namespace, argv: list[str]) -> int:
    """Run ``instaview import KIND FILE`` from parsed ``args``; return the exit status."""
    kind = KINDS[args.kind]
    target = _target(args)
    _check_paths(args)
    setup = _prepare(args, kind, target)
    return anyio.run(_run, args, setup, argv)


def _target(args: argparse.Namespace) -> str:
    if args.fake:
        if args.base_url:
            raise CommandError("--fake and --base-url exclude each other")
        return FAKE_TARGET
    if not os.environ.get("INSTAVIEW_API_KEY", "").strip():
        raise CommandError(
            "set INSTAVIEW_API_KEY to your API key (the key is read only from the "
            "environment), or pass --fake to try the file on the embedded fake API"
        )
    _check_job_id(getattr(args, "job_id", None))
    if args.base_url:
        return _base_url(args.base_url, "--base-url")
    if os.environ.get("INSTAVIEW_BASE_URL"):
        return _base_url(os.environ["INSTAVIEW_BASE_URL"], "$INSTAVIEW_BASE_URL")
    return DEFAULT_BASE_URL


def _base_url(url: str, given_as: str) -> str:
    """The base URL the client would take, or one line naming where it came from.

    The client's own ValueError shows the URL as given, password included, in a traceback.
    """
    try:
        return base_url(url)
    except ValueError:
        raise CommandError(
            f"{given_as} {redact(url)!r} is not an http:// or https:// URL with a host and "
            "no query (e.g. https://api.instaview.sk)"
        ) from None


def _check_job_id(job_id: str | None) -> None:
    """The API's ids are UUID strings: a typo is one line now, not one failure per row.

    Only the form is checked; the job is not fetched, as an import key may lack read scope.
    """
    if job_id is None:
        return
    try:
        uuid.UUID(job_id)
    except ValueError:
        raise CommandError(f"--job-id {job_id!r} is not a job id (a UUID)") from None


def _check_paths(args: argparse.Namespace) -> None:
    """The report is written from scratch: it must not be the input or the journal."""
    if args.redis is not None:
        _check_redis(args)
    if not args.file.is_file():
        kind = "not a file" if args.file.exists() else "no such file"
        raise CommandError(f"{kind}: {args.file}")
    if args.report is None or not args.report.exists():
        return
    for other, what in ((args.file, "the input file"), (args.journal, "the journal")):
        if other is not None and other.exists() and args.report.samefile(other):
            raise CommandError(f"--report {args.report} is {what}; it would be overwritten")


def _check_redis(args: argparse.Namespace) -> None:
    if args.journal is not None:
        raise CommandError("--journal and --redis exclude each other (--redis keeps the journal)")
    try:
        check_redis_url(args.redis)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if importlib.util.find_spec("redis") is None:
        raise CommandError("--redis needs redis-py: pip install 'instaview-async[redis]'")


def _unused(columns: tuple[str, ...]) -> str:
    """The columns for the note, those without a name (a spreadsheet's trailing commas) counted."""
    named = [repr(name) for name in columns if name.strip()]
    nameless = len(columns) - len(named)
    if nameless:
        named.append(f"{nameless} without a name")
    return ", ".join(named)


def _prepare(args: argparse.Namespace, kind: Kind, target: str) -> _Setup:
    file: Path = args.file
    try:
        found = survey(file, args.encoding)
    except OSError as exc:
        raise CommandError(f"cannot read {file}: {exc.strerror}") from None
    except SourceError as exc:
        raise CommandError(f"{file}: {exc}") from None
    try:
        csv = detect_format(file) == "csv"
        # JSON Lines whose every line is broken have no keys: let each line fail with its
        # reason instead of blaming a missing column.
        check = csv or bool(found.columns) or found.rows == 0
        matched = plan(kind, found.columns, file.name, unique=csv, check=check)
    except ColumnsError as exc:
        raise CommandError(str(exc)) from None
    if matched.unknown:
        print(
            f"note: ignoring columns the import does not use: {_unused(matched.unknown)}",
            file=sys.stderr,
        )
    binding = JournalBinding(
        source=found.digest,
        target=redact(target),  # a journal on disk or in Redis keeps no password
        kind=kind.name,
        job_id=getattr(args, "job_id", None),
        source_name=file.name,
    )
    return _Setup(kind, file, found, matched, binding, target)


def _open_report(path: Path | None) -> Report:
    try:
        return Report(path)
    except OSError as exc:
        raise CommandError(f"cannot write the report {path}: {exc.strerror}") from None


async def _run(args: argparse.Namespace, setup: _Setup, argv: list[str]) -> int:
    journal = await _journal(args, setup.binding)
    budget = _budget(args, setup.target)
    report = None
    left: Path | None = None
    try:
        report = _open_report(args.report)  # after the journal: a refused rerun keeps its report
        async with _client(args, setup.target, budget) as client:
            job_id = await _job_for(client, args, setup)
            tally = await _import_rows(client, args, setup, job_id, journal, report)
            stats = client.stats
        if isinstance(journal, SpoolJournal) and tally.unfinished:
            left = await _leave_journal(setup, journal, args.shard)
    finally:
        if report is not None:
            report.close()
        if journal is not None:
            await journal.aclose()
        if budget is not None:
            await budget.aclose()
    _print_account(_title(setup.file, args.shard), tally, stats)
    return _finish(args, tally, argv, left)


async def _import_rows(
    client: AsyncClient,
    args: argparse.Namespace,
    setup: _Setup,
    job_id: str | None,
    journal: Journal,
    report: Report,
) -> Tally:
    progress = make_progress(_shard_rows(setup.survey.rows, args.shard))
    tally: Tally | None = None
    try:
        tally = await run_import(
            _bulk(client, setup.kind, job_id, args),
            _shard(read(setup.file, args.encoding), args.shard),
            plan=setup.plan,
            namespace=f"cli:{setup.kind.name}:{job_id or '-'}",
            journal=journal,
            report=report,
            progress=progress,
            interrupt=Interrupt(grace=args.grace),
        )
    finally:
        progress.close(stopped=tally is None or tally.unfinished)
    return tally


async def _journal(args: argparse.Namespace, binding: JournalBinding) -> Journal:
    if args.redis is None and args.journal is not None:
        return await _bind(args.journal, binding)
    if args.redis is None:
        spool = SpoolJournal()  # becomes a journal next to the file if the run is cut short
        await spool.bind(binding)
        return spool
    from ..contrib.redis import RedisJournal

    try:  # what redis-py refuses besides (a query option of the wrong type, ...)
        journal = RedisJournal(args.redis)
    except ValueError as exc:  # its message names the URL without the password
        raise CommandError(f"--redis: {exc}") from None
    try:  # before any request, as for a file
        await journal.bind(binding)
    except JournalError as exc:
        await journal.aclose()
        raise CommandError(str(exc)) from None
    return journal


def _shard(records: Iterator[Record | BadLine], shard: tuple[int, int] | None) -> Iterator[Any]:
    """This worker's rows: data row i (from 0, readable or not) when i mod N == I."""
    if shard is None:
        return records
    index, count = shard
    return (item for i, item in enumerate(records) if i % count == index)


def _shard_rows(rows: int, shard: tuple[int, int] | None) -> int:
    if shard is None:
        return rows
    index, count = shard
    return len(range(index, rows, count))


def _budget(args: argparse.Namespace, target: str) -> RedisBudget | None:
    """The key's budget shared through Redis (the fake of --fake is per process: no point)."""
    if args.redis is None or target == FAKE_TARGET:
        return None
    from ..contrib.redis import RedisBudget

    return RedisBudget(args.redis)


async def _bind(path: Path, binding: JournalBinding) -> FileJournal:
    """Open the journal before any request: one made for another run must not skip rows."""
    journal = FileJournal(path)
    try:
        await journal.bind(binding)
    except JournalMismatchError as exc:
        raise CommandError(f"{exc} (use another --journal path)") from None
    except JournalError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot open the journal {path}: {exc.strerror}") from None
    return journal


# An outage pauses the import until a probe gets through: probing after 5 s, then 10, 20, up
# to a minute (the API's advice) makes a gateway blip cost seconds, not the minute a fixed
# recovery time would, and a long outage still one request a minute.
_BREAKER = CircuitBreakerPolicy(recovery_time=5.0, max_recovery_time=60.0)


def _client(args: argparse.Namespace, target: str, budget: RedisBudget | None) -> AsyncClient:
    if target != FAKE_TARGET:
        return AsyncClient(
            base_url=target, rate_limit=RateLimitPolicy(budget=budget), circuit_breaker=_BREAKER
        )
    from ..testing import FakeInstaView

    fake = FakeInstaView(max_recorded=0)  # a 100k-row --fake import would keep 100 MB of them
    return fake.client(api_key=fake.create_api_key())


async def _job_for(client: AsyncClient, args: argparse.Namespace, setup: _Setup) -> str | None:
    job_id: str | None = getattr(args, "job_id", None)
    if setup.kind is CANDIDATES and job_id is None and args.fake:
        # The fake starts empty; a job of its own lets --fake rehearse a --job-id import.
        job = await client.jobs.create(title="Imported candidates", description="--fake run")
        return job.id
    return job_id


def _bulk(
    client: AsyncClient, kind: Kind, job_id: str | None, args: argparse.Namespace
) -> BulkFactory:
    options = {"concurrency": args.concurrency, "max_outage": args.max_outage}

    def start(rows: Any, key: Any) -> Any:
        if kind is CANDIDATES:
            return client.candidates.bulk_create(rows, job_id=job_id, key=key, **options)
        return client.jobs.bulk_create(rows, key=key, **options)

    return start


def _title(file: Path, shard: tuple[int, int] | None) -> str:
    return file.name if shard is None else f"{file.name}, shard {shard[0]}/{shard[1]}"


def _print_account(title: str, tally: Tally, stats: object) -> None:
    rows = [
        ("rows", tally.total),
        ("created", tally.created),
        ("existing", tally.existing),
        ("failed", tally.failed),
        ("skipped (done before)", tally.skipped),
        ("skipped (not done)", tally.not_done),
        ("retries", getattr(stats, "retries", 0)),
        ("429s met", getattr(stats, "rate_limited", 0)),
        ("breaker trips", getattr(stats, "breaker_trips", 0)),
        ("rows per second", f"{tally.rows_per_second():.1f}"),
    ]
    print_table(title, rows)


def _finish(args: argparse.Namespace, tally: Tally, argv: list[str], left: Path | None) -> int:
    if not tally.unfinished:
        return EXIT_FAILED if tally.failed else EXIT_OK
    # --journal and --redis: that journal has every done row (or a warning said how many not).
    rerun = _rerun(argv, left)
    if tally.stopped is not None:
        print(f"stopped early: {tally.stopped}", file=sys.stderr)
    print(f"to go on where this run stopped: {rerun}", file=sys.stderr)
    return EXIT_STOPPED if tally.stopped is not None else EXIT_INTERRUPTED


async def _leave_journal(
    setup: _Setup, spool: SpoolJournal, shard: tuple[int, int] | None
) -> Path | None:
    """Without --journal, keep this run's done rows, ids included, so that the rerun skips
    them and still reports their ids; None (and a note) when that cannot be done."""
    if spool.lost is not None:
        _no_journal(f"the done rows could not be kept ({spool.lost})")
        return None
    path = _free_path(_journal_path(setup.file, shard))
    journal = FileJournal(path)
    try:
        await journal.bind(setup.binding)
        for entry in spool.entries():
            await journal.record(entry)
    except OSError as exc:
        _no_journal(f"cannot write {path} ({exc.strerror})")
        return None
    finally:
        await journal.aclose()
    return path


def _journal_path(file: Path, shard: tuple[int, int] | None) -> Path:
    # One name per shard: workers cut short together must not pick the same free name.
    name = file.name if shard is None else f"{file.name}.shard-{shard[0]}-of-{shard[1]}"
    return file.with_name(f"{name}.journal")


def _no_journal(why: str) -> None:
    print(
        f"note: no journal is left: {why}; a rerun sends the done rows again under the same "
        "idempotency keys",
        file=sys.stderr,
    )


def _free_path(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate


_URL_OPTIONS = ("--redis", "--base-url")


def _rerun(argv: list[str], journal: Path | None) -> str:
    """The command to go on, with the journal left behind; a --redis or --base-url password
    shown as ***."""
    words = ["instaview"]
    after_url = False
    for word in argv:
        option, equals, value = word.partition("=")
        if after_url:
            word = redact(word)
        elif equals and option in _URL_OPTIONS:
            word = f"{option}={redact(value)}"
        words.append(word)
        after_url = word in _URL_OPTIONS
    if journal is not None:
        words += ["--journal", str(journal)]
    return shlex.join(words)
