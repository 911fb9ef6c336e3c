"""How a typed bus event is declared, encoded and decoded (the types are in ``catalog``).

Each event type is a frozen dataclass registered under its wire name. Fields are snake_case here
and camelCase on the wire (``stream_id`` is ``streamId``) unless their metadata names them
(``field(metadata=WIRE_TYPE)``); a field with ``OMIT_NONE`` metadata is left out while None.
Field order is wire order, so ``owncast events tail`` prints the JSON it printed when types were
string literals: the ``data`` object of the ``events`` table and of push datagrams is unchanged.

Versions: each type declares ``VERSION`` (1 for all today). It is not yet written with the event,
so a decoder cannot tell shapes apart by it: adding a field with a default is the only safe change
(older records still decode, older readers ignore the new key). A rename, removal or retyping must
first store the version in the log, because the log and durable subscribers outlive a release.
"""

from __future__ import annotations

import dataclasses
import logging
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, TypeVar

logger = logging.getLogger("owncast.bus")

#: A JSON object nested in an event (a chat user, stream details, a variant).
JsonObject = dict[str, Any]
E = TypeVar("E", bound="BusEvent")


class MalformedEvent(ValueError):
    """A stored or received event whose data does not match its type's fields."""


#: Field metadata: the field is ``type`` on the wire (Owncast's chat payloads carry one).
WIRE_TYPE: Final[Mapping[str, Any]] = {"wire": "type"}
#: Field metadata: left out of the wire object while None (as publishers did before types).
OMIT_NONE: Final[Mapping[str, Any]] = {"omit_none": True}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _checker(hint: Any) -> Callable[[Any], bool]:
    """A predicate for one JSON value of the annotated type (the shapes events use)."""
    if hint is Any:
        return lambda value: True
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = [_checker(arg) for arg in typing.get_args(hint)]
        return lambda value: any(check(value) for check in options)
    if hint is type(None):
        return lambda value: value is None
    if hint is float:
        return lambda value: isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if hint in (str, bool):
        return lambda value: isinstance(value, hint)
    if origin is list:
        (item,) = typing.get_args(hint)
        check_item = _checker(item)
        return lambda value: isinstance(value, list) and all(check_item(v) for v in value)
    if origin is dict:
        return lambda value: isinstance(value, dict)
    raise TypeError(f"event fields cannot have the type {hint!r}")


@dataclass(frozen=True)
class _Field:
    attr: str
    wire: str
    omit_none: bool
    required: bool
    check: Callable[[Any], bool]


@dataclass(frozen=True)
class BusEvent:
    """The base of every event type: subclasses are frozen dataclasses under :func:`event_type`."""

    TYPE: ClassVar[str]
    VERSION: ClassVar[int]
    #: The daemons (or ``cli``) that publish it: who to read when its meaning is in doubt.
    PUBLISHERS: ClassVar[tuple[str, ...]]
    _FIELDS: ClassVar[tuple[_Field, ...]]

    def to_data(self) -> JsonObject:
        """The wire object: camelCase keys in field order."""
        data: JsonObject = {}
        for f in self._FIELDS:
            value = getattr(self, f.attr)
            if value is None and f.omit_none:
                continue
            data[f.wire] = value
        return data

    @classmethod
    def from_data(cls: type[E], data: Mapping[str, Any]) -> E:
        """Build from a wire object; unknown keys are ignored (a newer publisher's additions).

        Raises:
            MalformedEvent: a required field is missing or a value has the wrong type.
        """
        if not isinstance(data, Mapping):
            raise MalformedEvent(f"{cls.TYPE}: data is {type(data).__name__}, not an object")
        values: dict[str, Any] = {}
        for f in cls._FIELDS:
            if f.wire not in data:
                if f.required:
                    raise MalformedEvent(f"{cls.TYPE}: {f.wire} is missing")
                if f.omit_none:
                    values[f.attr] = None
                continue
            value = data[f.wire]
            if not f.check(value):
                raise MalformedEvent(f"{cls.TYPE}: {f.wire} has the wrong type ({value!r:.60})")
            values[f.attr] = value
        return cls(**values)


#: Every event type by its wire name.
TYPES: dict[str, type[BusEvent]] = {}


def event_type(name: str, *, version: int = 1, publishers: tuple[str, ...]) -> Callable[[type[E]], type[E]]:
    """Register a frozen dataclass as the event type ``name``."""

    def register(cls: type[E]) -> type[E]:
        if name in TYPES:
            raise ValueError(f"event type {name} is defined twice")
        hints = typing.get_type_hints(cls)
        fields = []
        for f in dataclasses.fields(cls):
            wire_name = f.metadata.get("wire") or _camel(f.name)
            omit_none = bool(f.metadata.get("omit_none"))
            # A field left out while None reads as None when absent.
            required = not omit_none and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            fields.append(_Field(f.name, wire_name, omit_none, required,
                                 _checker(hints[f.name])))
        cls.TYPE, cls.VERSION, cls.PUBLISHERS, cls._FIELDS = name, version, publishers, tuple(fields)
        TYPES[name] = cls
        return cls

    return register


def encode(event: BusEvent) -> tuple[str, JsonObject]:
    """The (type name, data object) pair the log stores."""
    return event.TYPE, event.to_data()


def decode(type_name: str, data: Any, *, event_id: int = 0) -> BusEvent | None:
    """The typed event, or None (logged) when its type is unknown or its data malformed.

    A subscriber skips what it cannot read rather than crash: a record from a newer release or
    a damaged row must not stop the events after it.
    """
    cls = TYPES.get(type_name)
    if cls is None:
        logger.warning("skipped bus event %d of unknown type %r", event_id, type_name)
        return None
    try:
        return cls.from_data(data)
    except MalformedEvent as exc:
        logger.warning("skipped malformed bus event %d: %s", event_id, exc)
        return None
