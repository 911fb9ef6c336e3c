"""The three Markdown dialects Owncast renders with goldmark, built once on markdown-it-py.

- chat: CommonMark + Linkify + emoji shortcodes (events.go RenderMarkdown);
- simple: CommonMark + Linkify (utils.RenderSimpleMarkdown: the offline message);
- page: GFM (tables, strikethrough) + Linkify (utils.RenderPageContentMarkdown).
All three keep raw HTML (goldmark ``WithUnsafe``): the policies in chat.py and page.py clean it.
"""

from __future__ import annotations

import re
from typing import Final

from markdown_it import MarkdownIt

from owncast_cli.markup.emoji import emoji_rule, render_emoji
from owncast_cli.markup.linkify import linkify_rule


def _build(*, gfm: bool = False, emoji: bool = False) -> MarkdownIt:
    md = MarkdownIt("commonmark")
    if gfm:
        md.enable(["table", "strikethrough"])
    if emoji:
        md.inline.ruler.after("text", "owncast_emoji", emoji_rule)
        md.add_render_rule("owncast_emoji", render_emoji)
    md.core.ruler.push("owncast_linkify", linkify_rule)
    # goldmark renders every link target (WithUnsafe) and leaves the scheme check to the
    # sanitiser; markdown-it would instead print `[x](javascript:...)` as literal text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


CHAT: Final = _build(emoji=True)
SIMPLE: Final = _build()
PAGE: Final = _build(gfm=True)


def markdown_escape(text: str) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark 2.4), so user text such as
    a display name can be put into trusted Markdown (action messages) and render as plain text."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def render_trusted_markdown(text: str) -> str:
    """Render server-authored Markdown (system, action and welcome messages) WITHOUT sanitising,
    as Owncast's RenderBody does. Escape any user-supplied part with :func:`markdown_escape`."""
    html: str = CHAT.render(text.strip())
    return html
