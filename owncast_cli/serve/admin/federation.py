"""``/api/admin/yp/reset``: forget the directory registration key (the directory issues a new one
on the next ping). The followers routes belong to the federate daemon (serve/mounts.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from owncast_cli.serve.admin.common import ok
from owncast_cli.serve.admin.configure import set_values

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services


def register(app: QuartTrio, svc: Services) -> None:
    @app.route("/api/admin/yp/reset", methods=["GET", "POST"])
    async def admin_reset_yp() -> Any:
        # Owncast's spec says POST; its admin has used GET.
        await set_values(svc.ctx, {"directory_registration_key": ""})
        return ok("reset")
