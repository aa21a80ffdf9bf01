"""The ``instaview`` command: ``demo``, ``import candidates|jobs FILE``, ``fake-server``.

``main`` turns the command's own failures into one line in command-line terms (a missing
extra with its pip command, a port in use, a missing key) and an exit status; a traceback is
left only for what is a bug.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib.util
import logging
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from .._outage import DEFAULT_MAX_OUTAGE
from .._version import __version__
from . import _fake_server, _options
from ._columns import CANDIDATES, JOBS, Kind

__all__ = ["main"]

_EXIT_STATUSES = """\
exit statuses:
  0    every row done (created, existing, or done in an earlier run)
  1    some rows failed (see the messages, or --report)
  2    bad usage or input: nothing was sent
  3    stopped early (API unreachable, key rejected): rows not done are "skipped"
  130  interrupted (Ctrl-C): the rerun command is printed
"""

_KEY = (
    "The API key is read from $INSTAVIEW_API_KEY only, never from an argument (arguments "
    "land in shell history and process lists); the base URL from --base-url, else "
    "$INSTAVIEW_BASE_URL, else https://api.instaview.sk."
)

# Subcommands whose imports live in an extra: checked before running, so that a missing one
# is a pip command instead of a traceback.
_NEEDS = {"fake-server": "uvicorn"}
_EXTRA_OF = {"uvicorn": "server", "rich": "cli"}


def _columns_help(kind: Kind, required: str) -> str:
    text = (
        "Columns (CSV header or JSON keys) match ignoring case, spaces, '_' and '-', so "
        f"'First Name', 'first_name' and 'firstName' are one column: {kind.accepted()}. "
        f"Required: {required}. Lists are separated by ';' or ','. An empty "
        "cell is an absent field. Unknown columns are named once and ignored."
    )
    return _wrap(text) + "\n\n"


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=79, break_on_hyphens=False)


class _Parser(argparse.ArgumentParser):
    """argparse, with a mistake told in one line: the usage block is what --help is for.

    Subparsers are made of the same class (``add_subparsers`` uses the parent's type), so every
    subcommand's errors read ``instaview <subcommand>: error: ... (see ... --help)``.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        # Subcommands are optional to argparse so that an unknown option is named, by the
        # subcommand it was given to ("the following arguments are required: command" would
        # hide a mistyped --flag).
        levels = list(_levels(self, parsed))
        if extras:
            levels[-1][0].error(f"unrecognized arguments: {' '.join(extras)}")
        parser, action = levels[-1]
        if action is not None:
            parser.error(f"choose one of: {', '.join(action.choices)}")
        return parsed


_Level = tuple[argparse.ArgumentParser, "argparse._SubParsersAction[Any] | None"]


def _levels(parser: argparse.ArgumentParser, parsed: argparse.Namespace) -> Iterator[_Level]:
    """Each parser down the subcommands chosen, with its subcommands if none was chosen."""
    while True:
        action = next((a for a in parser._actions if isinstance(a, _SubParsers)), None)
        chosen = None if action is None else getattr(parsed, action.dest, None)
        if action is None or chosen is None:
            yield parser, action
            return
        yield parser, None
        parser = action.choices[chosen]


_SubParsers = argparse._SubParsersAction


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="instaview", description="InstaView from the command line (instaview-async)."
    )
    parser.add_argument("--version", action="version", version=f"instaview-async {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log the SDK's retries and waits to stderr"
    )
    commands = parser.add_subparsers(dest="command")
    _add_demo(commands)
    _add_import(commands)
    _fake_server.register(commands)
    return parser


