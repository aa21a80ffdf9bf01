"""client.jobs: the requests each method sends and what it returns."""

from __future__ import annotations

import json

import pytest

import instaview_async as iv
from instaview_async.models import JobLocation, JobStatus, Salary
from tests.conftest import envelope
from tests.helpers import Recorder, job_json, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio


def _body(request: httpx.Request) -> object:
    return json.loads(request.content)


async def test_create_sends_camel_case_and_leaves_out_what_was_not_given() -> None:
    """create sends only the given fields, camelCased, nested models and mappings alike."""
    recorder = Recorder([envelope(job_json(), 201)])
    async with make_client(recorder) as client:
        job = await client.jobs.create(
            title="Senior Engineer",
            description="Build things",
            status=JobStatus.OPEN,
            required_skills=["Python"],
            location=JobLocation(work_mode="REMOTE", country_code="SK"),
            salary={"min": 1, "max": 2, "currency": "USD"},
            language_requirements=[{"language": "EN", "proficiency": "B2"}],
            metadata={"external_id": "x-1"},
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/jobs")
    assert _body(sent) == {
        "title": "Senior Engineer",
        "description": "Build things",
        "status": "OPEN",
        "requiredSkills": ["Python"],
        "location": {"workMode": "REMOTE", "countryCode": "SK"},
        "salary": {"min": 1, "max": 2, "currency": "USD"},
        "languageRequirements": [{"language": "EN", "proficiency": "B2"}],
        "metadata": {"external_id": "x-1"},
    }
    assert job.id == job_json()["id"]


async def test_nested_mapping_accepts_snake_case_keys() -> None:
    """A plain mapping for a nested object may use snake_case keys."""
    recorder = Recorder([envelope(job_json(), 201)])
    async with make_client(recorder) as client:
        await client.jobs.create(
            title="Title", description="Description", location={"work_mode": "HYBRID"}
        )
    assert _body(recorder.requests[0])["location"] == {"workMode": "HYBRID"}  # type: ignore[index]


async def test_update_sends_only_given_fields_and_none_as_null() -> None:
    """update leaves out fields not given and sends explicit None as null."""
    recorder = Recorder([envelope(job_json(title="New"))])
    async with make_client(recorder) as client:
        job = await client.jobs.update("j1", title="New", benefits=None, salary=Salary(min=5))
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("PATCH", "/jobs/j1")
    assert _body(sent) == {"title": "New", "benefits": None, "salary": {"min": 5}}
    assert job.title == "New"


async def test_get_refuses_an_id_that_is_not_one_segment() -> None:
    """An id holding a slash or a dot segment is refused, so it cannot reach another path."""
    recorder = Recorder([envelope(job_json())])
    async with make_client(recorder) as client:
        for bad in ("a/../b", ".."):
            with pytest.raises(iv.ValidationError, match="job_id"):
                await client.jobs.get(bad)
    assert recorder.requests == []


async def test_get_percent_encodes_the_rest() -> None:
    """Other characters are percent-encoded and arrive as the same text."""
    recorder = Recorder([envelope(job_json())])
    async with make_client(recorder) as client:
        await client.jobs.get("é;x")
    assert recorder.requests[0].url.raw_path == b"/jobs/%C3%A9%3Bx"


@pytest.mark.parametrize("bad", ["", "  "])
async def test_empty_id_is_refused_before_sending(bad: object) -> None:
    """A missing id raises ValidationError naming the argument; nothing is sent."""
    recorder = Recorder([envelope(job_json())])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.jobs.get(bad)  # type: ignore[arg-type]
    assert caught.value.field_errors["job_id"].startswith("must be a non-empty string")
    assert recorder.requests == []


async def test_list_sends_filters_and_paging() -> None:
    """list sends status, page and limit as query parameters."""
    recorder = Recorder([envelope({"data": [], "total": 0, "page": 2, "limit": 5})])
    async with make_client(recorder) as client:
        page = await client.jobs.list(status=JobStatus.CLOSED, page=2, limit=5)
    params = recorder.requests[0].url.params
    assert (params["status"], params["page"], params["limit"]) == ("CLOSED", "2", "5")
    assert page.items == () and not page.has_next


@pytest.mark.parametrize(
    "reply",
    [envelope(True), httpx.Response(204), httpx.Response(200, json=True)],
    ids=["true-envelope", "204", "bare-true"],
)
async def test_delete_accepts_true_or_empty(reply: httpx.Response) -> None:
    """delete returns None for a body of true or an empty 204."""
    recorder = Recorder([reply])
    async with make_client(recorder) as client:
        assert await client.jobs.delete("j1") is None
    assert (recorder.requests[0].method, recorder.requests[0].url.path) == ("DELETE", "/jobs/j1")


async def test_delete_of_missing_job_raises_not_found() -> None:
    """Deleting an unknown job raises NotFoundError."""
    from tests.conftest import error_reply

    async with make_client(Recorder([error_reply(404, "RESOURCE_NOT_FOUND")])) as client:
        with pytest.raises(iv.NotFoundError):
            await client.jobs.delete("j1")


@pytest.mark.parametrize(
    "payload",
    [
        {"data": job_json(), "sourceUrl": "https://jobs.example/1"},
        {"success": True, "data": {"data": job_json(), "sourceUrl": "https://jobs.example/1"}},
    ],
    ids=["flat", "enveloped"],
)
async def test_create_from_url_decodes_job_and_source(payload: dict[str, object]) -> None:
    """create_from_url returns the job and the source URL, enveloped or not."""
    recorder = Recorder([httpx.Response(201, json=payload)])
    async with make_client(recorder) as client:
        result = await client.jobs.create_from_url(job_url="https://jobs.example/1")
    assert _body(recorder.requests[0]) == {"jobUrl": "https://jobs.example/1", "createJob": True}
    assert result.data.title == "Senior Engineer"
    assert result.source_url == "https://jobs.example/1"


async def test_create_from_url_preview_has_empty_id_and_no_timestamps() -> None:
    """A preview (create_job=False) decodes its empty id and "" timestamps."""
    preview = job_json(id="", createdAt="", updatedAt="")
    recorder = Recorder([envelope({"data": preview, "sourceUrl": "u"})])
    async with make_client(recorder) as client:
        result = await client.jobs.create_from_url(job_url="u", create_job=False)
    assert result.data.id == "" and result.data.created_at is None
