"""Any service apprise knows (Matrix, Telegram, Slack, ntfy, Gotify, email...), one URL each.

apprise makes its own connections (``requests``), so the SSRF guard checks the URL's host
before apprise runs when that host resolves (in ``tgram://TOKEN/CHAT`` it is a token, and apprise
talks to the service's fixed address). The address apprise then resolves is not pinned, unlike our
own requests. apprise is synchronous; it runs in a worker thread.
"""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any, Final

import trio

from owncast_cli.notify.channels import GO_LIVE, Occasion, fill
from owncast_cli.outbound.client import allowed_hosts, resolve
from owncast_cli.outbound.guard import check

if TYPE_CHECKING:
    import httpx

    from owncast_cli.config import ConfigValues
    from owncast_cli.outbound.guard import Allowlist

DEFAULT_MESSAGE: Final = "{name} is live: {title}\n{url}"


def body(template: str, occasion: Occasion) -> str:
    if occasion.kind == GO_LIVE:
        return fill(template or DEFAULT_MESSAGE, occasion).strip()
    return f"{occasion.text}\n{occasion.server_url}".strip()


def _notify(url: str, title: str, text: str) -> bool:
    import apprise

    sender = apprise.Apprise()
    if not sender.add(url):
        raise ValueError(f"apprise does not understand {redacted(url)}")
    return bool(sender.notify(body=text, title=title))


def redacted(url: str) -> str:
    """The URL without its credentials and path (tokens live there), for logs and outcomes."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}"


class AppriseURL:
    def __init__(self, index: int, item: dict[str, str], config: ConfigValues) -> None:
        self.name = f"apprise:{index}"
        self.url, self.template = item["url"], item.get("goLiveMessage", "")
        self.allow: Allowlist = allowed_hosts(config)

    async def send(self, client: httpx.AsyncClient, occasion: Occasion) -> Any:
        host = urllib.parse.urlsplit(self.url).hostname
        if host:
            try:
                addresses = await resolve(host, 443)
            except OSError:
                addresses = []  # not a host name: a token or an id of the service
            check(host, addresses, self.allow)
        ok = await trio.to_thread.run_sync(_notify, self.url, occasion.server_name, body(self.template, occasion))
        return "sent" if ok else f"apprise could not deliver to {redacted(self.url)}"
