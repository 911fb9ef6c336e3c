"""The strict copy of the OpenAPI file refuses what the published one lets through."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.openapi import spec
from tests.schema.deviations import UNDOCUMENTED, Undocumented
from tests.schema.strict import strict


def _schema(doc: dict[str, Any], path: str, method: str = "get", status: str = "200") -> dict[str, Any]:
    return doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def test_default_responses_are_gone() -> None:
    assert "default" in spec()["paths"]["/admin/status"]["get"]["responses"]
    assert "default" not in strict(spec())["paths"]["/admin/status"]["get"]["responses"]


def test_an_undocumented_field_is_refused_a_documented_one_kept() -> None:
    closed = Draft202012Validator(_schema(strict(spec()), "/admin/chat/users/setenabled", "post"))
    assert closed.is_valid({"success": False, "message": "must provide userId and enabled state"})
    assert not closed.is_valid({"error": "anything"})
    loose = {**_schema(spec(), "/admin/chat/users/setenabled", "post"), "components": spec()["components"]}
    assert Draft202012Validator(loose).is_valid({"error": "anything"})  # the published file lets it through


def test_composed_schemas_are_closed_as_a_whole() -> None:
    doc = {"paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
        "allOf": [{"type": "object", "properties": {"a": {}}}, {"type": "object", "properties": {"b": {}}}]}}}}}}}}}
    checker = Draft202012Validator(_schema(strict(doc), "/x"))
    assert checker.is_valid({"a": 1, "b": 2}) and not checker.is_valid({"a": 1, "c": 3})


def test_undocumented_fields_are_let_through_by_name_only() -> None:
    allowed = {"GET /config 200": UNDOCUMENTED["GET /config 200"],
               "GET /admin/chat/clients 200": Undocumented({"items.id": {"type": "integer"}}, "test")}
    doc = strict(spec(), allowed)
    config = Draft202012Validator(_schema(doc, "/config"))
    assert config.is_valid({"chatSpamProtectionDisabled": True})
    assert not config.is_valid({"chatSpamProtectionDisabled": "yes"}) and not config.is_valid({"other": 1})
    clients = Draft202012Validator(_schema(doc, "/admin/chat/clients"))
    assert clients.is_valid([{"id": 3, "messageCount": 1}]) and not clients.is_valid([{"ipAddress": "x"}])
