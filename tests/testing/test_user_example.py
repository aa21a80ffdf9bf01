"""The README's "Testing your code" example, kept runnable."""

from __future__ import annotations

import contextlib

import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView, Faults


async def import_candidates(client: iv.AsyncClient, job_id: str, emails: list[str]) -> None:
    """Stands in for the user's own code under test: one candidate per email, skip known ones."""
    for email in emails:
        with contextlib.suppress(iv.ConflictError):  # already imported
            await client.candidates.create(
                first_name="New", last_name="Candidate", email=email, job_ids=[job_id]
            )


@pytest.fixture
def fake() -> FakeInstaView:
    """A fake API that fails one request in five, the same way on every run."""
    return FakeInstaView(faults=Faults(error_rate=0.2, seed=1))


@pytest.mark.anyio
async def test_import_creates_each_candidate_once(fake: FakeInstaView) -> None:
    """Importing twice under server errors leaves one candidate per email."""
    key = fake.create_api_key()
    fast = iv.RetryPolicy(max_attempts=5, base_delay=0.001)
    async with fake.client(api_key=key, retry=fast) as client:
        job = await client.jobs.create(title="Backend engineer", description="Python, asyncio")
        await import_candidates(client, job.id, ["ada@example.com", "alan@example.com"])
        await import_candidates(client, job.id, ["ada@example.com"])
    emails = sorted(c["email"] for c in fake.candidates.values())
    assert emails == ["ada@example.com", "alan@example.com"]
    assert any(r.fault == "error" for r in fake.requests)  # the faults did happen
