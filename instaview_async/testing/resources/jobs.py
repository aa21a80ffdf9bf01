"""Jobs: list, get, create, create from URL, update, delete (soft)."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from typing import Any
from urllib.parse import urlsplit

from .._context import Context
from .._http import Reply
from .._routing import Route
from .._state import Row
from .._validation import (
    Field,
    boolean,
    check_body,
    enum,
    invalid,
    items,
    metadata,
    number,
    obj,
    string,
)
from ._common import patch, soft_delete, timestamps

__all__ = ["ROUTES", "index_keys", "job_fields", "new_job"]

STATUSES = ("UNDEFINED", "OPEN", "CLOSED")
EDUCATION = (
    "UNDEFINED",
    "PRIMARY_EDUCATION",
    "SECONDARY_SCHOOL_STUDENT",
    "SECONDARY_WITHOUT_DIPLOMA",
    "SECONDARY_WITH_DIPLOMA",
    "POST_SECONDARY_VOCATIONAL",
    "UNIVERSITY_STUDENT",
    "BACHELOR_LEVEL",
    "MASTER_LEVEL",
    "POSTGRADUATE",
)
CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
_LANGUAGE = (
    Field("language", "string", string(2, 3), required=True),
    Field("proficiency", "string", enum(CEFR)),
)
_LOCATION = (
    Field("workMode", "string", string(1, 50)),
    Field("street", "string", string(0, 255)),
    Field("city", "string", string(0, 255)),
    Field("postalCode", "string", string(0, 20)),
    Field("countryCode", "string", string(2, 2)),
)
_SALARY = (
    Field("min", "number", number(0)),
    Field("max", "number", number(0)),
    Field("currency", "string", string(3, 3)),
    Field("period", "string", string(1, 50)),
)


def job_fields() -> tuple[Field, ...]:
    """The fields of ``POST /jobs`` (title and description required; status defaults to OPEN)."""
    return (
        Field("title", "string", string(5, 200), required=True),
        Field("description", "string", string(10, 5000), required=True),
        Field("status", "string", enum(STATUSES)),
        Field("jobUrl", "string", string(0, 2048)),
        Field("benefits", "string", string(0, 5000)),
        Field("requiredSkills", "string[]", items(string(1, 200), max_items=10)),
        Field("niceToHaveSkills", "string[]", items(string(1, 200), max_items=10)),
        Field("languageRequirements", "object[]", items(obj(_LANGUAGE), max_items=5)),
        Field("education", "string[]", items(enum(EDUCATION))),
        Field("experience", "string", string(1, 100)),
        Field("contractType", "string", string(1, 100)),
        Field("location", "object", obj(_LOCATION)),
        Field("salary", "object", obj(_SALARY)),
        Field("metadata", "object", metadata()),
    )


def new_job(ctx: Context, body: dict[str, Any]) -> Row:
    """Store a validated job body for the caller's company."""
    job_id = ctx.store.new_id()
    data: dict[str, Any] = {
        "id": job_id,
        "companyId": ctx.company_id,
        "title": None,
        "description": None,
        "status": "OPEN",
        "jobUrl": None,
        "benefits": None,
        "requiredSkills": [],
        "niceToHaveSkills": [],
        "languageRequirements": [],
        "education": [],
        "experience": None,
        "contractType": None,
        "location": None,
        "salary": None,
        "metadata": {},
        **{k: v for k, v in body.items() if v is not None},
        **timestamps(ctx.now),
    }
    return ctx.store.jobs.add(Row(job_id, ctx.company_id, data))


def index_keys(row: Row) -> Iterable[Hashable]:
    """A live job is filed by company, and by company and status."""
    if not row.live:
        return ()
    return (("company", row.company_id), ("status", row.company_id, row.data["status"]))


def list_jobs(ctx: Context) -> Reply:
    """``GET /jobs``: active jobs of the company, filtered by ``status``."""
    status = ctx.query.get("status")
    if status is not None and status not in STATUSES:
        raise invalid({"status": enum(STATUSES)(status) or ""})
    if status is None:
        return ctx.page(ctx.store.jobs.live(ctx.company_id))
    return ctx.page(ctx.store.jobs.filed(("status", ctx.company_id, status)))


def get_job(ctx: Context) -> Reply:
    """``GET /jobs/{id}``."""
    return Reply(ctx.load(ctx.store.jobs, ctx.params["id"]).data)


def create_job(ctx: Context) -> Reply:
    """``POST /jobs``: 201 with the job."""
    body = check_body(ctx.json(), job_fields())
    return Reply(new_job(ctx, body).data, 201)


def create_job_from_url(ctx: Context) -> Reply:
    """``POST /jobs/url``: a job "extracted" from the URL's path; ``createJob: false`` previews."""
    body = check_body(
        ctx.json(),
        (
            Field("jobUrl", "string", _url, required=True),
            Field("createJob", "boolean", boolean()),
        ),
    )
    url = body["jobUrl"]
    fields = {"title": _title_from(url), "description": f"Imported from {url}.", "jobUrl": url}
    if body.get("createJob", True) is False:
        preview = new_job(ctx, fields)
        ctx.store.jobs.remove(preview.id)
        data = {**preview.data, "id": "", "createdAt": "", "updatedAt": ""}
        return Reply({"data": data, "sourceUrl": url}, 200)
    return Reply({"data": new_job(ctx, fields).data, "sourceUrl": url}, 201)


def _url(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 2048:
        return "must be a URL address of at most 2048 characters"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be a URL address"
    return None


def _title_from(url: str) -> str:
    words = re.split(r"[-_/.]+", urlsplit(url).path)
    title = " ".join(w.capitalize() for w in words if w.isalpha())
    return title if len(title) >= 5 else "Imported position"


def update_job(ctx: Context) -> Reply:
    """``PATCH /jobs/{id}``: a partial update."""
    row = ctx.load(ctx.store.jobs, ctx.params["id"])
    body = check_body(ctx.json(), job_fields(), partial=True)
    patch(row, body, ctx.now)
    return Reply(row.data)


def delete_job(ctx: Context) -> Reply:
    """``DELETE /jobs/{id}``: soft delete; the body is ``true``."""
    soft_delete(ctx.load(ctx.store.jobs, ctx.params["id"]), ctx.now)
    return Reply(True)


ROUTES = (
    Route("GET", "/jobs", list_jobs, ("read:jobs",)),
    Route("POST", "/jobs", create_job, ("write:jobs",)),
    Route("POST", "/jobs/url", create_job_from_url, ("write:jobs",)),
    Route("GET", "/jobs/{id}", get_job, ("read:jobs",)),
    Route("PATCH", "/jobs/{id}", update_job, ("write:jobs",)),
    Route("DELETE", "/jobs/{id}", delete_job, ("delete:jobs",)),
)
