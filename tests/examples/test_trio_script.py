"""examples/trio_script.py on trio, against the fake."""

from __future__ import annotations

import pytest

from examples.trio_script import PEOPLE, main, run
from tests.examples.conftest import FakeSetup

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def _trio_only(anyio_backend: str) -> None:
    """The script calls trio directly (a nursery), so it runs only under trio."""
    if anyio_backend != "trio":
        pytest.skip("the trio script uses trio's own API; it runs under trio only")


async def test_creates_a_job_and_lists_its_candidates(fake_api: FakeSetup) -> None:
    """main() creates one job and every person concurrently, then lists them for that job."""
    report = await main(client_factory=fake_api.client)
    assert report.job.id in fake_api.fake.jobs
    emails = sorted(c.email or "" for c in report.candidates)
    assert emails == sorted(email for _, _, email in PEOPLE)
    assert all(report.job.id in c.job_ids for c in report.candidates)


async def test_lists_every_page(fake_api: FakeSetup) -> None:
    """With a page size smaller than the list, ``async for`` still walks every candidate."""
    people = [(f"P{n}", "Person", f"p{n}@example.com") for n in range(5)]
    async with fake_api.client() as client:
        report = await run(client, people, limit=2)
    assert len(report.candidates) == 5
