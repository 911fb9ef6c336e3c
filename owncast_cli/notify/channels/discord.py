"""Discord: Owncast's webhook message (``services/notifications/discord``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from owncast_cli.notify.channels import GO_LIVE, Occasion

if TYPE_CHECKING:
    import httpx

    from owncast_cli.config import ConfigValues


def content(go_live_message: str, occasion: Occasion) -> str:
    """``<goLiveMessage>[\\n<stream title>]\\n\\n<server URL>`` as Owncast writes it; a reminder
    or a test puts its own text where the go-live message goes."""
    text = go_live_message if occasion.kind == GO_LIVE else occasion.text
    if occasion.kind == GO_LIVE and occasion.stream_title:
        text += "\n" + occasion.stream_title
    return f"{text}\n\n{occasion.server_url}"


def payload(go_live_message: str, occasion: Occasion) -> dict[str, str]:
    """``{username, content, avatar_url}``; the avatar is ``<server URL>/logo`` ("" while unset)."""
    return {"username": occasion.server_name, "content": content(go_live_message, occasion),
            "avatar_url": f"{occasion.server_url}/logo" if occasion.server_url else ""}


class Discord:
    name = "discord"

    def __init__(self, config: ConfigValues) -> None:
        self.webhook = str(config.discord_configuration["webhook"])
        self.message = str(config.discord_configuration.get("goLiveMessage", ""))

    async def send(self, client: httpx.AsyncClient, occasion: Occasion) -> Any:
        response = await client.post(self.webhook, json=payload(self.message, occasion))
        return response.status_code
