"""Side-by-side benchmarks of the SDK against raw httpx, raw aiohttp, pydantic and msgspec.

Every figure is a ratio of two measurements taken in the same run, alternating round by round,
so that a noisy shared machine slows both sides alike. Run ``python -m benchmarks [--quick]``.
"""
