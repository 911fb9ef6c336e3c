"""Owncast's admin API (``/api/admin/*``, HTTP Basic) and serve's integration routes (bearer tokens).

The routes of capabilities serve owns live here, one module per area; the chat moderation,
access-token and chat integration routes belong to the chat daemon (``owncast_cli.chat.routes``)
and reach it through :mod:`owncast_cli.serve.mounts`. :func:`register` wires the guard
(:mod:`owncast_cli.adminauth`) and every module into serve's app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services


def register(app: QuartTrio, svc: Services) -> None:
    from quart import g

    from owncast_cli import adminauth
    from owncast_cli.serve.admin import (
        config_setters,
        dashboard_support,
        doctor,
        federation,
        integrations,
        logs,
        metrics,
        prometheus,
        schedule,
        status,
        uploads,
        webhooks,
    )

    adminauth.install(
        app, svc.ctx.db,
        client_address=lambda: str(g.client_ip),
        scheme=lambda: g.forwarded_proto or "http",
        integration_scopes=integrations.scope_for,
    )
    logs.install_handler()
    for module in (status, config_setters, dashboard_support, doctor, integrations, logs, metrics, prometheus,
                   uploads, webhooks, federation, schedule):
        module.register(app, svc)
