"""Optional integrations, each in its own module with its own extra; none is imported here.

- `instaview_async.contrib.otel`: OpenTelemetry tracing (extra ``otel``).
- `instaview_async.contrib.redis`: a rate-limit budget shared by processes (extra ``redis``).
"""
