"""client.companies: the requests each method sends and what it returns."""

from __future__ import annotations

import json
from typing import Any

import pytest

import instaview_async as iv
from instaview_async.models.companies import CompanyLocation, CompanySettings
from tests.conftest import envelope
from tests.helpers import Recorder, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

COMPANY_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
REFERENCE_SHAPE = {
    "id": COMPANY_ID,
    "name": "Acme Recruiting",
    "description": "We hire people",
    "ownerEmail": "owner@acme.example",
    "metadata": {"atsId": "acme-1"},
    "createdAt": "2024-11-16T10:30:00Z",
    "updatedAt": "2024-11-16T10:30:00Z",
}
GUIDE_SHAPE = {
    "id": COMPANY_ID,
    "name": "Acme Recruiting",
    "website": "https://acme.example",
    "industry": "Staffing",
    "size": "50-200",
    "location": {"city": "Bratislava", "countryCode": "SK"},
    "settings": {"timezone": "Europe/Bratislava", "locale": "sk-SK"},
    "createdAt": "2024-11-16T10:30:00Z",
}


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


async def test_get_decodes_the_reference_shape() -> None:
    """get fetches /company/{id} (singular, as the reference has it) and decodes the DTO."""
    recorder = Recorder([envelope(REFERENCE_SHAPE)])
    async with make_client(recorder) as client:
        company = await client.companies.get(COMPANY_ID)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("GET", f"/company/{COMPANY_ID}")
    assert (company.name, company.description, company.owner_email) == (
        "Acme Recruiting",
        "We hire people",
        "owner@acme.example",
    )
    assert company.metadata == {"atsId": "acme-1"}
    assert company.website is None


async def test_get_decodes_the_guide_shape() -> None:
    """The companies guide's shape (website, industry, size, location, settings) decodes too."""
    recorder = Recorder([envelope({**GUIDE_SHAPE, "size": 120})])
    async with make_client(recorder) as client:
        company = await client.companies.get(COMPANY_ID)
    assert (company.website, company.industry, company.size) == (
        "https://acme.example",
        "Staffing",
        "120",
    )
    assert company.location == CompanyLocation(city="Bratislava", country_code="SK")
    assert company.settings == CompanySettings(timezone="Europe/Bratislava", locale="sk-SK")
    assert company.description is None


@pytest.mark.parametrize(
    "data",
    [
        {"items": [REFERENCE_SHAPE, GUIDE_SHAPE], "pagination": {"total": 2}},
        {"data": [REFERENCE_SHAPE, GUIDE_SHAPE], "total": 2, "page": 1, "limit": 20},
    ],
)
async def test_list_decodes_both_list_shapes(data: Any) -> None:
    """list GETs /company with paging and decodes either list shape."""
    recorder = Recorder([envelope(data)])
    async with make_client(recorder, company_id="ats-co") as client:
        page = await client.companies.list()
    sent = recorder.requests[0]
    assert sent.url.path == "/company"
    assert dict(sent.url.params) == {"page": "1", "limit": "20", "companyId": "ats-co"}
    assert [c.id for c in page.items] == [COMPANY_ID, COMPANY_ID]
    assert page.total == 2


async def test_create_sends_only_given_fields_with_idempotency_key() -> None:
    """create posts the given fields camelCased, nested guide objects too, with its key."""
    recorder = Recorder([envelope(REFERENCE_SHAPE, 201)])
    async with make_client(recorder) as client:
        company = await client.companies.create(
            name="Acme Recruiting",
            owner_email="owner@acme.example",
            metadata={"atsId": "acme-1"},
            location={"city": "Bratislava", "country_code": "SK"},
            idempotency_key="idem-co",
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/company")
    assert sent.headers["Idempotency-Key"] == "idem-co"
    assert _body(sent) == {
        "name": "Acme Recruiting",
        "ownerEmail": "owner@acme.example",
        "metadata": {"atsId": "acme-1"},
        "location": {"city": "Bratislava", "countryCode": "SK"},
    }
    assert company.id == COMPANY_ID


@pytest.mark.parametrize(
    ("arguments", "wire_field"),
    [
        ({"name": "A"}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Acme", "description": ""}, "description"),
        ({"name": "Acme", "description": "x" * 1001}, "description"),
        ({"name": "Acme", "owner_email": "o" * 250 + "@x.io"}, "ownerEmail"),
    ],
)
async def test_create_rejects_what_the_docs_forbid_before_sending(
    arguments: dict[str, Any], wire_field: str
) -> None:
    """create raises VALIDATION_ERROR naming the wire field, and sends nothing."""
    recorder = Recorder([envelope(REFERENCE_SHAPE, 201)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.companies.create(**arguments)
    assert wire_field in caught.value.field_errors
    assert recorder.requests == []


async def test_update_sends_only_given_fields_and_none_as_null() -> None:
    """update patches /company/{id} with only the fields given; None is sent as null."""
    recorder = Recorder([envelope({**REFERENCE_SHAPE, "description": None})])
    async with make_client(recorder) as client:
        company = await client.companies.update(
            COMPANY_ID,
            description=None,
            metadata={"plan": "pro"},
            settings=CompanySettings(timezone="UTC"),
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("PATCH", f"/company/{COMPANY_ID}")
    assert _body(sent) == {
        "description": None,
        "metadata": {"plan": "pro"},
        "settings": {"timezone": "UTC"},
    }
    assert company.description is None


async def test_update_checks_the_fields_it_sends() -> None:
    """update refuses a one-character name before sending."""
    recorder = Recorder([envelope(REFERENCE_SHAPE)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.companies.update(COMPANY_ID, name="A")
    assert "name" in caught.value.field_errors
    assert recorder.requests == []
