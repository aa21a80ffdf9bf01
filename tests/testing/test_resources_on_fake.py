"""Every other resource of the spec, over raw HTTP on the fake's in-process transport."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from instaview_async.testing import FakeInstaView
from tests.http_family import httpx

from .conftest import START, Clock, data, error, raw

pytestmark = pytest.mark.anyio

JOB = {"title": "Backend engineer", "description": "Python, asyncio and httpx"}
ONLINE = {
    "name": "Screener",
    "type": "ONLINE",
    "focus": "SCREENING",
    "language": "EN",
    "duration": 15,
}
GENERIC = {**ONLINE, "focus": "GENERIC"}
LATER = "2027-01-20T10:00:00Z"  # START is 2027-01-15


async def post(http: httpx.AsyncClient, path: str, body: Any) -> Any:
    """POST and return the envelope's data, asserting 201 (or 202 for async runs)."""
    response = await http.post(path, json=body)
    assert response.status_code in (201, 202), response.text
    return data(response)


async def phone_agent(http: httpx.AsyncClient) -> Any:
    """A PHONE agent on the company's own number."""
    number = data(await http.get("/phone-numbers"))["data"][0]
    return await post(
        http, "/agents", {**ONLINE, "type": "PHONE", "companyPhoneNumberId": number["id"]}
    )


# -- candidates ---------------------------------------------------------------------------------


async def test_candidates_filter_update_and_delete(fake: FakeInstaView) -> None:
    """Filters by job, status and name; PATCH replaces jobIds; deleted ones vanish from list."""
    async with raw(fake, fake.create_api_key()) as http:
        job = await post(http, "/jobs", JOB)
        ada = await post(
            http,
            "/candidates",
            {
                "firstName": "Ada",
                "lastName": "Lovelace",
                "email": "ada@x.io",
                "jobIds": [job["id"]],
            },
        )
        bob = await post(
            http,
            "/candidates",
            {"firstName": "Bob", "lastName": "Byte", "phoneNumber": "+421900123456"},
        )
        on_job = data(await http.get("/candidates", params={"jobId": job["id"]}))
        found = data(await http.get("/candidates", params={"search": "LOVE"}))
        moved = data(
            await http.patch(
                f"/candidates/{bob['id']}", json={"status": "IN_PROCESS", "jobIds": [job["id"]]}
            )
        )
        in_process = data(await http.get("/candidates", params={"status": "IN_PROCESS"}))
        assert data(await http.delete(f"/candidates/{ada['id']}")) is True
        gone = await http.get(f"/candidates/{ada['id']}")
        again = await http.delete(f"/candidates/{ada['id']}")
        left = data(await http.get("/candidates"))
    assert [c["id"] for c in on_job["data"]] == [ada["id"]]
    assert [c["id"] for c in found["data"]] == [ada["id"]]
    assert moved["jobIds"] == [job["id"]] and moved["jobId"] == job["id"]
    assert [c["id"] for c in in_process["data"]] == [bob["id"]]
    assert gone.status_code == again.status_code == 404
    assert error(gone)["details"] == {"resourceType": "Candidate", "resourceId": ada["id"]}
    assert left["total"] == 1 and ada["id"] in fake.candidates.deleted


async def test_candidate_jobs_must_be_live_and_the_companys(fake: FakeInstaView) -> None:
    """A deleted job is 404 and another company's job 403 when creating a candidate."""
    async with raw(fake, fake.create_api_key()) as other:
        foreign = await post(other, "/jobs", JOB)
    async with raw(fake, fake.create_api_key()) as http:
        job = await post(http, "/jobs", JOB)
        await http.delete(f"/jobs/{job['id']}")
        person = {"firstName": "Ada", "lastName": "L", "email": "a@x.io"}
        deleted = await http.post("/candidates", json={**person, "jobIds": [job["id"]]})
        denied = await http.post("/candidates", json={**person, "jobId": foreign["id"]})
    assert (deleted.status_code, error(deleted)["code"]) == (404, "RESOURCE_NOT_FOUND")
    assert (denied.status_code, error(denied)["code"]) == (403, "RESOURCE_ACCESS_DENIED")
    assert not fake.candidates


