"""The ``instaview`` command: ``demo``, ``import candidates FILE``, ``fake-server``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import _fake_server

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="instaview", description="InstaView from the command line (instaview-async)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="bulk-import generated candidates into the embedded fake API, under faults"
    )
    demo.add_argument("--rows", type=int, default=300, help="rows to import (default 300)")
    demo.add_argument("--concurrency", type=int, default=16)
    demo.add_argument("--seed", type=int, default=7, help="seed of the injected faults")
    demo.add_argument("--fault-rate", type=float, default=0.10, help="share of faulty replies")

    imp = commands.add_parser("import", help="import rows into InstaView")
    kinds = imp.add_subparsers(dest="kind", required=True)
    cand = kinds.add_parser("candidates", help="candidates from a CSV or JSON Lines file")
    cand.add_argument("file", type=Path)
    cand.add_argument("--job-id", help="assign every candidate to this job")
    cand.add_argument("--concurrency", type=int, default=16)
    cand.add_argument("--journal", type=Path, help="record done rows here; a rerun skips them")
    cand.add_argument("--fake", action="store_true", help="run against the embedded fake API")

    _fake_server.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``instaview`` command and return its exit status."""
    args = _parser().parse_args(argv)
    import anyio

    from . import _commands

    try:
        if args.command == "demo":
            return anyio.run(
                _commands.demo, args.rows, args.concurrency, args.seed, args.fault_rate
            )
        if args.command == "import":
            return anyio.run(
                _commands.import_candidates,
                args.file,
                args.job_id,
                args.concurrency,
                args.journal,
                args.fake,
            )
        return _fake_server.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
