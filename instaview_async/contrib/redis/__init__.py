"""Redis integrations for running many workers on one API key (extra ``redis``).

- `RedisBudget`: the key's rate-limit budget shared by every process that uses it, plugged in
  as ``AsyncClient(rate_limit=RateLimitPolicy(budget=RedisBudget("redis://...")))``.
- `RedisJournal`: the journal of done rows of a bulk import, shared by all its workers.

Both need redis-py's asyncio client, so asyncio only: under trio, constructing or using them
raises `InstaViewError`.
"""

from ._budget import RedisBudget
from ._journal import RedisJournal

__all__ = ["RedisBudget", "RedisJournal"]
