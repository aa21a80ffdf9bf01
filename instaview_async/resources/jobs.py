"""``client.jobs``: list, get, create, create_from_url, update, delete."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from typing import Any

from .._bulk import BulkImport, KeyFunction, check_arguments
from .._envelope import parse_json, structure, unwrap
from .._error_mapping import error_from_response
from .._outage import DEFAULT_MAX_OUTAGE
from .._pagination import AsyncPager
from .._wire import NOT_GIVEN, NotGiven, body, nested, path_id, sequence, strings
from ..models.jobs import (
    Education,
    Experience,
    Job,
    JobFromUrl,
    JobLocation,
    JobStatus,
    LanguageRequirement,
    Salary,
)
from ._base import Resource

__all__ = ["Jobs"]

_Nested = Mapping[str, Any]
_LangReq = LanguageRequirement | _Nested


class Jobs(Resource):
    """Job postings (scopes ``read:jobs``, ``write:jobs``, ``delete:jobs``)."""

    __slots__ = ()

    def list(
        self,
        *,
        status: JobStatus | str | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> AsyncPager[Job]:
        """Page through the company's active jobs; ``await`` for one page or ``async for`` all."""
        return self._client.paginate(
            "/jobs", Job, params={"status": status}, page=page, limit=limit
        )

    async def get(self, job_id: str) -> Job:
        """Fetch one job; NotFoundError if it does not exist or was deleted."""
        return await self._client.request("GET", f"/jobs/{path_id('job_id', job_id)}", Job)

    async def create(
        self,
        *,
        title: str,
        description: str,
        status: JobStatus | str | None = None,
        job_url: str | None = None,
        benefits: str | None = None,
        required_skills: Sequence[str] | None = None,
        nice_to_have_skills: Sequence[str] | None = None,
        language_requirements: Sequence[LanguageRequirement | _Nested] | None = None,
        education: Sequence[Education | str] | None = None,
        experience: Experience | str | None = None,
        contract_type: str | None = None,
        location: JobLocation | _Nested | None = None,
        salary: Salary | _Nested | None = None,
        metadata: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Job:
        """Create a job (201); arguments left out are not sent."""
        payload = body(
            drop_none=True,
            title=title,
            description=description,
            status=status,
            job_url=job_url,
            benefits=benefits,
            required_skills=strings("required_skills", required_skills),
            nice_to_have_skills=strings("nice_to_have_skills", nice_to_have_skills),
            language_requirements=_nested(sequence("language_requirements", language_requirements)),
            education=strings("education", education),
            experience=experience,
            contract_type=contract_type,
            location=_nested(location),
            salary=_nested(salary),
            metadata=metadata,
        )
        return await self._client.request(
            "POST", "/jobs", Job, json=payload, idempotency_key=idempotency_key
        )

    async def create_from_url(
        self, *, job_url: str, create_job: bool = True, idempotency_key: str | None = None
    ) -> JobFromUrl:
        """Let the API read a posting at ``job_url``; ``create_job=False`` only previews it."""
        request = self._client.build_request(
            "POST",
            "/jobs/url",
            json={"jobUrl": job_url, "createJob": create_job},
            idempotency_key=idempotency_key,
        )
        response = await self._client.send(request)
        if not response.is_success:
            raise error_from_response(response)
        payload = parse_json(response)
        data = unwrap(payload, response)
        if isinstance(data, Mapping) and isinstance(data.get("data"), Mapping):
            return structure(data, JobFromUrl, response)
        source = payload.get("sourceUrl") if isinstance(payload, Mapping) else None
        return JobFromUrl(data=structure(data, Job, response), source_url=source)

    async def update(
        self,
        job_id: str,
        *,
        title: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        status: JobStatus | str | NotGiven = NOT_GIVEN,
        job_url: str | NotGiven | None = NOT_GIVEN,
        benefits: str | NotGiven | None = NOT_GIVEN,
        required_skills: Sequence[str] | NotGiven | None = NOT_GIVEN,
        nice_to_have_skills: Sequence[str] | NotGiven | None = NOT_GIVEN,
        language_requirements: Sequence[LanguageRequirement | _Nested]
        | NotGiven
        | None = NOT_GIVEN,
        education: Sequence[Education | str] | NotGiven | None = NOT_GIVEN,
        experience: Experience | str | NotGiven | None = NOT_GIVEN,
        contract_type: str | NotGiven | None = NOT_GIVEN,
        location: JobLocation | _Nested | NotGiven | None = NOT_GIVEN,
        salary: Salary | _Nested | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
    ) -> Job:
        """Change only the fields given; an explicit ``None`` sends ``null``."""
        payload = body(
            drop_none=False,
            title=title,
            description=description,
            status=status,
            job_url=job_url,
            benefits=benefits,
            required_skills=strings("required_skills", required_skills),
            nice_to_have_skills=strings("nice_to_have_skills", nice_to_have_skills),
            language_requirements=_nested(sequence("language_requirements", language_requirements)),
            education=strings("education", education),
            experience=experience,
            contract_type=contract_type,
            location=_nested(location),
            salary=_nested(salary),
            metadata=metadata,
        )
        return await self._client.request(
            "PATCH", f"/jobs/{path_id('job_id', job_id)}", Job, json=payload
        )

    def bulk_create(
        self,
        rows: Iterable[Mapping[str, Any] | Any] | AsyncIterable[Mapping[str, Any] | Any],
        *,
        concurrency: int = 16,
        namespace: str = "jobs",
        key: KeyFunction | None = None,
        max_outage: float = DEFAULT_MAX_OUTAGE,
    ) -> BulkImport[Job]:
        """Create many jobs; yields one BulkResult per row (see `BulkImport`).

        Waits out an open circuit breaker for up to ``max_outage`` seconds (default 300) and
        stops early as ``candidates.bulk_create`` does, the rows not done "skipped".
        """

        async def create(fields: dict[str, Any], key: str) -> Job:
            check_arguments(self.create, fields, what="jobs.create")
            return await self.create(**fields, idempotency_key=key)

        return BulkImport(
            rows,
            create=create,
            find_existing=None,
            concurrency=concurrency,
            namespace=namespace,
            gate=self._gate(max_outage),
            key=key,
        )

    async def delete(self, job_id: str) -> None:
        """Delete a job; NotFoundError if it is unknown or already deleted.

        A retry that finds the job gone after the first reply was lost returns normally.
        """
        await self._client.request("DELETE", f"/jobs/{path_id('job_id', job_id)}", None)


def _nested(value: Any) -> Any:
    return value if value is None or isinstance(value, NotGiven) else nested(value)
