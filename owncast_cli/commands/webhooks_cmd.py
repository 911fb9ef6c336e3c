"""``owncast webhooks``: the outbound webhooks, their dead-letter list, replay and a test send."""

from __future__ import annotations

import json
import secrets
import sys
import time
from typing import Any

import rich_click as click

from owncast_cli.commands.common import open_db, write_and_push
from owncast_cli.commands.options import EXIT_USAGE, data_options, fail, json_option
from owncast_cli.settings import Settings


@click.group("webhooks")
def webhooks_command() -> None:
    """Outbound webhooks (delivered by `owncast notify`): list, add, failures, replay, test."""


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else "never"


@webhooks_command.command("list")
@data_options
@json_option
def list_command(settings: Settings, as_json: bool) -> None:
    """Every webhook: events, last use, last answer, deliveries pending, paused and why."""
    from owncast_cli.repos import deliveries, webhooks
    from owncast_cli.webhooks import mask

    db = open_db(settings)
    hooks, pending = webhooks.all_webhooks(db), deliveries.pending_counts(db)
    rows: list[dict[str, Any]] = [
        {"id": h.id, "url": h.url, "events": list(h.events), "secret": mask(h.secret), "lastUsed": h.last_used,
         "lastStatus": h.last_status, "pending": pending.get(h.id, 0), "pausedReason": h.paused_reason}
        for h in hooks]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = f"PAUSED ({row['pausedReason']})" if row["pausedReason"] else "active"
        click.echo(f"{row['id']}\t{row['url']}\t{','.join(row['events'])}\tlast used {_when(row['lastUsed'])}"
                   f"\tlast status {row['lastStatus'] or '-'}\t{row['pending']} pending\t{state}")


@webhooks_command.command("add")
@data_options
@click.argument("url")
@click.option("--event", "events", multiple=True, required=True,
              help="An Owncast event type to send (repeatable): CHAT, USER_JOINED, STREAM_STARTED...")
def add_command(settings: Settings, url: str, events: tuple[str, ...]) -> None:
    """Add a webhook; prints its id and its signing secret (shown only this once)."""
    from owncast_cli.bus.catalog import WebhooksChanged
    from owncast_cli.repos import webhooks
    from owncast_cli.webhooks import validate

    try:
        url, chosen, _ = validate({"url": url, "events": list(events)})
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    secret, made = secrets.token_hex(32), []
    db = open_db(settings)

    def work() -> list[WebhooksChanged]:
        made.append(webhooks.create(db, url, chosen, secret, time.time()).id)
        return [WebhooksChanged(made[0], "created")]

    write_and_push(db, settings, work)
    click.echo(f"{made[0]}\t{secret}")


@webhooks_command.command("failures")
@data_options
@json_option
@click.option("--webhook", "webhook_id", type=int, default=None, help="Only this webhook's failures.")
def failures_command(settings: Settings, as_json: bool, webhook_id: int | None) -> None:
    """The dead-letter list: deliveries refused for good or retried until the window closed."""
    from owncast_cli.repos import deliveries
    from owncast_cli.webhooks import failure_payload

    rows = [failure_payload(row) for row in deliveries.failures(open_db(settings), webhook_id)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']}\twebhook {row['webhookId']}\t{row['type']}\t{row['attempts']} attempts"
                   f"\t{row['lastStatus']}\t{row['lastAttempt']}")


@webhooks_command.command("replay")
@data_options
@click.argument("delivery_id", type=int)
def replay_command(settings: Settings, delivery_id: int) -> None:
    """Queue a failed delivery again (its webhook is resumed if it was paused)."""
    from owncast_cli.repos import deliveries

    db = open_db(settings)
    row = db.write(lambda: deliveries.replay(db, delivery_id, time.time()))
    if row is None:
        fail(f"no webhook delivery with id {delivery_id}: see `owncast webhooks failures`")
    click.echo(f"delivery {delivery_id} queued again for webhook {row.webhook_id}", err=True)


@webhooks_command.command("resume")
@data_options
@click.argument("webhook_id", type=int)
def resume_command(settings: Settings, webhook_id: int) -> None:
    """Deliver to a paused webhook again, starting with what is pending."""
    from owncast_cli.repos import webhooks

    db = open_db(settings)
    if not db.write(lambda: webhooks.resume(db, webhook_id)):
        fail(f"no webhook with id {webhook_id}: see `owncast webhooks list`")
    click.echo(f"webhook {webhook_id} resumed", err=True)


@webhooks_command.command("test")
@data_options
@click.argument("url")
@click.option("--secret", default="", help="Sign with this secret (the owncast-signature header).")
def test_command(settings: Settings, url: str, secret: str) -> None:
    """POST a signed PING event to URL now and print what it answered (exit 1 unless 2xx)."""
    import trio

    from owncast_cli.config import ConfigStore
    from owncast_cli.outbound.client import allowed_hosts
    from owncast_cli.webhooks.send import send_ping

    db = open_db(settings)
    config = ConfigStore(db).values()
    status, text, took = trio.run(lambda: send_ping(db, config, allowed_hosts(config), url, secret))
    click.echo(f"{url}: {text} in {took * 1000:.0f} ms")
    sys.exit(0 if status is not None and 200 <= status < 300 else 1)
