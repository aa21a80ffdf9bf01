"""The API key never shows, whatever goes wrong; TLS certificates are verified by default."""

from __future__ import annotations

import logging
import shutil
import ssl
import subprocess
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import instaview_async as iv
from instaview_async.models.jobs import Job
from tests.http_family import LOGGERS, httpx

from .misbehaving_server import MisbehavingServer

pytestmark = pytest.mark.anyio

KEY = "sk_test_TOPSECRET_0123456789abcdef"
# Cases that end in each kind of SDK error (see test_faults_over_sockets.OUTCOMES).
ERROR_CASES = ["reset", "hang", "truncated_json", "html_502", "html_404", "redirect", "garbage"]
_SSL = ssl.create_default_context()


def everything_shown(error: BaseException) -> str:
    """All a user or an error tracker may show of an error: str, repr, the chained
    traceback with local variables, and the request and response it carries."""
    parts = [str(error), repr(error)]
    parts += traceback.TracebackException.from_exception(error, capture_locals=True).format()
    for exc in (error, error.__cause__, error.__context__):
        if exc is None:
            continue
        parts += [str(exc), repr(exc), repr(vars(exc))]
        for name in ("request", "response"):
            try:
                value: Any = getattr(exc, name, None)
            except RuntimeError:  # httpx raises when an exception has no request set
                value = None
            if value is not None:
                parts += [repr(value), str(getattr(value, "headers", ""))]
                parts.append(repr(getattr(value, "headers", "")))
    return "\n".join(parts)


def chain(error: BaseException | None) -> Iterator[BaseException]:
    """An exception and every exception it was raised from or during."""
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record: message, raw arguments and formatted exception."""
    formatter = logging.Formatter()
    lines = []
    for record in caplog.records:
        lines += [record.getMessage(), repr(record.args)]
        if record.exc_info:
            lines.append(formatter.formatException(record.exc_info))
    return "\n".join(lines)


@pytest.mark.parametrize("case", ERROR_CASES)
async def test_key_is_in_no_error_traceback_or_log_line(
    misbehaving: MisbehavingServer, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Over a real socket, with DEBUG logs of instaview_async, httpx(2) and httpcore(2)
    captured, the key appears in no log record and in nothing an error shows, locals included."""
    caplog.set_level(logging.DEBUG)  # the root logger: httpx(2) and httpcore(2) included
    async with iv.AsyncClient(
        api_key=KEY,
        base_url=misbehaving.base_url,
        timeout=0.2,
        transport=httpx.AsyncHTTPTransport(verify=_SSL),
        retry=iv.RetryPolicy(max_attempts=2, base_delay=0.001),
    ) as client:
        with pytest.raises(iv.InstaViewError) as caught:
            await client.jobs.get(case)
        assert KEY not in repr(client) and KEY not in repr(vars(client))
    assert misbehaving.requests_to(f"/jobs/{case}")[0].headers["authorization"] == f"Bearer {KEY}"
    assert KEY not in everything_shown(caught.value)
    assert {r.name.split(".")[0] for r in caplog.records} >= {"instaview_async", LOGGERS[1]}
    assert KEY not in logged(caplog)


def test_key_is_in_no_repr_of_the_client_or_its_parts() -> None:
    """Neither the client, a copy, its shared state, policies nor middleware show the key."""
    client = iv.AsyncClient(
        api_key=KEY, transport=httpx.MockTransport(lambda r: httpx.Response(200))
    )
    copy = client.with_options(timeout=1.0)
    shown = [repr(client), repr(copy), repr(vars(client)), repr(vars(copy))]
    shown += [repr(client._shared), repr(client._chain), repr(client._auth)]
    assert not any(KEY in text for text in shown)


def test_tls_certificates_are_verified_by_default() -> None:
    """The SDK's own httpx client requires a valid certificate and a matching host name."""
    client = iv.AsyncClient(api_key=KEY)
    assert client.base_url.startswith("https://")
    pool = client._shared.http_client._transport._pool  # type: ignore[attr-defined]
    context: ssl.SSLContext = pool._ssl_context
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    copy = client.with_options(timeout=5.0)
    assert copy._shared.http_client is client._shared.http_client


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(self_signed: tuple[Path, Path]) -> Iterator[MisbehavingServer]:
    """The misbehaving server speaking HTTPS with the self-signed certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*self_signed)
    server = MisbehavingServer(ssl_context=context)
    server.start()
    yield server
    server.stop()


async def test_an_untrusted_certificate_fails_before_the_key_is_sent(
    tls_server: MisbehavingServer,
) -> None:
    """Against a self-signed certificate the default client raises APIConnectionError, and the
    server never reads a request, so the key never left the process."""
    async with iv.AsyncClient(api_key=KEY, base_url=tls_server.base_url, retry=None) as client:
        with pytest.raises(iv.APIConnectionError) as caught:
            await client.jobs.get("ok")
    assert any(isinstance(exc, ssl.SSLCertVerificationError) for exc in chain(caught.value))
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)  # on trio too: the cause is named
    assert tls_server.received == []


async def test_a_certificate_you_trust_explicitly_works(
    tls_server: MisbehavingServer, self_signed: tuple[Path, Path]
) -> None:
    """Trusting a private CA is done with your own httpx client: ``verify=`` an SSL context."""
    context = ssl.create_default_context(cafile=str(self_signed[0]))
    async with (
        httpx.AsyncClient(verify=context) as http_client,
        iv.AsyncClient(api_key=KEY, base_url=tls_server.base_url, http_client=http_client) as c,
    ):
        assert isinstance(await c.jobs.get("ok"), Job)
