"""``client.interviews``: list, get, create, delete, analysis_pdf, and ``call_attempts``."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from .._envelope import parse_json, structure, unwrap
from .._error_mapping import error_from_response
from .._exceptions import ResponseDecodeError
from .._pagination import AsyncPager
from .._wire import body, nested, path_id
from ..models.agents import NewAgent
from ..models.candidates import NewCandidate
from ..models.interviews import CallAttemptResult, Interview, InterviewStatus, NewJob
from . import _validate
from ._base import Resource

if TYPE_CHECKING:
    from .._http import Response

__all__ = ["CallAttempts", "Interviews"]

SCHEDULE_FIELD: Final = "scheduleTime"
"""The wire name of the start time on ``POST /interviews``.

The docs name it twice: ``scheduleTime`` in the create-interview API reference (the request
schema itself) and ``scheduledAt`` in one sentence of the 2026-04 changelog, which describes a
time-zone fix, not a rename, and in the same breath names the reschedule field (which is
``scheduledAt``). The schema is the stronger evidence, so the SDK sends ``scheduleTime``; the
user-facing argument is ``scheduled_at``, like the Interview attribute it sets.
"""


class Interviews(Resource):
    """AI interviews (scopes ``read:interviews``, ``write:interviews``, ``delete:interviews``)."""

    __slots__ = ()

    @property
    def call_attempts(self) -> CallAttempts:
        """Phone call attempts of PHONE interviews: create, reschedule, delete."""
        return CallAttempts(self._client)

    def list(
        self,
        *,
        candidate_id: str | None = None,
        agent_id: str | None = None,
        status: InterviewStatus | str | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> AsyncPager[Interview]:
        """Page through interviews; the API may require ``candidate_id`` ("for MVP")."""
        params = {"candidateId": candidate_id, "agentId": agent_id, "status": status}
        return self._client.paginate(
            "/interviews", Interview, params=params, page=page, limit=limit
        )

    async def get(self, interview_id: str) -> Interview:
        """Fetch one interview with its call attempts and analysis; NotFoundError if unknown."""
        return await self._client.request("GET", _path(interview_id), Interview)

    async def create(
        self,
        *,
        candidate_id: str | None = None,
        candidate: NewCandidate | Mapping[str, Any] | None = None,
        agent_id: str | None = None,
        agent: NewAgent | Mapping[str, Any] | None = None,
        job_id: str | None = None,
        job: NewJob | Mapping[str, Any] | None = None,
        scheduled_at: datetime | str | None = None,
        is_test: bool | None = None,
        metadata: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Interview:
        """Create an interview (201) of one candidate by one agent; inline objects are created too.

        Give ``candidate_id`` or ``candidate``, ``agent_id`` or ``agent``, and at most one of
        ``job_id`` and ``job`` (an inline candidate's ``job_id`` excludes both). Leave out
        ``scheduled_at`` to start at once; a datetime must be timezone-aware (the API checks
        the call-time window against its offset). ``is_test=True`` completes at once, unbilled.
        Raises ValidationError before sending when one of those rules is broken.
        """
        problems: _validate.Problems = {}
        _validate.aware(scheduled_at, SCHEDULE_FIELD, problems)
        payload = body(
            drop_none=True,
            candidate_id=candidate_id,
            candidate=_inline(candidate),
            agent_id=agent_id,
            agent=_inline(agent),
            job_id=job_id,
            job=_inline(job),
            is_test=is_test,
            metadata=metadata,
        )
        if scheduled_at is not None:
            payload[SCHEDULE_FIELD] = _timestamp(scheduled_at)
        _validate.interview(payload, problems)
        _validate.raise_if_any(problems)
        return await self._client.request(
            "POST", "/interviews", Interview, json=payload, idempotency_key=idempotency_key
        )

    async def delete(self, interview_id: str) -> None:
        """Delete an interview in any state (its scheduled calls are cancelled)."""
        await self._client.request("DELETE", _path(interview_id), None)

    async def analysis_pdf(self, interview_id: str) -> bytes:
        """Return the interview's analysis as PDF bytes; NotFoundError until an analysis exists."""
        request = self._client.build_request("GET", f"{_path(interview_id)}/analysis-pdf")
        response = await self._client.send(request)
        if not response.is_success:
            raise error_from_response(response)
        data = unwrap(parse_json(response), response)
        encoded = data.get("analysisPdfBase64") if isinstance(data, Mapping) else None
        if not isinstance(encoded, str):
            raise ResponseDecodeError(
                f"{_where(response)}: expected {{analysisPdfBase64: <base64 string>}}, "
                f"got {str(data)[:80]}",
                response=response,
            )
        return _b64decode(encoded, response)


class CallAttempts(Resource):
    """Call attempts of a PHONE interview (an ONLINE interview refuses them)."""

    __slots__ = ()

    async def create(
        self,
        interview_id: str,
        *,
        scheduled_at: datetime | str | None = None,
        idempotency_key: str | None = None,
    ) -> CallAttemptResult:
        """Schedule a call (``None``: as soon as possible), replacing any scheduled attempt."""
        _validate.check(_validate.aware, scheduled_at, "scheduledAt")
        payload = {} if scheduled_at is None else {"scheduledAt": _timestamp(scheduled_at)}
        request = self._client.build_request(
            "POST",
            f"{_path(interview_id)}/call-attempts",
            json=payload,
            idempotency_key=idempotency_key,
        )
        response = await self._client.send(request)
        if not response.is_success:
            raise error_from_response(response)
        return _call_attempt_result(response)

    async def reschedule(
        self, interview_id: str, attempt_id: str, *, scheduled_at: datetime | str
    ) -> None:
        """Move a SCHEDULED attempt to a new future, timezone-aware time (not while in progress)."""
        _validate.check(_validate.aware, scheduled_at, "scheduledAt")
        await self._client.request(
            "PATCH",
            _attempt_path(interview_id, attempt_id),
            None,
            json={"scheduledAt": _timestamp(scheduled_at)},
        )

    async def delete(self, interview_id: str, attempt_id: str) -> None:
        """Cancel and remove one call attempt (not the interview); refused while in progress."""
        await self._client.request("DELETE", _attempt_path(interview_id, attempt_id), None)


def _path(interview_id: str) -> str:
    return f"/interviews/{path_id('interview_id', interview_id)}"


def _attempt_path(interview_id: str, attempt_id: str) -> str:
    return f"{_path(interview_id)}/call-attempts/{path_id('attempt_id', attempt_id)}"


def _inline(value: Any) -> Any:
    return None if value is None else nested(value)


def _timestamp(value: datetime | str) -> str:
    return value.isoformat() if isinstance(value, datetime) else value


def _call_attempt_result(response: Response) -> CallAttemptResult:
    # Documented as a bare {success, message}; an envelope, a null data or no body also count.
    if not response.content.strip():
        return CallAttemptResult()
    payload = parse_json(response)
    data = unwrap(payload, response)
    if not isinstance(data, Mapping):
        data = payload if isinstance(payload, Mapping) else {}
    return structure(data, CallAttemptResult, response)


def _b64decode(encoded: str, response: Response) -> bytes:
    text = "".join(encoded.split())
    if text.startswith("data:") and "," in text:  # tolerate a data: URL
        text = text.split(",", 1)[1]
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ResponseDecodeError(
            f"{_where(response)}: analysisPdfBase64 is not valid base64 "
            f"(starts with {encoded[:40]!r})",
            response=response,
        ) from None


def _where(response: Response) -> str:
    return f"{response.request.method} {response.request.url.path} -> {response.status_code}"
