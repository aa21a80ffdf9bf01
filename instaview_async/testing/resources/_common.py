"""Helpers the resource handlers share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._http import iso
from .._state import Row

__all__ = ["patch", "soft_delete", "timestamps"]


def timestamps(now: float) -> dict[str, str]:
    """``createdAt`` and ``updatedAt`` for a new resource."""
    stamp = iso(now)
    return {"createdAt": stamp, "updatedAt": stamp}


def patch(row: Row, fields: Mapping[str, Any], now: float) -> None:
    """Apply a partial update: given fields replace, others stay; ``updatedAt`` moves."""
    row.data.update(fields)
    row.data["updatedAt"] = iso(now)


def soft_delete(row: Row, now: float) -> None:
    """Hide a row from get and list; it stays stored for ``fake.<resource>.deleted``."""
    row.deleted_at = now
