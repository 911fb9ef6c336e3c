"""The default page content through Owncast's Markdown dialect (utils.RenderPageContentMarkdown:
goldmark with GFM and Linkify, raw HTML kept, output trimmed), before our allow-list cleans it."""

from __future__ import annotations

from owncast_cli.config.keys import KEYS
from owncast_cli.markup import render_page_markdown, renderers

#: goldmark's output for Owncast's default page content (config default, unchanged by us).
GOLDMARK_DEFAULT = (
    "<h1>Welcome to Owncast!</h1>\n<ul>\n<li>\n<p>This is a live stream powered by "
    '<a href="https://owncast.online">Owncast</a>, a free and open source live streaming server.</p>\n'
    "</li>\n<li>\n<p>To discover more examples of streams, visit "
    '<a href="https://directory.owncast.online">Owncast\'s directory</a>.</p>\n</li>\n<li>\n'
    "<p>If you're the owner of this server you should visit the admin and customize the content on "
    "this page.</p>\n</li>\n</ul>\n<hr/>\n"
    '<video id="video" controls preload="metadata" style="width: 60vw; max-width: 600px; '
    'min-width: 200px;" poster="https://videos.owncast.online/t/xaJ3xNn9Y6pWTdB25m9ai3">\n'
    '  <source src="https://assets.owncast.tv/video/owncast-embed.mp4" type="video/mp4" />\n</video>'
)


def test_default_page_content_renders_as_goldmark_does() -> None:
    default = KEYS["extra_page_content"].default
    assert renderers.PAGE.render(default.strip()).strip() == GOLDMARK_DEFAULT


def test_the_allow_list_changes_only_what_it_must() -> None:
    """Owncast sends goldmark's HTML as is. We clean it (TABLE.md: deviation): the id that would
    clobber the player's ``#video`` goes, links get rel=noopener, the rest is re-serialised."""
    served = render_page_markdown(KEYS["extra_page_content"].default)
    assert 'id="video"' not in served
    unchanged = [line for line in GOLDMARK_DEFAULT.split("\n") if "<a " not in line and "video" not in line
                 and line != "<hr/>"]
    assert all(line in served.split("\n") for line in unchanged)
