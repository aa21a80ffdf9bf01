"""The shared rate-limit gate: every task of a client waits out a 429 once, together."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import anyio

from .._budget import Admission, Reply, SharedBudget, Tier
from .._error_mapping import retry_after_of
from .._exceptions import RateLimitError
from .._policies import RateLimitPolicy
from .._stats import ClientStats

if TYPE_CHECKING:
    from .._http import Headers, Request, Response
    from ._types import CallNext, RequestT, ResponseT

__all__ = ["RateLimit", "SharedBudget"]

logger = logging.getLogger("instaview_async")

_WINDOWS = ("minute", "hour")
_DEFAULT_WAIT = 1.0  # a 429 that names no wait at all


class RateLimit:
    """Closes a gate shared by all tasks when the key is out of budget, and resends after a 429.

    A 429 closes the gate for ``retryAfter`` (body, then ``Retry-After``, then the reset
    headers): tasks already waiting, and tasks arriving later, all sleep until it opens, instead
    of each hammering the API. With ``pace`` the ``X-RateLimit-Remaining-*`` headers are used to
    close the gate before the budget runs out, so a bulk job at full speed meets few 429s: when
    a spent window resets, one request probes the new window and the others wait for the budget
    its reply brings, instead of all rushing in at once. A wait longer than ``max_wait`` raises
    RateLimitError instead of sleeping.

    With ``policy.budget`` (a `SharedBudget`), each request takes its permit from the budget
    shared by every client on the key, addressed by ``scope`` (a fingerprint of the key, see
    `budget_scope`), and reports what the server said; while the budget is unreachable the
    in-process gate above decides, paced to this client's share of each window when the budget
    says how many share it (``peers``).
    """

    __slots__ = (
        "_blocked_until",
        "_budget",
        "_budget_reset",
        "_clock",
        "_in_flight",
        "_probe_done",
        "_scope",
        "_shared",
        "_sleep",
        "_stats",
        "_wall_clock",
        "policy",
    )

    def __init__(
        self,
        policy: RateLimitPolicy,
        *,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        stats: ClientStats | None = None,
        scope: str = "",
    ) -> None:
        self.policy = policy
        self._shared: SharedBudget | None = policy.budget
        self._scope = scope
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._stats = stats if stats is not None else ClientStats()
        self._blocked_until = 0.0
        self._budget: int | None = None
        self._budget_reset = 0.0
        self._in_flight = 0
        self._probe_done: anyio.Event | None = None

    @property
    def wait_time(self) -> float:
        """Seconds a request arriving now would wait before being sent."""
        now = self._clock()
        wait = self._blocked_until - now
        if self._budget is not None and self._budget <= 0:
            wait = max(wait, self._budget_reset - now)
        return max(0.0, wait)

    async def __call__(
        self, request: RequestT, call_next: CallNext[RequestT, ResponseT]
    ) -> ResponseT:
        """Wait for the gate, send, and on a 429 close the gate and send again."""
        if self._shared is not None:
            return await self._call_shared(self._shared, request, call_next)
        retries = 0
        while True:
            # While no 429 was ever seen and no budget is known (the usual case), there is
            # nothing to wait for: skip the coroutine and the clock read on every call.
            probe = False
            if self._blocked_until or self._budget is not None or self._probe_done is not None:
                probe = await self._wait_turn(request)
            try:
                self._in_flight += 1
                try:
                    response = await call_next(request)
                finally:
                    self._in_flight -= 1
                if self.policy.pace:
                    self._observe(response.headers)
                limited = response.status_code == 429
                if limited:
                    self._stats.rate_limited += 1
                    wait = self._close_gate(response)
            finally:
                if probe:  # its reply (or failure) is known: let the others decide
                    self._end_probe()
            if not limited:
                return response
            if retries >= self.policy.max_retries or wait > self.policy.max_wait:
                return response
            retries += 1

    async def _call_shared(
        self, budget: SharedBudget, request: RequestT, call_next: CallNext[RequestT, ResponseT]
    ) -> ResponseT:
        """`__call__` through a shared budget: its permits and waits, this gate's as fallback."""
        retries = 0
        while True:
            admission, probe = await self._shared_turn(budget, request)
            try:
                self._in_flight += 1
                try:
                    response = await call_next(request)
                finally:
                    self._in_flight -= 1
            except BaseException:
                if admission is not None:
                    # Bounded by the budget's own timeout; without it a probe would hold the
                    # other processes back until its lease ran out.
                    with anyio.CancelScope(shield=True):
                        await budget.report(self._scope, admission, None)
                raise
            finally:
                if probe:
                    self._end_probe()
            if self.policy.pace:
                self._observe(response.headers, _share(budget, self._scope))
            limited = response.status_code == 429
            wait = None
            if limited:
                self._stats.rate_limited += 1
                wait = self._close_gate(response)
            if admission is not None:
                await budget.report(self._scope, admission, self._reply(response, wait))
            if wait is None:
                return response
            if retries >= self.policy.max_retries or wait > self.policy.max_wait:
                return response
            retries += 1

    async def _shared_turn(
        self, budget: SharedBudget, request: Request
    ) -> tuple[Admission | None, bool]:
        """Wait for a permit of the shared budget, or for this gate when it is unreachable."""
        while True:
            admission = await budget.admit(self._scope)
            if admission is None:
                probe = False
                if self._blocked_until or self._budget is not None or self._probe_done is not None:
                    probe = await self._wait_turn(request)
                return None, probe
            if admission.wait <= 0:
                return admission, False
            await self._pause(admission.wait, request)

    async def _pause(self, wait: float, request: Request) -> None:
        if wait > self.policy.max_wait:
            raise RateLimitError(
                f"rate limit: {request.method} {request.url.path} would wait "
                f"{wait:.1f}s, more than max_wait={self.policy.max_wait}s",
                code="RATE_LIMIT_EXCEEDED",
                retry_after=wait,
            )
        self._stats.rate_limit_waits += 1
        self._stats.rate_limit_wait_seconds += wait
        logger.debug("rate limit: waiting %.2fs before %s", wait, request.url.path)
        await self._sleep(wait)

    def _reply(self, response: Response, retry_after: float | None) -> Reply:
        """What the shared budget needs from a reply: its windows and a 429's wait."""
        tiers: tuple[Tier, ...] = ()
        if self.policy.pace:
            tiers = _tiers(_rate_limit_headers(response.headers), self._wall_clock())
        return Reply(response.status_code, tiers, retry_after)

    async def _wait_turn(self, request: Request) -> bool:
        """Wait until the gate lets this request go; True if it goes as a new window's probe."""
        while True:
            while (wait := self.wait_time) > 0:
                await self._pause(wait, request)
            if self._probe_done is None:
                break
            await self._probe_done.wait()  # the new window's probe is out: its reply decides
        if self._budget is None:
            return False
        if self._budget > 0:
            self._budget -= 1
            return False
        # The spent window has reset and the new budget is unknown. Rather than every waiting
        # task rushing into the new window at once (and all but its budget meeting a 429),
        # this request goes alone and the others wait for the budget its reply brings.
        self._budget = None
        self._probe_done = anyio.Event()
        return True

    def _end_probe(self) -> None:
        # A probe that failed or brought no budget leaves it unknown: the others go unpaced.
        done, self._probe_done = self._probe_done, None
        if done is not None:
            done.set()

    def _close_gate(self, response: Response) -> float:
        try:
            body = json.loads(response.content) if response.content else None
        except (ValueError, UnicodeDecodeError):
            body = None
        wait = retry_after_of(response, body, self._wall_clock)
        wait = _DEFAULT_WAIT if wait is None else wait
        self._blocked_until = max(self._blocked_until, self._clock() + wait)
        logger.info("rate limited (429): gate closed for %.1fs", wait)
        return wait

    def _observe(self, headers: Headers, share: int = 1) -> None:
        """Take the tightest window's remaining budget, less the requests still in flight.

        ``share``: how many clients spend that budget (the shared budget's peers), of which
        this one takes its part; used only while the shared budget is unreachable.
        """
        found = _rate_limit_headers(headers)
        if not found:
            return
        budget: int | None = None
        reset_at = 0.0
        for window in _WINDOWS:
            remaining = found.get(f"x-ratelimit-remaining-{window}")
            reset = found.get(f"x-ratelimit-reset-{window}")
            if remaining is None or reset is None:
                continue
            try:
                left, reset_ts = int(remaining), float(reset)
            except ValueError:
                continue
            if not math.isfinite(reset_ts):  # "inf" would close the gate for good
                continue
            if budget is None or left < budget:
                budget = left
                reset_at = self._clock() + max(0.0, reset_ts - self._wall_clock())
        if budget is None:
            return
        # Requests in flight may not have been counted by the server yet: assume they were not.
        # With others sharing the key, each has about as many in flight: this one's part.
        self._budget = budget // share - self._in_flight
        self._budget_reset = reset_at


