"""Untrusted markup made safe, for every daemon: chat messages, page Markdown, uploaded SVG.

Layering: ``renderers`` (with ``linkify`` and ``emoji``) turns Markdown into HTML the way Owncast's
goldmark does; ``chat`` and ``page`` are the two HTML allow-lists on nh3; ``svg`` is the SVG
allow-list on defusedxml. Nothing here does I/O or imports a daemon package.
"""

from __future__ import annotations

from owncast_cli.markup.chat import CHAT_ALLOWED_TAGS, render_chat_message
from owncast_cli.markup.emoji import EMOJI_URL_PREFIX, is_emoji_src
from owncast_cli.markup.page import render_offline_message, render_page_markdown
from owncast_cli.markup.renderers import markdown_escape, render_trusted_markdown

__all__ = [
    "CHAT_ALLOWED_TAGS",
    "EMOJI_URL_PREFIX",
    "is_emoji_src",
    "markdown_escape",
    "render_chat_message",
    "render_offline_message",
    "render_page_markdown",
    "render_trusted_markdown",
]
