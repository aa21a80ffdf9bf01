"""client.interviews and client.interviews.call_attempts: requests sent and results decoded."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

import instaview_async as iv
from instaview_async.models.agents import AgentFocus, AgentLanguage, AgentType, NewAgent
from instaview_async.models.candidates import NewCandidate
from instaview_async.models.interviews import (
    CallAttemptResult,
    CallAttemptStatus,
    InterviewStatus,
    NewJob,
)
from instaview_async.models.jobs import Education, Experience
from tests.conftest import envelope, error_reply
from tests.helpers import Recorder, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

INTERVIEW_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
CEST = timezone(timedelta(hours=2))


def interview_json(**overrides: Any) -> dict[str, Any]:
    """An interview as the docs' get-interview example shows it."""
    interview = {
        "id": INTERVIEW_ID,
        "candidateId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "agentId": "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d",
        "jobId": None,
        "status": "COMPLETED",
        "scheduledAt": "2024-11-20T14:00:00Z",
        "durationMinutes": 15,
        "finishedDate": "2024-11-20T14:16:30Z",
        "metadata": {"externalInterviewId": "ext-42"},
        "isTest": False,
        "callAttempts": [
            {
                "id": "ca-1",
                "direction": "OUTBOUND",
                "status": "COMPLETED",
                "reasonCode": "NO_ANSWER",
                "notes": None,
                "retryNumber": 0,
                "recordingUrl": "https://rec.example/1.mp3",
                "duration": 930,
                "scheduledAt": "2024-11-20T14:00:00.000Z",
                "calledAt": "2024-11-20T14:00:05+01:00",
            }
        ],
        "analysis": {
            "id": "an-1",
            "general": {
                "overallRating": 82,
                "companyFitRating": "HIGH",
                "education": "MASTER_LEVEL",
                "experience": "THREE_TO_5_YEARS",
                "strongPoints": ["Clear communication"],
                "weakPoints": ["Limited Kubernetes"],
                "evaluation": ["Good fit"],
                "status": 3,
                "createdAt": "2024-11-20T14:20:00Z",
                "updatedAt": "2024-11-20T14:20:00Z",
            },
            "specific": {"pronunciationScores": {"overall": 0.9}},
        },
        "createdAt": "2024-11-16T10:30:00Z",
        "updatedAt": "2024-11-20T14:20:00Z",
    }
    interview.update(overrides)
    return interview


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


async def test_get_decodes_call_attempts_and_analysis() -> None:
    """get fetches /interviews/{id} and decodes its call attempts and analysis."""
    recorder = Recorder([envelope(interview_json())])
    async with make_client(recorder) as client:
        interview = await client.interviews.get(INTERVIEW_ID)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("GET", f"/interviews/{INTERVIEW_ID}")
    assert interview.status is InterviewStatus.COMPLETED
    assert interview.job_id is None
    assert interview.is_test is False
    attempt = interview.call_attempts[0]
    assert attempt.status is CallAttemptStatus.COMPLETED
    assert attempt.duration == 930
    assert attempt.called_at == datetime(2024, 11, 20, 13, 0, 5, tzinfo=timezone.utc)
    assert interview.analysis is not None and interview.analysis.general is not None
    assert interview.analysis.general.education is Education.MASTER_LEVEL
    assert interview.analysis.general.experience is Experience.THREE_TO_5_YEARS
    assert interview.analysis.general.strong_points == ("Clear communication",)
    assert interview.analysis.specific == {"pronunciationScores": {"overall": 0.9}}


async def test_analysis_education_and_experience_may_be_free_text() -> None:
    """The reference's free-text education and experience decode as plain strings."""
    analysis = interview_json()["analysis"]
    analysis["general"].update(
        education="Master's degree in Computer Science", experience="5 years backend"
    )
    recorder = Recorder([envelope(interview_json(analysis=analysis))])
    async with make_client(recorder) as client:
        interview = await client.interviews.get(INTERVIEW_ID)
    assert interview.analysis is not None and interview.analysis.general is not None
    assert interview.analysis.general.education == "Master's degree in Computer Science"
    assert interview.analysis.general.experience == "5 years backend"