async def test_gdpr_expiry_must_be_in_the_future(fake: FakeInstaView) -> None:
    """gdprExpiryDate in the past is a validation error naming the field."""
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.post(
            "/candidates",
            json={
                "firstName": "Ada",
                "lastName": "L",
                "email": "a@x.io",
                "gdprExpiryDate": "2020-01-01",
            },
        )
    assert set(error(response)["details"]["fields"]) == {"gdprExpiryDate"}


# -- agents, phone numbers, companies -----------------------------------------------------------


async def test_phone_agents_need_one_of_the_companys_numbers(fake: FakeInstaView) -> None:
    """A PHONE agent without companyPhoneNumberId is refused; with the company's number it works."""
    async with raw(fake, fake.create_api_key()) as http:
        missing = await http.post("/agents", json={**ONLINE, "type": "PHONE"})
        agent = await phone_agent(http)
        listed = data(await http.get("/agents"))
    assert error(missing)["details"]["field"] == "companyPhoneNumberId"
    assert agent["type"] == "PHONE" and listed["total"] == 1


async def test_a_deleted_agent_cannot_interview(fake: FakeInstaView) -> None:
    """After DELETE /agents/{id} the agent is 404, also for new interviews."""
    async with raw(fake, fake.create_api_key()) as http:
        agent = await post(http, "/agents", GENERIC)
        await http.delete(f"/agents/{agent['id']}")
        response = await http.post(
            "/interviews",
            json={
                "agentId": agent["id"],
                "candidate": {"firstName": "A", "lastName": "B", "email": "a@x.io"},
            },
        )
    assert response.status_code == 404 and error(response)["details"]["resourceType"] == "Agent"
    assert not fake.candidates  # the inline candidate was rolled back


async def test_companies_answer_on_both_paths_and_merge_metadata(fake: FakeInstaView) -> None:
    """/company and /companies are one resource; PATCH merges metadata; others' are 403."""
    key = fake.create_api_key()
    own, other = fake.company_of(key), fake.create_company(name="Other")
    async with raw(fake, key) as http:
        listed = data(await http.get("/companies"))
        await http.patch(f"/company/{own}", json={"metadata": {"a": 1}})
        merged = data(await http.patch(f"/v1/companies/{own}", json={"metadata": {"b": 2}}))
        denied = await http.get(f"/company/{other}")
    assert [c["id"] for c in listed["data"]] == [own]
    assert merged["metadata"] == {"a": 1, "b": 2}
    assert denied.status_code == 403


# -- interviews ---------------------------------------------------------------------------------


async def test_inline_candidate_and_job_are_created_and_linked(fake: FakeInstaView) -> None:
    """An interview with inline candidate and job creates both and links the candidate."""
    async with raw(fake, fake.create_api_key()) as http:
        agent = await post(http, "/agents", ONLINE)
        interview = await post(
            http,
            "/interviews",
            {
                "agentId": agent["id"],
                "job": JOB,
                "scheduleTime": LATER,
                "candidate": {"firstName": "Ada", "lastName": "L", "email": "a@x.io"},
            },
        )
    candidate = fake.candidates[interview["candidateId"]]
    assert candidate["jobIds"] == [interview["jobId"]] and interview["jobId"] in fake.jobs
    assert interview["status"] == "SCHEDULED" and interview["callAttempts"] == []
    assert interview["scheduledAt"] == "2027-01-20T10:00:00.000Z"
    assert candidate["interviewCount"] == 1


async def test_the_job_is_resolved_from_the_candidate(fake: FakeInstaView) -> None:
    """One job is taken from the candidate; several need jobId; none is fine for GENERIC."""
    async with raw(fake, fake.create_api_key()) as http:
        agent, generic = await post(http, "/agents", ONLINE), await post(http, "/agents", GENERIC)
        one, two = await post(http, "/jobs", JOB), await post(http, "/jobs", JOB)
        person = {"firstName": "Ada", "lastName": "L", "email": "a@x.io"}
        single = await post(http, "/candidates", {**person, "jobIds": [one["id"]]})
        double = await post(
            http, "/candidates", {**person, "email": "b@x.io", "jobIds": [one["id"], two["id"]]}
        )
        pool = await post(http, "/candidates", {**person, "email": "pool@x.io"})
        auto = await post(
            http, "/interviews", {"agentId": agent["id"], "candidateId": single["id"]}
        )
        unclear = await http.post(
            "/interviews", json={"agentId": agent["id"], "candidateId": double["id"]}
        )
        none = await http.post(
            "/interviews", json={"agentId": agent["id"], "candidateId": pool["id"]}
        )
        jobless = await post(
            http, "/interviews", {"agentId": generic["id"], "candidateId": pool["id"]}
        )
        both = await http.post(
            "/interviews",
            json={
                "agentId": agent["id"],
                "jobId": one["id"],
                "job": JOB,
                "candidateId": pool["id"],
            },
        )
    assert auto["jobId"] == one["id"] and jobless["jobId"] is None
    assert set(error(unclear)["details"]["fields"]) == {"jobId"}
    assert error(none)["code"] == "MISSING_REQUIRED_FIELD"
    assert set(error(both)["details"]["fields"]) == {"jobId", "job"}


