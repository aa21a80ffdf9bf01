"""Each rule of the docs, answered by the fake and raised by the SDK as the right exception."""

from __future__ import annotations

from typing import Any

import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView

from .conftest import Clock

pytestmark = pytest.mark.anyio

MISSING_ID = "00000000-0000-4000-8000-000000000000"
JOB = {"title": "Backend engineer", "description": "Python, asyncio and httpx"}


async def call(client: iv.AsyncClient, method: str, path: str, **kwargs: Any) -> Any:
    """One request through the SDK's whole chain, returning the envelope's data as JSON."""
    return await client.request(method, path, Any, **kwargs)


async def test_an_unknown_key_is_an_authentication_error(fake: FakeInstaView) -> None:
    """A key the fake never issued gets 401 INVALID_API_KEY."""
    fake.create_api_key()
    async with fake.client(api_key="sk_test_nope") as client:
        with pytest.raises(iv.AuthenticationError) as caught:
            await client.jobs.list()
    assert (caught.value.status_code, caught.value.code) == (401, "INVALID_API_KEY")


async def test_a_suspended_key_says_when_and_why(fake: FakeInstaView, clock: Clock) -> None:
    """suspend_api_key makes the key's requests fail with API_KEY_SUSPENDED and its details."""
    key = fake.create_api_key()
    fake.suspend_api_key(key, reason="Unusual activity detected")
    async with fake.client(api_key=key) as client:
        with pytest.raises(iv.AuthenticationError) as caught:
            await client.jobs.list()
    details = caught.value.details
    assert caught.value.code == "API_KEY_SUSPENDED"
    assert details.reason == "Unusual activity detected"
    assert details.suspended_at.timestamp() == clock.now


async def test_a_missing_scope_names_required_and_available(fake: FakeInstaView) -> None:
    """A read-only key creating a job gets 403 INSUFFICIENT_PERMISSIONS naming both scope sets."""
    key = fake.create_api_key(scopes=["read:jobs", "read:candidates"])
    async with fake.client(api_key=key) as client:
        assert (await client.jobs.list()).items == ()
        with pytest.raises(iv.PermissionDeniedError) as caught:
            await client.jobs.create(**JOB)
    assert caught.value.code == "INSUFFICIENT_PERMISSIONS"
    assert caught.value.details.required == "write:jobs"
    assert caught.value.details.available == ("read:candidates", "read:jobs")
    assert not fake.jobs


async def test_another_companys_job_is_403_and_an_unknown_one_404(fake: FakeInstaView) -> None:
    """Resources of another company are RESOURCE_ACCESS_DENIED; unknown ids RESOURCE_NOT_FOUND."""
    mine, theirs = fake.create_api_key(), fake.create_api_key()
    async with fake.client(api_key=theirs) as client:
        job = await client.jobs.create(**JOB)
    async with fake.client(api_key=mine) as client:
        with pytest.raises(iv.PermissionDeniedError) as denied:
            await client.jobs.get(job.id)
        with pytest.raises(iv.NotFoundError) as missing:
            await client.jobs.get(MISSING_ID)
        assert (await client.jobs.list()).total == 0
    assert denied.value.code == "RESOURCE_ACCESS_DENIED"
    assert missing.value.details.resource_type == "Job"
    assert missing.value.details.resource_id == MISSING_ID


async def test_a_second_delete_is_404(fake: FakeInstaView) -> None:
    """Deleting twice: the first succeeds, the second finds nothing."""
    key = fake.create_api_key()
    async with fake.client(api_key=key) as client:
        job = await client.jobs.create(**JOB)
        await client.jobs.delete(job.id)
        with pytest.raises(iv.NotFoundError):
            await client.jobs.delete(job.id)


async def test_ats_keys_choose_their_company_with_company_id(fake: FakeInstaView) -> None:
    """An ATS key creates a company, then acts for it with ?companyId= (and only for its own)."""
    ats = fake.create_api_key(ats=True)
    stranger = fake.company_of(fake.create_api_key())
    async with fake.client(api_key=ats) as client:
        company = await call(client, "POST", "/company", json={"name": "Acme s.r.o."})
        with pytest.raises(iv.ValidationError) as missing:
            await client.jobs.list()
        async with client.with_options(company_id=stranger) as other:
            with pytest.raises(iv.PermissionDeniedError) as denied:
                await other.jobs.list()
        async with client.with_options(company_id=company["id"]) as acme:
            job = await acme.jobs.create(**JOB)
    assert missing.value.code == "MISSING_REQUIRED_FIELD"
    assert missing.value.details.field == "companyId"
    assert denied.value.code == "RESOURCE_ACCESS_DENIED"
    assert fake.jobs[job.id]["companyId"] == company["id"]


async def test_a_regular_key_cannot_create_companies(fake: FakeInstaView) -> None:
    """POST /company is for ATS keys only."""
    async with fake.client(api_key=fake.create_api_key()) as client:
        with pytest.raises(iv.PermissionDeniedError):
            await call(client, "POST", "/company", json={"name": "Acme s.r.o."})


async def test_field_rules_give_per_field_messages(fake: FakeInstaView) -> None:
    """Bad values are VALIDATION_ERROR with a message per wire field name; nothing is stored."""
    async with fake.client(api_key=fake.create_api_key()) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await call(client, "POST", "/jobs", json={"title": "Dev", "description": 5})
    assert caught.value.code == "VALIDATION_ERROR"
    assert set(caught.value.field_errors) == {"title", "description"}
    assert not fake.jobs


