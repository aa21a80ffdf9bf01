"""What every resource namespace shares."""

from __future__ import annotations

from .._client import _Namespace as Resource

__all__ = ["Resource"]