async def test_interviews_list_needs_a_candidate(fake: FakeInstaView) -> None:
    """GET /interviews without candidateId is MISSING_REQUIRED_FIELD, as the docs require."""
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.get("/interviews")
    assert error(response)["details"]["field"] == "candidateId"


async def test_a_test_interview_completes_with_an_analysis_pdf(fake: FakeInstaView) -> None:
    """isTest interviews finish at once with an analysis; the PDF is base64 of a PDF."""
    async with raw(fake, fake.create_api_key()) as http:
        agent = await post(http, "/agents", GENERIC)
        person = {"firstName": "Ada", "lastName": "L", "email": "a@x.io"}
        done = await post(
            http, "/interviews", {"agentId": agent["id"], "candidate": person, "isTest": True}
        )
        pending = await post(
            http, "/interviews", {"agentId": agent["id"], "candidateId": done["candidateId"]}
        )
        pdf = data(await http.get(f"/interviews/{done['id']}/analysis-pdf"))
        none_yet = await http.get(f"/interviews/{pending['id']}/analysis-pdf")
        listed = data(
            await http.get(
                "/interviews", params={"candidateId": done["candidateId"], "status": "COMPLETED"}
            )
        )
    assert done["status"] == "COMPLETED" and done["analysis"]["general"]["overallRating"] == 80
    assert base64.b64decode(pdf["analysisPdfBase64"]).startswith(b"%PDF")
    assert none_yet.status_code == 404
    assert [i["id"] for i in listed["data"]] == [done["id"]]


async def test_call_attempts_follow_the_phone_rules(fake: FakeInstaView) -> None:
    """A new attempt replaces the scheduled one; a live call blocks reschedule and delete."""
    async with raw(fake, fake.create_api_key()) as http:
        agent = await phone_agent(http)
        person = {"firstName": "Ada", "lastName": "L", "phoneNumber": "+421900123456"}
        interview = await post(
            http, "/interviews", {"agentId": agent["id"], "candidate": person, "job": JOB}
        )
        path = f"/interviews/{interview['id']}/call-attempts"
        made = await post(http, path, {"scheduledAt": None})
        moved = await http.patch(f"{path}/{made['callAttemptId']}", json={"scheduledAt": LATER})
        past = await http.patch(
            f"{path}/{made['callAttemptId']}", json={"scheduledAt": "2020-01-01T00:00:00Z"}
        )
        fake.start_call(interview["id"])
        busy = await http.patch(f"{path}/{made['callAttemptId']}", json={"scheduledAt": LATER})
        blocked = await http.delete(f"{path}/{made['callAttemptId']}")
        refused = await http.post(path, json={})
    attempts = fake.interviews[interview["id"]]["callAttempts"]
    assert [a["status"] for a in attempts] == ["CANCELLED", "IN_PROGRESS"]
    assert moved.status_code == 204 and moved.content == b""
    assert set(error(past)["details"]["fields"]) == {"scheduledAt"}
    assert (busy.status_code, error(busy)["code"]) == (400, "INVALID_STATE_TRANSITION")
    assert (blocked.status_code, refused.status_code) == (409, 409)


async def test_deleting_a_scheduled_interview_cancels_its_calls(fake: FakeInstaView) -> None:
    """DELETE cancels scheduled attempts and hides the interview."""
    async with raw(fake, fake.create_api_key()) as http:
        agent = await phone_agent(http)
        person = {"firstName": "Ada", "lastName": "L", "phoneNumber": "+421900123456"}
        interview = await post(
            http, "/interviews", {"agentId": agent["id"], "candidate": person, "job": JOB}
        )
        assert data(await http.delete(f"/interviews/{interview['id']}")) is True
        gone = await http.get(f"/interviews/{interview['id']}")
    stored = fake.interviews.deleted[interview["id"]]
    assert gone.status_code == 404
    assert [a["status"] for a in stored["callAttempts"]] == ["CANCELLED"]


