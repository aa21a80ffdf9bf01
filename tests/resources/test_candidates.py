"""client.candidates: the requests each method sends and what it returns."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

import instaview_async as iv
from instaview_async.models.candidates import Candidate, CandidateLinks, CandidateStatus
from tests.conftest import envelope
from tests.helpers import Recorder, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

CANDIDATE_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
CANDIDATE: dict[str, Any] = {
    "id": CANDIDATE_ID,
    "firstName": "John",
    "lastName": "Doe",
    "email": "john.doe@example.com",
    "phoneNumber": "+421900123456",
    "status": "APPLIED",
    "jobId": "550e8400-e29b-41d4-a716-446655440000",
    "jobIds": ["550e8400-e29b-41d4-a716-446655440000"],
    "gdprExpiryDate": "2027-12-31",
    "overallRating": 85,
    "metadata": {"source": "LinkedIn"},
    "analysisCount": 1,
    "interviewCount": 2,
    "links": {
        "analyses": "/v1/public/candidates/7c9e6679-7425-40de-944b-e07fc1f90ae7/analyses",
        "interviews": "/v1/public/candidates/7c9e6679-7425-40de-944b-e07fc1f90ae7/interviews",
    },
    "createdAt": "2024-11-16T10:30:00Z",
    "updatedAt": "2024-11-16T10:30:00.000Z",
}


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


async def test_get_decodes_every_documented_field() -> None:
    """get fetches /candidates/{id} and decodes every field of the documented Candidate."""
    recorder = Recorder([envelope(CANDIDATE)])
    async with make_client(recorder) as client:
        candidate = await client.candidates.get(CANDIDATE_ID)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("GET", f"/candidates/{CANDIDATE['id']}")
    assert candidate.status is CandidateStatus.APPLIED
    assert candidate.job_ids == (CANDIDATE["jobId"],)
    assert candidate.gdpr_expiry_date == date(2027, 12, 31)
    assert candidate.overall_rating == 85
    assert candidate.links == CandidateLinks(
        analyses=CANDIDATE["links"]["analyses"],
        interviews=CANDIDATE["links"]["interviews"],
    )
    assert candidate.created_at is not None and candidate.created_at.tzinfo is not None


def _items_shape(items: list[Any]) -> Any:
    return {"items": items, "pagination": {"total": 1, "page": 1, "limit": 20, "totalPages": 1}}


def _data_shape(items: list[Any]) -> Any:
    return {"data": items, "total": 1, "page": 1, "limit": 20, "totalPages": 1}


@pytest.mark.parametrize("shape", [_items_shape, _data_shape])
async def test_list_sends_filters_and_decodes_both_list_shapes(shape: Any) -> None:
    """list sends jobId, status and search with paging, and decodes either list shape."""
    interviewing = {**CANDIDATE, "status": "INTERVIEWING"}
    recorder = Recorder([envelope(shape([interviewing]))])
    async with make_client(recorder) as client:
        page = await client.candidates.list(
            job_id="j1", status=CandidateStatus.IN_PROCESS, search="doe", page=2, limit=50
        )
    sent = recorder.requests[0]
    assert sent.url.path == "/candidates"
    assert dict(sent.url.params) == {
        "jobId": "j1",
        "status": "IN_PROCESS",
        "search": "doe",
        "page": "2",
        "limit": "50",
    }
    assert page.total == 1
    assert page.items[0].status == "INTERVIEWING"  # not in the enum: kept as a string


async def test_list_leaves_out_filters_not_given() -> None:
    """list without filters sends only page and limit."""
    recorder = Recorder([envelope(_data_shape([]))])
    async with make_client(recorder) as client:
        page = await client.candidates.list()
    assert dict(recorder.requests[0].url.params) == {"page": "1", "limit": "20"}
    assert page.items == ()


async def test_create_sends_only_given_fields_with_idempotency_key() -> None:
    """create posts the given fields camelCased, dates as ISO, and the Idempotency-Key."""
    recorder = Recorder([envelope(CANDIDATE, 201)])
    async with make_client(recorder) as client:
        candidate = await client.candidates.create(
            first_name="John",
            last_name="Doe",
            email="john.doe@example.com",
            gdpr_expiry_date=date(2027, 12, 31),
            job_ids=["550e8400-e29b-41d4-a716-446655440000"],
            metadata={"source": "LinkedIn"},
            idempotency_key="idem-1",
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/candidates")
    assert sent.headers["Idempotency-Key"] == "idem-1"
    assert _body(sent) == {
        "firstName": "John",
        "lastName": "Doe",
        "email": "john.doe@example.com",
        "gdprExpiryDate": "2027-12-31",
        "jobIds": ["550e8400-e29b-41d4-a716-446655440000"],
        "metadata": {"source": "LinkedIn"},
    }
    assert isinstance(candidate, Candidate)
    assert candidate.id == CANDIDATE["id"]


async def test_create_with_only_a_phone_number_is_accepted() -> None:
    """A phone number alone is contact enough; the deprecated job_id is still sent."""
    recorder = Recorder([envelope(CANDIDATE, 201)])
    async with make_client(recorder) as client:
        await client.candidates.create(
            first_name="Jo", last_name="Doe", phone_number="+421900123456", job_id="j1"
        )
    assert _body(recorder.requests[0]) == {
        "firstName": "Jo",
        "lastName": "Doe",
        "phoneNumber": "+421900123456",
        "jobId": "j1",
    }


@pytest.mark.parametrize(
    ("fields", "wire_field"),
    [
        ({}, "email"),
        ({"email": ""}, "email"),
        ({"phone_number": "0900123456"}, "phoneNumber"),
        ({"phone_number": "+421 900 123 456"}, "phoneNumber"),
        ({"phone_number": "+0900123456"}, "phoneNumber"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "foo@@bar.com"}, "email"),
        ({"email": "a b@c.io"}, "email"),
        ({"email": "ann@x.io\n"}, "email"),
        ({"email": "a@b.c", "gdpr_expiry_date": "31/12/2027"}, "gdprExpiryDate"),
        ({"email": "a@b.c", "gdpr_expiry_date": "2027-02-30"}, "gdprExpiryDate"),
        ({"email": "a@b.c", "first_name": ""}, "firstName"),
        ({"email": "a@b.c", "first_name": "x" * 101}, "firstName"),
        ({"email": "a@b.c", "last_name": ""}, "lastName"),
        ({"email": "a@b.c", "job_ids": []}, "jobIds"),
        ({"email": "a@b.c", "job_ids": [f"j{i}" for i in range(51)]}, "jobIds"),
    ],
)
async def test_create_rejects_what_the_docs_forbid_before_sending(
    fields: dict[str, Any], wire_field: str
) -> None:
    """create raises VALIDATION_ERROR naming the wire field, and sends nothing."""
    recorder = Recorder([envelope(CANDIDATE, 201)])
    arguments: dict[str, Any] = {"first_name": "John", "last_name": "Doe", **fields}
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.candidates.create(**arguments)
    assert caught.value.code == "VALIDATION_ERROR"
    assert isinstance(caught.value.details, iv.ValidationErrorDetails)
    assert wire_field in caught.value.field_errors
    assert recorder.requests == []


async def test_update_sends_only_given_fields_and_none_as_null() -> None:
    """update patches only the fields given; an explicit None is sent as null."""
    recorder = Recorder([envelope({**CANDIDATE, "status": "REJECTED", "email": None})])
    async with make_client(recorder) as client:
        candidate = await client.candidates.update(
            CANDIDATE_ID, status=CandidateStatus.REJECTED, email=None, job_ids=["j2"]
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("PATCH", f"/candidates/{CANDIDATE['id']}")
    assert _body(sent) == {"status": "REJECTED", "email": None, "jobIds": ["j2"]}
    assert candidate.status is CandidateStatus.REJECTED
    assert candidate.email is None


async def test_update_refuses_to_clear_both_contacts() -> None:
    """update that would null both the email and the phone number is refused unsent."""
    recorder = Recorder([envelope(CANDIDATE)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.candidates.update("c1", email=None, phone_number=None)
    assert "email" in caught.value.field_errors
    assert recorder.requests == []


@pytest.mark.parametrize(
    "reply", [envelope(True), httpx.Response(204), httpx.Response(200, json=True)]
)
async def test_delete_copes_with_true_or_an_empty_reply(reply: httpx.Response) -> None:
    """delete sends DELETE /candidates/{id} and accepts a body of `true` or an empty 204."""
    recorder = Recorder([reply])
    async with make_client(recorder) as client:
        await client.candidates.delete("c1")
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("DELETE", "/candidates/c1")


def _verdicts(field: str, value: str) -> tuple[bool, bool]:
    """Whether the SDK's check (before sending) and the fake's (as the API) accept ``value``."""
    from instaview_async.resources import _validate
    from instaview_async.testing import _validation

    checks = {"email": _validation.email, "phoneNumber": _validation.phone}
    fake = checks.get(field, _validation.iso_date)()(value) is None
    problems: dict[str, str] = {}
    payload = {"firstName": "A", "lastName": "B", "email": "a@b.io", field: value}
    _validate.candidate(payload, problems)
    return field not in problems, fake


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("email", "ann@example.com", True),
        ("email", "first.last+tag@sub.example.co.uk", True),
        ("email", "Ann@Example.COM", True),
        ("email", "a@b", False),
        ("email", "foo@@bar.com", False),
        ("email", "@example.com", False),
        ("email", "ann@", False),
        ("email", "ann@example.", False),
        ("email", "ann@.com", False),
        ("email", "ann example@x.io", False),
        ("email", "ann@x.io\n", False),
        ("phoneNumber", "+421900123456", True),
        ("phoneNumber", "+14155550100", True),
        ("phoneNumber", "+421 900 123 456", False),
        ("phoneNumber", "+421-900-123456", False),
        ("phoneNumber", "0900123456", False),
        ("phoneNumber", "+0421900123456", False),
        ("phoneNumber", "+12345", False),
        ("phoneNumber", "+1234567890123456", False),
        ("phoneNumber", "+421900123456\n", False),
        ("gdprExpiryDate", "2027-12-31", True),
        ("gdprExpiryDate", "31/12/2027", False),
        ("gdprExpiryDate", "2027-02-30", False),
        ("gdprExpiryDate", "2027-1-5", False),
        ("gdprExpiryDate", "", False),
    ],
)
def test_the_sdk_refuses_before_sending_what_the_fake_refuses_and_no_more(
    field: str, value: str, valid: bool
) -> None:
    """Both sides give the verdict the docs imply: a row the API would refuse costs no request,
    and a valid one is never stopped by the SDK."""
    assert _verdicts(field, value) == (valid, valid)
