"""Candidates: list, get, create, update, delete (soft), with the duplicate-email rule."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any

from .._context import Context
from .._http import Problem, Reply, access_denied, not_found
from .._routing import Route
from .._state import Row
from .._validation import (
    Field,
    check_body,
    email,
    enum,
    integer,
    invalid,
    iso_date,
    items,
    metadata,
    phone,
    string,
    uuid,
)
from ._common import patch, soft_delete, timestamps

__all__ = ["ROUTES", "candidate_fields", "index_keys", "new_candidate"]

STATUSES = ("UNDEFINED", "APPLIED", "IN_PROCESS", "REJECTED", "ACCEPTED")


def candidate_fields(*, update: bool = False) -> tuple[Field, ...]:
    """The fields of ``POST /candidates`` (and of PATCH, which adds ``status``)."""
    fields: tuple[Field, ...] = (
        Field("firstName", "string", string(1, 100), required=True),
        Field("lastName", "string", string(1, 100), required=True),
        Field("email", "string (email)", email()),
        Field("phoneNumber", "string (E.164)", phone()),
        Field("gdprExpiryDate", "string (date)", iso_date()),
        Field("jobId", "string (UUID)", uuid()),
        Field("jobIds", "string[] (UUID)", items(uuid(), min_items=1, max_items=50)),
        Field("metadata", "object", metadata()),
    )
    if update:
        fields += (
            Field("status", "string", enum(STATUSES)),
            Field("overallRating", "number", integer(0, 100)),
        )
    return fields


def new_candidate(ctx: Context, raw: Mapping[str, Any]) -> Row:
    """Validate a create body and store the candidate (status APPLIED)."""
    body = check_body(raw, candidate_fields())
    _check_contact(body)
    _check_gdpr(body, ctx.now)
    job_ids = _job_ids(ctx, body)
    _check_duplicate(ctx, body.get("email"), job_ids, None)
    cid = ctx.store.new_id()
    data: dict[str, Any] = {
        "id": cid,
        "firstName": body["firstName"],
        "lastName": body["lastName"],
        "email": body.get("email"),
        "phoneNumber": body.get("phoneNumber"),
        "status": "APPLIED",
        "jobId": job_ids[0] if job_ids else None,
        "jobIds": job_ids,
        "gdprExpiryDate": body.get("gdprExpiryDate"),
        "overallRating": None,
        "metadata": body.get("metadata") or {},
        "analysisCount": 0,
        "interviewCount": 0,
        "links": {
            "analyses": f"/v1/public/candidates/{cid}/analyses",
            "interviews": f"/v1/public/candidates/{cid}/interviews",
        },
        **timestamps(ctx.now),
    }
    return ctx.store.candidates.add(Row(cid, ctx.company_id, data))


def _check_contact(body: Mapping[str, Any]) -> None:
    if body.get("email") is None and body.get("phoneNumber") is None:
        message = "Either email or phoneNumber is required"
        raise invalid({"email": message, "phoneNumber": message})


def _check_gdpr(body: Mapping[str, Any], now: float) -> None:
    value = body.get("gdprExpiryDate")
    today = datetime.fromtimestamp(now, tz=timezone.utc).date()
    if value is not None and date.fromisoformat(value) <= today:
        raise invalid({"gdprExpiryDate": "gdprExpiryDate must be a date in the future"})


def _job_ids(ctx: Context, body: Mapping[str, Any]) -> list[str]:
    """``jobIds`` wins over the deprecated ``jobId``; every job must be the company's and live."""
    if body.get("jobIds") is not None:
        wanted = list(dict.fromkeys(body["jobIds"]))
    elif body.get("jobId") is not None:
        wanted = [body["jobId"]]
    else:
        return []
    ctx.require("read:jobs")  # the docs: "read:jobs (to validate the job)"
    for job_id in wanted:
        row = ctx.store.jobs.get(job_id)
        if row is None or not row.live:
            raise not_found("Job", job_id)
        if row.company_id != ctx.company_id:
            raise access_denied("Access denied to this job")
    return wanted


