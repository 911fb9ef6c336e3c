"""``owncast chat``: the chat daemon, and chat from the shell (tail, send, mod)."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import rich_click as click

from owncast_cli.commands.common import open_db, write_and_push
from owncast_cli.commands.options import EXIT_USAGE, daemon_options, data_options, fail, json_option
from owncast_cli.daemons.registry import DAEMONS
from owncast_cli.settings import Settings

_TAG = re.compile(r"<img[^>]*\balt=\"([^\"]*)\"[^>]*>|<[^>]+>")


@click.group("chat", invoke_without_command=True,
             help=DAEMONS["chat"].help + " Without a subcommand, runs the chat daemon alone (one "
             "systemd unit); needs `owncast migrate` first.")
@daemon_options
@click.pass_context
def chat_command(ctx: click.Context, settings: Settings, persisted: dict[str, Any],
                 restore_database: Path | None) -> None:
    if ctx.invoked_subcommand is None:
        from owncast_cli.commands.daemons import _run

        _run(settings, persisted, restore_database, ["chat"], migrate=False)


def _plain(body: str) -> str:
    """Chat HTML as terminal text: tags dropped, emoji as their :name:, entities decoded."""
    return html.unescape(_TAG.sub(lambda m: m.group(1) or "", body)).strip()


def _line(event_type: str, data: dict[str, Any]) -> str:
    stamp = data.get("timestamp", "")
    try:
        clock = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime("%H:%M:%S")
    except (ValueError, AttributeError):
        clock = "--:--:--"
    user = data.get("user") or {}
    name = user.get("displayName", "")
    kind = event_type.removeprefix("chat.")
    if kind == "message":
        return f"{clock} {name}: {_plain(data.get('body', ''))}"
    if kind in ("system", "action"):
        return f"{clock} * {_plain(data.get('body', ''))}"
    if kind == "name_change":
        return f"{clock} * {data.get('oldName', '')} is now known as {name}"
    if kind == "user_joined":
        return f"{clock} * {name} joined"
    if kind == "user_parted":
        return f"{clock} * {name} left"
    if kind == "visibility_update":
        state = "shown" if data.get("visible") else "hidden"
        return f"{clock} * messages {state}: {', '.join(data.get('ids', []))}"
    if kind in ("user_disabled", "user_enabled"):
        return f"{clock} * {name} ({user.get('id', '')}) {kind.removeprefix('user_')}"
    return f"{clock} * {name} changed colour to {data.get('newColor')}"


@chat_command.command("tail")
@data_options
@json_option
@click.option("--count", type=click.IntRange(1), default=None, help="Exit after this many events.")
def tail_command(settings: Settings, as_json: bool, count: int | None) -> None:
    """Print the live chat, one line per event (Owncast's event JSON with --json), until Ctrl-C."""
    from owncast_cli.bus.catalog import CHAT_EVENTS
    from owncast_cli.commands.tailing import tail

    def line(event: Any) -> str:
        return json.dumps(event.data, separators=(",", ":")) if as_json else _line(event.type, event.data)

    tail(settings, open_db(settings), line, types=CHAT_EVENTS, count=count,
         banner="owncast: following the chat (Ctrl-C to stop)")


def _chat_running(db: Any) -> bool:
    from owncast_cli.daemons.records import all_records

    return any(r.name == "chat" and r.alive for r in all_records(db))


@chat_command.command("send")
@data_options
@click.argument("text")
@click.option("--system", is_flag=True, help="Send as a SYSTEM message from the server (Markdown, not sanitised).")
@click.option("--name", default=None, help="The bot name a plain message is sent as (default: the server name).")
def send_command(settings: Settings, text: str, system: bool, name: str | None) -> None:
    """Send TEXT to everyone in chat: a message from a bot user, or a system message with --system."""
    from owncast_cli.bus.catalog import ChatSendRequested
    from owncast_cli.chat.names import clean_display_name

    if not text.strip():
        fail("the message is empty: give the text to send", EXIT_USAGE)
    if name is not None and not clean_display_name(name):
        fail(f"--name {name!r} is empty once cleaned: give a visible name", EXIT_USAGE)
    db = open_db(settings)
    try:
        running = _chat_running(db)
        request = ChatSendRequested(text, system, None if name is None else clean_display_name(name))
        write_and_push(db, settings, lambda: [request])
    finally:
        db.close()
    if not running:
        click.echo("owncast: chat is not running; the message goes out when it starts", err=True)


@chat_command.command("mod")
@data_options
@click.argument("user")
@click.option("--revoke", is_flag=True, help="Take the moderator scope away instead.")
def mod_command(settings: Settings, user: str, revoke: bool) -> None:
    """Grant USER (a user id, or an exact display name) the chat moderator scope."""
    from owncast_cli.bus.catalog import ChatUserUpdated
    from owncast_cli.bus.eventtype import BusEvent
    from owncast_cli.repos import users
    from owncast_cli.repos.users import MODERATOR_SCOPE

    db = open_db(settings)
    try:
        target = users.user_by_id(db, user)
        if target is None:
            named = users.users_named(db, user)
            if not named:
                fail(f"no chat user with id or name {user!r}: `owncast chat tail` shows names and "
                     "GET /api/moderation/chat/user/ID shows ids")
            if len(named) > 1:
                fail(f"{len(named)} chat users are named {user!r}; give one of their ids: "
                     + ", ".join(u.id for u in named), EXIT_USAGE)
            target = named[0]
        scopes = set(target.scopes) - {MODERATOR_SCOPE} if revoke else set(target.scopes) | {MODERATOR_SCOPE}
        user_id = target.id

        def work() -> list[BusEvent]:
            users.set_scopes(db, user_id, scopes)
            return [ChatUserUpdated(user_id, scopes=sorted(scopes))]

        write_and_push(db, settings, work)
    finally:
        db.close()
    verb = "is no longer" if revoke else "is now"
    click.echo(f"{target.display_name} ({user_id}) {verb} a chat moderator")
