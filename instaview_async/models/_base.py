"""What every wire model shares: string enums, and `secret` fields that a repr never shows."""

from __future__ import annotations

import enum
from typing import Any, Final

import attrs

__all__ = ["SECRET", "WireEnum", "is_secret", "secret"]

SECRET: Final = "instaview_async.secret"
"""The field metadata key that marks a credential (see `secret`)."""

REDACTED: Final = "'***'"


class WireEnum(str, enum.Enum):
    """An enum of the API's strings; fields typed ``SomeEnum | str`` keep unknown values."""

    def __str__(self) -> str:
        return str(self.value)


def secret(*, default: Any = None) -> Any:
    """A field that holds a credential: ``'***'`` in ``repr``/``str``, readable as an attribute.

    Use it for every signing secret, token, password, key or header value a model carries, so
    that logging or printing the model never leaks one; ``tests/test_secrets_in_models.py``
    walks every model class and fails on a field whose name says credential without it.
    """
    return attrs.field(default=default, repr=_redacted, metadata={SECRET: True})


def is_secret(field: attrs.Attribute[Any]) -> bool:
    """True for a field declared with `secret`."""
    return bool(field.metadata.get(SECRET))


def _redacted(value: object) -> str:
    # None stays visible: "no secret here" is not a secret, and it tells the create reply
    # (which carries the signing secret once) from the others.
    return "None" if value is None else REDACTED
