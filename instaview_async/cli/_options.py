"""Option types for argparse: each bad value is one line naming what was typed."""

from __future__ import annotations

import argparse
import math
import re

from ._source import check_encoding

__all__ = [
    "concurrency",
    "encoding",
    "fraction",
    "glue_negative_shard",
    "port",
    "positive_int",
    "positive_seconds",
    "seconds",
    "shard",
]


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_int(text: str) -> int:
    """A whole number of at least 1."""
    value = _whole_number(text)
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


def positive_seconds(text: str) -> float:
    """A duration of more than 0 seconds."""
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 seconds")
    return value


def port(text: str) -> int:
    """A TCP port, 0 to 65535 (0: any free port)."""
    value = _whole_number(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535)")
    return value


def encoding(text: str) -> str:
    """A text encoding Python knows that keeps ASCII as ASCII (utf-8, cp1252, latin-1...)."""
    try:
        return check_encoding(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def shard(text: str) -> tuple[int, int]:
    """``I/N``: this worker's share of the rows, 0 <= I < N."""
    index, slash, count = text.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not I/N, e.g. 0/4") from None
    if not slash:
        raise argparse.ArgumentTypeError(f"{text!r} is not I/N, e.g. 0/4")
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: N (the number of workers) must be at least 1")
    if not 0 <= i < n:
        raise argparse.ArgumentTypeError(
            f"{text!r}: I must be from 0 to {n - 1} (N-1), e.g. 0/{n} ... {n - 1}/{n}"
        )
    return i, n


def glue_negative_shard(words: list[str]) -> list[str]:
    """``--shard -1/3`` as ``--shard=-1/3``, so that the value is judged, not taken for an option.

    argparse reads a word starting with '-' after an option as the next option ("expected one
    argument"), which hides what was wrong with the value.
    """
    glued: list[str] = []
    rest = iter(words)
    for word in rest:
        if word == "--shard":
            value = next(rest, None)
            if value is not None and re.fullmatch(r"-\d+/\S*", value):
                glued.append(f"--shard={value}")
                continue
            glued.extend([word] if value is None else [word, value])
            continue
        glued.append(word)
    return glued
