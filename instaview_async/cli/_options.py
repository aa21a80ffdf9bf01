"""Option types for argparse: each bad value is one line naming what was typed."""

from __future__ import annotations

import argparse
import math

from ._source import check_encoding

__all__ = ["concurrency", "encoding", "fraction", "positive_int", "seconds"]


def positive_int(text: str) -> int:
    """A whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def concurrency(text: str) -> int:
    """Rows in flight at once: 1 to 256 (the API's rate limit caps speed long before that)."""
    value = positive_int(text)
    if value > 256:
        raise argparse.ArgumentTypeError(f"{text!r} is more than 256")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def fraction(text: str) -> float:
    """A share from 0 to 1."""
    value = _number(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 1")
    return value


def seconds(text: str) -> float:
    """A duration of 0 seconds or more."""
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def encoding(text: str) -> str:
    """A text encoding Python knows that keeps ASCII as ASCII (utf-8, cp1252, latin-1...)."""
    try:
        return check_encoding(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
