"""Where Owncast's real behaviour differs from its own OpenAPI file, and we follow the behaviour.

Each entry of :data:`DEVIATIONS` names the operation, the schemathesis checks it is excused from,
and why (the Go code read in owncast/owncast). Everything else about the operation is still
checked. Responses are judged strictly (:mod:`tests.schema.strict`: listed status codes only, no
undocumented field); :data:`UNDOCUMENTED` names each field an answer may carry beyond the file,
with the reason: Owncast sends it (its Go source, read), or it is our addition (said so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
    status_code_conformance,
)


@dataclass(frozen=True)
class Deviation:
    checks: tuple[Callable[..., Any], ...]
    reason: str = ""


_PROMETHEUS = Deviation(
    (status_code_conformance,),
    "the spec lists no responses; Owncast routes every method to promhttp.Handler() behind "
    "RequireAdminAuth (webserver/router.go): 200 text/plain metrics, 401 without credentials",
)

_PAGINATION = Deviation(
    (positive_data_acceptance, negative_data_rejection),
    "the spec's offset/limit are unbounded integers; Owncast's HandlePagination parses them with "
    "strconv.Atoi, which refuses values outside int64 (400), and takes an empty value as the "
    "default (200), as here. Negative ones are taken (tests/serve/test_api.py checks each case)",
)

DEVIATIONS: dict[str, Deviation] = {
    "GET /followers": _PAGINATION,
    "GET /admin/followers": _PAGINATION,
    "GET /admin/federation/actions": _PAGINATION,
    "GET /admin/viewersOverTime": Deviation(
        (positive_data_acceptance,),
        "the spec types windowStart as any string; Owncast's GetViewersOverTime parses it with "
        "strconv.Atoi and answers 400 when that fails, as here (a missing one is the last day here)",
    ),
    "POST /metrics/playback": Deviation(
        (negative_data_rejection,),
        "the spec types each field as a number, yet Owncast's ReportPlaybackMetrics decodes them into "
        "float64 with encoding/json, which takes null as 'leave it 0' without an error, and the "
        "handler ignores zero values: a null is accepted (200), as here; other wrong types are 400",
    ),
    "GET /metrics/cmcd": Deviation(
        (positive_data_acceptance, negative_data_rejection),
        "the spec makes the CMCD parameter optional and any string; Owncast's ReportCmcd answers 400 "
        "\"no CMCD report found in request\" when the request carries no CMCD key at all, and takes "
        "any other string as a dictionary payload (tests/serve/test_cmcd.py)",
    ),
    "POST /metrics/cmcd": Deviation(
        (positive_data_acceptance, negative_data_rejection),
        "the spec types the body as a report or an array of them with typed keys; Owncast's "
        "parseCmcdReports decodes any JSON, skips array entries that are not objects, ignores keys of "
        "the wrong type, and answers 400 only when no non-empty report is left (an empty object or "
        "array), as here (tests/serve/test_cmcd.py)",
    ),
    "GET /admin/users": Deviation(
        (negative_data_rejection,),
        "Owncast's GetUsers ignores an offset or limit strconv.Atoi cannot parse and takes 50 for a "
        "limit <= 0, so any value is a 200, as here (a page holds at most 1000 users here)",
    ),
    "POST /chat/register": Deviation(
        (negative_data_rejection,),
        "Owncast's RegisterAnonymousChatUser (controllers/chat.go) ignores a body encoding/json "
        "cannot decode (\"this is fine. register a new user anyway\"): a displayName that is not "
        "a string, a list, or bytes that are not UTF-8 register a user with a generated name (200)",
    ),
    "POST /integrations/chat/user": Deviation(
        (status_code_conformance,),
        "the spec lists only 400 (the route is retired); Owncast's SendUserMessage still sits behind "
        "RequireExternalAPIAccessToken (it takes the ExternalAPIUser), so a missing or wrong-scope "
        "token gets 401 first",
    ),
    **{f"{method} /admin/prometheus": _PROMETHEUS for method in ("GET", "POST", "PUT", "DELETE", "OPTIONS")},
}


@dataclass(frozen=True)
class Undocumented:
    """Fields a response may carry beyond Owncast's file: ``"a.b"`` (a field of object ``a``) ->
    its schema, merged into the strict response schema (``anyOf`` with a documented one)."""

    fields: dict[str, dict[str, Any]]
    reason: str


_ERROR = {"error": {"type": "string"}}
_BAD_REQUEST_HANDLER = ("Owncast's BadRequestHandler (webserver/utils/responses.go) answers 400 with "
                        "{\"error\": ...}, not the BaseAPIResponse its file documents")

#: "METHOD path status" -> the fields beyond the file an answer may carry.
UNDOCUMENTED: dict[str, Undocumented] = {
    "GET /admin/serverconfig 200": Undocumented(
        {"chatSpamProtectionEnabled": {"type": "boolean"}, "chatSlurFilterEnabled": {"type": "boolean"},
         "chatRequireAuthentication": {"type": "boolean"}, "styleContributors": {"type": "array"},
         "videoSettings.videoQualityVariants.items.encoderPreset": {"type": "string"},
         "schedule": {"type": "object"}},
        "serverConfigAdminResponse (webserver/handlers/admin/serverConfig.go) has these fields "
        "(schedule: scheduleAdminConfigResponse, ours adds its other settings); each variant is a "
        "models.StreamOutputVariant, whose encoderPreset the file leaves out"),
    "GET /yp 200": Undocumented(
        {"lastConnectTime": {"type": "null"}},
        "ypDetailsResponse's lastConnectTime is a utils.NullTime: null until the first stream"),
    "GET /config 200": Undocumented(
        {"chatSpamProtectionDisabled": {"type": "boolean"}, "schedule": {"type": "object"}},
        "webConfigResponse (webserver/handlers/config.go) has chatSpamProtectionDisabled; schedule "
        "is Owncast's scheduled-streams addition (develop branch), which its file does not list yet"),
    "GET /admin/status 200": Undocumented(
        {"broadcaster": {"type": "null"}, "currentBroadcast": {"type": "null"},
         "warnings": {"type": "array", "items": {"type": "string"}}},
        "adminStatusResponse's broadcaster and currentBroadcast are nil pointers (null) while offline "
        "(webserver/handlers/admin/status.go); warnings (default password or stream key) is ours"),
    "GET /integrations/status 200": Undocumented(
        {"overallMaxViewerCount": {"type": "integer"}, "sessionMaxViewerCount": {"type": "integer"}},
        "ExternalGetStatus writes core.GetStatus(), a models.Status (models/status.go), not /status's shape"),
    **{f"GET {path} 200": Undocumented(
        {"items.id": {"type": "integer"}, "items.ipAddress": {"type": "string"}},
        "ours: each chat client's id (for /integrations/chat/system/client/{clientId}) and address "
        "(for an IP ban); Owncast's Client struct keeps both out of its JSON")
       for path in ("/admin/chat/clients", "/integrations/clients")},
    "POST /admin/accesstokens/create 400": Undocumented(_ERROR, _BAD_REQUEST_HANDLER),
    "POST /admin/accesstokens/delete 400": Undocumented(_ERROR, _BAD_REQUEST_HANDLER),
    "POST /integrations/chat/send 400": Undocumented(_ERROR, _BAD_REQUEST_HANDLER),
    "POST /admin/webhooks/create 400": Undocumented(_ERROR, _BAD_REQUEST_HANDLER),
    "POST /integrations/chat/user 400": Undocumented(_ERROR, _BAD_REQUEST_HANDLER),
}
