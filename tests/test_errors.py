"""Error replies: every documented code, status fallbacks, and bodies that are not JSON."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

import instaview_async as iv
from tests.conftest import envelope, error_reply
from tests.helpers import Recorder, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

# (status, code, details as the error-handling page shows them, class, typed details check)
DOCUMENTED: list[tuple[int, str, Any, type[iv.APIError], Any]] = [
    (401, "INVALID_API_KEY", None, iv.AuthenticationError, None),
    (
        401,
        "API_KEY_SUSPENDED",
        {"suspendedAt": "2024-01-10T00:00:00Z", "reason": "Unusual activity detected"},
        iv.AuthenticationError,
        iv.ApiKeySuspendedDetails(
            suspended_at=datetime(2024, 1, 10, tzinfo=timezone.utc),
            reason="Unusual activity detected",
        ),
    ),
    (
        403,
        "INSUFFICIENT_PERMISSIONS",
        {"required": "write:jobs", "available": ["read:jobs", "read:candidates"]},
        iv.PermissionDeniedError,
        iv.InsufficientPermissionsDetails(
            required="write:jobs", available=("read:jobs", "read:candidates")
        ),
    ),
    (403, "RESOURCE_ACCESS_DENIED", None, iv.PermissionDeniedError, None),
    (
        400,
        "VALIDATION_ERROR",
        {"fields": {"email": "Invalid email format", "jobId": "Must be a valid UUID"}},
        iv.ValidationError,
        iv.ValidationErrorDetails(
            fields={"email": "Invalid email format", "jobId": "Must be a valid UUID"}
        ),
    ),
    (
        400,
        "MISSING_REQUIRED_FIELD",
        {"field": "jobId", "type": "string (UUID)"},
        iv.ValidationError,
        iv.MissingFieldDetails(field="jobId", type="string (UUID)"),
    ),
    (
        404,
        "RESOURCE_NOT_FOUND",
        {"resourceType": "Job", "resourceId": "550e8400"},
        iv.NotFoundError,
        iv.ResourceNotFoundDetails(resource_type="Job", resource_id="550e8400"),
    ),
    (404, "REQUEST_NOT_FOUND", None, iv.NotFoundError, None),
    (
        409,
        "RESOURCE_CONFLICT",
        {"conflictingField": "email", "existingResourceId": "candidate-uuid"},
        iv.ConflictError,
        iv.ConflictDetails(conflicting_field="email", existing_resource_id="candidate-uuid"),
    ),
    (
        429,
        "RATE_LIMIT_EXCEEDED",
        {"retryAfter": 45, "limit": 300, "window": "minute"},
        iv.RateLimitError,
        iv.RateLimitDetails(retry_after=45, limit=300, window="minute"),
    ),
    (
        402,
        "BILLING_LIMIT_EXCEEDED",
        {"limit": 100, "used": 100, "resetDate": "2024-02-01T00:00:00Z"},
        iv.BillingLimitError,
        iv.BillingLimitDetails(
            limit=100, used=100, reset_date=datetime(2024, 2, 1, tzinfo=timezone.utc)
        ),
    ),
    (
        409,
        "INVALID_STATE_TRANSITION",
        {"currentState": "active", "attemptedAction": "delete", "reason": "Job has 5 active"},
        iv.InvalidStateTransitionError,
        iv.InvalidStateTransitionDetails(
            current_state="active", attempted_action="delete", reason="Job has 5 active"
        ),
    ),
]


async def _raise_for(reply: httpx.Response) -> iv.InstaViewError:
    async with make_client(Recorder([reply])) as client:
        with pytest.raises(iv.InstaViewError) as caught:
            await client.jobs.get("j1")
    return caught.value


@pytest.mark.parametrize(("status", "code", "details", "cls", "typed"), DOCUMENTED)
async def test_every_documented_code_maps_to_its_class_and_typed_details(
    status: int, code: str, details: Any, cls: type[iv.APIError], typed: Any
) -> None:
    """Each error code of the error-handling page raises its class with typed details."""
    reply = error_reply(status, code, "Something failed", details, **{"x-request-id": "req-1"})
    error = await _raise_for(reply)
    assert type(error) is cls
    assert isinstance(error, iv.APIError)
    assert (error.status_code, error.code, error.message) == (status, code, "Something failed")
    assert error.request_id == "req-1"
    assert error.details == typed
    assert error.error == iv.ErrorBody(code=code, message="Something failed", details=typed)
    assert error.response is not None
    assert "req-1" in str(error) and code in str(error)


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        ("RESOURCE_CONFLICT", 400, iv.ConflictError),  # code wins over status
        ("SOMETHING_NEW", 400, iv.ValidationError),
        ("SOMETHING_NEW", 401, iv.AuthenticationError),
        ("SOMETHING_NEW", 402, iv.BillingLimitError),
        ("SOMETHING_NEW", 403, iv.PermissionDeniedError),
        ("SOMETHING_NEW", 404, iv.NotFoundError),
        ("SOMETHING_NEW", 409, iv.ConflictError),
        ("SOMETHING_NEW", 422, iv.ValidationError),
        ("SOMETHING_NEW", 429, iv.RateLimitError),
        ("SOMETHING_NEW", 418, iv.APIError),
        ("SOMETHING_NEW", 500, iv.ServerError),
        ("SOMETHING_NEW", 507, iv.ServerError),
    ],
)
async def test_class_is_chosen_by_code_then_status(
    code: str, status: int, cls: type[iv.APIError]
) -> None:
    """A known code picks the class; an unknown code falls back to the HTTP status."""
    error = await _raise_for(error_reply(status, code, "nope", {"some": "thing"}))
    assert type(error) is cls


async def test_unknown_code_keeps_raw_details() -> None:
    """Details of a code the SDK does not know stay a plain mapping."""
    error = await _raise_for(error_reply(400, "SOMETHING_NEW", "nope", {"hint": "x"}))
    assert isinstance(error, iv.APIError)
    assert error.details == {"hint": "x"}


async def test_documented_code_with_odd_details_keeps_them_raw() -> None:
    """A documented code whose details have another shape is still raised, details kept."""
    error = await _raise_for(error_reply(404, "RESOURCE_NOT_FOUND", "gone", ["odd"]))
    assert isinstance(error, iv.NotFoundError)
    assert error.details == ["odd"]


async def test_field_errors_of_validation_error() -> None:
    """ValidationError.field_errors lists the per-field messages."""
    fields = {"email": "Invalid email format"}
    error = await _raise_for(error_reply(400, "VALIDATION_ERROR", "bad", {"fields": fields}))
    assert isinstance(error, iv.ValidationError)
    assert error.field_errors == fields


async def test_missing_field_becomes_a_field_error() -> None:
    """MISSING_REQUIRED_FIELD names its field in field_errors."""
    details = {"field": "jobId", "type": "string"}
    error = await _raise_for(error_reply(400, "MISSING_REQUIRED_FIELD", "Missing jobId", details))
    assert isinstance(error, iv.ValidationError)
    assert error.field_errors == {"jobId": "Missing jobId"}


async def test_conflict_names_the_existing_resource() -> None:
    """ConflictError.existing_resource_id is the id of the resource already there."""
    details = {"conflictingField": "email", "existingResourceId": "c-9"}
    error = await _raise_for(error_reply(409, "RESOURCE_CONFLICT", "dup", details))
    assert isinstance(error, iv.ConflictError)
    assert error.existing_resource_id == "c-9"


async def test_api_429_body_is_mapped_and_body_retry_after_wins() -> None:
    """The API's own (non-envelope) 429 body raises RateLimitError with the body's retryAfter."""
    body = {
        "statusCode": 429,
        "message": "Rate limit exceeded",
        "error": "Too Many Requests",
        "retryAfter": 30,
        "limit": 60,
        "remaining": 0,
        "reset": 1705320120,
    }
    error = await _raise_for(httpx.Response(429, json=body, headers={"Retry-After": "60"}))
    assert isinstance(error, iv.RateLimitError)
    assert error.retry_after == 30
    assert error.message == "Rate limit exceeded"


async def test_html_502_maps_by_status_with_an_excerpt() -> None:
    """A gateway's HTML 502 raises ServerError keeping a short excerpt of the page."""
    page = "<html><body><h1>502 Bad Gateway</h1>" + "x" * 5000 + "</body></html>"
    error = await _raise_for(httpx.Response(502, text=page))
    assert isinstance(error, iv.ServerError)
    assert error.status_code == 502
    assert "502 Bad Gateway" in error.message
    assert len(error.message) < 300


