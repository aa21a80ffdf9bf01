"""Agents (interview templates): the Agent object, its enums, and a new agent to create inline."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from ._base import WireEnum

__all__ = [
    "Agent",
    "AgentFocus",
    "AgentLanguage",
    "AgentType",
    "AgentVoice",
    "CefrLevel",
    "NewAgent",
]


class AgentType(WireEnum):
    """How the interview happens; a PHONE agent needs a company phone number."""

    UNDEFINED = "UNDEFINED"
    ONLINE = "ONLINE"
    PHONE = "PHONE"


class AgentFocus(WireEnum):
    """What the interview is for; GENERIC interviews need no job."""

    GENERIC = "GENERIC"
    SCREENING = "SCREENING"
    OUTREACH = "OUTREACH"
    LANGUAGE_TEST = "LANGUAGE_TEST"


class AgentLanguage(WireEnum):
    """The language the agent speaks."""

    UNDEFINED = "UNDEFINED"
    EN = "EN"
    JA = "JA"
    ZH = "ZH"
    DE = "DE"
    HI = "HI"
    FR = "FR"
    KO = "KO"
    PT = "PT"
    IT = "IT"
    ES = "ES"
    ID = "ID"
    NL = "NL"
    TR = "TR"
    FIL = "FIL"
    PL = "PL"
    SV = "SV"
    BG = "BG"
    RO = "RO"
    AR = "AR"
    CS = "CS"
    EL = "EL"
    FI = "FI"
    HR = "HR"
    MS = "MS"
    SK = "SK"
    DA = "DA"
    TA = "TA"
    UK = "UK"
    RU = "RU"
    HU = "HU"
    NO = "NO"
    VI = "VI"


class AgentVoice(WireEnum):
    """The voice the agent speaks with (``voiceId``)."""

    ALEX = "ALEX"
    PETER = "PETER"
    MIRIAM = "MIRIAM"
    SUE = "SUE"
    VIERA = "VIERA"
    CASANDRA = "CASANDRA"
    SILVIA = "SILVIA"
    MICHAEL = "MICHAEL"
    LUKE = "LUKE"
    EMMA = "EMMA"
    SARAH = "SARAH"
    EVA = "EVA"


class CefrLevel(WireEnum):
    """The CEFR level a LANGUAGE_TEST agent tests for."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"


@attrs.frozen(kw_only=True)
class Agent:
    """An interview template: who speaks, in what language, for how long, asking what."""

    id: str
    company_id: str | None = None
    name: str | None = None
    type: AgentType | str | None = None
    focus: AgentFocus | str | None = None
    language: AgentLanguage | str | None = None
    duration: int | None = None
    """Interview length in minutes."""
    questions: tuple[str, ...] = ()
    instructions: str | None = None
    voice_id: AgentVoice | str | None = None
    cefr_level: CefrLevel | str | None = None
    company_phone_number_id: str | None = None
    metadata: Mapping[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class NewAgent:
    """An agent to create inline with an interview (same rules as ``agents.create``)."""

    name: str
    type: AgentType | str
    focus: AgentFocus | str
    language: AgentLanguage | str
    duration: int
    questions: tuple[str, ...] = ()
    instructions: str | None = None
    voice_id: AgentVoice | str | None = None
    cefr_level: CefrLevel | str | None = None
    company_phone_number_id: str | None = None
    metadata: Mapping[str, Any] | None = None
