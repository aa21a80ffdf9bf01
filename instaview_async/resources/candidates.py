"""``client.candidates``: list, get, create, update, delete."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from .._bulk import BulkImport, KeyFunction, check_arguments
from .._exceptions import ConflictError
from .._outage import DEFAULT_MAX_OUTAGE
from .._pagination import AsyncPager
from .._wire import NOT_GIVEN, NotGiven, body, path_id, strings
from ..models.candidates import Candidate, CandidateStatus
from . import _validate
from ._base import Resource

__all__ = ["Candidates"]


class Candidates(Resource):
    """Candidates (scopes ``read:candidates``, ``write:candidates``, ``delete:candidates``)."""

    __slots__ = ()

    def list(
        self,
        *,
        job_id: str | None = None,
        status: CandidateStatus | str | None = None,
        search: str | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> AsyncPager[Candidate]:
        """Page through candidates (pool ones too), filtered by job, status or a name search."""
        params = {"jobId": job_id, "status": status, "search": search}
        return self._client.paginate(
            "/candidates", Candidate, params=params, page=page, limit=limit
        )

    async def get(self, candidate_id: str) -> Candidate:
        """Fetch one candidate; NotFoundError if unknown or deleted."""
        return await self._client.request("GET", _path(candidate_id), Candidate)

    async def create(
        self,
        *,
        first_name: str,
        last_name: str,
        email: str | None = None,
        phone_number: str | None = None,
        gdpr_expiry_date: date | str | None = None,
        job_ids: Sequence[str] | None = None,
        job_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Candidate:
        """Create a candidate (201); give an email, an E.164 phone number, or both.

        ``job_id`` is the API's deprecated single-job field; prefer ``job_ids`` (if both are
        sent the API uses ``job_ids``). Raises ValidationError before sending when a rule the
        docs state is broken (names 1-100 characters, a contact, a valid email, an E.164 phone,
        a ``YYYY-MM-DD`` GDPR expiry, 1-50 jobs).
        """
        payload = body(
            drop_none=True,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone_number=phone_number,
            gdpr_expiry_date=gdpr_expiry_date,
            job_id=job_id,
            job_ids=strings("job_ids", job_ids),
            metadata=metadata,
        )
        _validate.check(_validate.candidate, payload)
        return await self._client.request(
            "POST", "/candidates", Candidate, json=payload, idempotency_key=idempotency_key
        )

    async def update(
        self,
        candidate_id: str,
        *,
        first_name: str | NotGiven = NOT_GIVEN,
        last_name: str | NotGiven = NOT_GIVEN,
        email: str | NotGiven | None = NOT_GIVEN,
        phone_number: str | NotGiven | None = NOT_GIVEN,
        gdpr_expiry_date: date | str | NotGiven | None = NOT_GIVEN,
        status: CandidateStatus | str | NotGiven = NOT_GIVEN,
        job_ids: Sequence[str] | NotGiven | None = NOT_GIVEN,
        job_id: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
    ) -> Candidate:
        """Change only the fields given (``None`` sends ``null``); ``job_ids`` sets assignments."""
        payload = body(
            drop_none=False,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone_number=phone_number,
            gdpr_expiry_date=gdpr_expiry_date,
            status=status,
            job_id=job_id,
            job_ids=strings("job_ids", job_ids),
            metadata=metadata,
        )
        _validate.check(_validate.candidate_update, payload)
        return await self._client.request("PATCH", _path(candidate_id), Candidate, json=payload)

    async def delete(self, candidate_id: str) -> None:
        """Delete a candidate (kept for audit; no new interviews); NotFoundError if unknown."""
        await self._client.request("DELETE", _path(candidate_id), None)

    def bulk_create(
        self,
        rows: Iterable[Mapping[str, Any] | Any] | AsyncIterable[Mapping[str, Any] | Any],
        *,
        job_id: str | None = None,
        concurrency: int = 16,
        namespace: str | None = None,
        key: KeyFunction | None = None,
        max_outage: float = DEFAULT_MAX_OUTAGE,
    ) -> BulkImport[Candidate]:
        """Create many candidates; each row yields one BulkResult (created, existing, ...).

        Rows are mappings (snake_case or camelCase keys, as ``create`` takes them) or models;
        ``job_id`` assigns every row without jobs of its own to that job. A 409 on the email
        for the job is reported as "existing" with the candidate already there. Keys default
        to the row's position and content within ``namespace`` (default: per job), so a rerun
        of the same rows creates nothing twice.

        While the circuit breaker is open the import waits for the API instead of failing
        rows, for up to ``max_outage`` seconds (default 300). It stops early past that, when
        the API answered none of its calls before the breaker opened, or when the key is
        rejected (401/403); the rows not done are then "skipped", their error an
        ImportStoppedError naming the cause.
        """

        async def create(fields: dict[str, Any], idempotency_key: str) -> Candidate:
            check_arguments(self.create, fields, what="candidates.create")
            if job_id is not None and "job_ids" not in fields and "job_id" not in fields:
                fields = {**fields, "job_ids": [job_id]}
            return await self.create(**fields, idempotency_key=idempotency_key)

        async def find_existing(conflict: ConflictError) -> Candidate | None:
            existing_id = conflict.existing_resource_id
            return None if existing_id is None else await self.get(existing_id)

        return BulkImport(
            rows,
            create=create,
            find_existing=find_existing,
            concurrency=concurrency,
            namespace=namespace or f"candidates:{job_id or '-'}",
            gate=self._gate(max_outage),
            key=key,
        )


def _path(candidate_id: str) -> str:
    return f"/candidates/{path_id('candidate_id', candidate_id)}"
