"""``instaview fake-server``: its options reach the served fake; mistakes are one line."""

from __future__ import annotations

import socket

import httpx
import pytest

from instaview_async.cli import main

from .fake_server_process import fake_server

JOB = {"title": "Backend engineer", "description": "Python, asyncio and httpx"}


def test_rate_limit_scopes_and_seed_options_reach_the_server() -> None:
    """--requests-per-minute/-hour, --minute-seconds, --scopes and --seed shape what is served."""
    options = (
        *("--requests-per-minute", "3", "--requests-per-hour", "100"),
        *("--minute-seconds", "30", "--scopes", "read:jobs", "--seed", "5"),
    )
    with fake_server(*options) as served:
        headers = {"Authorization": f"Bearer {served.key}"}
        with httpx.Client(base_url=served.base_url, headers=headers) as http:
            listed = http.get("/jobs")
            denied = http.post("/jobs", json=JOB)
            http.get("/jobs")
            limited = http.get("/jobs")
    assert served.base_url.startswith("http://127.0.0.1:")
    assert "rate limit 3/minute (30s), 100/hour" in served.output
    assert listed.status_code == 200
    assert listed.headers["x-ratelimit-limit-minute"] == "3"
    assert listed.headers["x-ratelimit-limit-hour"] == "100"
    assert denied.status_code == 403
    assert denied.json()["error"]["details"]["available"] == ["read:jobs"]
    assert limited.status_code == 429
    assert limited.json()["error"]["details"]["window"] == "minute"
    assert 0 < float(limited.headers["retry-after"]) <= 30


def test_the_same_seed_prints_the_same_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--seed makes the printed key (and ids) reproducible across runs."""
    monkeypatch.setenv("INSTAVIEW_FAKE_SERVER_ONCE", "1")
    keys = []
    for _ in range(2):
        assert main(["fake-server", "--port", "0", "--seed", "11"]) == 0
        keys.append(capsys.readouterr().out.split("INSTAVIEW_API_KEY=")[1].split()[0])
    assert keys[0] == keys[1] and keys[0].startswith("sk_test_")


def test_fault_and_latency_options_reach_the_server() -> None:
    """--fault-rate 1 makes every reply a 5xx; --latency delays each one."""
    with fake_server("--fault-rate", "1", "--latency", "0.2", "--seed", "2") as served:
        headers = {"Authorization": f"Bearer {served.key}"}
        with httpx.Client(base_url=served.base_url, headers=headers) as http:
            replies = [http.get("/jobs") for _ in range(3)]
    assert all(500 <= r.status_code <= 599 for r in replies)
    assert all(r.elapsed.total_seconds() >= 0.2 for r in replies)


def test_drop_after_commit_and_the_throttler_body_options() -> None:
    """--drop-after-commit-rate 1: the connection drops unanswered; --rate-limit-body is taken."""
    with fake_server("--drop-after-commit-rate", "1", "--rate-limit-body", "throttler") as served:
        headers = {"Authorization": f"Bearer {served.key}"}
        with (
            httpx.Client(base_url=served.base_url, headers=headers) as http,
            pytest.raises(httpx.RemoteProtocolError),
        ):
            http.post("/jobs", json=JOB)
    assert "throttler 429s" in served.output


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--host", "0.0.0.0"], "--host 0.0.0.0 is not a loopback address"),
        (["--host", "192.0.2.1"], "pass --allow-non-loopback"),
        (["--fault-rate", "2"], "'2' is not between 0 and 1"),
        (["--fault-rate", "0.6", "--malformed-rate", "0.6"], "--fault-rate plus --malformed-rate"),
        (["--requests-per-minute", "0"], "'0' must be at least 1"),
        (["--minute-seconds", "nan"], "'nan' is not a finite number"),
        (["--latency", "-1"], "is negative"),
        (["--scopes", "write:job"], "unknown scope 'write:job'"),
        (["--port", "70000"], "is not a port"),
    ],
)
def test_a_bad_option_is_one_line_in_command_line_terms(
    options: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each mistake exits 2 with an argparse error naming the option, never a traceback."""
    with pytest.raises(SystemExit) as exited:
        main(["fake-server", *options])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert says in err and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("instaview fake-server: error:")


@pytest.mark.parametrize("host", ["127.0.0.2", "localhost"])
def test_loopback_hosts_are_served(
    host: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any 127.0.0.0/8 address, or localhost, needs no --allow-non-loopback."""
    monkeypatch.setenv("INSTAVIEW_FAKE_SERVER_ONCE", "1")
    assert main(["fake-server", "--host", host, "--port", "0"]) == 0
    assert f"http://{host}:" in capsys.readouterr().out


def test_a_taken_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A port already in use exits 1 with one line naming the address, no traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["fake-server", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        f"instaview fake-server: cannot listen on 127.0.0.1:{port}: Address already in use"
    )
