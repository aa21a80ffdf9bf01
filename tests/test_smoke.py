"""The package imports and exports what it promises."""

from __future__ import annotations

import instaview_async


def test_every_exported_name_exists() -> None:
    """Every name in __all__ is importable from the package."""
    for name in instaview_async.__all__:
        assert hasattr(instaview_async, name), name
