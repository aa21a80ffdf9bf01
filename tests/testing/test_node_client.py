"""A JavaScript client written only from the error-handling page works against the fake.

``js/instaview_client.mjs`` is the page's own code (``request``/``handleError``,
``retryWithBackoff``, the Idempotency-Key pattern); ``js/check_fake.mjs`` runs it under Node
against three ``instaview fake-server`` processes on free 127.0.0.1 ports: one with no limit, one
whose key has two read scopes, and one with 2 requests per 1.5-second "minute". Each case of the
issue's list is one test here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .fake_server_process import fake_servers

JS = Path(__file__).parent / "js"
CASES = [
    "create-201",
    "not-found-404",
    "invalid-key-401",
    "validation-fields",
    "insufficient-permissions",
    "duplicate-email-409",
    "idempotency-replay",
    "rate-limit-headers",
    "rate-limit-429-retry",
]
_NODE_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def node_report() -> dict[str, str]:
    """Run the checks once under Node; map each case to its "ok" or "not ok ..." line."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JavaScript client checks need Node 18 or later")
    options = (
        ("--seed", "1"),
        ("--scopes", "read:jobs,read:candidates"),
        ("--requests-per-minute", "2", "--minute-seconds", "1.5"),
    )
    with fake_servers(*options) as (main, scoped, limited):
        servers = {"main": main, "scoped": scoped, "limited": limited}
        fakes = {name: {"url": s.base_url, "key": s.key} for name, s in servers.items()}
        done = subprocess.run(
            [node, "--no-warnings", str(JS / "check_fake.mjs")],
            env={**os.environ, "INSTAVIEW_FAKES": json.dumps(fakes)},
            capture_output=True,
            text=True,
            timeout=_NODE_TIMEOUT,
            check=False,
        )
    report = {}
    for line in done.stdout.splitlines():
        if line.startswith("ok "):
            report[line[3:]] = line
        elif line.startswith("not ok "):
            report[line[7:].split(":")[0]] = line
    if not report:
        pytest.fail(f"node printed no results (exit {done.returncode}): {done.stderr}")
    return report


@pytest.mark.parametrize("case", CASES)
def test_the_pages_client_sees_what_the_page_says(node_report: dict[str, str], case: str) -> None:
    """One case of the page, as the page's own JavaScript client sees it on the fake."""
    assert node_report.get(case) == f"ok {case}", node_report.get(case, "not run")


def test_every_case_of_the_script_is_checked(node_report: dict[str, str]) -> None:
    """The script runs exactly the issue's cases, no more and no fewer."""
    assert sorted(node_report) == sorted(CASES)
