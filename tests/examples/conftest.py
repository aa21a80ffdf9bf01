"""Shared fixtures for the example apps: a fake API with one key and one job."""

from __future__ import annotations

import attrs
import pytest

from instaview_async import AsyncClient, RetryPolicy
from instaview_async.testing import FakeInstaView


@attrs.frozen
class FakeSetup:
    """A fake API, a key for it, and a job that exists on it."""

    fake: FakeInstaView
    key: str
    job_id: str

    def client(self) -> AsyncClient:
        """A new in-process client for the key; the examples' ``client_factory``."""
        return self.fake.client(api_key=self.key, retry=RetryPolicy(base_delay=0.001))


@pytest.fixture
async def fake_api() -> FakeSetup:
    """A fresh fake with a key and one open job."""
    fake = FakeInstaView()
    key = fake.create_api_key()
    async with fake.client(api_key=key) as client:
        job = await client.jobs.create(title="Backend engineer", description="Python, asyncio")
    return FakeSetup(fake=fake, key=key, job_id=job.id)
