"""The package's one cattrs converter: camelCase on the wire, snake_case in Python.

Every hook is registered here, in `_configure`, and applied to two converters: a fast one used on
every response, and a detailed one used only after the fast one failed, to name the JSON path that
did not match (`describe_failure`). Users never touch either.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

__all__ = ["converter", "describe_failure", "parse_datetime", "to_camel", "wire_name"]

T = TypeVar("T")


def to_camel(name: str) -> str:
    """Return the camelCase wire spelling of a snake_case attribute name."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire_name(field: attrs.Attribute[Any]) -> str:
    """Return a field's wire name: ``metadata={"wire": ...}`` when set, else its camelCase form."""
    return str(field.metadata.get("wire") or to_camel(field.name))


def parse_datetime(value: Any) -> datetime:
    """Parse an ISO 8601 string (``Z`` allowed) or a Unix timestamp into an aware datetime."""
    if isinstance(value, str):  # first: what the API sends, on every model (a hot path)
        text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        parsed = datetime.fromisoformat(text)
    elif isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    else:
        raise TypeError(f"expected an ISO 8601 timestamp, got {type(value).__name__}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _parse_date(value: Any, _: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 date, got {type(value).__name__}")
    return date.fromisoformat(value[:10])


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _enum_in_open_union(tp: Any) -> type[Enum] | None:
    """Return E for ``E | str`` (optionally ``| None``): an enum that keeps unknown values."""
    if not _is_union(tp):
        return None
    args = [a for a in get_args(tp) if a is not type(None)]
    enums = [a for a in args if isinstance(a, type) and issubclass(a, Enum)]
    if len(enums) == 1 and str in args and len(args) == 2:
        return enums[0]
    return None


def _open_enum_hook(tp: Any) -> Callable[[Any, Any], Any]:
    enum = _enum_in_open_union(tp)
    assert enum is not None
    members = enum._value2member_map_
    optional = type(None) in get_args(tp)

    def structure(value: Any, _: Any) -> Any:
        if value is None and optional:
            return None
        member = members.get(value)
        if member is not None:
            return member
        try:  # the slow path consults the enum's own `_missing_` (other spellings, numbers)
            return enum(value)
        except ValueError:
            if isinstance(value, str):
                return value  # forward compatible: a value this SDK does not know yet
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)  # a new numeric code, kept in the field's str form
            raise

    return structure


def _is_optional_datetime(tp: Any) -> bool:
    return _is_union(tp) and set(get_args(tp)) == {datetime, type(None)}


def _optional_datetime(value: Any, _: Any) -> datetime | None:
    # The API sends "" for the timestamps of unsaved previews (POST /jobs/url, createJob=false).
    return None if value is None or value == "" else parse_datetime(value)


def _is_homogeneous_tuple(tp: Any) -> bool:
    args = get_args(tp)
    return get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(tp: Any) -> Callable[[Any, Any], Any]:
        inner = get_args(tp)[0]
        hook = conv.get_structure_hook(inner)
        if hook == conv._structure_call:  # str, int, ...: call the type itself, as cattrs does
            call = inner

            def structure_plain(value: Any, _: Any) -> tuple[Any, ...]:
                if type(value) is list:  # what json.loads gives: skip the ABC check below
                    return tuple(map(call, value))
                if value is None:
                    return ()
                if isinstance(value, (str, bytes, Mapping)):
                    raise TypeError(f"expected a list, got {type(value).__name__}")
                return tuple(map(call, value))

            return structure_plain

        def structure(value: Any, _: Any) -> tuple[Any, ...]:
            if type(value) is list:  # what json.loads gives: isinstance(.., Mapping) is slow
                return tuple([hook(item, inner) for item in value])
            if value is None:  # the API sends null for an empty list now and then
                return ()
            if isinstance(value, (str, bytes, Mapping)):
                raise TypeError(f"expected a list, got {type(value).__name__}")
            return tuple([hook(item, inner) for item in value])

        return structure

    return factory


def _is_plain_optional(tp: Any) -> bool:
    args = get_args(tp)
    return _is_union(tp) and len(args) == 2 and type(None) in args


