"""``instaview fake-server``: the testing fake on a loopback socket (options: lane of issue 13)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

__all__ = ["register", "run"]


def register(commands: Any) -> None:
    """Add the ``fake-server`` subcommand to ``commands`` (a subparsers)."""
    serve = commands.add_parser("fake-server", help="serve the fake API on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)


def run(args: argparse.Namespace) -> int:
    """Serve the fake until interrupted, printing a key to use."""
    import anyio

    return anyio.run(_serve, args.port)


async def _serve(port: int) -> int:
    import anyio

    from ..testing import FakeInstaView

    fake = FakeInstaView()
    key = fake.create_api_key()
    async with fake.serve(port=port) as base_url:
        print(f"fake InstaView API on {base_url}")
        print(f"  export INSTAVIEW_BASE_URL={base_url}")
        print(f"  export INSTAVIEW_API_KEY={key}  # a key of the fake, not a real one")
        sys.stdout.flush()
        if os.environ.get("INSTAVIEW_FAKE_SERVER_ONCE"):  # lets a test start and stop it
            return 0
        await anyio.sleep_forever()
    return 0
