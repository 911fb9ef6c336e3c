"""Owncast's OpenAPI file made strict for checking answers: documented status codes and fields only.

Two loopholes of the file as published are closed, on a copy used only to judge responses:

- ``default`` responses: most operations list one ("Unexpected error", any status), so an
  answer with a status Owncast never gives (404, 405, 500...) would pass. They are dropped:
  every status must be listed by code.
- Open objects: no response schema says ``additionalProperties: false``, so an answer with
  fields Owncast does not send (``{"error": ...}`` where Owncast answers
  ``{"success", "message"}``) would pass. Every object of every response schema gets
  ``unevaluatedProperties: false`` (JSON Schema 2020-12, the dialect of OpenAPI 3.1, so it
  also holds across ``allOf``/``anyOf``/``oneOf``).

Request schemas are left alone: Owncast ignores unknown request fields, so schemathesis must
keep sending them as valid data. Where Owncast itself answers outside its file, the operation is
excused in :mod:`tests.schema.deviations` with the reason.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

_COMPOSED = ("allOf", "anyOf", "oneOf")


def _resolve(node: Any, spec: dict[str, Any]) -> Any:
    """``node`` with every ``$ref`` replaced by a copy of its target (the file has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolve(copy.deepcopy(target), spec)
        return {key: _resolve(value, spec) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(value, spec) for value in node]
    return node


def _close(schema: Any, *, member: bool = False) -> None:
    """Forbid undocumented fields in every object of ``schema``, in place.

    ``member``: the schema is one branch of a composition; its parent closes the whole (a branch
    closed on its own would refuse its siblings' fields).
    """
    if isinstance(schema, list):
        for item in schema:
            _close(item)
        return
    if not isinstance(schema, dict):
        return
    is_object = "properties" in schema or any(key in schema for key in _COMPOSED)
    open_ended = "additionalProperties" in schema or "patternProperties" in schema
    if is_object and not member and not open_ended and "unevaluatedProperties" not in schema:
        schema["unevaluatedProperties"] = False
    for key, value in schema.items():
        if key in _COMPOSED:
            for branch in value:
                _close(branch, member=True)
        elif key == "properties":
            for prop in value.values():
                _close(prop)
        elif key in ("items", "additionalProperties", "not", "prefixItems"):
            _close(value)


def _allow(schema: dict[str, Any], dotted: str, extra: dict[str, Any]) -> None:
    """Let the object at ``dotted`` (``a.b.field``; ``items`` steps into an array) carry ``field``."""
    *path, field = dotted.split(".")
    for name in path:
        schema = schema["items"] if name == "items" else schema["properties"][name]
    properties = schema.setdefault("properties", {})
    properties[field] = {"anyOf": [properties[field], extra]} if field in properties else extra


def strict(spec: dict[str, Any], undocumented: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A copy of ``spec`` whose responses allow only documented status codes and fields, and the
    fields ``undocumented`` names ("METHOD path status" -> object with ``.fields``)."""
    spec = copy.deepcopy(spec)
    for path, path_item in spec["paths"].items():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            responses.pop("default", None)
            for status, response in list(responses.items()):
                response = _resolve(response, spec)
                allowed = (undocumented or {}).get(f"{method.upper()} {path} {status}")
                for media in response.get("content", {}).values():
                    if "schema" in media:
                        for dotted, extra in (allowed.fields.items() if allowed else ()):
                            _allow(media["schema"], dotted, extra)
                        _close(media["schema"])
                responses[status] = response
    return spec
