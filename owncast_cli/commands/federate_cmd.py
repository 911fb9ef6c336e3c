"""``owncast federate`` (the ActivityPub daemon, and posting) and ``owncast followers``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import rich_click as click

from owncast_cli.commands.common import open_db, write_and_push
from owncast_cli.commands.options import EXIT_USAGE, daemon_options, data_options, fail, json_option
from owncast_cli.daemons.registry import DAEMONS
from owncast_cli.settings import Settings


@click.group("federate", invoke_without_command=True,
             help=DAEMONS["federate"].help + " Without a subcommand, runs the federate daemon alone (one "
             "systemd unit); needs `owncast migrate` first.")
@daemon_options
@click.pass_context
def federate_command(ctx: click.Context, settings: Settings, persisted: dict[str, Any],
                     restore_database: Path | None) -> None:
    if ctx.invoked_subcommand is None:
        from owncast_cli.commands.daemons import _run

        _run(settings, persisted, restore_database, ["federate"], migrate=False)


def _federate_running(db: Any) -> bool:
    from owncast_cli.daemons.records import all_records

    return any(r.name == "federate" and r.alive for r in all_records(db))


@federate_command.command("post")
@data_options
@click.argument("text")
def post_command(settings: Settings, text: str) -> None:
    """Post TEXT (Markdown; #hashtags are linked) to every follower, as the admin's
    /api/admin/federation/send does."""
    from owncast_cli.config import ConfigStore
    from owncast_cli.federate import followers

    if not text.strip():
        fail("the post is empty: give the text to send", EXIT_USAGE)
    db = open_db(settings)
    try:
        c = ConfigStore(db).values()
        if not c.federation_enabled:
            fail("federation is disabled: `owncast config set federation_enabled true` first")
        if not c.server_url:
            fail("the server URL is not set: `owncast config set server_url https://your.host` first")
        count = db.write(lambda: followers.post(db, c, text, time.time()))
        running = _federate_running(db)
    finally:
        db.close()
    click.echo(f"owncast: post queued for {count} inbox(es)", err=True)
    if not running:
        click.echo("owncast: federate is not running; it delivers when it starts", err=True)


@click.group("followers")
def followers_command() -> None:
    """Fediverse followers: list them, approve or reject requests, block or remove followers."""


def _show(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = " (blocked)" if row["disabledAt"] else ""
        click.echo(f"{row['username'] or row['link']}\t{row['name']}\t{row['link']}\t{row['timestamp']}{state}")


@followers_command.command("list")
@data_options
@json_option
@click.option("--pending", "which", flag_value="pending", help="Follow requests waiting for approval.")
@click.option("--blocked", "which", flag_value="blocked", help="Rejected and blocked actors.")
def list_command(settings: Settings, as_json: bool, which: str | None) -> None:
    """List followers (or pending requests, or blocked actors), newest first."""
    from owncast_cli.repos import ap_followers

    db = open_db(settings)
    try:
        found = {"pending": ap_followers.pending, "blocked": ap_followers.blocked}.get(which or "",
                                                                                      ap_followers.approved)(db)
    finally:
        db.close()
    _show([f.as_owncast() for f in found], as_json)


def _decide(settings: Settings, actor: str, action: str) -> None:
    from owncast_cli.bus.eventtype import BusEvent
    from owncast_cli.config import ConfigStore
    from owncast_cli.federate import followers

    db = open_db(settings)
    now = time.time()
    try:
        c = ConfigStore(db).values()

        def work() -> list[BusEvent]:
            if action == "approve":
                return followers.approve(db, c, actor, now)
            if action == "block":
                followers.block(db, actor, now)
            else:
                followers.remove(db, actor)
            return []

        try:
            write_and_push(db, settings, work)
        except followers.NoSuchFollower as exc:
            fail(f"{exc}: `owncast followers list --pending` shows the actor IRIs")
    finally:
        db.close()


@followers_command.command("approve")
@data_options
@click.argument("actor")
def approve_command(settings: Settings, actor: str) -> None:
    """Approve ACTOR's follow request (an actor IRI), or lift its block; sends the Accept."""
    _decide(settings, actor, "approve")


@followers_command.command("reject")
@data_options
@click.argument("actor")
def reject_command(settings: Settings, actor: str) -> None:
    """Reject ACTOR's request or block a follower: its activities are refused from now on."""
    _decide(settings, actor, "block")


@followers_command.command("remove")
@data_options
@click.argument("actor")
def remove_command(settings: Settings, actor: str) -> None:
    """Remove ACTOR from the followers without blocking it (it may follow again)."""
    _decide(settings, actor, "remove")