def index_keys(row: Row) -> Iterable[Hashable]:
    """A live candidate is filed by company, status, job, job and status, and job and email."""
    if not row.live:
        return ()
    company, status = row.company_id, row.data["status"]
    email = (row.data.get("email") or "").lower()
    keys: list[Hashable] = [("company", company), ("status", company, status)]
    for job in row.data["jobIds"]:
        keys += [("job", company, job), ("job-status", company, job, status)]
        if email:
            keys.append(("job-email", company, job, email))
    return keys


def _check_duplicate(
    ctx: Context, address: str | None, job_ids: list[str], self_id: str | None
) -> None:
    """409 RESOURCE_CONFLICT when a live candidate of a shared job has the same email."""
    if not address or not job_ids:
        return
    for job_id in job_ids:
        key = ("job-email", ctx.company_id, job_id, address.lower())
        for row in ctx.store.candidates.filed(key):
            if row.id == self_id:
                continue
            raise Problem(
                409,
                "RESOURCE_CONFLICT",
                "A candidate with this email already exists for this job",
                {"conflictingField": "email", "existingResourceId": row.id},
            )


def list_candidates(ctx: Context) -> Reply:
    """``GET /candidates`` with ``jobId``, ``status`` and ``search`` (name or email) filters."""
    job_id, status = ctx.query.get("jobId"), ctx.query.get("status")
    search = (ctx.query.get("search") or "").lower()
    if job_id is not None:
        ctx.require("read:jobs")
    if status is not None and status not in STATUSES:
        raise invalid({"status": "status " + (enum(STATUSES)(status) or "")})
    company = ctx.company_id
    key: Hashable = ("company", company)
    if job_id is not None and status is not None:
        key = ("job-status", company, job_id, status)
    elif job_id is not None:
        key = ("job", company, job_id)
    elif status is not None:
        key = ("status", company, status)
    rows = ctx.store.candidates.filed(key)
    if search:  # a substring search reads the filtered rows: O(their number), not the table's
        rows = [r for r in rows if search in _haystack(r)]
    return ctx.page(rows)


def _haystack(row: Row) -> str:
    data = row.data
    return " ".join(str(data.get(k) or "") for k in ("firstName", "lastName", "email")).lower()


def get_candidate(ctx: Context) -> Reply:
    """``GET /candidates/{id}``."""
    return Reply(ctx.load(ctx.store.candidates, ctx.params["id"]).data)


def create_candidate(ctx: Context) -> Reply:
    """``POST /candidates``: 201 with the candidate."""
    return Reply(new_candidate(ctx, ctx.json()).data, 201)


def update_candidate(ctx: Context) -> Reply:
    """``PATCH /candidates/{id}``: partial; ``jobIds`` replaces the assignments."""
    row = ctx.load(ctx.store.candidates, ctx.params["id"])
    body = check_body(ctx.json(), candidate_fields(update=True), partial=True)
    merged = {**row.data, **body}
    _check_contact(merged)
    _check_gdpr(body, ctx.now)
    if "jobIds" in body or "jobId" in body:
        job_ids = _job_ids(ctx, body)
        body = {k: v for k, v in body.items() if k not in ("jobId", "jobIds")}
        body.update(jobIds=job_ids, jobId=job_ids[0] if job_ids else None)
    _check_duplicate(ctx, merged.get("email"), body.get("jobIds", row.data["jobIds"]), row.id)
    patch(row, body, ctx.now)
    return Reply(row.data)


def delete_candidate(ctx: Context) -> Reply:
    """``DELETE /candidates/{id}``: soft delete; the body is ``true``."""
    soft_delete(ctx.load(ctx.store.candidates, ctx.params["id"]), ctx.now)
    return Reply(True)


ROUTES = (
    Route("GET", "/candidates", list_candidates, ("read:candidates",)),
    Route("POST", "/candidates", create_candidate, ("write:candidates",)),
    Route("GET", "/candidates/{id}", get_candidate, ("read:candidates",)),
    Route("PATCH", "/candidates/{id}", update_candidate, ("write:candidates",)),
    Route("DELETE", "/candidates/{id}", delete_candidate, ("delete:candidates",)),
)
