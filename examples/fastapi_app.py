"""FastAPI: one AsyncClient for the app's lifetime, handed to routes through a dependency.

The client is created in the lifespan and closed when the app stops, so every request shares
one connection pool, one rate-limit gate and one circuit breaker. SDK errors a route does not
handle become answers that say whose problem it is (404, 409, 422, 503 with ``Retry-After``, 502
only when the API failed; see ``examples/http_errors.py``). Run it against the real API::

    pip install "instaview-async" fastapi uvicorn
    INSTAVIEW_API_KEY=sk_live_... uvicorn examples.fastapi_app:app

Tests build the app with ``create_app(client_factory=lambda: fake.client(api_key=key))``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, TypedDict

from fastapi import Depends, FastAPI, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from examples.http_errors import answer_for
from instaview_async import AsyncClient, InstaViewError
from instaview_async.models import Candidate, Job

ClientFactory = Callable[[], AsyncClient]


class State(TypedDict):
    """What the lifespan hands to every request (``request.state``)."""

    instaview: AsyncClient


def get_instaview(request: Request) -> AsyncClient:
    """The dependency: the app's shared client."""
    client: AsyncClient = request.state.instaview
    return client


InstaView = Annotated[AsyncClient, Depends(get_instaview)]


class JobOut(BaseModel):
    """A job as this app shows it."""

    id: str
    title: str | None
    status: str | None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        """Copy the fields this app needs from the SDK's model."""
        return cls(id=job.id, title=job.title, status=_text(job.status))


class CandidateIn(BaseModel):
    """The body of ``POST /jobs/{job_id}/candidates``."""

    first_name: str
    last_name: str
    email: str | None = None
    phone_number: str | None = None


class CandidateOut(BaseModel):
    """A candidate as this app shows it."""

    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    job_ids: list[str]

    @classmethod
    def of(cls, candidate: Candidate) -> CandidateOut:
        """Copy the fields this app needs from the SDK's model."""
        return cls(
            id=candidate.id,
            first_name=candidate.first_name,
            last_name=candidate.last_name,
            email=candidate.email,
            job_ids=list(candidate.job_ids),
        )


def create_app(client_factory: ClientFactory = AsyncClient) -> FastAPI:
    """Build the app; ``client_factory`` makes the client (default: key from the environment)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        async with client_factory() as client:
            yield {"instaview": client}

    app = FastAPI(title="InstaView example", lifespan=lifespan)
    app.add_exception_handler(InstaViewError, _instaview_error)
    app.add_api_route("/jobs", list_jobs, methods=["GET"])
    app.add_api_route("/jobs/{job_id}", get_job, methods=["GET"])
    app.add_api_route(
        "/jobs/{job_id}/candidates",
        add_candidate,
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
    )
    return app


async def list_jobs(client: InstaView, page: int = 1, limit: int = 20) -> list[JobOut]:
    """One page of the company's jobs."""
    jobs = await client.jobs.list(page=page, limit=limit)
    return [JobOut.of(job) for job in jobs.items]


async def get_job(job_id: str, client: InstaView) -> JobOut:
    """One job; an unknown id is a 404 through the error handler."""
    return JobOut.of(await client.jobs.get(job_id))


async def add_candidate(job_id: str, body: CandidateIn, client: InstaView) -> CandidateOut:
    """Create a candidate for a job: 409 if the email is taken, 422 naming a bad field."""
    candidate = await client.candidates.create(
        first_name=body.first_name,
        last_name=body.last_name,
        email=body.email,
        phone_number=body.phone_number,
        job_ids=[job_id],
    )
    return CandidateOut.of(candidate)


async def _instaview_error(request: Request, exc: Exception) -> JSONResponse:
    """Turn SDK errors into HTTP answers for this app's callers (see examples/http_errors.py)."""
    if not isinstance(exc, InstaViewError):  # registered for InstaViewError only
        raise exc
    answer = answer_for(exc)
    return JSONResponse(answer.body, status_code=answer.status, headers=answer.headers)


def _text(value: object) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


app = create_app()
"""The app ``uvicorn examples.fastapi_app:app`` serves; its client is made at startup."""

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app)
