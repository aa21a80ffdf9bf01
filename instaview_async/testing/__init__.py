"""A stateful fake InstaView API for tests: what stripe-mock is to Stripe, in the package.

::

    from instaview_async.testing import FakeInstaView, Faults

    fake = FakeInstaView(faults=Faults(error_rate=0.2, seed=7))
    key = fake.create_api_key()
    async with fake.client(api_key=key) as client:     # in process
        job = await client.jobs.create(title="Backend engineer", description="Python, asyncio")
    assert job.id in fake.jobs

    async with fake.serve(port=0) as base_url:          # a real socket (extra: server)
        ...
"""

from __future__ import annotations

from ._auth import ALL_SCOPES
from ._fake import FakeInstaView
from ._faults import Faults
from ._records import RecordedRequest
from ._state import ResourceView
from ._transport import FakeTransport

__all__ = [
    "ALL_SCOPES",
    "FakeInstaView",
    "FakeTransport",
    "Faults",
    "RecordedRequest",
    "ResourceView",
]
