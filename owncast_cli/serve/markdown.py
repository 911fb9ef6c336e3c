"""Page content and offline message: Markdown to sanitised HTML, as Owncast renders them."""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt

# The admin writes this content (and may add custom JavaScript anyway), so the allowlist is broad,
# but script, style, iframe and event-handler attributes are still removed.
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "div", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul", "video",
    "audio", "source", "figure", "figcaption",
}
_ATTRS = {
    "*": {"class", "id", "title", "style"},
    "a": {"href", "target"},
    "img": {"src", "alt", "width", "height"},
    "video": {"src", "controls", "preload", "poster", "width", "height", "muted", "loop", "playsinline"},
    "audio": {"src", "controls", "preload"},
    "source": {"src", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


@functools.lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table").enable("strikethrough")


@functools.lru_cache(maxsize=64)
def render(markdown: str) -> str:
    """Markdown (with inline HTML) to sanitised HTML; empty in, empty out."""
    if not markdown.strip():
        return ""
    html = _renderer().render(markdown.strip())
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRS, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer").strip()
