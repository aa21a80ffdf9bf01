"""Bulk import against the fake API: every row accounted for, nothing created twice."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView, Faults

pytestmark = pytest.mark.anyio

FAST = iv.RetryPolicy(max_attempts=8, base_delay=0.0005, max_delay=0.002)
NO_BREAKER = None  # 20% faults would trip it; the breaker has its own tests


def _client(fake: FakeInstaView, key: str) -> iv.AsyncClient:
    return fake.client(api_key=key, retry=FAST, circuit_breaker=NO_BREAKER)


def _on_job(fake: FakeInstaView, job_id: str) -> list[dict[str, Any]]:
    return [dict(c) for c in fake.candidates.values() if job_id in (c.get("jobIds") or [])]


async def test_300_rows_under_faults_give_one_result_each_and_no_duplicates() -> None:
    """300 rows with 20% faults, existing emails and invalid rows: one result per row, no dupes."""
    fake = FakeInstaView(faults=Faults(error_rate=0.15, drop_after_commit_rate=0.05, seed=11))
    key = fake.create_api_key()
    async with _client(fake, key) as client:
        job = await client.jobs.create(title="Bulk job", description="Bulk import test")
        for i in range(10):
            await client.candidates.create(
                first_name="Old", last_name=f"N{i}", email=f"old{i}@x.test", job_ids=[job.id]
            )
        rows: list[dict[str, Any]] = []
        for i in range(300):
            if i % 30 == 0:
                rows.append(
                    {"first_name": "Old", "last_name": "Again", "email": f"old{i // 30}@x.test"}
                )
            elif i % 25 == 1:
                rows.append({"first_name": "No", "last_name": "Contact"})
            else:
                rows.append({"firstName": "New", "lastName": f"P{i}", "email": f"new{i}@x.test"})
        results = [r async for r in client.candidates.bulk_create(rows, job_id=job.id)]

    assert sorted(r.index for r in results) == list(range(300))
    by_status = Counter(r.status for r in results)
    invalid = sum(1 for i in range(300) if i % 25 == 1 and i % 30 != 0)
    assert by_status["existing"] == 10
    assert by_status["failed"] == invalid
    assert by_status["created"] == 300 - 10 - invalid
    for result in results:
        if result.status == "existing":
            assert result.value is not None
            assert result.value.email is not None and result.value.email.startswith("old")
        if result.status == "failed":
            assert isinstance(result.error, iv.ValidationError)
    emails = Counter(c["email"] for c in _on_job(fake, job.id))
    assert len(emails) == 10 + by_status["created"]
    assert max(emails.values()) == 1


async def test_a_row_missing_a_field_or_with_an_unknown_one_fails_alone_naming_it() -> None:
    """A missing required field or an unknown key is the SDK's ValidationError naming the
    field (nothing sent), never a TypeError about create()'s signature; other rows go on."""
    fake = FakeInstaView()
    async with _client(fake, fake.create_api_key()) as client:
        candidates = [
            r
            async for r in client.candidates.bulk_create(
                [
                    {"last_name": "X", "email": "a@example.com"},
                    {"first_name": "A", "last_name": "B", "email": "b@x.test", "nickname": "b"},
                    {"first_name": "C", "last_name": "D", "email": "c@x.test"},
                ]
            )
        ]
        jobs = [
            r
            async for r in client.jobs.bulk_create(
                [{"title": "No description"}, {"title": "T", "description": "D", "salry": 1}]
            )
        ]
    by_index = {r.index: r for r in candidates}
    assert by_index[2].status == "created"
    expected = [
        (by_index[0], {"firstName"}),
        (by_index[1], {"nickname"}),
        *[(r, {"description"} if r.index == 0 else {"salry"}) for r in jobs],
    ]
    for result, fields in expected:
        assert result.status == "failed"
        assert isinstance(result.error, iv.ValidationError), result.error
        assert set(result.error.field_errors) == fields
        assert "(not sent)" in str(result.error)
    assert "is required" in str(by_index[0].error)
    assert len(fake.candidates) == 1 and len(fake.jobs) == 0


@pytest.mark.parametrize("written", ["favourite_colour", "favouriteColour", "Favourite_Colour"])
async def test_an_unknown_key_is_named_as_the_row_wrote_it(written: str) -> None:
    """The error names an unknown key as it is in the user's data, not as its camelCase form
    (which is found nowhere in the file)."""
    fake = FakeInstaView()
    row = {"first_name": "A", "last_name": "B", "email": "a@x.test", written: "blue"}
    async with _client(fake, fake.create_api_key()) as client:
        (result,) = [r async for r in client.candidates.bulk_create([row])]
    assert isinstance(result.error, iv.ValidationError)
    assert result.error.field_errors == {written: "is not a field candidates.create takes"}
    assert f"{written}: is not a field candidates.create takes" in str(result.error)
    assert not fake.candidates