@pytest.mark.parametrize("spelling", ["CANCELLED", "CANCELED"])
async def test_both_spellings_of_cancelled_decode_to_one_member(spelling: str) -> None:
    """CANCELLED and CANCELED decode to the same member, for interviews and call attempts."""
    attempt = {**interview_json()["callAttempts"][0], "status": spelling}
    payload = interview_json(status=spelling, callAttempts=[attempt], analysis=None)
    recorder = Recorder([envelope(payload)])
    async with make_client(recorder) as client:
        interview = await client.interviews.get(INTERVIEW_ID)
    assert interview.status is InterviewStatus.CANCELLED
    assert interview.call_attempts[0].status is CallAttemptStatus.CANCELLED
    assert InterviewStatus(spelling) is InterviewStatus.CANCELLED


@pytest.mark.parametrize(
    "data",
    [
        {"items": [interview_json()], "pagination": {"total": 1, "page": 1, "limit": 20}},
        {"data": [interview_json()], "total": 1, "page": 1, "limit": 20, "totalPages": 1},
    ],
)
async def test_list_sends_filters_and_decodes_both_list_shapes(data: Any) -> None:
    """list sends candidateId, agentId and status with paging, and decodes either shape."""
    recorder = Recorder([envelope(data)])
    async with make_client(recorder) as client:
        page = await client.interviews.list(
            candidate_id="c1", agent_id="a1", status=InterviewStatus.CANCELLED, limit=5
        )
    sent = recorder.requests[0]
    assert sent.url.path == "/interviews"
    assert dict(sent.url.params) == {
        "candidateId": "c1",
        "agentId": "a1",
        "status": "CANCELLED",
        "page": "1",
        "limit": "5",
    }
    assert page.items[0].id == INTERVIEW_ID
    assert page.total == 1


