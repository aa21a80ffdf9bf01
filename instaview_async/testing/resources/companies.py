"""Companies: list, get, create (ATS keys only), update (metadata merged). No delete."""

from __future__ import annotations

from typing import Any

from .._context import Context
from .._http import Reply, access_denied, not_found
from .._routing import Route
from .._state import Row, Store
from .._validation import Field, check_body, email, metadata, string
from ._common import patch, timestamps
from .phone_numbers import new_phone_number

__all__ = ["ROUTES", "new_company"]

_GUIDE_FIELDS = ("website", "industry", "size", "location", "settings")


def _fields() -> tuple[Field, ...]:
    return (
        Field("name", "string", string(2, 100), required=True),
        Field("description", "string", string(1, 1000)),
        Field("metadata", "object", metadata()),
        Field("ownerEmail", "string (email)", lambda v: string(0, 254)(v) or email()(v)),
        # The companies guide's older shape; accepted because the docs show both.
        Field("website", "string", string(0, 2048)),
        Field("industry", "string", string(0, 255)),
        Field("size", "string", string(0, 50)),
        Field("location", "object", _object),
        Field("settings", "object", _object),
    )


def _object(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be an object"


def new_company(
    store: Store, now: float, body: dict[str, Any], company_id: str | None = None
) -> Row:
    """Store a company (with one phone number, so PHONE agents can be created for it)."""
    cid = company_id or store.new_id()
    data = {
        "id": cid,
        "name": body.get("name") or f"Company {len(store.companies.rows) + 1}",
        "description": body.get("description"),
        "ownerEmail": body.get("ownerEmail"),
        "metadata": body.get("metadata") or {},
        **{k: v for k, v in body.items() if k in _GUIDE_FIELDS},
        **timestamps(now),
    }
    row = store.companies.add(Row(cid, cid, data))
    new_phone_number(store, now, cid)
    return row


def _load(ctx: Context) -> Row:
    company_id = ctx.params["id"]
    row = ctx.store.companies.get(company_id)
    if row is None:
        raise not_found("Company", company_id)
    if not ctx.key.can_access(company_id):
        raise access_denied("Access denied to this company")
    return row


def list_companies(ctx: Context) -> Reply:
    """``GET /company``: a regular key's own company; an ATS key's created companies."""
    rows = [ctx.store.companies.rows[c] for c in ctx.key.companies()]
    return ctx.page(rows)


def get_company(ctx: Context) -> Reply:
    """``GET /company/{id}``."""
    return Reply(_load(ctx).data)


def create_company(ctx: Context) -> Reply:
    """``POST /company``: ATS keys only (regular keys get 403); the key then manages it."""
    if not ctx.key.ats:
        raise access_denied("Only ATS integration API keys can create companies")
    body = check_body(ctx.json(), _fields())
    row = new_company(ctx.store, ctx.now, body)
    ctx.key.managed.add(row.id)
    return Reply(row.data, 201)


def update_company(ctx: Context) -> Reply:
    """``PATCH /company/{id}``: partial; ``metadata`` is merged into the existing metadata."""
    row = _load(ctx)
    body = check_body(ctx.json(), _fields(), partial=True)
    if isinstance(body.get("metadata"), dict):
        body["metadata"] = {**row.data.get("metadata", {}), **body["metadata"]}
    patch(row, body, ctx.now)
    return Reply(row.data)


ROUTES = (
    Route("GET", "/company", list_companies, ("read:companies",), company=False),
    Route("POST", "/company", create_company, ("write:companies",), company=False),
    Route("GET", "/company/{id}", get_company, ("read:companies",), company=False),
    Route("PATCH", "/company/{id}", update_company, ("write:companies",), company=False),
)
