"""Chat messages: Owncast's chat policy (core/chat/events/events.go ``sanitize``) on nh3.

Owncast renders a message with goldmark and cleans it with bluemonday's StrictPolicy plus p, br,
strong, em, code, pre, a[href] and emoji-only img. nh3 keeps only those elements and attributes
(the allow-list); a second pass then writes bluemonday's link attributes and the emoji class, and
notes whether anything visible is left (an empty message is dropped, as Owncast does).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from typing import Final
from urllib.parse import urlsplit

import nh3
from markdown_it.utils import EnvType

from owncast_cli.markup import renderers
from owncast_cli.markup.emoji import ENV_KEY, is_emoji_src

# No s/del: goldmark runs without the strikethrough extension there, so `~~x~~` stays text.
CHAT_ALLOWED_TAGS: Final = frozenset({"p", "br", "strong", "em", "code", "pre", "a", "img"})
_ATTRIBUTES: Final = {"a": {"href"}, "img": {"src", "alt", "title", "class"}}
_VOID_TAGS: Final = frozenset({"br", "img"})
# bluemonday AllowStandardURLs: http, https, mailto and relative URLs.
LINK_SCHEMES: Final = frozenset({"http", "https", "mailto"})
# bluemonday drops these together with their content; the rest keep their text.
DROP_WITH_CONTENT: Final = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "object", "noembed", "noframes",
     "noscript", "template", "title", "svg", "math"}
)
# bluemonday AllowStandardURLs adds nofollow, RequireNoReferrerOnLinks adds noreferrer, and
# AddTargetBlankToFullyQualifiedLinks adds noopener with target="_blank" (Owncast's
# messageRendering_test.go expects rel="nofollow noreferrer noopener" on absolute links).
_REL_LOCAL: Final = "nofollow noreferrer"
_REL_EXTERNAL: Final = "nofollow noreferrer noopener"
# Owncast: alt and title must match `:\S+:`, class `(?i)^(emoji)[A-Z_]*?$`.
_ALT_TITLE: Final = re.compile(r":\S+:")
_EMOJI_CLASS: Final = re.compile(r"emoji[a-z_]*", re.IGNORECASE)


def render_chat_message(raw: str, emoji: Mapping[str, str] | None = None) -> str | None:
    """Render a user's chat message as Owncast does: Markdown, then a strict sanitiser.

    Args:
        raw: the ``body`` the client sent (Markdown, possibly with HTML).
        emoji: emoji name -> URL (``/img/emoji/<file>``); ``:name:`` (any case) becomes an img.

    Returns:
        The safe HTML body, or None when nothing visible is left (the caller drops the message).
    """
    env: EnvType = {ENV_KEY: {name.lower(): (name, url) for name, url in (emoji or {}).items()}}
    rendered = renderers.CHAT.render(raw.strip(), env)
    cleaned = nh3.clean(
        rendered,
        tags=set(CHAT_ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        link_rel=None,
        url_schemes=set(LINK_SCHEMES),
    )
    finisher = _Finisher()
    finisher.feed(cleaned)
    finisher.close()
    return "".join(finisher.out).strip() if finisher.visible else None


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag != "img":
        return value
    if attribute == "src":
        return value if is_emoji_src(value) else None
    if attribute == "class":
        # The finisher writes it as "emoji".
        return value if _EMOJI_CLASS.fullmatch(value) else None
    return value if _ALT_TITLE.search(value) else None


class _Finisher(HTMLParser):
    """Second pass over nh3's (well-formed) output: bluemonday's link attributes, emoji class,
    removal of hrefless anchors and srcless images, and a note of whether anything is visible."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.visible = False
        self._anchors: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if tag == "a":
            opened = _anchor_open(values.get("href"))
            self._anchors.append(opened is not None)
            if opened is not None:
                self.out.append(opened)
        elif tag == "img":
            if is_emoji_src(values.get("src", "")):
                self.out.append(_emoji_img(attrs))
                self.visible = True
        elif tag in CHAT_ALLOWED_TAGS:
            self.out.append(f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            if self._anchors and self._anchors.pop():
                self.out.append("</a>")
        elif tag in CHAT_ALLOWED_TAGS and tag not in _VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)
        self.visible = self.visible or bool(data.strip())

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name};")

    def _reference(self, text: str) -> None:
        self.out.append(text)
        self.visible = self.visible or bool(html.unescape(text).strip())


def _anchor_open(href: str | None) -> str | None:
    if href is None:
        return None
    try:
        external = bool(urlsplit(href).netloc)
    except ValueError:
        return None
    if external:
        return f'<a href="{html.escape(href)}" rel="{_REL_EXTERNAL}" target="_blank">'
    return f'<a href="{html.escape(href)}" rel="{_REL_LOCAL}">'


def _emoji_img(attrs: Sequence[tuple[str, str | None]]) -> str:
    # Keeps the author's attribute order (Owncast's tests compare whole strings).
    parts: list[str] = []
    for name, value in attrs:
        if name in {"src", "alt", "title"} and value:
            parts.append(f'{name}="{html.escape(value)}"')
        elif name == "class":
            parts.append('class="emoji"')
    if not any(part.startswith("class=") for part in parts):
        parts.append('class="emoji"')
    return f"<img {' '.join(parts)}>"