async def test_one_missing_field_is_missing_required_field(fake: FakeInstaView) -> None:
    """A body lacking only lastName is MISSING_REQUIRED_FIELD with the field and its type."""
    async with fake.client(api_key=fake.create_api_key()) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await call(client, "POST", "/candidates", json={"firstName": "Ada", "email": "a@x.io"})
    assert caught.value.code == "MISSING_REQUIRED_FIELD"
    assert (caught.value.details.field, caught.value.details.type) == ("lastName", "string")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"firstName": "Ada", "lastName": "L"}, {"email", "phoneNumber"}),
        ({"firstName": "Ada", "lastName": "L", "phoneNumber": "0900123456"}, {"phoneNumber"}),
        ({"firstName": "Ada", "lastName": "L", "email": "not-an-email"}, {"email"}),
        # A trailing newline is not part of a valid value (a regex's "$" would let it by).
        ({"firstName": "Ada", "lastName": "L", "email": "a@x.io\n"}, {"email"}),
        ({"firstName": "Ada", "lastName": "L", "phoneNumber": "+421900123456\n"}, {"phoneNumber"}),
        ({"firstName": "Ada", "lastName": "L", "email": "a@x.io", "resumeUrl": "x"}, {"resumeUrl"}),
    ],
)
async def test_candidate_contact_rules(
    fake: FakeInstaView, body: dict[str, Any], fields: set[str]
) -> None:
    """A candidate needs an email or an E.164 phone number; unknown fields are refused."""
    async with fake.client(api_key=fake.create_api_key()) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await call(client, "POST", "/candidates", json=body)
    assert set(caught.value.field_errors) == fields


async def test_a_duplicate_email_on_a_job_is_a_conflict(fake: FakeInstaView) -> None:
    """The same email twice on one job is 409 RESOURCE_CONFLICT naming the existing candidate."""
    async with fake.client(api_key=fake.create_api_key()) as client:
        job = await client.jobs.create(**JOB)
        person = {"firstName": "Ada", "lastName": "Lovelace", "jobIds": [job.id]}
        first = await call(client, "POST", "/candidates", json={**person, "email": "ada@x.io"})
        with pytest.raises(iv.ConflictError) as caught:
            await call(client, "POST", "/candidates", json={**person, "email": "ADA@x.io"})
        pool = await call(
            client, "POST", "/candidates", json={**person, "jobIds": None, "email": "ada@x.io"}
        )
    assert caught.value.existing_resource_id == first["id"]
    assert caught.value.details.conflicting_field == "email"
    assert first["status"] == "APPLIED" and pool["jobIds"] == []
    assert len(fake.candidates) == 2


async def test_interviews_past_the_monthly_limit_need_billing(clock: Clock) -> None:
    """With a limit of 1, the second interview of the month is BILLING_LIMIT_EXCEEDED."""
    fake = FakeInstaView(clock=clock, monthly_interview_limit=1)
    agent = {
        "name": "Screener",
        "type": "ONLINE",
        "focus": "GENERIC",
        "language": "EN",
        "duration": 15,
    }
    async with fake.client(api_key=fake.create_api_key()) as client:
        made = await call(client, "POST", "/agents", json=agent)
        who = {"firstName": "Ada", "lastName": "L", "email": "a@x.io"}
        body = {"agentId": made["id"], "candidate": who}
        await call(client, "POST", "/interviews", json={**body, "isTest": True})
        await call(client, "POST", "/interviews", json=body)
        with pytest.raises(iv.BillingLimitError) as caught:
            await call(client, "POST", "/interviews", json=body)
    details = caught.value.details
    assert (caught.value.status_code, details.limit, details.used) == (402, 1, 1)
    assert details.reset_date.isoformat() == "2027-02-01T00:00:00+00:00"
    assert len(fake.interviews) == 2 and len(fake.candidates) == 2  # the refused one left none


async def test_call_attempts_on_an_online_interview_are_refused(fake: FakeInstaView) -> None:
    """Any call-attempt operation on an ONLINE interview is INVALID_STATE_TRANSITION (409)."""
    agent = {
        "name": "Screener",
        "type": "ONLINE",
        "focus": "GENERIC",
        "language": "EN",
        "duration": 15,
    }
    async with fake.client(api_key=fake.create_api_key()) as client:
        made = await call(client, "POST", "/agents", json=agent)
        who = {"firstName": "Ada", "lastName": "L", "email": "a@x.io"}
        interview = await call(
            client, "POST", "/interviews", json={"agentId": made["id"], "candidate": who}
        )
        with pytest.raises(iv.InvalidStateTransitionError) as caught:
            await call(client, "POST", f"/interviews/{interview['id']}/call-attempts", json={})
    assert caught.value.status_code == 409
    assert caught.value.details.attempted_action == "create_call_attempt"


async def test_patching_a_running_sourcing_run_is_refused(clock: Clock) -> None:
    """PATCH /sourcing/{id} while it is processing is INVALID_STATE_TRANSITION; after, 202."""
    fake = FakeInstaView(clock=clock, sourcing_seconds=60)
    async with fake.client(api_key=fake.create_api_key()) as client:
        run = await call(client, "POST", "/sourcing", json={"title": "Data engineer"})
        path = f"/sourcing/{run['requestId']}"
        with pytest.raises(iv.InvalidStateTransitionError) as caught:
            await call(client, "PATCH", path, json={"limit": 5})
        clock.advance(60)
        again = await call(client, "PATCH", path, json={"limit": 5})
    assert caught.value.details.current_state == "processing"
    assert again["status"] == "processing"
