"""The HTML of our posts: Owncast's go-live note, and admin posts rendered from Markdown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from owncast_cli.markup.renderers import render_trusted_markdown
from owncast_cli.protocols.activitypub.actor import TAG_DIRECTORY

#: A hashtag in a post: # then letters, digits or _ (Mastodon's rule, simplified), not in a word.
_HASHTAG = re.compile(r"(?<![\w&/])#(\w{1,64})")


def tag_link(tag: str) -> str:
    name = escape(tag.lstrip("#"), quote=True)
    return f'<a class="hashtag" href="{TAG_DIRECTORY}{name}">#{name}</a>'


def go_live(message: str, title: str, tags: Sequence[str], server_url: str) -> tuple[str, list[str]]:
    """Owncast's go-live content, in its order: message, title, tag links (``#owncast`` always
    added), then the link to the stream. Returns the HTML and the tags to attach."""
    all_tags = list(dict.fromkeys([*(t.lstrip("#") for t in tags if t.strip("# ")), "owncast"]))
    parts = [f"<p>{escape(message)}</p>"]
    if title:
        parts.append(f"<p>{escape(title)}</p>")
    parts.append("<p>" + " ".join(tag_link(t) for t in all_tags) + "</p>")
    url = escape(server_url, quote=True)
    parts.append(f'<p><a href="{url}">{url}</a></p>')
    return "".join(parts), all_tags


def manual(markdown: str) -> tuple[str, list[str]]:
    """An admin's post: Markdown rendered, hashtags linked. Returns the HTML and the tags."""
    rendered = render_trusted_markdown(markdown).strip()
    tags = list(dict.fromkeys(_HASHTAG.findall(markdown)))
    return _HASHTAG.sub(lambda m: tag_link(m.group(1)), rendered), tags


def direct(text: str, mention_url: str, account: str) -> str:
    """A direct message's HTML: the mention first (Mastodon shows DMs that mention the reader)."""
    user = escape(account.split("@")[0])
    return (f'<p><span class="h-card"><a href="{escape(mention_url, quote=True)}" class="u-url mention">'
            f"@<span>{user}</span></a></span> {escape(text)}</p>")
