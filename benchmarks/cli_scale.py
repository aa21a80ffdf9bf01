"""``instaview import candidates`` at scale: peak memory and throughput against a rate limit.

``python -m benchmarks.cli_scale [--rows 10000,100000] [--rate R] [--concurrency 16]``.
The fake API is served by ``instaview fake-server`` in its own process, with a rate limit of
``R`` requests per second (``--requests-per-minute R --minute-seconds 1``). For each size a CSV
of generated candidates is written, and the command imports it in a fresh process, as a user
would run it (key and base URL from the environment, output to a file, not a terminal). The
figures are ratios measured in the same run: the command's peak RSS at each size against the
smallest size (target: within 1.2x, memory bounded by concurrency, not rows), and its rows per
second against ``R`` (target: >= 0.95). Without ``--rate`` an unthrottled run first measures
what the machine sustains, and ``R`` is set to 70% of it so that the limit, not the CPU, is
the bottleneck being measured.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import anyio
import attrs

import instaview_async as iv

_HEADER = ("First Name", "Last Name", "E-mail")


@attrs.frozen
class Run:
    """One import: rows, wall seconds, peak RSS (bytes), exit status, and what it printed."""

    rows: int
    seconds: float
    peak_rss: int
    status: int
    reported_rate: float  # the command's own "rows per second" (its import phase)
    met_429: int

    @property
    def rows_per_second(self) -> float:
        """Rows per second of the command's whole run, start-up included."""
        return self.rows / self.seconds


@attrs.frozen
class Server:
    """The fake served in another process."""

    process: subprocess.Popen[str]
    base_url: str
    key: str


def _start_server(rate: int | None) -> Server:
    command = [sys.executable, "-m", "instaview_async.cli", "fake-server", "--port", "0"]
    if rate is not None:
        command += ["--requests-per-minute", str(rate), "--minute-seconds", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    base_url = key = ""
    while not (base_url and key):
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("instaview fake-server exited before printing its URL and key")
        if match := re.search(r"INSTAVIEW_BASE_URL=(\S+)", line):
            base_url = match.group(1)
        if match := re.search(r"INSTAVIEW_API_KEY=(\S+)", line):
            key = match.group(1)
    return Server(process, base_url, key)


def _stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(10)


async def _create_job(server: Server, title: str) -> str:
    async with iv.AsyncClient(api_key=server.key, base_url=server.base_url) as client:
        job = await client.jobs.create(title=title, description="Benchmark of the import command")
        return job.id


def _write_csv(path: Path, rows: int, tag: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(_HEADER)
        writer.writerows(_rows(rows, tag))


def _rows(count: int, tag: str) -> Iterator[tuple[str, str, str]]:
    for i in range(count):
        yield ("Ada", f"Lovelace {i}", f"ada.{tag}.{i}@example.com")


def _import(server: Server, csv_path: Path, job_id: str, concurrency: int, log: Path) -> Run:
    """Run the command in a fresh process; its own peak RSS comes from wait4's rusage."""
    env = {**os.environ, "INSTAVIEW_API_KEY": server.key, "INSTAVIEW_BASE_URL": server.base_url}
    command = [sys.executable, "-m", "instaview_async.cli", "import", "candidates", str(csv_path)]
    command += ["--job-id", job_id, "--concurrency", str(concurrency)]
    with log.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    rows = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1
    output = log.read_text(encoding="utf-8", errors="replace")
    return Run(
        rows,
        seconds,
        usage.ru_maxrss * 1024,
        process.returncode,
        reported_rate=_figure(output, "rows per second"),
        met_429=int(_figure(output, "429s met")),
    )


def _figure(output: str, name: str) -> float:
    """A number from the command's summary table (``name │ value``), or NaN if absent."""
    match = re.search(rf"{name}\W+([\d.]+)", output)
    return float(match.group(1)) if match else float("nan")


def _measure(sizes: Sequence[int], rate: int | None, concurrency: int, workdir: Path) -> list[Run]:
    server = _start_server(rate)
    try:
        runs = []
        for size in sizes:
            tag = f"{rate or 'free'}-{size}"
            job_id = anyio.run(_create_job, server, f"Scale {tag}")
            csv_path = workdir / f"candidates-{tag}.csv"
            _write_csv(csv_path, size, tag)
            run = _import(server, csv_path, job_id, concurrency, workdir / f"import-{tag}.log")
            if run.status != 0:
                tail = (workdir / f"import-{tag}.log").read_text()[-2000:]
                raise RuntimeError(f"the import exited {run.status}:\n{tail}")
            print(
                f"  {size:>7} rows: {run.seconds:7.1f} s, {run.rows_per_second:6.1f} rows/s "
                f"(command says {run.reported_rate:.1f}), {run.met_429} 429s, "
                f"peak RSS {run.peak_rss / 2**20:6.1f} MiB",
                flush=True,
            )
            runs.append(run)
            csv_path.unlink()
        return runs
    finally:
        _stop_server(server)


def main(argv: Sequence[str] | None = None) -> None:
    """Measure and print the ratios."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cli_scale")
    parser.add_argument("--rows", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--rate", type=int, help="the fake's limit, requests per second")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--probe-rows", type=int, default=3000, help="rows of the capacity run")
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.rows.split(",")]
    with tempfile.TemporaryDirectory(prefix="cli-scale-") as tmp:
        workdir = Path(tmp)
        rate = args.rate
        if rate is None:
            print("capacity (no rate limit):", flush=True)
            (free,) = _measure([args.probe_rows], None, args.concurrency, workdir)
            rate = max(1, int(free.rows_per_second * 0.7))
        print(f"rate limit R = {rate} requests/s, concurrency {args.concurrency}:", flush=True)
        runs = _measure(sizes, rate, args.concurrency, workdir)
    base = runs[0]
    print("\nresults (ratios within this run):")
    for run in runs:
        print(
            f"  {run.rows:>7} rows: peak RSS {run.peak_rss / base.peak_rss:5.2f}x of "
            f"{base.rows} rows (target <= 1.2); rows/s {run.rows_per_second / rate:5.2f} R "
            f"start-up included, {run.reported_rate / rate:5.2f} R import phase (target >= 0.95)"
        )


if __name__ == "__main__":
    main()
