"""aiohttp.web: one AsyncClient in a cleanup context, shared by every handler.

The cleanup context opens the client when the app starts and closes it when the app stops,
even if startup fails later on. Run it against the real API::

    pip install "instaview-async" aiohttp
    INSTAVIEW_API_KEY=sk_live_... python examples/aiohttp_app.py

Tests build the app with ``create_app(client_factory=lambda: fake.client(api_key=key))``.
aiohttp runs on asyncio only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web
from aiohttp.typedefs import Handler

from instaview_async import AsyncClient, InstaViewError, NotFoundError, ValidationError
from instaview_async.models import Job

ClientFactory = Callable[[], AsyncClient]

INSTAVIEW = web.AppKey("instaview", AsyncClient)
"""Where the app keeps its client: ``request.app[INSTAVIEW]``."""


def create_app(client_factory: ClientFactory = AsyncClient) -> web.Application:
    """Build the app; ``client_factory`` makes the client (default: key from the environment)."""

    async def instaview_client(app: web.Application) -> AsyncIterator[None]:
        async with client_factory() as client:
            app[INSTAVIEW] = client
            yield

    app = web.Application(middlewares=[_instaview_errors])
    app.cleanup_ctx.append(instaview_client)
    app.router.add_get("/jobs", list_jobs)
    app.router.add_get("/jobs/{job_id}", get_job)
    app.router.add_post("/jobs/{job_id}/candidates", add_candidate)
    return app


async def list_jobs(request: web.Request) -> web.Response:
    """One page of the company's jobs."""
    client = request.app[INSTAVIEW]
    page = await client.jobs.list(page=int(request.query.get("page", "1")))
    return web.json_response([_job(job) for job in page.items])


async def get_job(request: web.Request) -> web.Response:
    """One job, or 404."""
    job = await request.app[INSTAVIEW].jobs.get(request.match_info["job_id"])
    return web.json_response(_job(job))


async def add_candidate(request: web.Request) -> web.Response:
    """Create a candidate for a job from a JSON body with names and an email or phone."""
    body = await request.json()
    candidate = await request.app[INSTAVIEW].candidates.create(
        first_name=str(body.get("first_name", "")),
        last_name=str(body.get("last_name", "")),
        email=body.get("email"),
        phone_number=body.get("phone_number"),
        job_ids=[request.match_info["job_id"]],
    )
    payload = {"id": candidate.id, "email": candidate.email, "job_ids": list(candidate.job_ids)}
    return web.json_response(payload, status=201)


@web.middleware
async def _instaview_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn SDK errors into HTTP answers for this app's callers."""
    try:
        return await handler(request)
    except NotFoundError as exc:
        return web.json_response({"detail": exc.message}, status=404)
    except ValidationError as exc:
        fields = dict(exc.field_errors)
        return web.json_response({"detail": exc.message, "fields": fields}, status=422)
    except InstaViewError:
        return web.json_response({"detail": "upstream InstaView API failed"}, status=502)


def _job(job: Job) -> dict[str, str | None]:
    status = None if job.status is None else str(getattr(job.status, "value", job.status))
    return {"id": job.id, "title": job.title, "status": status}


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8080)