async def test_create_with_existing_ids_sends_schedule_time_with_its_offset() -> None:
    """create posts ids, the start as scheduleTime with its UTC offset, isTest and metadata."""
    recorder = Recorder([envelope(interview_json(status="SCHEDULED"), 201)])
    async with make_client(recorder) as client:
        interview = await client.interviews.create(
            candidate_id="c1",
            agent_id="a1",
            job_id="j1",
            scheduled_at=datetime(2026, 12, 1, 10, 0, tzinfo=CEST),
            is_test=True,
            metadata={"externalInterviewId": "ext-42"},
            idempotency_key="idem-7",
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/interviews")
    assert sent.headers["Idempotency-Key"] == "idem-7"
    assert _body(sent) == {
        "candidateId": "c1",
        "agentId": "a1",
        "jobId": "j1",
        "scheduleTime": "2026-12-01T10:00:00+02:00",
        "isTest": True,
        "metadata": {"externalInterviewId": "ext-42"},
    }
    assert interview.status is InterviewStatus.SCHEDULED


async def test_create_leaves_out_everything_not_given() -> None:
    """create with only a candidate and an agent sends just those (start at once)."""
    recorder = Recorder([envelope(interview_json(), 201)])
    async with make_client(recorder) as client:
        await client.interviews.create(candidate_id="c1", agent_id="a1")
    assert _body(recorder.requests[0]) == {"candidateId": "c1", "agentId": "a1"}


async def test_schedule_time_in_the_reply_is_not_needed_to_decode() -> None:
    """A reply echoing scheduleTime instead of scheduledAt still decodes."""
    payload = interview_json(scheduledAt=None, scheduleTime="2026-12-01T10:00:00Z")
    recorder = Recorder([envelope(payload, 201)])
    async with make_client(recorder) as client:
        interview = await client.interviews.create(candidate_id="c1", agent_id="a1")
    assert interview.id == INTERVIEW_ID


_INLINE_WIRE: dict[str, Any] = {
    "candidate": {
        "firstName": "Jane",
        "lastName": "Roe",
        "email": "jane@example.com",
        "gdprExpiryDate": "2027-01-31",
    },
    "agent": {
        "name": "Screening EN",
        "type": "ONLINE",
        "focus": "SCREENING",
        "language": "EN",
        "duration": 15,
    },
    "job": {"title": "Backend Engineer", "description": "Build the API"},
}


@pytest.mark.parametrize(
    "inline",
    [
        {
            "candidate": NewCandidate(
                first_name="Jane",
                last_name="Roe",
                email="jane@example.com",
                gdpr_expiry_date=date(2027, 1, 31),
            ),
            "agent": NewAgent(
                name="Screening EN",
                type=AgentType.ONLINE,
                focus=AgentFocus.SCREENING,
                language=AgentLanguage.EN,
                duration=15,
            ),
            "job": NewJob(title="Backend Engineer", description="Build the API"),
        },
        {
            "candidate": {
                "first_name": "Jane",
                "last_name": "Roe",
                "email": "jane@example.com",
                "gdpr_expiry_date": date(2027, 1, 31),
            },
            "agent": dict(_INLINE_WIRE["agent"]),
            "job": {"title": "Backend Engineer", "description": "Build the API"},
        },
    ],
    ids=["models", "mappings"],
)
async def test_create_with_inline_objects_accepts_models_or_mappings(
    inline: dict[str, Any],
) -> None:
    """Inline candidate, agent and job given as models or mappings send the same JSON."""
    recorder = Recorder([envelope(interview_json(), 201)])
    async with make_client(recorder) as client:
        await client.interviews.create(**inline)
    assert _body(recorder.requests[0]) == _INLINE_WIRE


_NAIVE = datetime(2026, 12, 1, 10, 0)


@pytest.mark.parametrize(
    ("arguments", "wire_field"),
    [
        ({"agent_id": "a1"}, "candidateId"),
        ({"candidate_id": "c1", "candidate": {"first_name": "J"}, "agent_id": "a1"}, "candidateId"),
        ({"candidate_id": "c1"}, "agentId"),
        ({"candidate_id": "c1", "agent_id": "a1", "agent": {"name": "Ag"}}, "agentId"),
        ({"candidate_id": "c1", "agent_id": "a1", "job_id": "j1", "job": {"title": "T"}}, "jobId"),
        (
            {
                "candidate": {
                    "first_name": "J",
                    "last_name": "R",
                    "email": "j@x.io",
                    "job_id": "j",
                },
                "agent_id": "a1",
                "job_id": "j1",
            },
            "candidate.jobId",
        ),
        (
            {
                "candidate": {"first_name": "J", "last_name": "R", "job_id": "j"},
                "agent_id": "a1",
            },
            "candidate.email",
        ),
        (
            {
                "candidate": {"first_name": "J", "last_name": "R", "phone_number": "0900"},
                "agent_id": "a1",
            },
            "candidate.phoneNumber",
        ),
        (
            {"candidate_id": "c1", "agent": {"name": "Ag", "type": "ONLINE", "duration": 0}},
            "agent.duration",
        ),
        ({"candidate_id": "c1", "agent": {"name": "A", "type": "ONLINE"}}, "agent.name"),
        (
            {"candidate_id": "c1", "agent": {"name": "Phone", "type": "PHONE", "duration": 10}},
            "agent.companyPhoneNumberId",
        ),
        ({"candidate_id": "c1", "agent_id": "a1", "scheduled_at": _NAIVE}, "scheduleTime"),
    ],
)
async def test_create_rejects_what_the_docs_forbid_before_sending(
    arguments: dict[str, Any], wire_field: str
) -> None:
    """create raises VALIDATION_ERROR naming the wire field, and sends nothing."""
    recorder = Recorder([envelope(interview_json(), 201)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.interviews.create(**arguments)
    assert caught.value.code == "VALIDATION_ERROR"
    assert wire_field in caught.value.field_errors
    assert recorder.requests == []


@pytest.mark.parametrize("reply", [envelope(True), httpx.Response(204)])
async def test_delete_copes_with_true_or_an_empty_reply(reply: httpx.Response) -> None:
    """delete sends DELETE /interviews/{id} and accepts a body of `true` or an empty 204."""
    recorder = Recorder([reply])
    async with make_client(recorder) as client:
        await client.interviews.delete(INTERVIEW_ID)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("DELETE", f"/interviews/{INTERVIEW_ID}")


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.mark.parametrize(
    "reply",
    [
        envelope({"analysisPdfBase64": base64.b64encode(PDF).decode()}),
        httpx.Response(200, json={"analysisPdfBase64": base64.b64encode(PDF).decode()}),
        envelope({"analysisPdfBase64": base64.encodebytes(PDF).decode()}),  # wrapped lines
    ],
    ids=["envelope", "bare", "wrapped"],
)
async def test_analysis_pdf_returns_the_decoded_bytes(reply: httpx.Response) -> None:
    """analysis_pdf GETs /interviews/{id}/analysis-pdf and returns the PDF bytes."""
    recorder = Recorder([reply])
    async with make_client(recorder) as client:
        pdf = await client.interviews.analysis_pdf(INTERVIEW_ID)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("GET", f"/interviews/{INTERVIEW_ID}/analysis-pdf")
    assert pdf == PDF


@pytest.mark.parametrize(
    "data",
    [{"analysisPdfBase64": "not base64!"}, {"analysisPdfBase64": None}, {"pdf": "JVBERi0="}, []],
)
async def test_analysis_pdf_says_when_the_reply_is_not_a_pdf(data: Any) -> None:
    """A reply without valid base64 in analysisPdfBase64 raises ResponseDecodeError."""
    recorder = Recorder([envelope(data)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ResponseDecodeError, match="analysisPdfBase64"):
            await client.interviews.analysis_pdf(INTERVIEW_ID)


async def test_analysis_pdf_before_the_analysis_exists_is_not_found() -> None:
    """A 404 from analysis-pdf raises NotFoundError."""
    recorder = Recorder([error_reply(404, "RESOURCE_NOT_FOUND", "no analysis yet")])
    async with make_client(recorder) as client:
        with pytest.raises(iv.NotFoundError):
            await client.interviews.analysis_pdf(INTERVIEW_ID)


@pytest.mark.parametrize(
    ("scheduled_at", "sent_body"),
    [
        (None, {}),
        (
            datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc),
            {"scheduledAt": "2026-12-01T09:30:00+00:00"},
        ),
        ("2026-12-01T09:30:00Z", {"scheduledAt": "2026-12-01T09:30:00Z"}),
    ],
)
async def test_call_attempt_create_sends_scheduled_at_only_when_given(
    scheduled_at: Any, sent_body: dict[str, Any]
) -> None:
    """call_attempts.create posts {scheduledAt} (or {} for as soon as possible) with its key."""
    recorder = Recorder([httpx.Response(201, json={"success": True, "message": "Scheduled"})])
    async with make_client(recorder) as client:
        result = await client.interviews.call_attempts.create(
            INTERVIEW_ID, scheduled_at=scheduled_at, idempotency_key="idem-ca"
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", f"/interviews/{INTERVIEW_ID}/call-attempts")
    assert sent.headers["Idempotency-Key"] == "idem-ca"
    assert _body(sent) == sent_body
    assert result == CallAttemptResult(success=True, message="Scheduled")


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (envelope({"success": True, "message": "Scheduled"}, 201), "Scheduled"),
        (envelope(None, 201), None),
        (httpx.Response(204), None),
    ],
    ids=["enveloped", "null-data", "empty"],
)
async def test_call_attempt_create_accepts_every_reply_shape(
    reply: httpx.Response, message: str | None
) -> None:
    """An enveloped result, a null data or an empty 201/204 all count as success."""
    recorder = Recorder([reply])
    async with make_client(recorder) as client:
        result = await client.interviews.call_attempts.create(INTERVIEW_ID)
    assert result == CallAttemptResult(success=True, message=message)


async def test_call_attempt_reschedule_patches_scheduled_at() -> None:
    """reschedule PATCHes the attempt with the new time and accepts the empty 204."""
    recorder = Recorder([httpx.Response(204)])
    when = datetime(2026, 12, 2, 8, 0, tzinfo=CEST)
    async with make_client(recorder) as client:
        await client.interviews.call_attempts.reschedule(INTERVIEW_ID, "ca-1", scheduled_at=when)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == (
        "PATCH",
        f"/interviews/{INTERVIEW_ID}/call-attempts/ca-1",
    )
    assert _body(sent) == {"scheduledAt": "2026-12-02T08:00:00+02:00"}


async def test_call_attempt_reschedule_refuses_a_naive_datetime() -> None:
    """A datetime without a UTC offset is refused before sending."""
    recorder = Recorder([httpx.Response(204)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.interviews.call_attempts.reschedule(
                INTERVIEW_ID, "ca-1", scheduled_at=_NAIVE
            )
    assert "scheduledAt" in caught.value.field_errors
    assert recorder.requests == []


async def test_call_attempt_in_progress_is_an_api_error() -> None:
    """A 400 from rescheduling an attempt in progress raises ValidationError."""
    recorder = Recorder([error_reply(400, "VALIDATION_ERROR", "call in progress")])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError, match="call in progress"):
            await client.interviews.call_attempts.reschedule(
                INTERVIEW_ID, "ca-1", scheduled_at="2026-12-02T08:00:00Z"
            )


async def test_call_attempt_delete_sends_delete_and_returns_none() -> None:
    """call_attempts.delete sends DELETE for the attempt and accepts the empty 204."""
    recorder = Recorder([httpx.Response(204)])
    async with make_client(recorder) as client:
        await client.interviews.call_attempts.delete(INTERVIEW_ID, "ca-1")
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == (
        "DELETE",
        f"/interviews/{INTERVIEW_ID}/call-attempts/ca-1",
    )
