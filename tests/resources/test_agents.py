"""client.agents: the requests each method sends and what it returns."""

from __future__ import annotations

import json
from typing import Any

import pytest

import instaview_async as iv
from instaview_async.models.agents import (
    AgentFocus,
    AgentLanguage,
    AgentType,
    AgentVoice,
    CefrLevel,
)
from tests.conftest import envelope
from tests.helpers import Recorder, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

AGENT_ID = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
AGENT = {
    "id": AGENT_ID,
    "companyId": "c1",
    "name": "German language test",
    "type": "PHONE",
    "focus": "LANGUAGE_TEST",
    "language": "DE",
    "duration": 20,
    "questions": ["Tell me about yourself."],
    "instructions": "Be friendly.",
    "voiceId": "MIRIAM",
    "cefrLevel": "B2",
    "companyPhoneNumberId": "pn-1",
    "metadata": {"team": "support"},
    "createdAt": "2024-11-16T10:30:00Z",
    "updatedAt": "2024-11-16T10:30:00Z",
}


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


async def test_get_decodes_every_documented_field() -> None:
    """get fetches /agents/{id} and decodes the agent's enums, questions and metadata."""
    recorder = Recorder([envelope(AGENT)])
    async with make_client(recorder) as client:
        agent = await client.agents.get(AGENT_ID)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("GET", f"/agents/{AGENT_ID}")
    assert (agent.type, agent.focus, agent.language) == (
        AgentType.PHONE,
        AgentFocus.LANGUAGE_TEST,
        AgentLanguage.DE,
    )
    assert (agent.voice_id, agent.cefr_level) == (AgentVoice.MIRIAM, CefrLevel.B2)
    assert (agent.duration, agent.questions) == (20, ("Tell me about yourself.",))
    assert agent.company_phone_number_id == "pn-1"
    assert agent.metadata == {"team": "support"}


async def test_unknown_enum_values_stay_strings() -> None:
    """A language or voice the SDK does not know yet decodes as a plain string."""
    recorder = Recorder([envelope({**AGENT, "language": "XX", "voiceId": "NEWVOICE"})])
    async with make_client(recorder) as client:
        agent = await client.agents.get(AGENT_ID)
    assert (agent.language, agent.voice_id) == ("XX", "NEWVOICE")


@pytest.mark.parametrize(
    "data",
    [
        {"items": [AGENT], "pagination": {"total": 21, "page": 3, "limit": 10}},
        {"data": [AGENT], "total": 21, "page": 3, "limit": 10, "totalPages": 3},
    ],
)
async def test_list_pages_and_decodes_both_list_shapes(data: Any) -> None:
    """list GETs /agents with page and limit and decodes either list shape."""
    recorder = Recorder([envelope(data)])
    async with make_client(recorder) as client:
        page = await client.agents.list(page=3, limit=10)
    sent = recorder.requests[0]
    assert sent.url.path == "/agents"
    assert dict(sent.url.params) == {"page": "3", "limit": "10"}
    assert [agent.id for agent in page.items] == [AGENT_ID]
    assert (page.page, page.total, page.has_next) == (3, 21, False)


async def test_create_sends_only_given_fields_with_idempotency_key() -> None:
    """create posts the given fields camelCased with enum values, and the Idempotency-Key."""
    recorder = Recorder([envelope(AGENT, 201)])
    async with make_client(recorder) as client:
        agent = await client.agents.create(
            name="German language test",
            type=AgentType.PHONE,
            focus=AgentFocus.LANGUAGE_TEST,
            language=AgentLanguage.DE,
            duration=20,
            cefr_level=CefrLevel.B2,
            voice_id="MIRIAM",
            company_phone_number_id="pn-1",
            questions=["Tell me about yourself."],
            idempotency_key="idem-a",
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/agents")
    assert sent.headers["Idempotency-Key"] == "idem-a"
    assert _body(sent) == {
        "name": "German language test",
        "type": "PHONE",
        "focus": "LANGUAGE_TEST",
        "language": "DE",
        "duration": 20,
        "cefrLevel": "B2",
        "voiceId": "MIRIAM",
        "companyPhoneNumberId": "pn-1",
        "questions": ["Tell me about yourself."],
    }
    assert agent.id == AGENT_ID


_VALID: dict[str, Any] = {
    "name": "Screening",
    "type": "ONLINE",
    "focus": "SCREENING",
    "language": "EN",
    "duration": 15,
}


@pytest.mark.parametrize(
    ("overrides", "wire_field"),
    [
        ({"name": "A"}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"duration": 0}, "duration"),
        ({"duration": 181}, "duration"),
        ({"type": AgentType.PHONE}, "companyPhoneNumberId"),
    ],
)
async def test_create_rejects_what_the_docs_forbid_before_sending(
    overrides: dict[str, Any], wire_field: str
) -> None:
    """create raises VALIDATION_ERROR naming the wire field, and sends nothing."""
    recorder = Recorder([envelope(AGENT, 201)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.agents.create(**{**_VALID, **overrides})
    assert wire_field in caught.value.field_errors
    assert recorder.requests == []


async def test_update_sends_only_given_fields_and_none_as_null() -> None:
    """update patches only the fields given; an explicit None is sent as null."""
    recorder = Recorder([envelope({**AGENT, "duration": 30, "instructions": None})])
    async with make_client(recorder) as client:
        agent = await client.agents.update(AGENT_ID, duration=30, instructions=None)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("PATCH", f"/agents/{AGENT_ID}")
    assert _body(sent) == {"duration": 30, "instructions": None}
    assert (agent.duration, agent.instructions) == (30, None)


async def test_update_checks_the_fields_it_sends() -> None:
    """update refuses a too-long duration before sending."""
    recorder = Recorder([envelope(AGENT)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.agents.update(AGENT_ID, duration=500)
    assert "duration" in caught.value.field_errors
    assert recorder.requests == []


@pytest.mark.parametrize("reply", [envelope(True), httpx.Response(204)])
async def test_delete_copes_with_true_or_an_empty_reply(reply: httpx.Response) -> None:
    """delete sends DELETE /agents/{id} and accepts a body of `true` or an empty 204."""
    recorder = Recorder([reply])
    async with make_client(recorder) as client:
        await client.agents.delete(AGENT_ID)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("DELETE", f"/agents/{AGENT_ID}")
