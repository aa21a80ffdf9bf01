"""Phone numbers: every company gets one outbound number; ``GET /phone-numbers`` lists them."""

from __future__ import annotations

from .._context import Context
from .._http import Reply
from .._routing import Route
from .._state import Row, Store
from ._common import timestamps

__all__ = ["ROUTES", "new_phone_number"]


def new_phone_number(store: Store, now: float, company_id: str) -> Row:
    """Store an AVAILABLE outbound number for a company."""
    pid = store.new_id()
    serial = len(store.phone_numbers.rows) + 1
    data = {
        "id": pid,
        "number": f"+42120000{serial:04d}",
        "companyId": company_id,
        "capabilities": "OUTBOUND",  # "outbound/inbound/both": one value, not a list
        "custom": False,
        "provider": "TWILIO",
        "status": "AVAILABLE",
        "numberType": "LOCAL",
        "location": "Bratislava, SK",
        **timestamps(now),
    }
    return store.phone_numbers.add(Row(pid, company_id, data))


def list_phone_numbers(ctx: Context) -> Reply:
    """``GET /phone-numbers``: the company's numbers (the docs name no scope; none is needed)."""
    return ctx.page(ctx.store.phone_numbers.live(ctx.company_id))


ROUTES = (Route("GET", "/phone-numbers", list_phone_numbers, ()),)
