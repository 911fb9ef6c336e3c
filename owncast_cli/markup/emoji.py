"""Custom emoji in chat: the ``/img/emoji/`` paths we trust, and ``:name:`` shortcodes as images."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Final

from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# Owncast serves custom emoji from data/emoji/ under this route (config.EmojiDir).
EMOJI_URL_PREFIX: Final = "/img/emoji/"
#: The markdown-it env key holding ``{lower-case name: (name, url)}`` for one render.
ENV_KEY: Final = "owncast_emoji"

# Owncast allows `(?i)^/img/emoji/[^\.%]*.[A-Z]*$`; ours is the same idea, stricter: exact-case
# prefix, path segments without dots, percent signs, backslashes, query or fragment, one extension.
_SEGMENT: Final = r"[^/\\.%?#\s\"'<>`]+"
_EMOJI_SRC: Final = re.compile(rf"{re.escape(EMOJI_URL_PREFIX)}(?:{_SEGMENT}/)*{_SEGMENT}\.[A-Za-z0-9]+")
_SHORTCODE: Final = re.compile(r":([\w+-]+):")


def is_emoji_src(src: str) -> bool:
    """Return whether ``src`` is a path to one of our own emoji files (``/img/emoji/...``)."""
    return _EMOJI_SRC.fullmatch(src) is not None


def emoji_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: ``:name:`` of a known emoji (any case) becomes an ``owncast_emoji`` token."""
    table = state.env.get(ENV_KEY)
    if not table or state.src[state.pos] != ":":
        return False
    match = _SHORTCODE.match(state.src, state.pos)
    # goldmark-emoji as Owncast configures it: names are looked up case-insensitively.
    found = table.get(match.group(1).lower()) if match is not None else None
    if match is None or found is None:
        return False
    if not silent:
        token = state.push("owncast_emoji", "img", 0)
        token.meta = {"name": found[0], "url": found[1]}
        token.markup = match.group(0)
    state.pos = match.end()
    return True


def render_emoji(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """The same markup Owncast's goldmark-emoji renderer writes (events.go emojiHTMLFormat)."""
    url = html.escape(tokens[idx].meta["url"])
    name = html.escape(tokens[idx].meta["name"])
    return f'<img src="{url}" class="emoji" alt=":{name}:" title=":{name}:">'
