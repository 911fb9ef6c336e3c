"""Validate JSON responses against Owncast's OpenAPI description (tests/data, MIT, from Owncast)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS31Validator

SPEC_PATH = Path(__file__).parent / "data" / "owncast-openapi.yaml"


@functools.lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text())


def response_schema(path: str, method: str = "get", status: int = 200) -> dict[str, Any]:
    """The schema of a documented response; ``path`` as served (``/api/status``)."""
    api_path = path.removeprefix("/api")
    operation = spec()["paths"][api_path][method.lower()]
    response = operation["responses"][str(status)]
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[1]
        response = spec()["components"]["responses"][name]
    return response["content"]["application/json"]["schema"]


def assert_valid(body: Any, path: str, method: str = "get", status: int = 200) -> None:
    schema = {**response_schema(path, method, status), "components": spec()["components"]}
    OAS31Validator(schema).validate(body)
