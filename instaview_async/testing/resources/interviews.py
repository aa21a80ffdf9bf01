"""Interviews: list, get, create (inline resources, billing limit), delete, analysis PDF, and
call attempts (PHONE interviews only)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from .._context import Context
from .._http import Problem, Reply, invalid_state, iso, not_found
from .._routing import Route
from .._state import Row, Store
from .._validation import (
    Field,
    boolean,
    check_body,
    invalid,
    iso_datetime,
    metadata,
    missing_field,
    parse_datetime,
    uuid,
)
from ._common import patch, soft_delete, timestamps
from .agents import new_agent
from .candidates import new_candidate
from .jobs import new_job

__all__ = ["ROUTES", "complete_interview", "index_keys", "start_call"]

STATUSES = ("UNDEFINED", "SCHEDULED", "CANCELLED", "FAILED", "COMPLETED", "IN_PROGRESS")
_MAX_AHEAD = 30 * 86400
_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _mapping(value: Any) -> str | None:
    return None if isinstance(value, Mapping) else "must be an object"


def _fields() -> tuple[Field, ...]:
    return (
        Field("candidateId", "string (UUID)", uuid()),
        Field("candidate", "object", _mapping),
        Field("agentId", "string (UUID)", uuid()),
        Field("agent", "object", _mapping),
        Field("jobId", "string (UUID)", uuid()),
        Field("job", "object", _mapping),
        Field("scheduleTime", "string (date-time)", iso_datetime()),
        Field("scheduledAt", "string (date-time)", iso_datetime()),
        Field("isTest", "boolean", boolean()),
        Field("metadata", "object", metadata()),
    )


# -- create -------------------------------------------------------------------------------------


def create_interview(ctx: Context) -> Reply:
    """``POST /interviews``: 201; inline candidate/agent/job are created too (all or nothing)."""
    body = check_body(ctx.json(), _fields())
    _check_exclusive(body)
    is_test = body.get("isTest") is True
    scheduled = _schedule(body, ctx.now)
    if not is_test:
        _check_billing(ctx)
    agent = _agent(ctx, body)
    job = _inline(ctx, "job", lambda raw: new_job(ctx, _job_body(raw))) if "job" in body else None
    if job is None and body.get("jobId"):
        job = ctx.load(ctx.store.jobs, body["jobId"])
    candidate = _candidate(ctx, body, job)
    job = job or _resolve_job(ctx, candidate, agent)
    return Reply(_new_interview(ctx, candidate, agent, job, scheduled, body).data, 201)


def _check_exclusive(body: Mapping[str, Any]) -> None:
    for one, other in (("candidateId", "candidate"), ("agentId", "agent"), ("jobId", "job")):
        if body.get(one) is not None and body.get(other) is not None:
            message = f"{one} and {other} are mutually exclusive"
            raise invalid({one: message, other: message})
    for one in ("candidateId", "agentId"):
        if body.get(one) is None and body.get(one[:-2]) is None:
            raise missing_field(one, f"string (UUID), or an inline {one[:-2]} object")
    inline_candidate = body.get("candidate") or {}
    if inline_candidate.get("jobId") is not None and (body.get("jobId") or body.get("job")):
        raise invalid({"candidate.jobId": "cannot be combined with jobId or job"})


def _schedule(body: Mapping[str, Any], now: float) -> float | None:
    raw = body.get("scheduledAt", body.get("scheduleTime"))
    when = parse_datetime(raw) if raw is not None else None
    if when is not None and when > now + _MAX_AHEAD:
        name = "scheduledAt" if "scheduledAt" in body else "scheduleTime"
        raise invalid({name: f"{name} must be at most 30 days ahead"})
    return when


def _check_billing(ctx: Context) -> None:
    """402 BILLING_LIMIT_EXCEEDED once the company used its monthly interviews (tests excluded)."""
    limit = ctx.config.monthly_interview_limit
    if limit is None:
        return
    month_start, next_month = _month(ctx.now)
    used = len(ctx.store.interviews.filed(("billable-month", ctx.company_id, month_start)))
    if used >= limit:
        raise Problem(
            402,
            "BILLING_LIMIT_EXCEEDED",
            "Monthly interview limit exceeded",
            {"limit": limit, "used": used, "resetDate": iso(next_month)},
        )


def _month(now: float) -> tuple[float, float]:
    today = datetime.fromtimestamp(now, tz=timezone.utc)
    start = today.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return start.timestamp(), following.timestamp()


def index_keys(row: Row) -> Iterable[Hashable]:
    """Filed for the list filters (live only) and, deleted or not, for billing."""
    company, data = row.company_id, row.data
    keys: list[Hashable] = []
    if row.internal.get("billable"):  # a deleted interview still counts as used
        month_start = _month(row.internal["created"])[0]
        keys += [("billable", company), ("billable-month", company, month_start)]
    if row.live:
        candidate, agent, status = data["candidateId"], data["agentId"], data["status"]
        keys += [
            ("company", company),
            ("candidate", company, candidate),
            ("candidate-agent", company, candidate, agent),
            ("candidate-status", company, candidate, status),
            ("candidate-agent-status", company, candidate, agent, status),
        ]
    return keys


def _inline(ctx: Context, prefix: str, create: Callable[[Any], Row]) -> Row:
    """Create an inline resource; its validation errors name ``prefix.field``."""
    try:
        return create(ctx.json()[prefix])
    except Problem as problem:
        details = problem.details
        if isinstance(details, dict) and "field" in details:
            details["field"] = f"{prefix}.{details['field']}"
        if isinstance(details, dict) and "fields" in details:
            details["fields"] = {f"{prefix}.{k}": v for k, v in details["fields"].items()}
        raise


def _job_body(raw: Any) -> dict[str, Any]:
    from .jobs import job_fields

    return check_body(raw, job_fields())


def _agent(ctx: Context, body: Mapping[str, Any]) -> Row:
    if body.get("agentId"):
        return ctx.load(ctx.store.agents, body["agentId"])
    return _inline(ctx, "agent", lambda raw: new_agent(ctx, raw))


def _candidate(ctx: Context, body: Mapping[str, Any], job: Row | None) -> Row:
    if body.get("candidateId"):
        return ctx.load(ctx.store.candidates, body["candidateId"])
    raw = dict(body["candidate"])
    if job is not None:
        raw["jobIds"] = [job.id]
    return _inline(ctx, "candidate", lambda _: new_candidate(ctx, raw))


def _resolve_job(ctx: Context, candidate: Row, agent: Row) -> Row | None:
    """No job given: GENERIC agents need none; else the candidate's only live job."""
    if agent.data.get("focus") == "GENERIC":
        return None
    live = [
        j
        for j in (ctx.store.jobs.get(i) for i in candidate.data["jobIds"])
        if j is not None and j.live
    ]
    if len(live) == 1:
        return live[0]
    if not live:
        raise missing_field("jobId", "string (UUID), required unless the agent focus is GENERIC")
    raise invalid({"jobId": "the candidate has several jobs; pass jobId to choose one"})