def _share(budget: SharedBudget, scope: str) -> int:
    """How many clients share ``scope``, if the budget says (its optional ``peers``)."""
    peers = getattr(budget, "peers", None)
    if peers is None:
        return 1
    try:
        return max(1, int(peers(scope)))
    except Exception:  # a budget's own bug must not fail the caller: it fails open
        return 1


def _tiers(found: dict[str, str], wall_now: float) -> tuple[Tier, ...]:
    """The windows a reply reported, skipping any whose headers are missing or malformed."""
    tiers: list[Tier] = []
    for window in _WINDOWS:
        try:
            remaining = int(found[f"x-ratelimit-remaining-{window}"])
            reset = float(found[f"x-ratelimit-reset-{window}"])
        except (KeyError, ValueError):
            continue
        if not math.isfinite(reset):
            continue
        try:
            limit: int | None = int(found[f"x-ratelimit-limit-{window}"])
        except (KeyError, ValueError):
            limit = None
        tiers.append(Tier(window, limit, remaining, reset, max(0.0, reset - wall_now)))
    return tuple(tiers)


def _rate_limit_headers(headers: Headers) -> dict[str, str]:
    """The ``x-ratelimit-*`` headers, repeated ones joined with ", " as ``headers.get`` does.

    Why one pass: each ``httpx.Headers.get`` scans every header, and this runs on every
    response; four lookups cost more than the rest of the middleware together.
    """
    for raw_key, _ in headers.raw:  # bytes, undecoded: the common "none at all" case is cheap
        if raw_key[:12].lower() == b"x-ratelimit-":
            break
    else:
        return {}
    found: dict[str, str] = {}
    for key, value in headers.multi_items():
        if key.startswith("x-ratelimit-"):
            found[key] = f"{found[key]}, {value}" if key in found else value
    return found
