"""What every wire model shares."""

from __future__ import annotations

import enum

__all__ = ["WireEnum"]


class WireEnum(str, enum.Enum):
    """An enum of the API's strings; fields typed ``SomeEnum | str`` keep unknown values."""

    def __str__(self) -> str:
        return str(self.value)