async def test_empty_503_maps_by_status() -> None:
    """An empty 503 raises ServerError saying the body was empty."""
    error = await _raise_for(httpx.Response(503))
    assert isinstance(error, iv.ServerError)
    assert "empty body" in error.message


async def test_2xx_that_is_not_json_raises_response_decode_error() -> None:
    """A 200 with a non-JSON body raises ResponseDecodeError saying so."""
    error = await _raise_for(httpx.Response(200, text="<html>oops</html>"))
    assert isinstance(error, iv.ResponseDecodeError)
    assert "not valid JSON" in str(error)
    assert error.status_code == 200


async def test_2xx_with_wrong_shape_names_the_field() -> None:
    """A 200 whose data does not match the model names the mismatched path."""
    error = await _raise_for(envelope({"id": "j1", "createdAt": "not a date"}))
    assert isinstance(error, iv.ResponseDecodeError)
    assert "createdAt" in str(error)
    assert "Job" in str(error)


async def test_success_false_in_a_200_is_an_error() -> None:
    """An envelope saying success=false raises its error even with status 200."""
    body = {"success": False, "data": None, "error": {"code": "RESOURCE_NOT_FOUND", "message": "x"}}
    error = await _raise_for(httpx.Response(200, json=body))
    assert isinstance(error, iv.NotFoundError)


