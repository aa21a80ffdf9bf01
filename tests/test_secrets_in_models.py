"""Credentials on models show as '***' in repr and str, through one mechanism (`secret`)."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from typing import Any

import attrs
import pytest

import instaview_async
import instaview_async as iv
from instaview_async._converter import converter
from instaview_async.models import WebhookConfig, WebhookHeader
from instaview_async.models._base import is_secret
from tests.helpers import Recorder, make_client
from tests.http_family import httpx

# Words that say a field holds a credential.
CREDENTIAL_WORDS = {"secret", "token", "password", "passwd", "key", "authorization", "credential"}

# Fields whose name has such a word but that hold no credential, each with the reason: by
# field name anywhere, or by module.Class.field.
NOT_CREDENTIALS = {
    "idempotency_key": "a digest of the row (or the caller's own value) the API echoes back",
    "cost_key": "a billing category name such as 'interview_minutes'",
    "breakdown_by_cost_key": "billing totals per category name",
    "instaview_async._budget.Admission.token": "an opaque handle the budget gets back",
    "instaview_async.cli._columns._Target.key": "the key of a nested value a column fills",
}

# The fake's own records (made-up keys it hands out, requests it received) are test data that
# tests read and print; they are not the SDK's models.
OUTSIDE = ("instaview_async.testing", "instaview_async.cli.__main__")

SECRET = "whsec_SUPERSECRET_0123456789"


def _model_classes() -> list[type]:
    """Every attrs class defined in the package (outside the fake), imported from its module."""
    names = [instaview_async.__name__] + [
        info.name
        for info in pkgutil.walk_packages(instaview_async.__path__, "instaview_async.")
        if not info.name.startswith(OUTSIDE)
    ]
    classes: dict[str, type] = {}
    for name in names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:  # an extra that is not installed
            if (missing.name or "").startswith("instaview_async"):
                raise
            continue
        for value in vars(module).values():
            if isinstance(value, type) and attrs.has(value) and value.__module__ == name:
                classes[f"{name}.{value.__qualname__}"] = value
    return [classes[key] for key in sorted(classes)]


def _says_credential(field_name: str) -> bool:
    words = set(re.split(r"_+", field_name.lower()))
    # An ``*_id`` field names a credential (the id of an API key), it does not hold one.
    return bool(words & CREDENTIAL_WORDS) and not field_name.endswith(("_id", "_ids"))


MODELS = _model_classes()


def test_the_walk_finds_the_models() -> None:
    """The walk sees wire models, error details, policies and internal records alike."""
    names = {cls.__name__ for cls in MODELS}
    assert {"WebhookConfig", "Job", "Candidate", "RetryPolicy", "ValidationErrorDetails"} <= names
    assert len(MODELS) >= 50


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_no_field_that_says_credential_is_shown(cls: type) -> None:
    """Every field whose name says secret, token, password, key or authorization is a `secret`."""
    shown = [
        field.name
        for field in attrs.fields(cls)
        if _says_credential(field.name) and not is_secret(field)
        if field.name not in NOT_CREDENTIALS
        and f"{cls.__module__}.{cls.__qualname__}.{field.name}" not in NOT_CREDENTIALS
    ]
    assert shown == [], f"{cls.__qualname__}: declare {shown} with models._base.secret()"


def test_the_rule_catches_credential_names() -> None:
    """The name rule is not vacuous: it flags the names it should and spares ids."""
    for name in ("signing_secret", "api_key", "access_token", "password", "authorization"):
        assert _says_credential(name), name
    for name in ("api_key_id", "keyword", "status", "tokens_ids"):
        assert not _says_credential(name), name


def _reprs(value: Any) -> str:
    return f"{value!r} {value!s} {[value]!r} { ({'v': value})!s}"


def test_a_webhooks_signing_secret_is_masked_but_readable() -> None:
    """A decoded create reply prints '***' for the signing secret; the attribute has it."""
    config = converter.structure({"id": "wh_1", "signingSecret": SECRET}, WebhookConfig)
    assert SECRET not in _reprs(config)
    assert "signing_secret='***'" in repr(config)
    assert config.signing_secret == SECRET


def test_no_secret_is_shown_as_none() -> None:
    """Without a signing secret the repr says None, so the two cases stay apart."""
    assert "signing_secret=None" in repr(WebhookConfig(id="wh_1"))


def test_a_configured_header_value_is_masked_but_sent() -> None:
    """A WebhookHeader's value is '***' in its repr and in its config's, and sent as given."""
    header = WebhookHeader(name="X-Webhook-Token", value=SECRET)
    assert SECRET not in _reprs(header)
    assert header.value == SECRET
    assert converter.unstructure(header) == {"name": "X-Webhook-Token", "value": SECRET}


def test_a_logged_model_shows_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    """Logging a model, as %s or %r, writes no secret to the log record."""
    config = WebhookConfig(id="wh_1", signing_secret=SECRET)
    with caplog.at_level(logging.INFO):
        logging.getLogger("app").info("created %s / %r", config, config)
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)


@pytest.mark.anyio
async def test_an_error_about_a_header_does_not_quote_its_value() -> None:
    """A header refused before sending is named by position; its value is not in the message."""
    header = WebhookHeader(name="X-Token", value=SECRET * 200)  # over the API's 4096 characters
    recorder = Recorder([httpx.Response(500)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.webhooks.create(
                url="https://example.com/hook", events=["interview.completed"], headers=[header]
            )
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)
    assert "headers[0].value" in caught.value.field_errors
    assert recorder.requests == []


def test_an_attrs_class_of_the_client_hides_brought_headers() -> None:
    """The client's shared state does not show the headers of an httpx client brought in."""
    http_client = httpx.AsyncClient(headers={"Authorization": f"Bearer {SECRET}"})
    client = iv.AsyncClient(api_key="sk_test_x", http_client=http_client)
    assert SECRET not in repr(client._shared)
