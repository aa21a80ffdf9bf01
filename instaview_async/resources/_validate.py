"""Checks the docs state, run on a request's camelCase body before anything is sent.

Each check reads the wire payload (so the names in the error are the API's field names) and
adds a reason per field to a dict; `raise_if_any` turns a non-empty dict into the same
`ValidationError` (code ``VALIDATION_ERROR``, details with ``fields``) a server rejection raises.
Only rules that are cheap and certain are checked here; the server stays the authority.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from .._exceptions import ValidationError, _not_sent
from .._formats import is_date, is_email, is_phone

__all__ = [
    "Problems",
    "agent",
    "aware",
    "candidate",
    "candidate_update",
    "company",
    "exclusive",
    "interview",
    "invalid",
    "raise_if_any",
]

Problems = dict[str, str]


def raise_if_any(problems: Problems) -> None:
    """Raise a VALIDATION_ERROR naming every field in ``problems``, if there are any."""
    if problems:
        raise invalid(problems)


def invalid(problems: Mapping[str, str]) -> ValidationError:
    """The ValidationError of a request refused before sending, naming every field."""
    return _not_sent(problems)


def check(rule: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """Run one rule (``rule(*args, problems, **kwargs)``) and raise what it found, if anything."""
    problems: Problems = {}
    rule(*args, problems, **kwargs)
    raise_if_any(problems)


def candidate(payload: Mapping[str, Any], problems: Problems, *, prefix: str = "") -> None:
    """A candidate to create: names 1-100, an email or a phone number, E.164 phone, 1-50 jobs."""
    _contact(payload, problems, prefix=prefix, creating=True)
    _candidate_fields(payload, problems, prefix=prefix)


def candidate_update(payload: Mapping[str, Any], problems: Problems) -> None:
    """A candidate patch: the same field rules, and not both contact fields cleared."""
    _contact(payload, problems, prefix="", creating=False)
    _candidate_fields(payload, problems, prefix="")


def _candidate_fields(payload: Mapping[str, Any], problems: Problems, *, prefix: str) -> None:
    _length(payload, problems, "firstName", 1, 100, prefix)
    _length(payload, problems, "lastName", 1, 100, prefix)
    phone = payload.get("phoneNumber")
    if isinstance(phone, str) and phone and not is_phone(phone):
        problems[prefix + "phoneNumber"] = (
            "must be in E.164 format: '+', then the country code and number, digits only "
            "(e.g. +421900123456, not '+421 900 123 456')"
        )
    email = payload.get("email")
    if isinstance(email, str) and email and not is_email(email):
        problems[prefix + "email"] = "must be a valid email address"
    expiry = payload.get("gdprExpiryDate")
    if isinstance(expiry, str) and not is_date(expiry):
        problems[prefix + "gdprExpiryDate"] = "must be a date as YYYY-MM-DD (e.g. 2027-12-31)"
    job_ids = payload.get("jobIds")
    if job_ids is not None and not isinstance(job_ids, list):  # an inline candidate's mapping
        raise TypeError(f"{prefix}jobIds must be a list of str, not {type(job_ids).__name__}")
    if isinstance(job_ids, list) and not 1 <= len(job_ids) <= 50:
        problems[prefix + "jobIds"] = "must list 1 to 50 job ids"


def _contact(
    payload: Mapping[str, Any], problems: Problems, *, prefix: str, creating: bool
) -> None:
    if creating:
        missing = not payload.get("email") and not payload.get("phoneNumber")
    else:  # a patch may leave both out; it may not clear both
        missing = all(k in payload and not payload[k] for k in ("email", "phoneNumber"))
    if missing:
        problems[prefix + "email"] = "a candidate needs an email or a phoneNumber (or both)"


def agent(
    payload: Mapping[str, Any], problems: Problems, *, prefix: str = "", creating: bool = True
) -> None:
    """An agent: name 2-100, duration 1-180 minutes, a PHONE agent needs a phone number id."""
    _length(payload, problems, "name", 2, 100, prefix)
    duration = payload.get("duration")
    if duration is not None and (
        not isinstance(duration, int) or isinstance(duration, bool) or not 1 <= duration <= 180
    ):
        problems[prefix + "duration"] = "must be a whole number of minutes from 1 to 180"
    if creating and payload.get("type") == "PHONE" and not payload.get("companyPhoneNumberId"):
        problems[prefix + "companyPhoneNumberId"] = (
            "a PHONE agent needs companyPhoneNumberId (an id from GET /phone-numbers)"
        )


def company(payload: Mapping[str, Any], problems: Problems) -> None:
    """A company: name 2-100, description 1-1000, ownerEmail at most 254 characters."""
    _length(payload, problems, "name", 2, 100)
    _length(payload, problems, "description", 1, 1000)
    _length(payload, problems, "ownerEmail", 1, 254)


def interview(payload: Mapping[str, Any], problems: Problems) -> None:
    """An interview: one candidate, one agent, at most one job source, valid inline objects."""
    exclusive(payload, problems, "candidateId", "candidate", required=True)
    exclusive(payload, problems, "agentId", "agent", required=True)
    exclusive(payload, problems, "jobId", "job", required=False)
    inline_candidate = payload.get("candidate")
    if isinstance(inline_candidate, Mapping):
        candidate(inline_candidate, problems, prefix="candidate.")
        if inline_candidate.get("jobId") is not None and ("jobId" in payload or "job" in payload):
            problems["candidate.jobId"] = "cannot be combined with a top-level jobId or job"
    inline_agent = payload.get("agent")
    if isinstance(inline_agent, Mapping):
        agent(inline_agent, problems, prefix="agent.")


def exclusive(
    payload: Mapping[str, Any], problems: Problems, ref: str, inline: str, *, required: bool
) -> None:
    """``ref`` (an existing id) and ``inline`` (a new object) exclude each other."""
    if ref in payload and inline in payload:
        problems[ref] = f"give either {ref} or {inline}, not both"
    elif required and ref not in payload and inline not in payload:
        problems[ref] = f"{ref} or {inline} is required"


def aware(value: Any, field: str, problems: Problems) -> None:
    """A timestamp must carry its UTC offset: the API uses it to check the call-time window."""
    if isinstance(value, datetime) and value.utcoffset() is None:
        problems[field] = "must be a timezone-aware datetime (the API needs the UTC offset)"


def _length(
    payload: Mapping[str, Any],
    problems: Problems,
    key: str,
    low: int,
    high: int,
    prefix: str = "",
) -> None:
    value = payload.get(key)
    if isinstance(value, str) and not low <= len(value) <= high:
        problems[prefix + key] = f"must be {low} to {high} characters long (got {len(value)})"