async def test_billing_usage_counts_completed_minutes(fake: FakeInstaView) -> None:
    """Usage counts billable interviews and the minutes of completed ones; tests are free."""
    key = fake.create_api_key()
    async with raw(fake, key) as http:
        agent = await post(http, "/agents", GENERIC)
        person = {"firstName": "Ada", "lastName": "L", "email": "a@x.io"}
        first = await post(http, "/interviews", {"agentId": agent["id"], "candidate": person})
        body = {"agentId": agent["id"], "candidateId": first["candidateId"]}
        await post(http, "/interviews", body)
        await post(http, "/interviews", {**body, "isTest": True})
        fake.complete_interview(first["id"])
        usage = data(await http.get("/billing/usage"))
        empty = data(
            await http.get("/billing/usage", params={"start": "2020-01-01", "end": "2020-01-31"})
        )
    company = usage["companies"][0]
    assert company["companyId"] == fake.company_of(key) and company["billingSystem"] == "minutes"
    assert (company["totalInterviews"], company["totalMinutesUsed"]) == (2, 15.0)
    assert "totalCreditsUsed" not in company
    assert empty["totalInterviews"] == 0


# -- webhooks -----------------------------------------------------------------------------------


async def test_webhooks_hide_secrets_and_normalise_events(fake: FakeInstaView) -> None:
    """The signing secret is shown once; events become dotted labels; header values are masked."""
    async with raw(fake, fake.create_api_key()) as http:
        made = await post(
            http,
            "/webhooks",
            {
                "url": "https://example.com/hook",
                "events": [2, "INTERVIEW_COMPLETED", "ping"],
                "headers": [{"name": "X-Token", "value": "s3cret"}],
            },
        )
        got = data(await http.get(f"/webhooks/{made['id']}"))
        listed = data(await http.get("/webhooks"))
        insecure = await http.post("/webhooks", json={"url": "http://x.io", "events": ["ping"]})
    assert len(made["signingSecret"]) == 64 and "signingSecret" not in got
    assert got["events"] == ["ping", "interview.completed"]
    assert got["headers"] == [{"name": "X-Token", "isMasked": True}]
    assert listed["total"] == 1 and "s3cret" not in str(fake.webhooks[made["id"]])
    assert set(error(insecure)["details"]["fields"]) == {"url"}


async def test_webhook_test_circuit_and_delete(fake: FakeInstaView) -> None:
    """test pings when subscribed, fails softly when the circuit is open; reset and delete work."""
    async with raw(fake, fake.create_api_key()) as http:
        hook = await post(http, "/webhooks", {"url": "https://e.io/h", "events": ["ping"]})
        path = f"/webhooks/{hook['id']}"
        ping = data(await http.post(f"{path}/test"))
        fake.open_webhook_circuit(hook["id"])
        tripped = data(await http.post(f"{path}/test"))
        reset = data(await http.post(f"{path}/reset-circuit"))
        deleted = await http.delete(path)
        gone = await http.get(path)
    assert ping["success"] is True and ping["httpStatus"] == 200
    assert tripped["success"] is False and "circuit" in tripped["message"]
    assert reset["isActive"] is True and reset["circuitOpenedAt"] is None
    assert deleted.status_code == 204 and gone.status_code == 404
    assert error(gone)["details"]["resourceType"] == "WebhookConfig"


async def test_webhooks_of_another_key_are_403(fake: FakeInstaView) -> None:
    """A webhook belongs to the key that created it."""
    async with raw(fake, fake.create_api_key()) as http:
        hook = await post(http, "/webhooks", {"url": "https://e.io/h", "events": ["ping"]})
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.get(f"/webhooks/{hook['id']}")
    assert (response.status_code, error(response)["code"]) == (403, "RESOURCE_ACCESS_DENIED")


# -- sourcing -----------------------------------------------------------------------------------


