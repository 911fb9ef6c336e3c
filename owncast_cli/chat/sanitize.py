"""Markdown rendering and HTML sanitising for chat bodies, system text and page content."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from typing import Final
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# Owncast serves custom emoji from data/emoji/ under this route (config.EmojiDir).
EMOJI_URL_PREFIX: Final = "/img/emoji/"

# Owncast's chat policy (services/chat/events/events.go sanitize()): bluemonday StrictPolicy plus
# p, br, strong, em, code, pre, a[href] and emoji-only img. No s/del: goldmark runs without the
# strikethrough extension there, so `~~x~~` stays text.
CHAT_ALLOWED_TAGS: Final = frozenset({"p", "br", "strong", "em", "code", "pre", "a", "img"})
_VOID_TAGS: Final = frozenset({"br", "img"})
# bluemonday AllowStandardURLs: http, https, mailto and relative URLs.
_LINK_SCHEMES: Final = frozenset({"http", "https", "mailto"})
# bluemonday drops these together with their content; the rest keep their text.
_DROP_WITH_CONTENT: Final = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "object", "noembed", "noframes",
     "noscript", "template", "title", "svg", "math"}
)
# bluemonday AllowStandardURLs adds nofollow, RequireNoReferrerOnLinks adds noreferrer, and
# AddTargetBlankToFullyQualifiedLinks adds noopener with target="_blank" (Owncast's
# messageRendering_test.go expects rel="nofollow noreferrer noopener" on absolute links).
_REL_LOCAL: Final = "nofollow noreferrer"
_REL_EXTERNAL: Final = "nofollow noreferrer noopener"

# Owncast allows `(?i)^/img/emoji/[^\.%]*.[A-Z]*$`; ours is the same idea, stricter: exact-case
# prefix, path segments without dots, percent signs, backslashes, query or fragment, one extension.
_SEGMENT: Final = r"[^/\\.%?#\s\"'<>`]+"
_EMOJI_SRC: Final = re.compile(rf"{re.escape(EMOJI_URL_PREFIX)}(?:{_SEGMENT}/)*{_SEGMENT}\.[A-Za-z0-9]+")
_EMOJI_CLASS: Final = re.compile(r"emoji[a-z_]*", re.IGNORECASE)
_SHORTCODE: Final = re.compile(r":([\w+-]+):")
# goldmark's Linkify with xurls.Strict and only http/https allowed; bare www. also links.
_AUTOLINK: Final = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_AUTOLINK_HOST: Final = re.compile(r"(?:https?://|www\.)[\w-]", re.IGNORECASE)
_RAW_A_OPEN: Final = re.compile(r"<a[\s>]", re.IGNORECASE)
_RAW_A_CLOSE: Final = re.compile(r"</a\s*>", re.IGNORECASE)
_TRAILING_PUNCTUATION: Final = ".,:;!?*_~'\""
_EMOJI_ENV: Final = "owncast_emoji"

# Page content is written by the admin (Owncast renders it with GFM and no sanitiser at all,
# utils.RenderPageContentMarkdown); we keep its layout tools and media embeds but drop scripts.
_PAGE_TAGS: Final = frozenset(
    nh3.ALLOWED_TAGS | {"video", "audio", "source", "track", "iframe", "picture"}
)
_PAGE_ATTRIBUTES: Final[dict[str, set[str]]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"title", "class", "style"},
    "img": set(nh3.ALLOWED_ATTRIBUTES["img"]) | {"loading"},
    "video": {"src", "poster", "controls", "preload", "width", "height", "autoplay", "loop", "muted",
              "playsinline", "id"},
    "audio": {"src", "controls", "preload", "autoplay", "loop", "muted"},
    "source": {"src", "type", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "frameborder", "loading",
               "referrerpolicy"},
}
_PAGE_STYLE_PROPERTIES: Final = frozenset(
    {"width", "height", "max-width", "min-width", "max-height", "min-height", "color",
     "background-color", "text-align", "vertical-align", "margin", "margin-top", "margin-bottom",
     "margin-left", "margin-right", "padding", "padding-top", "padding-bottom", "padding-left",
     "padding-right", "border", "border-radius", "font-size", "font-weight", "font-style",
     "text-decoration", "aspect-ratio", "object-fit"}
)


def is_emoji_src(src: str) -> bool:
    """Return whether ``src`` is a path to one of our own emoji files (``/img/emoji/...``)."""
    return _EMOJI_SRC.fullmatch(src) is not None


def markdown_escape(text: str) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark 2.4), so user text such as
    a display name can be put into trusted Markdown (action messages) and render as plain text."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def render_chat_message(raw: str, emoji: Mapping[str, str] | None = None) -> str | None:
    """Render a user's chat message as Owncast does: Markdown, then a strict sanitiser.

    Args:
        raw: the ``body`` the client sent (Markdown, possibly with HTML).
        emoji: emoji name -> URL (``/img/emoji/<file>``); ``:name:`` (any case) becomes an img.

    Returns:
        The safe HTML body, or None when nothing visible is left (the caller drops the message).
    """
    env: EnvType = {_EMOJI_ENV: {name.lower(): (name, url) for name, url in (emoji or {}).items()}}
    rendered = _CHAT_MD.render(raw.strip(), env)
    cleaned = nh3.clean(
        rendered,
        tags=set(CHAT_ALLOWED_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={"a": {"href"}, "img": {"src", "alt", "title", "class"}},
        attribute_filter=_chat_attribute_filter,
        link_rel=None,
        url_schemes=set(_LINK_SCHEMES),
    )
    finisher = _ChatFinisher()
    finisher.feed(cleaned)
    finisher.close()
    return "".join(finisher.out).strip() if finisher.visible else None


def render_trusted_markdown(text: str) -> str:
    """Render server-authored Markdown (system, action and welcome messages) WITHOUT sanitising,
    as Owncast's RenderBody does. Escape any user-supplied part with :func:`markdown_escape`."""
    return _CHAT_MD.render(text.strip())


