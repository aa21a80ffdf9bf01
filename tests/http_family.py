"""The HTTP family the suite runs on: ``$INSTAVIEW_HTTP_BACKEND``, httpx (default) or httpx2.

Test modules import ``from tests.http_family import httpx``, so the same tests build their
MockTransports, replies and expected errors in the chosen family. The SDK reads the same
variable for every client a test makes without a transport of its own (sockets, the fake), and
takes the family of the MockTransport otherwise: one variable runs the whole suite on httpx2.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

NAME = os.environ.get("INSTAVIEW_HTTP_BACKEND", "").strip() or "httpx"
CORE = {"httpx": "httpcore", "httpx2": "httpcore2"}[NAME]
LOGGERS = (NAME, CORE)
"""The names of the family's loggers: ``("httpx", "httpcore")`` or ``("httpx2", "httpcore2")``."""

httpx: ModuleType = importlib.import_module(NAME)