async def test_a_sourcing_run_processes_then_completes(clock: Clock) -> None:
    """Results are 202 while processing and 200 with candidates once the run is done."""
    fake = FakeInstaView(clock=clock, sourcing_seconds=30)
    async with raw(fake, fake.create_api_key()) as http:
        run = await post(http, "/sourcing", {"title": "Data engineer", "limit": 3})
        waiting = await http.get(f"/sourcing/{run['requestId']}/results")
        clock.advance(30)
        done = data(await http.get(f"/sourcing/{run['requestId']}/results"))
    assert run["requestId"].startswith("req_") and run["status"] == "processing"
    assert waiting.status_code == 202 and data(waiting)["status"] == "processing"
    assert done["status"] == "completed" and done["foundCount"] == 3
    assert {"profileId", "matchScore", "linkedinUrl"} <= set(done["candidates"][0])


async def test_preview_enrich_and_render_know_the_companys_profiles(fake: FakeInstaView) -> None:
    """Profiles of the company's runs enrich and render; unknown ids fail per profile."""
    async with raw(fake, fake.create_api_key()) as http:
        preview = await post(http, "/sourcing/preview", {"title": "Data engineer", "limit": 2})
        found = data(await http.get(f"/sourcing/preview/{preview['requestId']}/results"))
        ids = [found["candidates"][0]["profileId"], "prof_unknown"]
        enrichment = await post(http, "/sourcing/enrich", {"profileIds": ids})
        enriched = data(await http.get(f"/sourcing/enrich/{enrichment['requestId']}/results"))
        cards = data(
            await http.post("/sourcing/render-html", json={"profileIds": ids, "theme": "light"})
        )
    assert preview["requestId"].startswith("req_prev_") and found["foundCount"] == 2
    assert set(found["candidates"][0]) == {
        "profileId",
        "fullName",
        "profileUrl",
        "title",
        "headline",
        "location",
        "country",
        "companyName",
        "companyUrl",
    }
    assert enrichment["requestId"].startswith("enr_")
    assert (enriched["enrichedCount"], enriched["failureCount"]) == (1, 1)
    assert enriched["data"][1]["errorCode"] == "PROFILE_NOT_FOUND"
    assert cards["renderedCount"] == 1 and "#ffffff" in cards["data"][0]["htmlContent"]


async def test_sourcing_requests_of_another_company_are_not_found(fake: FakeInstaView) -> None:
    """Another company's request id is 404 REQUEST_NOT_FOUND, not 403."""
    async with raw(fake, fake.create_api_key()) as http:
        run = await post(http, "/sourcing", {"title": "Data engineer"})
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.get(f"/sourcing/{run['requestId']}/results")
    assert (response.status_code, error(response)["code"]) == (404, "REQUEST_NOT_FOUND")


async def test_sourcing_webhooks_must_be_subscribed(fake: FakeInstaView) -> None:
    """A webhookId not subscribed to sourcing events is refused with 422."""
    async with raw(fake, fake.create_api_key()) as http:
        hook = await post(http, "/webhooks", {"url": "https://e.io/h", "events": ["ping"]})
        response = await http.post("/sourcing", json={"title": "Data", "webhookId": hook["id"]})
    assert (response.status_code, error(response)["code"]) == (422, "WEBHOOK_NOT_SUBSCRIBED")


# -- what the fake shows a test -----------------------------------------------------------------


async def test_views_are_read_only_copies(fake: FakeInstaView) -> None:
    """Changing a dict from a view changes nothing in the fake."""
    async with raw(fake, fake.create_api_key()) as http:
        job = await post(http, "/jobs", JOB)
    fake.jobs[job["id"]]["title"] = "changed"  # type: ignore[index]
    assert fake.jobs[job["id"]]["title"] == JOB["title"]
    assert len(fake.jobs) == 1 and list(fake.jobs.deleted) == []


async def test_requests_record_what_arrived(fake: FakeInstaView) -> None:
    """fake.requests keeps method, path, query, headers, JSON body and the status returned."""
    async with raw(fake, fake.create_api_key(), **{"Idempotency-Key": "k"}) as http:
        await http.post("/v1/jobs", json=JOB, params={"companyId": "ignored"})
    record = fake.requests[0]
    assert (record.method, record.path, record.status) == ("POST", "/v1/jobs", 201)
    assert record.query == {"companyId": "ignored"} and record.json == JOB
    assert record.idempotency_key == "k" and record.fault is None
    assert fake.now() == START
