"""The fake's indexes answer exactly what a scan of its tables would, after any change."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from instaview_async.testing import FakeInstaView

from .conftest import data, raw

pytestmark = pytest.mark.anyio

STATUSES = ("APPLIED", "IN_PROCESS", "REJECTED")
JOB = {"title": "Backend engineer", "description": "Python, asyncio and httpx"}


async def _ids(http: httpx.AsyncClient, **query: str) -> list[str]:
    """Every candidate id the list returns for ``query``, page by page, in order."""
    ids: list[str] = []
    page = 1
    while True:
        body = data(await http.get("/candidates", params={**query, "page": page, "limit": 100}))
        ids += [c["id"] for c in body["data"]]
        if page >= body["totalPages"]:
            assert body["total"] == len(ids)
            return ids
        page += 1


def _scan(fake: FakeInstaView, job: str | None, status: str | None, search: str) -> list[str]:
    """What the list should return, from the fake's own views (creation order)."""
    return [
        cid
        for cid, c in fake.candidates.items()
        if (job is None or job in c["jobIds"])
        and (status is None or c["status"] == status)
        and (not search or search in f"{c['firstName']} {c['lastName']} {c['email']}".lower())
    ]


async def _step(
    http: httpx.AsyncClient, rng: random.Random, jobs: list[str], live: list[str]
) -> None:
    """One random create, patch (status, jobs or email) or delete; refusals are fine."""
    action = rng.choice(["create", "create", "status", "jobs", "email", "delete"])
    email = f"p{rng.randrange(12)}@example.com"  # few emails: duplicates happen
    picked = rng.sample(jobs, rng.randint(1, 2))
    if action == "create" or not live:
        body = {"firstName": "Ada", "lastName": f"L{rng.randrange(99)}", "email": email}
        reply = await http.post("/candidates", json={**body, "jobIds": picked})
        if reply.status_code == 201:
            live.append(reply.json()["data"]["id"])
        else:
            assert reply.json()["error"]["code"] == "RESOURCE_CONFLICT"
        return
    target = rng.choice(live)
    if action == "delete":
        assert (await http.delete(f"/candidates/{target}")).status_code == 200
        live.remove(target)
        return
    change: dict[str, Any] = {
        "status": {"status": rng.choice(STATUSES)},
        "jobs": {"jobIds": picked},
        "email": {"email": email},
    }[action]
    reply = await http.patch(f"/candidates/{target}", json=change)
    assert reply.status_code in (200, 409), reply.text


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_filtered_lists_match_a_scan_after_random_changes(seed: int) -> None:
    """After creates, patches and deletes, every jobId/status/search list equals a table scan."""
    fake = FakeInstaView(seed=seed)
    rng = random.Random(seed)
    async with raw(fake, fake.create_api_key()) as http:
        jobs = [data(await http.post("/jobs", json=JOB))["id"] for _ in range(3)]
        live: list[str] = []
        for _ in range(120):
            await _step(http, rng, jobs, live)
        for job in (None, *jobs):
            for status in (None, *STATUSES):
                for search in ("", "l1"):
                    query = {k: v for k, v in (("jobId", job), ("status", status)) if v}
                    if search:
                        query["search"] = search
                    assert await _ids(http, **query) == _scan(fake, job, status, search)


async def test_the_duplicate_rule_follows_patched_emails_and_jobs(fake: FakeInstaView) -> None:
    """Moving a candidate to another job or email frees the old pair and claims the new one."""
    async with raw(fake, fake.create_api_key()) as http:
        one = data(await http.post("/jobs", json=JOB))["id"]
        two = data(await http.post("/jobs", json=JOB))["id"]
        person = {"firstName": "Ada", "lastName": "L", "email": "ada@example.com"}
        ada = data(await http.post("/candidates", json={**person, "jobIds": [one]}))
        await http.patch(f"/candidates/{ada['id']}", json={"jobIds": [two]})
        again_on_one = await http.post("/candidates", json={**person, "jobIds": [one]})
        clash_on_two = await http.post("/candidates", json={**person, "jobIds": [two]})
        await http.patch(f"/candidates/{ada['id']}", json={"email": "lovelace@example.com"})
        free_on_two = await http.post("/candidates", json={**person, "jobIds": [two]})
    assert again_on_one.status_code == 201
    assert clash_on_two.status_code == 409
    assert clash_on_two.json()["error"]["details"]["existingResourceId"] == ada["id"]
    assert free_on_two.status_code == 201


async def test_another_companys_job_lists_nothing(fake: FakeInstaView) -> None:
    """Filtering by a job of another company finds none of its candidates."""
    theirs, mine = fake.create_api_key(), fake.create_api_key()
    async with raw(fake, theirs) as http:
        job = data(await http.post("/jobs", json=JOB))["id"]
        person = {"firstName": "Ada", "lastName": "L", "email": "a@x.io", "jobIds": [job]}
        await http.post("/candidates", json=person)
    async with raw(fake, mine) as http:
        assert await _ids(http, jobId=job) == []


async def test_an_interview_completed_by_the_fake_moves_to_its_status(fake: FakeInstaView) -> None:
    """complete_interview changes the status the interview list filters on."""
    agent = {
        "name": "Screener",
        "type": "ONLINE",
        "focus": "GENERIC",
        "language": "EN",
        "duration": 15,
    }
    who = {"firstName": "Ada", "lastName": "L", "email": "a@x.io"}
    async with raw(fake, fake.create_api_key()) as http:
        agent_id = data(await http.post("/agents", json=agent))["id"]
        made = data(await http.post("/interviews", json={"agentId": agent_id, "candidate": who}))
        query = {"candidateId": made["candidateId"], "status": "COMPLETED"}
        before = data(await http.get("/interviews", params=query))["total"]
        fake.complete_interview(made["id"])
        after = data(await http.get("/interviews", params=query))["data"]
        scheduled = data(await http.get("/interviews", params={**query, "status": "SCHEDULED"}))
    assert before == 0 and [i["id"] for i in after] == [made["id"]]
    assert scheduled["total"] == 0


async def test_a_refused_interview_leaves_no_inline_candidate_in_lists(fake: FakeInstaView) -> None:
    """The rolled-back inline candidate of a refused interview is in no list and no index."""
    agent = {
        "name": "Screener",
        "type": "ONLINE",
        "focus": "SCREENING",
        "language": "EN",
        "duration": 15,
    }
    who = {"firstName": "Ada", "lastName": "L", "email": "a@x.io"}
    async with raw(fake, fake.create_api_key()) as http:
        agent_id = data(await http.post("/agents", json=agent))["id"]
        refused = await http.post("/interviews", json={"agentId": agent_id, "candidate": who})
        listed = await _ids(http)
        job = data(await http.post("/jobs", json=JOB))["id"]
        created = await http.post("/candidates", json={**who, "jobIds": [job]})
    assert refused.json()["error"]["details"]["field"] == "jobId"  # no job for a SCREENING agent
    assert listed == [] and not fake.candidates.deleted
    assert created.status_code == 201