def _add_demo(commands: argparse._SubParsersAction[_Parser]) -> None:
    demo = commands.add_parser(
        "demo",
        help="bulk-import generated candidates into the embedded fake API, under faults",
        description="Bulk-import generated candidates into the embedded fake API, under rate "
        "limits and injected faults, and account for every row (no key, nothing leaves the "
        "machine).",
    )
    demo.add_argument(
        "--rows", type=_options.positive_int, default=300, metavar="N",
        help="candidates to generate and import (default 300)",
    )  # fmt: skip
    demo.add_argument(
        "--concurrency", type=_options.concurrency, default=16, metavar="N",
        help="rows in flight at once, 1-256 (default 16)",
    )  # fmt: skip
    demo.add_argument(
        "--seed", type=int, default=7, metavar="N",
        help="seed of the generated rows and injected faults (default 7)",
    )  # fmt: skip
    demo.add_argument(
        "--fault-rate", type=_options.fraction, default=0.10, metavar="P",
        help="share of faulty replies, 0-1 (default 0.1)",
    )  # fmt: skip


def _add_import(commands: argparse._SubParsersAction[_Parser]) -> None:
    imp = commands.add_parser(
        "import",
        help="import rows from a CSV or JSON Lines file",
        description="Import candidates or jobs from a CSV or JSON Lines file into the API.",
    )
    kinds = imp.add_subparsers(dest="kind")
    common = _common_import_options()
    formatter = argparse.RawDescriptionHelpFormatter
    cand = kinds.add_parser(
        "candidates",
        parents=[common],
        formatter_class=formatter,
        help="candidates (client.candidates.bulk_create)",
        description=_wrap("Import candidates (an email already on the job: 'existing'). " + _KEY),
        epilog=_columns_help(CANDIDATES, "first_name, last_name, and email or phone_number")
        + _EXIT_STATUSES,
    )
    cand.add_argument(
        "--job-id", metavar="ID",
        help="assign every candidate to this job (a UUID; default: none, or a new job of the "
        "fake with --fake)",
    )  # fmt: skip
    kinds.add_parser(
        "jobs",
        parents=[common],
        formatter_class=formatter,
        help="jobs (client.jobs.bulk_create)",
        description=_wrap("Import jobs. " + _KEY),
        epilog=_columns_help(JOBS, "title, description") + _EXIT_STATUSES,
    )


def _common_import_options() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument(
        "file",
        type=Path,
        help="CSV with a header row, JSON Lines (.jsonl, .ndjson, .json), or a JSON array (.json)",
    )
    common.add_argument(
        "--report", type=Path, metavar="PATH", help="write one JSON line per row (line, status,"
        " id, error) as rows finish (default: none)",
    )  # fmt: skip
    common.add_argument(
        "--journal", type=Path, metavar="PATH",
        help="record done rows here; a rerun with the same file, target (base URL), kind and "
        "--job-id skips them (default: none; a run cut short leaves one next to the file)",
    )  # fmt: skip
    common.add_argument(
        "--encoding", type=_options.encoding, default="utf-8",
        help="the file's text encoding (default utf-8, with or without BOM; e.g. cp1252)",
    )  # fmt: skip
    common.add_argument(
        "--concurrency", type=_options.concurrency, default=16, metavar="N",
        help="rows in flight at once, 1-256 (default 16); the key's rate limit caps the speed",
    )  # fmt: skip
    common.add_argument(
        "--base-url", metavar="URL",
        help="the API's base URL (default $INSTAVIEW_BASE_URL, else https://api.instaview.sk)",
    )  # fmt: skip
    common.add_argument(
        "--fake",
        action="store_true",
        help="try the file on the embedded fake API (no key; default: the real API)",
    )
    common.add_argument(
        "--redis", metavar="URL",
        help="share the key's rate-limit budget and the journal with other workers through "
        "Redis (redis://host:port/db; extra 'redis'; default: none)",
    )  # fmt: skip
    common.add_argument(
        "--shard", type=_options.shard, metavar="I/N",
        help="import only data rows i with i mod N == I (0 <= I < N), one of N workers "
        "(default: all rows)",
    )  # fmt: skip
    common.add_argument(
        "--max-outage", type=_options.seconds, default=DEFAULT_MAX_OUTAGE, metavar="S",
        help=f"wait out an unreachable API this long before stopping (exit 3; default "
        f"{DEFAULT_MAX_OUTAGE:g})",
    )  # fmt: skip
    common.add_argument(
        "--grace", type=_options.seconds, default=10.0, metavar="S",
        help="after Ctrl-C, how long rows in flight may finish (default 10)",
    )  # fmt: skip
    return common


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``instaview`` command and return its exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(_options.glue_negative_shard(words))
    with _logging(args.verbose):
        try:
            return _dispatch(args, words)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
        except BaseException as exc:
            return _one_line(_leaf(exc), args)


