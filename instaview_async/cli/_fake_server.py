"""``instaview fake-server``: the testing fake on a socket, with its knobs as options.

The options are ``FakeInstaView``'s and ``Faults``' arguments under their command-line names,
so a rate-limited or faulty run can be rehearsed from any language's test suite. The server
listens on loopback only unless ``--allow-non-loopback`` says otherwise: the fake checks keys
it made up itself, which is no protection on a network.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from typing import Any

from ._options import fraction, port, positive_int, positive_seconds, seconds

__all__ = ["register", "run"]

_LOOPBACK_NAMES = ("localhost",)


def register(commands: Any) -> None:
    """Add the ``fake-server`` subcommand and its options to ``commands`` (a subparsers)."""
    serve: argparse.ArgumentParser = commands.add_parser(
        "fake-server",
        help="serve the fake InstaView API (instaview_async.testing) on a loopback socket",
        description="Serve the fake InstaView API on a socket until interrupted; prints the "
        "base URL and an API key of the fake.",
    )
    where = serve.add_argument_group("where")
    where.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    where.add_argument("--port", type=port, default=8765, help="port (default 8765; 0: any)")
    where.add_argument(
        "--allow-non-loopback",
        action="store_true",
        help="allow a --host outside the loopback range (the fake has no real security; "
        "default: loopback only)",
    )
    limits = serve.add_argument_group("rate limit (per key)")
    limits.add_argument(
        "--requests-per-minute", type=positive_int, metavar="N", help="default: unlimited"
    )
    limits.add_argument(
        "--requests-per-hour", type=positive_int, metavar="N", help="default: unlimited"
    )
    limits.add_argument(
        "--minute-seconds",
        type=positive_seconds,
        default=60.0,
        metavar="S",
        help="length of the 'minute' window (default 60; a demo may use 1)",
    )
    limits.add_argument(
        "--hour-seconds",
        type=positive_seconds,
        default=3600.0,
        metavar="S",
        help="length of the 'hour' window (default 3600)",
    )
    limits.add_argument(
        "--rate-limit-body",
        choices=("envelope", "throttler"),
        default="envelope",
        help="the 429's body (default: the error-handling page's envelope)",
    )
    faults = serve.add_argument_group("faults")
    faults.add_argument(
        "--fault-rate",
        type=fraction,
        default=0.0,
        metavar="P",
        help="share of 5xx replies, 0-1 (default 0)",
    )
    faults.add_argument(
        "--malformed-rate",
        type=fraction,
        default=0.0,
        metavar="P",
        help="share of HTML 502s and cut-off JSON bodies, 0-1 (default 0)",
    )
    faults.add_argument(
        "--drop-after-commit-rate",
        type=fraction,
        default=0.0,
        metavar="P",
        help="share of requests written, then dropped with no reply, 0-1 (default 0)",
    )
    faults.add_argument(
        "--latency",
        type=seconds,
        default=0.0,
        metavar="S",
        help="seconds added to each request (default 0)",
    )
    faults.add_argument(
        "--seed", type=int, default=0, help="seed of ids, keys and faults (default 0)"
    )
    rules = serve.add_argument_group("key and business rules")
    rules.add_argument(
        "--scopes", type=_scopes, metavar="S1,S2", help="scopes of the printed key (default all)"
    )
    rules.add_argument(
        "--monthly-interview-limit",
        type=positive_int,
        metavar="N",
        help="interviews per company and month before 402 (default: none)",
    )
    rules.add_argument(
        "--sourcing-seconds",
        type=seconds,
        default=0.0,
        metavar="S",
        help="how long a sourcing run stays processing (default 0)",
    )
    serve.set_defaults(fake_server_parser=serve)


def run(args: argparse.Namespace) -> int:
    """Serve the fake as ``args`` say until interrupted; return the exit status."""
    import anyio

    from ..testing import FakeInstaView, Faults

    parser: argparse.ArgumentParser = args.fake_server_parser
    if not args.allow_non_loopback and not _is_loopback(args.host):
        parser.error(
            f"--host {args.host} is not a loopback address; the fake has no real security, "
            "so pass --allow-non-loopback to serve it beyond this machine"
        )
    if args.fault_rate + args.malformed_rate > 1:  # both are drawn from one roll per request
        parser.error("--fault-rate plus --malformed-rate must not exceed 1")
    faults = Faults(
        error_rate=args.fault_rate,
        malformed_rate=args.malformed_rate,
        drop_after_commit_rate=args.drop_after_commit_rate,
        latency=args.latency,
        seed=args.seed,
    )
    fake = FakeInstaView(
        requests_per_minute=args.requests_per_minute,
        requests_per_hour=args.requests_per_hour,
        minute_seconds=args.minute_seconds,
        hour_seconds=args.hour_seconds,
        rate_limit_body=args.rate_limit_body,
        faults=faults,
        monthly_interview_limit=args.monthly_interview_limit,
        sourcing_seconds=args.sourcing_seconds,
        seed=args.seed,
        max_recorded=0,  # nobody can read them from outside, and a server runs for days
    )
    key = fake.create_api_key(scopes=args.scopes)
    try:
        return anyio.run(_serve, fake, key, args)
    except OSError as exc:  # the port is taken, the address is not ours, ...
        where = f"{args.host}:{args.port}"
        print(f"instaview fake-server: cannot listen on {where}: {exc.strerror}", file=sys.stderr)
        return 1


async def _serve(fake: Any, key: str, args: argparse.Namespace) -> int:
    import anyio

    async with fake.serve(port=args.port, host=args.host) as base_url:
        print(f"fake InstaView API on {base_url}")
        print(f"  export INSTAVIEW_BASE_URL={base_url}")
        print(f"  export INSTAVIEW_API_KEY={key}  # a key of the fake, not a real one")
        print(f"  {_summary(args)}")
        sys.stdout.flush()
        if os.environ.get("INSTAVIEW_FAKE_SERVER_ONCE"):  # lets a test start and stop it
            return 0
        await anyio.sleep_forever()
    return 0


def _summary(args: argparse.Namespace) -> str:
    minute = args.requests_per_minute or "unlimited"
    hour = args.requests_per_hour or "unlimited"
    scopes = "all scopes" if args.scopes is None else ",".join(args.scopes) or "no scopes"
    return (
        f"rate limit {minute}/minute ({args.minute_seconds:g}s), {hour}/hour "
        f"({args.hour_seconds:g}s), {args.rate_limit_body} 429s; faults {args.fault_rate:g} "
        f"errors, {args.malformed_rate:g} malformed, {args.drop_after_commit_rate:g} dropped, "
        f"{args.latency:g}s latency, seed {args.seed}; key with {scopes}"
    )


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _scopes(text: str) -> tuple[str, ...]:
    from ..testing import ALL_SCOPES

    scopes = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown scope {unknown[0]!r}; the scopes are: {', '.join(ALL_SCOPES)}"
        )
    return scopes