def _new_interview(
    ctx: Context,
    candidate: Row,
    agent: Row,
    job: Row | None,
    scheduled: float | None,
    body: Mapping[str, Any],
) -> Row:
    if job is not None and job.id not in candidate.data["jobIds"]:
        patch(candidate, {"jobIds": [*candidate.data["jobIds"], job.id]}, ctx.now)
        candidate.data["jobId"] = candidate.data["jobIds"][0]
    candidate.data["interviewCount"] += 1
    is_test = body.get("isTest") is True
    iid = ctx.store.new_id()
    when = iso(scheduled if scheduled is not None else ctx.now)
    phone = agent.data.get("type") == "PHONE"
    data: dict[str, Any] = {
        "id": iid,
        "candidateId": candidate.id,
        "agentId": agent.id,
        "jobId": job.id if job else None,
        "status": "SCHEDULED",
        "scheduledAt": when,
        "durationMinutes": agent.data.get("duration"),
        "finishedDate": None,
        "metadata": body.get("metadata") or {},
        "callAttempts": [_attempt(ctx.store, when, 0)] if phone else [],
        "analysis": None,
        "isTest": is_test,
        **timestamps(ctx.now),
    }
    internal = {"billable": not is_test, "created": ctx.now, "type": agent.data.get("type")}
    row = ctx.store.interviews.add(Row(iid, ctx.company_id, data, internal=internal))
    if is_test:  # the docs: a test interview completes immediately
        complete_interview(ctx.store, row, ctx.now)
    return row


