"""Optional httpx transports: plug one into ``AsyncClient(transport=...)``.

Each lives in its own module and needs its own extra, so importing the SDK never imports them:
``from instaview_async.transports.aiohttp import AiohttpTransport`` (extra ``aiohttp``).
"""
