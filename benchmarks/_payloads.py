"""The wire payloads every benchmark row uses: one realistic job, and pages of them."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["JOB", "job_envelope_bytes", "page_envelope_bytes"]

JOB: dict[str, Any] = {
    "id": "job_0001",
    "companyId": "company_42",
    "title": "Senior Backend Engineer",
    "description": "Build and run the services behind our interview platform. " * 4,
    "status": "OPEN",
    "jobUrl": "https://careers.example.com/jobs/1",
    "benefits": "Remote budget, 25 days off",
    "requiredSkills": ["python", "postgresql", "asyncio"],
    "niceToHaveSkills": ["kubernetes", "go"],
    "languageRequirements": [
        {"language": "EN", "proficiency": "C1"},
        {"language": "SK", "proficiency": "B2"},
    ],
    "education": ["MASTER_LEVEL"],
    "experience": "THREE_TO_5_YEARS",
    "contractType": "FULL_TIME",
    "location": {"workMode": "HYBRID", "city": "Bratislava", "countryCode": "SK"},
    "salary": {"min": 4000, "max": 6000, "currency": "EUR", "period": "MONTH"},
    "metadata": {"source": "ats", "priority": 2},
    "createdAt": "2024-01-15T10:30:00Z",
    "updatedAt": "2024-01-16T08:00:00.123Z",
}

_TIMESTAMP = "2024-01-15T10:30:00Z"


def job_envelope_bytes() -> bytes:
    """``GET /jobs/{id}``'s reply body."""
    envelope = {"success": True, "data": JOB, "error": None, "timestamp": _TIMESTAMP}
    return json.dumps(envelope).encode()


def page_envelope_bytes(count: int = 100) -> bytes:
    """``GET /jobs``'s reply body: ``count`` distinct jobs in the ``{items, pagination}`` shape."""
    items = [dict(JOB, id=f"job_{i:04d}") for i in range(count)]
    pagination = {"total": count, "page": 1, "limit": count, "totalPages": 1, "hasNextPage": False}
    data = {"items": items, "pagination": pagination}
    envelope = {"success": True, "data": data, "error": None, "timestamp": _TIMESTAMP}
    return json.dumps(envelope).encode()