def _attempt(store: Store, when: str | None, number: int) -> dict[str, Any]:
    return {
        "id": store.new_id(),
        "direction": "OUTBOUND",
        "status": "SCHEDULED",
        "reasonCode": None,
        "notes": None,
        "retryNumber": number,
        "recordingUrl": None,
        "duration": None,
        "scheduledAt": when,
        "calledAt": None,
    }


def complete_interview(store: Store, row: Row, now: float, overall_rating: int = 80) -> None:
    """Finish an interview as if the call happened: COMPLETED, with an analysis."""
    stamp = iso(now)
    for attempt in row.data["callAttempts"]:
        if attempt["status"] in ("SCHEDULED", "IN_PROGRESS"):
            attempt.update(status="COMPLETED", calledAt=stamp, duration=60)
    row.data.update(
        status="COMPLETED",
        finishedDate=stamp,
        updatedAt=stamp,
        analysis={
            "id": store.new_id(),
            "general": {
                "overallRating": overall_rating,
                "companyFitRating": "HIGH" if overall_rating >= 70 else "MEDIUM",
                "education": "MASTER_LEVEL",
                "experience": "THREE_TO_5_YEARS",
                "strongPoints": ["Clear communication"],
                "weakPoints": ["Limited team leadership"],
                "evaluation": ["Recommended for the next round"],
                "status": 3,
                "createdAt": stamp,
                "updatedAt": stamp,
            },
            "specific": None,
        },
    )
    candidate = store.candidates.get(row.data["candidateId"])
    if candidate is not None:
        candidate.data["analysisCount"] += 1
        candidate.data["overallRating"] = overall_rating


def start_call(row: Row, now: float) -> str:
    """Put the interview's scheduled call attempt IN_PROGRESS; return the attempt id."""
    for attempt in row.data["callAttempts"]:
        if attempt["status"] == "SCHEDULED":
            attempt.update(status="IN_PROGRESS", calledAt=iso(now))
            row.data["status"] = "IN_PROGRESS"
            return str(attempt["id"])
    raise ValueError(f"interview {row.id} has no scheduled call attempt")


# -- read and delete ----------------------------------------------------------------------------


def list_interviews(ctx: Context) -> Reply:
    """``GET /interviews``: ``candidateId`` is required ("for MVP"); ``agentId``, ``status``."""
    candidate_id = ctx.query.get("candidateId")
    if not candidate_id:
        raise missing_field("candidateId", "string (UUID), query parameter")
    agent_id, status = ctx.query.get("agentId"), ctx.query.get("status")
    if status is not None and status not in STATUSES:
        raise invalid({"status": "status must be one of " + ", ".join(STATUSES)})
    key: tuple[str, ...] = ("candidate", str(ctx.company_id), candidate_id)
    if agent_id is not None:
        key = ("candidate-agent", *key[1:], agent_id)
    if status is not None:
        key = (f"{key[0]}-status", *key[1:], status)
    return ctx.page(ctx.store.interviews.filed(key))


def get_interview(ctx: Context) -> Reply:
    """``GET /interviews/{id}``."""
    return Reply(ctx.load(ctx.store.interviews, ctx.params["id"]).data)


def analysis_pdf(ctx: Context) -> Reply:
    """``GET /interviews/{id}/analysis-pdf``: 404 until the analysis exists."""
    row = ctx.load(ctx.store.interviews, ctx.params["id"])
    if row.data["analysis"] is None:
        raise not_found("Analysis", row.id)
    return Reply({"analysisPdfBase64": base64.b64encode(_PDF).decode()})


def delete_interview(ctx: Context) -> Reply:
    """``DELETE /interviews/{id}``: any status; a scheduled one is cancelled; soft delete."""
    row = ctx.load(ctx.store.interviews, ctx.params["id"])
    if row.data["status"] == "SCHEDULED":
        row.data["status"] = "CANCELLED"
    for attempt in row.data["callAttempts"]:
        if attempt["status"] == "SCHEDULED":
            attempt["status"] = "CANCELLED"
    candidate = ctx.store.candidates.get(row.data["candidateId"])
    if candidate is not None:
        candidate.data["interviewCount"] = max(0, candidate.data["interviewCount"] - 1)
    soft_delete(row, ctx.now)
    return Reply(True)


