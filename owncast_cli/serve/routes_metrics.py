"""Players' playback reports: ``/api/metrics/playback`` (deprecated in Owncast) and the CMCD collector.

Owncast's webserver/handlers/playbackMetrics.go and cmcdCollector.go: a report answers 200 with
an empty body; a bad one 400 ``{"success": false, "message"}``. The collector is open to every
origin (players embedded elsewhere beacon to it) and answers its preflight with 204.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from quart import Response, g, request

from owncast_cli.serve import cmcd
from owncast_cli.serve.metrics import MetricsError, parse_report
from owncast_cli.serve.viewers import client_id
from owncast_cli.simpleresponse import fail

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services

TOO_LARGE: Final = "http: request body too large"
CORS: Final = {"Access-Control-Allow-Origin": "*"}
PREFLIGHT: Final = {
    **CORS,
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, CMCD-Request, CMCD-Object, CMCD-Status, CMCD-Session",
}


def _viewer() -> str:
    return client_id(g.client_ip, request.headers.get("User-Agent", ""))


def _with_cors(response: Response) -> Response:
    response.headers.update(CORS)
    return response


def register(app: QuartTrio, svc: Services) -> None:
    @app.post("/api/metrics/playback")
    async def post_playback_metrics() -> Any:
        try:
            body = await request.get_json(force=True, silent=True)
        except UnicodeDecodeError:  # Quart decodes the body as UTF-8 before `silent` applies
            body = None
        try:
            report = parse_report(body, _viewer())
        except MetricsError as exc:
            return fail(str(exc))
        svc.metrics.add(report)
        return Response("", status=200)

    @app.route("/api/metrics/cmcd", methods=["GET", "POST", "OPTIONS"])
    async def report_cmcd() -> Any:
        if request.method == "OPTIONS":
            return Response("", status=204, headers=PREFLIGHT)
        if (request.content_length or 0) > cmcd.MAX_BODY:
            response = _with_cors(fail(TOO_LARGE))  # Owncast's MaxBytesReader error, answered 400
            response.headers["Connection"] = "close"  # the unread body must not stall the next request
            return response
        data = await request.get_data(as_text=False) if request.method == "POST" else b""
        body = data.encode() if isinstance(data, str) else data
        if len(body) > cmcd.MAX_BODY:
            return _with_cors(fail(TOO_LARGE))
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            reports = cmcd.collector_reports(request.method, body, request.args.get("CMCD"), headers)
        except cmcd.CmcdError as exc:
            return _with_cors(fail(str(exc)))
        viewer = _viewer()
        reports = [keys for keys in reports if keys]
        if not reports:
            return _with_cors(fail("no CMCD report found in request"))
        for keys in reports:
            svc.metrics.add(cmcd.to_report(keys, viewer))
        return Response("", status=200, headers=CORS)
