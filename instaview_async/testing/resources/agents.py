"""Agents (interview templates): list, get, create, update, delete (soft)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._context import Context
from .._http import Reply
from .._routing import Route
from .._state import Row
from .._validation import (
    Field,
    check_body,
    enum,
    integer,
    invalid,
    items,
    metadata,
    missing_field,
    string,
    uuid,
)
from ._common import patch, soft_delete, timestamps
from .jobs import CEFR

__all__ = ["ROUTES", "new_agent"]

TYPES = ("ONLINE", "PHONE")
FOCUSES = ("GENERIC", "SCREENING", "OUTREACH", "LANGUAGE_TEST")
LANGUAGES: tuple[str, ...] = (
    "EN",
    "JA",
    "ZH",
    "DE",
    "HI",
    "FR",
    "KO",
    "PT",
    "IT",
    "ES",
    "ID",
    "NL",
    "TR",
    "FIL",
    "PL",
    "SV",
    "BG",
    "RO",
    "AR",
    "CS",
    "EL",
    "FI",
    "HR",
    "MS",
    "SK",
    "DA",
    "TA",
    "UK",
    "RU",
    "HU",
    "NO",
    "VI",
)
VOICES: tuple[str, ...] = (
    "ALEX",
    "PETER",
    "MIRIAM",
    "SUE",
    "VIERA",
    "CASANDRA",
    "SILVIA",
    "MICHAEL",
    "LUKE",
    "EMMA",
    "SARAH",
    "EVA",
)


def _fields() -> tuple[Field, ...]:
    return (
        Field("name", "string", string(2, 100), required=True),
        Field("type", "string (ONLINE | PHONE)", enum(TYPES), required=True),
        Field("focus", "string", enum(FOCUSES), required=True),
        Field("language", "string", enum(LANGUAGES), required=True),
        Field("duration", "integer (minutes)", integer(1, 180), required=True),
        Field("questions", "string[]", items(string(1, 2000), max_items=50)),
        Field("instructions", "string", string(0, 10000)),
        Field("voiceId", "string", enum(VOICES)),
        Field("cefrLevel", "string", enum(CEFR)),
        Field("companyPhoneNumberId", "string (UUID)", uuid()),
        Field("metadata", "object", metadata()),
    )


def new_agent(ctx: Context, raw: Mapping[str, Any]) -> Row:
    """Validate a create body and store the agent."""
    body = check_body(raw, _fields())
    _check_phone(ctx, body)
    agent_id = ctx.store.new_id()
    data: dict[str, Any] = {
        "id": agent_id,
        "companyId": ctx.company_id,
        "name": None,
        "type": None,
        "focus": None,
        "language": None,
        "duration": None,
        "questions": [],
        "instructions": None,
        "voiceId": None,
        "cefrLevel": None,
        "companyPhoneNumberId": None,
        "metadata": {},
        **{k: v for k, v in body.items() if v is not None},
        **timestamps(ctx.now),
    }
    return ctx.store.agents.add(Row(agent_id, ctx.company_id, data))


def _check_phone(ctx: Context, agent: Mapping[str, Any]) -> None:
    """A PHONE agent needs ``companyPhoneNumberId``: one of the company's numbers."""
    if agent.get("type") != "PHONE":
        return
    number_id = agent.get("companyPhoneNumberId")
    if number_id is None:
        raise missing_field("companyPhoneNumberId", "string (UUID), required for PHONE agents")
    row = ctx.store.phone_numbers.get(number_id)
    if row is None or row.company_id != ctx.company_id:
        raise invalid({"companyPhoneNumberId": "must be the id of one of the company's numbers"})


def list_agents(ctx: Context) -> Reply:
    """``GET /agents``."""
    return ctx.page(ctx.store.agents.live(ctx.company_id))


def get_agent(ctx: Context) -> Reply:
    """``GET /agents/{id}``."""
    return Reply(ctx.load(ctx.store.agents, ctx.params["id"]).data)


def create_agent(ctx: Context) -> Reply:
    """``POST /agents``: 201 with the agent."""
    return Reply(new_agent(ctx, ctx.json()).data, 201)


def update_agent(ctx: Context) -> Reply:
    """``PATCH /agents/{id}``: partial."""
    row = ctx.load(ctx.store.agents, ctx.params["id"])
    body = check_body(ctx.json(), _fields(), partial=True)
    _check_phone(ctx, {**row.data, **body})
    patch(row, body, ctx.now)
    return Reply(row.data)


def delete_agent(ctx: Context) -> Reply:
    """``DELETE /agents/{id}``: soft delete (no new interviews with it); the body is ``true``."""
    soft_delete(ctx.load(ctx.store.agents, ctx.params["id"]), ctx.now)
    return Reply(True)


ROUTES = (
    Route("GET", "/agents", list_agents, ("read:agents",)),
    Route("POST", "/agents", create_agent, ("write:agents",)),
    Route("GET", "/agents/{id}", get_agent, ("read:agents",)),
    Route("PATCH", "/agents/{id}", update_agent, ("write:agents",)),
    Route("DELETE", "/agents/{id}", delete_agent, ("delete:agents",)),
)