# -- call attempts ------------------------------------------------------------------------------


def _phone_interview(ctx: Context, action: str) -> Row:
    row = ctx.load(ctx.store.interviews, ctx.params["id"])
    if row.internal.get("type") != "PHONE":
        raise invalid_state(
            row.data["status"],
            action,
            "Call attempts are only available for PHONE interviews; this interview is ONLINE",
        )
    return row


def _find_attempt(row: Row, attempt_id: str) -> dict[str, Any]:
    for attempt in row.data["callAttempts"]:
        if attempt["id"] == attempt_id:
            return attempt  # type: ignore[no-any-return]
    raise not_found("CallAttempt", attempt_id)


def invoke_call_attempt(ctx: Context) -> Reply:
    """``POST /interviews/{id}/call-attempts``: replaces a scheduled attempt; refused mid-call."""
    row = _phone_interview(ctx, "create_call_attempt")
    body = check_body(ctx.json(), (Field("scheduledAt", "string (date-time)", iso_datetime()),))
    attempts = row.data["callAttempts"]
    if any(a["status"] == "IN_PROGRESS" for a in attempts):
        raise invalid_state("IN_PROGRESS", "create_call_attempt", "A call is in progress")
    for attempt in attempts:
        if attempt["status"] == "SCHEDULED":
            attempt["status"] = "CANCELLED"
    when = body.get("scheduledAt")
    new = _attempt(ctx.store, iso(parse_datetime(when) or ctx.now), len(attempts))
    attempts.append(new)
    patch(row, {"status": "SCHEDULED"}, ctx.now)
    message = "Call attempt scheduled"
    return Reply({"success": True, "message": message, "callAttemptId": new["id"]}, 201)


def reschedule_call_attempt(ctx: Context) -> Reply:
    """``PATCH .../call-attempts/{attemptId}``: only SCHEDULED attempts, to a future time; 204."""
    row = _phone_interview(ctx, "reschedule_call_attempt")
    attempt = _find_attempt(row, ctx.params["attempt"])
    field = Field("scheduledAt", "string (date-time)", iso_datetime(), required=True)
    body = check_body(ctx.json(), (field,))
    when = parse_datetime(body["scheduledAt"])
    if when is None or when <= ctx.now:
        raise invalid({"scheduledAt": "scheduledAt must be in the future"})
    if attempt["status"] != "SCHEDULED":
        reason = (
            f"Only SCHEDULED call attempts can be rescheduled (this one is {attempt['status']})"
        )
        raise invalid_state(attempt["status"], "reschedule_call_attempt", reason, status=400)
    attempt["scheduledAt"] = iso(when)
    return Reply(status=204)


def delete_call_attempt(ctx: Context) -> Reply:
    """``DELETE .../call-attempts/{attemptId}``: cancels and removes it; blocked mid-call; 204."""
    row = _phone_interview(ctx, "delete_call_attempt")
    attempt = _find_attempt(row, ctx.params["attempt"])
    if attempt["status"] == "IN_PROGRESS":
        raise invalid_state("IN_PROGRESS", "delete_call_attempt", "The call is in progress")
    row.data["callAttempts"].remove(attempt)
    return Reply(status=204)


_READ = ("read:interviews", "read:candidates", "read:agents")
_ATTEMPTS = "/interviews/{id}/call-attempts"
ROUTES = (
    Route("GET", "/interviews", list_interviews, _READ),
    Route("POST", "/interviews", create_interview, ("write:interviews", *_READ[1:])),
    Route("GET", "/interviews/{id}", get_interview, ("read:interviews",)),
    Route("DELETE", "/interviews/{id}", delete_interview, ("delete:interviews",)),
    Route("GET", "/interviews/{id}/analysis-pdf", analysis_pdf, ("read:interviews",)),
    Route("POST", _ATTEMPTS, invoke_call_attempt, ("write:interviews",)),
    Route("PATCH", _ATTEMPTS + "/{attempt}", reschedule_call_attempt, ("write:interviews",)),
    Route("DELETE", _ATTEMPTS + "/{attempt}", delete_call_attempt, ("write:interviews",)),
)