def _optional_hook_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """``X | None`` with X's hook looked up once, when the model's hook is generated.

    Why: cattrs' own ``_structure_optional`` dispatches on X again for every value it decodes,
    and most model fields are optional; this made up a third of the time of decoding a Job.
    Same result: ``None`` stays ``None``, anything else goes through X's hook.
    """

    def factory(tp: Any) -> Callable[[Any, Any], Any]:
        inner = next(a for a in get_args(tp) if a is not type(None))
        hook = conv.get_structure_hook(inner)
        if hook == conv._structure_call:  # str, int, float, bool: call the type, as cattrs does
            call = inner
            return lambda value, _: None if value is None else call(value)
        return lambda value, _: None if value is None else hook(value, inner)

    return factory


def _attrs_origin(tp: Any) -> type[Any] | None:
    origin = get_origin(tp) or tp
    return origin if isinstance(origin, type) and attrs.has(origin) else None


def _configure(conv: cattrs.Converter) -> None:
    def structure_factory(cls: Any) -> Any:
        origin = _attrs_origin(cls)
        assert origin is not None
        renames = {f.name: override(rename=wire_name(f)) for f in attrs.fields(origin)}
        return make_dict_structure_fn(cls, conv, **renames)  # type: ignore[arg-type]

    def unstructure_factory(cls: Any) -> Any:
        origin = _attrs_origin(cls)
        assert origin is not None
        renames = {
            f.name: override(rename=wire_name(f), omit_if_default=True)
            for f in attrs.fields(origin)
        }
        return make_dict_unstructure_fn(cls, conv, **renames)  # type: ignore[arg-type]

    conv.register_structure_hook_factory(lambda t: _attrs_origin(t) is not None, structure_factory)
    conv.register_unstructure_hook_factory(
        lambda t: _attrs_origin(t) is not None, unstructure_factory
    )
    conv.register_structure_hook_factory(
        lambda t: _enum_in_open_union(t) is not None, _open_enum_hook
    )
    if not conv.detailed_validation:  # the detailed converter keeps cattrs' indexed paths
        conv.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook_factory(conv))
        # Before the optional-datetime hook below, which must keep precedence (later wins).
        conv.register_structure_hook_factory(_is_plain_optional, _optional_hook_factory(conv))
    conv.register_structure_hook_func(_is_optional_datetime, _optional_datetime)
    conv.register_structure_hook(datetime, lambda v, _: parse_datetime(v))
    conv.register_structure_hook(date, _parse_date)
    conv.register_unstructure_hook_func(_is_enum, lambda v: v.value)
    conv.register_unstructure_hook_func(
        lambda t: _enum_in_open_union(t) is not None,
        lambda v: v.value if isinstance(v, Enum) else v,
    )
    conv.register_unstructure_hook(datetime, lambda v: v.isoformat())
    conv.register_unstructure_hook(date, lambda v: v.isoformat())
    # A predicate, not register_structure_hook(Any, ...): singledispatch refuses Any on 3.10.
    conv.register_structure_hook_func(lambda t: t is typing.Any, lambda v, _: v)
    conv.register_structure_hook_func(_is_json_object, lambda v, _: _mapping(v))


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum)


def _is_json_object(tp: Any) -> bool:
    return tp in (Mapping[str, Any], dict[str, Any])


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return dict(value)


converter = cattrs.Converter(detailed_validation=False)
_detailed = cattrs.Converter(detailed_validation=True)
_configure(converter)
_configure(_detailed)


_WIRE_PATH = re.compile(r"\.([a-z0-9]+(?:_[a-z0-9]+)+)")


def _camel_segment(match: re.Match[str]) -> str:
    return "." + to_camel(match.group(1))


def describe_failure(data: Any, cl: Any) -> str:
    """Re-run a failed structuring with paths on, and say which JSON paths did not match."""
    try:
        _detailed.structure(data, cl)
    except Exception as exc:  # any cattrs/ValueError/TypeError: we only want its text
        if isinstance(exc, cattrs.BaseValidationError):
            messages = cattrs.transform_error(exc, path="$")
            return "; ".join(
                _WIRE_PATH.sub(lambda m: "." + to_camel(m.group(1)), msg) for msg in messages
            )
        return f"{type(exc).__name__}: {exc}"
    return "the data did not match the expected model"