def test_error_tree_matches_the_design() -> None:
    """Every error class sits where DESIGN.md draws it."""
    for cls in (
        iv.AuthenticationError,
        iv.PermissionDeniedError,
        iv.ValidationError,
        iv.NotFoundError,
        iv.ConflictError,
        iv.InvalidStateTransitionError,
        iv.BillingLimitError,
        iv.RateLimitError,
        iv.ServerError,
    ):
        assert issubclass(cls, iv.APIError)
    assert issubclass(iv.APITimeoutError, iv.APIConnectionError)
    for cls in (iv.APIError, iv.APIConnectionError, iv.CircuitOpenError, iv.ResponseDecodeError):
        assert issubclass(cls, iv.InstaViewError)


async def test_str_of_a_validation_error_lists_the_field_reasons() -> None:
    """str() of a server ValidationError says what was wrong, not only "validation failed"."""
    fields = {"title": "title must be longer than or equal to 5 characters"}
    error = await _raise_for(
        error_reply(400, "VALIDATION_ERROR", "Request validation failed", {"fields": fields})
    )
    assert str(error) == (
        "400 VALIDATION_ERROR: Request validation failed: "
        "title must be longer than or equal to 5 characters"
    )


async def test_str_lists_the_first_reasons_then_how_many_more() -> None:
    """Beyond three fields str() says "+N more"; field_errors keeps them all."""
    fields = {f"field{n}": f"is wrong ({n})" for n in range(5)}
    reply = error_reply(
        422, "VALIDATION_ERROR", "Invalid", {"fields": fields}, **{"x-request-id": "r1"}
    )
    error = await _raise_for(reply)
    assert str(error) == (
        "422 VALIDATION_ERROR: Invalid: field0: is wrong (0); field1: is wrong (1); "
        "field2: is wrong (2); +2 more (request_id=r1)"
    )
    assert len(error.field_errors) == 5


async def test_str_of_a_missing_field_does_not_repeat_the_message() -> None:
    """MISSING_REQUIRED_FIELD's one reason is its message, said once."""
    details = {"field": "jobId", "type": "string"}
    error = await _raise_for(error_reply(400, "MISSING_REQUIRED_FIELD", "Missing jobId", details))
    assert str(error) == "400 MISSING_REQUIRED_FIELD: Missing jobId"


async def test_a_refusal_before_sending_lists_its_fields_the_same_way() -> None:
    """A request refused by the SDK's own checks reads like a server rejection."""
    async with make_client(Recorder([envelope({})])) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.candidates.create(first_name="", last_name="Doe", job_ids=["j1"])
    assert str(caught.value) == (
        "VALIDATION_ERROR: invalid request (not sent): "
        "email: a candidate needs an email or a phoneNumber (or both); "
        "firstName: must be 1 to 100 characters long (got 0)"
    )


def _exported_exceptions() -> list[type[BaseException]]:
    values = [getattr(iv, name) for name in iv.__all__]
    return [v for v in values if isinstance(v, type) and issubclass(v, BaseException)]


@pytest.mark.parametrize("cls", _exported_exceptions(), ids=lambda cls: cls.__name__)
def test_public_exceptions_report_the_package_as_their_module(cls: type) -> None:
    """Every exported exception says ``instaview_async``, the name users import and catch."""
    assert cls.__module__ == "instaview_async"
    assert getattr(iv, cls.__name__) is cls


async def test_a_traceback_names_the_public_class() -> None:
    """A traceback line reads ``instaview_async.NotFoundError``, not the private module."""
    import traceback

    error = await _raise_for(error_reply(404, "RESOURCE_NOT_FOUND", "Job not found"))
    last = traceback.format_exception(type(error), error, None)[-1]
    assert last.startswith("instaview_async.NotFoundError: 404 RESOURCE_NOT_FOUND")