def render_page_markdown(text: str) -> str:
    """Render the admin's page content or offline message (GFM tables and strikethrough, links,
    images, media embeds) with a permissive sanitiser that still removes scripts and handlers."""
    rendered = _PAGE_MD.render(text.strip())
    return nh3.clean(
        rendered,
        tags=set(_PAGE_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT - {"iframe"}),
        attributes={tag: set(attrs) for tag, attrs in _PAGE_ATTRIBUTES.items()},
        url_schemes=set(_LINK_SCHEMES),
        filter_style_properties=set(_PAGE_STYLE_PROPERTIES),
    ).strip()


def _chat_attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if is_emoji_src(value) else None
    if tag == "img" and attribute == "class":
        # Owncast keeps a class matching (?i)^emoji[A-Z_]*$; the finisher sets it to "emoji".
        return value if _EMOJI_CLASS.fullmatch(value) else None
    if tag == "img" and not value:
        return None
    return value


class _ChatFinisher(HTMLParser):
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


def _emoji_rule(state: StateInline, silent: bool) -> bool:
    table = state.env.get(_EMOJI_ENV)
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


def _render_emoji(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # The same markup Owncast's goldmark-emoji renderer writes (events.go emojiHTMLFormat).
    url = html.escape(tokens[idx].meta["url"])
    name = html.escape(tokens[idx].meta["name"])
    return f'<img src="{url}" class="emoji" alt=":{name}:" title=":{name}:">'


def _linkify_rule(state: StateCore) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        depth = 0
        children: list[Token] = []
        for token in block.children:
            depth += _link_depth_change(token)
            if token.type == "text" and depth == 0 and _AUTOLINK.search(token.content):
                children.extend(_split_links(state.md, token))
            else:
                children.append(token)
        block.children = children


def _link_depth_change(token: Token) -> int:
    # Text already inside a Markdown link or a raw <a> is not linkified again.
    raw = token.content if token.type == "html_inline" else ""
    if token.type == "link_open" or _RAW_A_OPEN.match(raw):
        return 1
    if token.type == "link_close" or _RAW_A_CLOSE.match(raw):
        return -1
    return 0


def _split_links(md: MarkdownIt, token: Token) -> list[Token]:
    pieces: list[Token] = []
    text, position = token.content, 0
    for match in _AUTOLINK.finditer(text):
        url = _trim_url(match.group(0))
        if not _AUTOLINK_HOST.match(url):
            continue
        href = url if "://" in url else f"http://{url}"
        pieces.append(_text_token(text[position : match.start()], token.level))
        pieces.append(Token("link_open", "a", 1, attrs={"href": md.normalizeLink(href)},
                            markup="linkify", info="auto", level=token.level))
        pieces.append(_text_token(md.normalizeLinkText(url), token.level + 1))
        pieces.append(Token("link_close", "a", -1, markup="linkify", info="auto", level=token.level))
        position = match.start() + len(url)
    pieces.append(_text_token(text[position:], token.level))
    return [piece for piece in pieces if piece.type != "text" or piece.content]


def _trim_url(url: str) -> str:
    while url:
        if url[-1] in _TRAILING_PUNCTUATION or (url[-1] == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def _text_token(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


def _build(*, page: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark")
    if page:
        md.enable(["table", "strikethrough"])
    else:
        md.inline.ruler.after("text", "owncast_emoji", _emoji_rule)
        md.add_render_rule("owncast_emoji", _render_emoji)
    md.core.ruler.push("owncast_linkify", _linkify_rule)
    # goldmark renders every link target (WithUnsafe) and leaves the scheme check to the
    # sanitiser; markdown-it would instead print `[x](javascript:...)` as literal text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_CHAT_MD: Final = _build(page=False)
_PAGE_MD: Final = _build(page=True)
