"""Decoding: camelCase, aware timestamps, forward compatibility, envelopes and list shapes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import instaview_async as iv
from instaview_async._converter import converter
from instaview_async.models import Education, Job, JobStatus, WorkMode
from tests.conftest import envelope
from tests.helpers import Recorder, job_json, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio


def test_wire_names_are_camel_case_and_timestamps_aware() -> None:
    """camelCase fields land on snake_case attributes; Z and offsets give aware datetimes."""
    job = converter.structure(job_json(), Job)
    assert job.company_id == "c1"
    assert job.required_skills == ("Python",)
    assert job.location is not None and job.location.country_code == "SK"
    assert job.created_at == datetime(2024, 1, 15, 10, 30, tzinfo=timezone.utc)
    assert job.updated_at is not None
    assert job.updated_at.utcoffset() == timedelta(hours=1)


def test_naive_timestamps_are_taken_as_utc() -> None:
    """A timestamp without an offset is read as UTC, never left naive."""
    job = converter.structure(job_json(createdAt="2024-01-15T10:30:00"), Job)
    assert job.created_at is not None and job.created_at.tzinfo is not None


def test_unknown_fields_are_ignored() -> None:
    """A field the SDK does not know yet does not break decoding."""
    job = converter.structure(job_json(brandNewField={"x": 1}), Job)
    assert job.id == job_json()["id"]


def test_unknown_enum_values_stay_strings() -> None:
    """Values outside an enum are kept as plain strings; known ones become members."""
    job = converter.structure(
        job_json(status="ARCHIVED", education=["BACHELORS", "MASTER_LEVEL"]), Job
    )
    assert job.status == "ARCHIVED"
    assert not isinstance(job.status, JobStatus)
    assert job.education == ("BACHELORS", Education.MASTER_LEVEL)
    assert job.location is not None and job.location.work_mode is WorkMode.HYBRID


def test_null_lists_and_empty_preview_timestamps_decode() -> None:
    """null arrays become empty tuples and "" timestamps (unsaved previews) become None."""
    job = converter.structure(job_json(requiredSkills=None, id="", createdAt=""), Job)
    assert job.required_skills == ()
    assert job.created_at is None


def test_envelope_is_a_generic_frozen_model() -> None:
    """Envelope[Job] structures the documented envelope in one call."""
    body = {"success": True, "data": job_json(), "error": None, "timestamp": "2024-01-15T10:30:00Z"}
    env = converter.structure(body, iv.Envelope[Job])
    assert env.success and env.data is not None and env.data.title == "Senior Engineer"
    assert env.timestamp == datetime(2024, 1, 15, 10, 30, tzinfo=timezone.utc)


def test_models_are_frozen() -> None:
    """Models cannot be mutated by accident."""
    job = converter.structure(job_json(), Job)
    with pytest.raises(AttributeError):
        job.title = "x"  # type: ignore[misc]


async def test_bare_dto_without_envelope_decodes() -> None:
    """A reply that is the bare object (as the reference pages show) still decodes."""
    async with make_client(Recorder([httpx.Response(200, json=job_json())])) as client:
        job = await client.jobs.get("j1")
    assert job.title == "Senior Engineer"


ITEMS_SHAPE = {
    "items": [job_json(id="a"), job_json(id="b")],
    "pagination": {
        "total": 5,
        "page": 1,
        "limit": 2,
        "totalPages": 3,
        "hasNextPage": True,
        "hasPreviousPage": False,
    },
}
DATA_SHAPE = {
    "data": [job_json(id="a"), job_json(id="b")],
    "total": 5,
    "page": 1,
    "limit": 2,
    "totalPages": 3,
}


@pytest.mark.parametrize("shape", [ITEMS_SHAPE, DATA_SHAPE], ids=["items", "data"])
async def test_both_list_shapes_decode_into_a_page(shape: dict[str, object]) -> None:
    """{items, pagination} and {data, total, ...} both give the same Page."""
    async with make_client(Recorder([envelope(shape)])) as client:
        page = await client.jobs.list(limit=2)
    assert [job.id for job in page.items] == ["a", "b"]
    assert (page.total, page.page, page.limit, page.total_pages) == (5, 1, 2, 3)
    assert page.has_next


async def test_pager_walks_every_page_lazily() -> None:
    """async for fetches pages one at a time, only as items are consumed, and stops at the end."""

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        ids = {1: ["a", "b"], 2: ["c", "d"], 3: ["e"]}[number]
        return envelope(
            {
                "data": [job_json(id=i) for i in ids],
                "total": 5,
                "page": number,
                "limit": 2,
                "totalPages": 3,
            }
        )

    recorder = Recorder(handler)
    async with make_client(recorder) as client:
        seen = []
        async for job in client.jobs.list(limit=2):
            seen.append(job.id)
            if job.id == "b":
                assert len(recorder.requests) == 1
    assert seen == ["a", "b", "c", "d", "e"]
    assert [r.url.params["page"] for r in recorder.requests] == ["1", "2", "3"]


async def test_pager_stops_on_an_empty_page_without_metadata() -> None:
    """A bare list shorter than the limit is the last page."""
    recorder = Recorder([envelope([job_json(id="a")])])
    async with make_client(recorder) as client:
        ids = [job.id async for job in client.jobs.list(limit=20)]
    assert ids == ["a"]
    assert len(recorder.requests) == 1


async def test_list_that_is_not_a_list_raises_decode_error() -> None:
    """A list endpoint answering with an object of another shape raises ResponseDecodeError."""
    async with make_client(Recorder([envelope({"foo": 1})])) as client:
        with pytest.raises(iv.ResponseDecodeError, match="expected a list"):
            await client.jobs.list()


@pytest.mark.anyio
async def test_a_middleware_reply_without_its_request_still_fails_as_a_decode_error() -> None:
    """A user middleware that answers with a bare Response (no ``request=``) and a body that is
    not JSON gets ResponseDecodeError, not httpx's RuntimeError about the missing request."""

    async def answer(request: httpx.Request, call_next: object) -> httpx.Response:
        return httpx.Response(200, content=b"<html>not json</html>")

    recorder = Recorder([envelope(job_json())])
    async with make_client(recorder, middleware=[answer]) as client:
        with pytest.raises(iv.ResponseDecodeError, match="not valid JSON"):
            await client.jobs.get("j1")
