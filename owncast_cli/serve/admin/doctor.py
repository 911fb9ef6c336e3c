"""``GET /api/admin/doctor`` (the doctor's findings for the dashboard) and the doctor's token echo."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import trio
from quart import Response, g, jsonify, request

from owncast_cli import proxies
from owncast_cli.doctor import echo
from owncast_cli.repos import runtime
from owncast_cli.serve.admin.common import no_store

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services


def register(app: QuartTrio, svc: Services) -> None:
    db = svc.ctx.db
    # One run at a time: a second request waits for the first (the encode checks take the CPU).
    running = trio.Lock()

    @app.get("/api/admin/doctor")
    async def admin_doctor() -> Any:
        from owncast_cli.doctor import context
        from owncast_cli.doctor.runner import run_doctor

        only = [name for name in request.args.get("only", "").split(",") if name]
        async with running:
            probe = await trio.to_thread.run_sync(context.load, svc.ctx.settings, db)
            try:
                report = await run_doctor(probe, only)
            except ValueError as exc:
                response = jsonify({"error": str(exc)})
                response.status_code = 400
                return response
        # The CLI's field order (jsonify would sort the keys).
        return no_store(Response(json.dumps(report.to_json()), mimetype="application/json"))

    @app.get(echo.PATH)
    async def doctor_echo() -> Any:
        # 404 unless the token is one a doctor run stored a moment ago: nothing for anyone else.
        token = request.args.get("token", "")
        stored = await db.run(lambda: runtime.get(db, echo.KEY)) if token else None
        if not echo.matches(stored, token, time.time()):
            response = jsonify({"error": "Not Found"})
            response.status_code = 404
            return response
        client = request.scope.get("client") or ("", 0)
        peer = client[0] if client and isinstance(client[0], str) else ""
        return no_store(jsonify({
            "token": token, "peer": peer, "peerTrusted": proxies.peer_trusted(peer, svc.trusted()),
            "forwardedFor": request.headers.get("X-Forwarded-For", ""),
            "clientAddress": str(g.client_ip)}))

