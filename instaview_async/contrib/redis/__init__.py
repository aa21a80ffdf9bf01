"""Redis integrations for running many workers on one API key (extra ``redis``).

- `RedisBudget`: the key's rate-limit budget shared by every process that uses it, plugged in
  as ``AsyncClient(rate_limit=RateLimitPolicy(budget=RedisBudget("redis://...")))``.

Needs redis-py's asyncio client, so asyncio only: under trio, constructing or using these
raises `InstaViewError`.
"""

from ._budget import RedisBudget

__all__ = ["RedisBudget"]
