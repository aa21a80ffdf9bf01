"""Runnable examples of instaview-async in FastAPI, aiohttp, anyio and trio programs."""