# Redis going away (or coming back) changes what a worker shares with the others, which the
# command's own account cannot show: those records are shown without -v as well.
_REDIS_LOGGER = "instaview_async.contrib.redis"


@contextlib.contextmanager
def _logging(verbose: bool) -> Iterator[None]:
    """The command prints its own account; the SDK's log lines only with --verbose, except
    those of Redis outages (and recoveries), which are shown as one line each.

    Without a handler, Python prints warnings to stderr by itself ("last resort"), which would
    repeat what the command says (a breaker trip, the stop of an import) in library terms.
    What is set up here is undone on return, for programs and tests that call `main`.
    """
    sdk = logging.getLogger("instaview_async")
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        yield
        return
    null = None if sdk.handlers else logging.NullHandler()
    redis, line = logging.getLogger(_REDIS_LOGGER), _OneLine()
    level = redis.level
    if null is not None:
        sdk.addHandler(null)
    redis.addHandler(line)
    redis.setLevel(logging.INFO)  # its info lines are the "answers again" of an outage
    try:
        yield
    finally:
        redis.setLevel(level)
        redis.removeHandler(line)
        if null is not None:
            sdk.removeHandler(null)


class _OneLine(logging.Handler):
    """``warning: <message>`` (``note:`` below WARNING) on one line of the current stderr.

    The stream is looked up at each record, not kept: a progress bar redirects stderr while
    it is drawn, and prints such lines above itself.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            kind = "warning" if record.levelno >= logging.WARNING else "note"
            message = " ".join(record.getMessage().split())
            print(f"{kind}: {message}", file=sys.stderr, flush=True)
        except Exception:
            self.handleError(record)


def _dispatch(args: argparse.Namespace, words: list[str]) -> int:
    module = _NEEDS.get(args.command)
    if module is not None and importlib.util.find_spec(module) is None:
        raise ModuleNotFoundError(name=module)
    if args.command == "demo":
        import anyio

        from . import _commands

        return anyio.run(_commands.demo, args.rows, args.concurrency, args.seed, args.fault_rate)
    if args.command == "import":
        from ._import import import_file

        return import_file(args, words)
    return _fake_server.run(args)


def _leaf(exc: BaseException) -> BaseException:
    """The one exception inside (nested) single-exception groups, as task groups wrap them."""
    # Duck-typed: BaseExceptionGroup is builtin from 3.11 only (a backport on 3.10).
    inner: Sequence[BaseException] = getattr(exc, "exceptions", ())
    while len(inner) == 1:
        exc = inner[0]
        inner = getattr(exc, "exceptions", ())
    return exc


def _one_line(exc: BaseException, args: argparse.Namespace) -> int:
    from ._import import CommandError

    if isinstance(exc, KeyboardInterrupt):
        print("interrupted", file=sys.stderr)
        return 130
    if isinstance(exc, CommandError):
        return _error(str(exc))
    if isinstance(exc, ModuleNotFoundError) and exc.name in _EXTRA_OF:
        extra = _EXTRA_OF[exc.name]
        return _error(
            f"instaview {args.command} needs the {extra!r} extra: "
            f"pip install 'instaview-async[{extra}]'"
        )
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        port = getattr(args, "port", None)
        where = f"port {port}" if port is not None else "the address"
        return _error(f"{where} is already in use; pick another with --port (0: any free port)")
    raise exc


def _error(message: str) -> int:
    print(f"instaview: error: {message}", file=sys.stderr)
    return 2
