"""The admin's page content and offline message: Markdown to HTML through an explicit allow-list.

Owncast renders both with goldmark and sends them unsanitised (utils.RenderPageContentMarkdown,
RenderSimpleMarkdown). We render the same dialects but clean the HTML: it goes into the viewer
page, so a pasted snippet must not run scripts, load plugins, add event handlers, restyle the page
outside its box (``position``) or clobber page globals (``id``). What admins use stays: text
formatting, tables, links, images, video and audio, and embeds (``iframe``).
"""

from __future__ import annotations

import functools
import re
from typing import Final
from urllib.parse import urlsplit

import nh3

from owncast_cli.markup import renderers
from owncast_cli.markup.chat import DROP_WITH_CONTENT, LINK_SCHEMES

PAGE_TAGS: Final = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "s",
    "samp", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
    "audio", "iframe", "source", "track", "video",
})
PAGE_ATTRIBUTES: Final[dict[str, frozenset[str]]] = {
    "*": frozenset({"title", "class", "style", "lang", "dir"}),
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "video": frozenset({"src", "poster", "controls", "preload", "width", "height", "autoplay", "loop",
                        "muted", "playsinline"}),
    "audio": frozenset({"src", "controls", "preload", "autoplay", "loop", "muted"}),
    "source": frozenset({"src", "srcset", "type", "media"}),
    "track": frozenset({"src", "kind", "srclang", "label", "default"}),
    "iframe": frozenset({"src", "width", "height", "allow", "allowfullscreen", "frameborder", "loading",
                         "referrerpolicy"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
}
#: ``target`` only with these values; nh3 adds rel="noopener noreferrer" to every link.
_TARGETS: Final = {"a": {"target": {"_blank", "_self", "_parent", "_top"}}}
#: Box, colour and text properties; not position, z-index, transform, content or backgrounds
#: (images by URL).
PAGE_STYLE_PROPERTIES: Final = frozenset(
    {"width", "height", "max-width", "min-width", "max-height", "min-height", "color",
     "background-color", "text-align", "vertical-align", "margin", "margin-top", "margin-bottom",
     "margin-left", "margin-right", "padding", "padding-top", "padding-bottom", "padding-left",
     "padding-right", "border", "border-radius", "font-size", "font-weight", "font-style",
     "text-decoration", "aspect-ratio", "object-fit", "display", "gap", "line-height"}
)
# What no allowed property needs: a fetch (url, image-set), a CSS escape that could spell one,
# IE's expression().
_STYLE_VALUE_REFUSED: Final = re.compile(r"url\s*\(|image-set|expression|\\|@import", re.IGNORECASE)


@functools.lru_cache(maxsize=32)
def render_page_markdown(text: str) -> str:
    """The page content (``extraPageContent``): GFM with Linkify, cleaned by the page allow-list.

    Cached: ``/api/config`` renders it for every page load and it changes rarely."""
    return _clean(renderers.PAGE.render(text.strip()))


@functools.lru_cache(maxsize=32)
def render_offline_message(text: str) -> str:
    """The offline message: CommonMark with Linkify (no tables), cleaned by the page allow-list."""
    return _clean(renderers.SIMPLE.render(text.strip()))


def _clean(rendered: str) -> str:
    return nh3.clean(
        rendered,
        tags=set(PAGE_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT - PAGE_TAGS),
        attributes={tag: set(names) for tag, names in PAGE_ATTRIBUTES.items()},
        tag_attribute_values={tag: {name: set(values) for name, values in rule.items()}
                              for tag, rule in _TARGETS.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(LINK_SCHEMES),
        filter_style_properties=set(PAGE_STYLE_PROPERTIES),
    ).strip()


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style" and _STYLE_VALUE_REFUSED.search(value):
        return None
    if attribute == "srcset" and not all(_allowed_url(c.split()[0]) for c in value.split(",") if c.strip()):
        return None  # nh3 checks the schemes of href and src, not of srcset's candidates
    return value


def _allowed_url(url: str) -> bool:
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return False
    return scheme in LINK_SCHEMES or scheme == ""
