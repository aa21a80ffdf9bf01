"""aiohttp.web: one AsyncClient in a cleanup context, shared by every handler.

The cleanup context opens the client when the app starts and closes it when the app stops,
even if startup fails later on. A middleware turns SDK errors into answers that say whose problem
it is (404, 409, 422, 503 with ``Retry-After``, 502 only when the API failed; see
``examples/http_errors.py``). Run it against the real API::

    pip install "instaview-async" aiohttp
    INSTAVIEW_API_KEY=sk_live_... python -m examples.aiohttp_app  # from the checkout's root

Tests build the app with ``create_app(client_factory=lambda: fake.client(api_key=key))``.
aiohttp runs on asyncio only.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from aiohttp.typedefs import Handler

from examples.http_errors import answer_for
from instaview_async import AsyncClient, InstaViewError
from instaview_async.models import Job

ClientFactory = Callable[[], AsyncClient]

CANDIDATE_FIELDS = ("first_name", "last_name", "email", "phone_number")
"""What ``POST /jobs/{job_id}/candidates`` reads from its JSON body."""

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
    """One job; an unknown id is a 404 through the middleware."""
    job = await request.app[INSTAVIEW].jobs.get(request.match_info["job_id"])
    return web.json_response(_job(job))


async def add_candidate(request: web.Request) -> web.Response:
    """Create a candidate for a job from a JSON body with names and an email or phone."""
    body = await _candidate_fields(request)
    candidate = await request.app[INSTAVIEW].candidates.create(
        first_name=body["first_name"] or "",
        last_name=body["last_name"] or "",
        email=body["email"],
        phone_number=body["phone_number"],
        job_ids=[request.match_info["job_id"]],
    )
    payload = {"id": candidate.id, "email": candidate.email, "job_ids": list(candidate.job_ids)}
    return web.json_response(payload, status=201)


async def _candidate_fields(request: web.Request) -> dict[str, str | None]:
    """The body's candidate fields, each a string or absent; anything else is a 422."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _unprocessable("the body must be a JSON object", {})
    fields = {name: body.get(name) for name in CANDIDATE_FIELDS}
    wrong = {name: "must be a string" for name, v in fields.items() if not _is_text(v)}
    if wrong:
        raise _unprocessable("invalid candidate", wrong)
    return fields


def _is_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def _unprocessable(detail: str, fields: dict[str, str]) -> web.HTTPUnprocessableEntity:
    text = json.dumps({"detail": detail, "fields": fields})
    return web.HTTPUnprocessableEntity(text=text, content_type="application/json")


@web.middleware
async def _instaview_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn SDK errors into HTTP answers for this app's callers."""
    try:
        return await handler(request)
    except InstaViewError as error:
        answer = answer_for(error)
        return web.json_response(answer.body, status=answer.status, headers=answer.headers)


def _job(job: Job) -> dict[str, str | None]:
    status = None if job.status is None else str(getattr(job.status, "value", job.status))
    return {"id": job.id, "title": job.title, "status": status}


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8080)
