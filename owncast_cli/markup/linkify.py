"""goldmark's Linkify for markdown-it: bare http(s):// and www. URLs in text become links."""

from __future__ import annotations

import re
from typing import Final

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# goldmark's Linkify with xurls.Strict and only http/https allowed (Owncast's renderers); a bare
# www. also links, as goldmark does.
_AUTOLINK: Final = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_AUTOLINK_HOST: Final = re.compile(r"(?:https?://|www\.)[\w-]", re.IGNORECASE)
_RAW_A_OPEN: Final = re.compile(r"<a[\s>]", re.IGNORECASE)
_RAW_A_CLOSE: Final = re.compile(r"</a\s*>", re.IGNORECASE)
_TRAILING_PUNCTUATION: Final = ".,:;!?*_~'\""


def linkify_rule(state: StateCore) -> None:
    """Core rule: split text tokens outside links at bare URLs into link tokens."""
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
