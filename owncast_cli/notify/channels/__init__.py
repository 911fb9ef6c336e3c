"""Go-live channels, one module per kind (Discord, apprise URLs, browser push); ``configured``
lists the ones the config turns on. Each says what it sends for an :class:`Occasion`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import httpx

    from owncast_cli.config import ConfigValues
    from owncast_cli.db import Database

GO_LIVE, REMINDER, TEST = "go-live", "reminder", "test"


@dataclass(frozen=True)
class Occasion:
    """Why the channels speak: the stream went live, a scheduled stream is near, or a test."""

    kind: str
    server_name: str
    server_url: str
    stream_title: str
    #: A reminder's (or a test's) own text; a go-live uses each channel's message instead.
    text: str = ""


class Channel(Protocol):
    #: Where outcomes are recorded, e.g. "discord", "apprise:0", "browser".
    name: str

    async def send(self, client: httpx.AsyncClient, occasion: Occasion) -> Any:
        """Deliver; returns what the far end answered (a status code, a count, an error text)."""


def configured(config: ConfigValues, db: Database) -> list[Channel]:
    """The channels the config turns on, in a stable order (sync: reads the database)."""
    from owncast_cli.notify.channels import apprise_urls, browser, discord

    found: list[Channel] = []
    if config.discord_configuration.get("enabled") and config.discord_configuration.get("webhook"):
        found.append(discord.Discord(config))
    found += [apprise_urls.AppriseURL(i, item, config) for i, item in enumerate(config.notifications_apprise_urls)]
    push = browser.from_config(config, db)
    if push is not None:
        found.append(push)
    return found


def fill(template: str, occasion: Occasion) -> str:
    """A message template with ``{name}``, ``{title}`` and ``{url}`` filled in (anything else in
    braces is left as it is, so a stray brace never breaks a notification)."""
    return (template.replace("{name}", occasion.server_name).replace("{title}", occasion.stream_title)
            .replace("{url}", occasion.server_url))
