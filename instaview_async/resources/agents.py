"""``client.agents``: list, get, create, update, delete."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._pagination import AsyncPager
from .._wire import NOT_GIVEN, NotGiven, body, path_id, strings
from ..models.agents import Agent, AgentFocus, AgentLanguage, AgentType, AgentVoice, CefrLevel
from . import _validate
from ._base import Resource

__all__ = ["Agents"]


class Agents(Resource):
    """Interview templates (scopes ``read:agents``, ``write:agents``, ``delete:agents``)."""

    __slots__ = ()

    def list(self, *, page: int = 1, limit: int = 20) -> AsyncPager[Agent]:
        """Page through the company's agents."""
        return self._client.paginate("/agents", Agent, page=page, limit=limit)

    async def get(self, agent_id: str) -> Agent:
        """Fetch one agent; NotFoundError if unknown or deleted."""
        return await self._client.request("GET", _path(agent_id), Agent)

    async def create(
        self,
        *,
        name: str,
        type: AgentType | str,
        focus: AgentFocus | str,
        language: AgentLanguage | str,
        duration: int,
        questions: Sequence[str] | None = None,
        instructions: str | None = None,
        voice_id: AgentVoice | str | None = None,
        cefr_level: CefrLevel | str | None = None,
        company_phone_number_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Agent:
        """Create an agent (201); ``duration`` is in minutes (1-180).

        A PHONE agent needs ``company_phone_number_id`` (an id from ``phone_numbers.list``);
        ``cefr_level`` is for LANGUAGE_TEST agents. Raises ValidationError before sending
        when the name is not 2-100 characters, the duration is out of range, or a PHONE
        agent has no phone number.
        """
        payload = body(
            drop_none=True,
            name=name,
            type=type,
            focus=focus,
            language=language,
            duration=duration,
            questions=strings("questions", questions),
            instructions=instructions,
            voice_id=voice_id,
            cefr_level=cefr_level,
            company_phone_number_id=company_phone_number_id,
            metadata=metadata,
        )
        _validate.check(_validate.agent, payload)
        return await self._client.request(
            "POST", "/agents", Agent, json=payload, idempotency_key=idempotency_key
        )

    async def update(
        self,
        agent_id: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        type: AgentType | str | NotGiven = NOT_GIVEN,
        focus: AgentFocus | str | NotGiven = NOT_GIVEN,
        language: AgentLanguage | str | NotGiven = NOT_GIVEN,
        duration: int | NotGiven = NOT_GIVEN,
        questions: Sequence[str] | NotGiven | None = NOT_GIVEN,
        instructions: str | NotGiven | None = NOT_GIVEN,
        voice_id: AgentVoice | str | NotGiven | None = NOT_GIVEN,
        cefr_level: CefrLevel | str | NotGiven | None = NOT_GIVEN,
        company_phone_number_id: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
    ) -> Agent:
        """Change only the fields given; an explicit ``None`` sends ``null``."""
        payload = body(
            drop_none=False,
            name=name,
            type=type,
            focus=focus,
            language=language,
            duration=duration,
            questions=strings("questions", questions),
            instructions=instructions,
            voice_id=voice_id,
            cefr_level=cefr_level,
            company_phone_number_id=company_phone_number_id,
            metadata=metadata,
        )
        _validate.check(_validate.agent, payload, creating=False)
        return await self._client.request("PATCH", _path(agent_id), Agent, json=payload)

    async def delete(self, agent_id: str) -> None:
        """Delete an agent (no new interviews with it); NotFoundError if unknown or deleted."""
        await self._client.request("DELETE", _path(agent_id), None)


def _path(agent_id: str) -> str:
    return f"/agents/{path_id('agent_id', agent_id)}"
