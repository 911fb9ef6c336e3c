"""Page content and offline message: what the page allow-list keeps, drops and rewrites."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from owncast_cli.markup import render_offline_message, render_page_markdown
from owncast_cli.markup.page import PAGE_ATTRIBUTES, PAGE_TAGS
from tests.markup.samples import HOSTILE, elements

OWNCAST_DEFAULT_PAGE = """
# Welcome to Owncast!

- This is a live stream powered by [Owncast](https://owncast.online), a free and open source live streaming server.

- To discover more examples of streams, visit [Owncast's directory](https://directory.owncast.online).

<hr/>

<video id="video" controls preload="metadata" style="width: 60vw; max-width: 600px; min-width: 200px;" poster="https://videos.owncast.online/t/xaJ3xNn9Y6pWTdB25m9ai3">
  <source src="https://assets.owncast.tv/video/owncast-embed.mp4" type="video/mp4" />
</video>
"""


def test_page_markdown_keeps_owncast_default_content() -> None:
    html = render_page_markdown(OWNCAST_DEFAULT_PAGE)
    assert html.startswith("<h1>Welcome to Owncast!</h1>\n<ul>\n<li>\n<p>This is a live stream powered by ")
    assert '<a href="https://owncast.online" rel="noopener noreferrer">Owncast</a>' in html
    assert "<hr>" in html
    # id is dropped (no clobbering of page globals such as window.video); the rest stays.
    assert ('<video controls="" preload="metadata" style="width:60vw;max-width:600px;min-width:200px" '
            'poster="https://videos.owncast.online/t/xaJ3xNn9Y6pWTdB25m9ai3">') in html
    assert '<source src="https://assets.owncast.tv/video/owncast-embed.mp4" type="video/mp4">' in html


def _link(href: str, text: str, extra: str = "") -> str:
    return f'<a href="{href}"{extra} rel="noopener noreferrer">{text}</a>'


# (page content, the HTML we serve): Owncast's GFM dialect, then the allow-list.
PAGE_CASES = [
    ("", ""),
    ("   \n", ""),
    ("**b** _i_ ~~s~~", "<p><strong>b</strong> <em>i</em> <s>s</s></p>"),
    ("| a | b |\n|---|--:|\n| 1 | 2 |",
     '<table>\n<thead>\n<tr>\n<th>a</th>\n<th style="text-align:right">b</th>\n</tr>\n</thead>\n'
     '<tbody>\n<tr>\n<td>1</td>\n<td style="text-align:right">2</td>\n</tr>\n</tbody>\n</table>'),
    ("see https://x.example/a.", f"<p>see {_link('https://x.example/a', 'https://x.example/a')}.</p>"),
    ("www.x.example", f"<p>{_link('http://www.x.example', 'www.x.example')}</p>"),
    ('<a href="https://x.example" target="_blank">x</a>',
     '<p><a href="https://x.example" target="_blank" rel="noopener noreferrer">x</a></p>'),
    ('<a href="/p" target="evil">x</a>', f"<p>{_link('/p', 'x')}</p>"),
    ('<a href="https://x.example" rel="opener">x</a>', f"<p>{_link('https://x.example', 'x')}</p>"),
    ('<a href="tel:123">t</a>', '<p><a rel="noopener noreferrer">t</a></p>'),
    ('<p id="config" name="n" class="c" title="t" lang="en" dir="ltr">x</p>',
     '<p class="c" title="t" lang="en" dir="ltr">x</p>'),
    ('<div style="color: red; position: fixed; z-index: 9; text-align: center">x</div>',
     '<div style="color:red;text-align:center">x</div>'),
    ('<span style="color:red;background-image:url(https://t.example/px)">x</span>', "<p><span>x</span></p>"),
    ('<span style="color:u\\72l(https://t.example/px)">x</span>', "<p><span>x</span></p>"),
    ('<iframe src="https://www.youtube.com/embed/x" width="560" allow="autoplay" allowfullscreen '
     'srcdoc="x" sandbox="allow-top-navigation" name="n"></iframe>',
     '<iframe src="https://www.youtube.com/embed/x" width="560" allow="autoplay" allowfullscreen=""></iframe>'),
    ('<audio src="/a.mp3" controls onplay="x()"></audio>', '<p><audio src="/a.mp3" controls=""></audio></p>'),
    ('<picture><source srcset="/a.webp 1x, https://x.example/a.webp 2x" type="image/webp"><img src="/a.png" '
     'alt="a"></picture>',
     '<p><picture><source srcset="/a.webp 1x, https://x.example/a.webp 2x" type="image/webp">'
     '<img src="/a.png" alt="a"></picture></p>'),
    ('<picture><source srcset="/a.png 1x, javascript:alert(1) 2x"></picture>', "<p><picture><source></picture></p>"),
    ('<details open><summary>More</summary>text</details>', '<details open=""><summary>More</summary>text</details>'),
    ('<ol start="3" reversed><li>x</li></ol>', '<ol start="3" reversed=""><li>x</li></ol>'),
    ("<form><input name=x><button>go</button></form>", "go"),
    ('<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">x', "x"),
    ("<style>body{display:none}</style>x", "x"),
    ("<svg><a href='https://x.example'>hidden</a></svg>x", "<p>x</p>"),
]


@pytest.mark.parametrize(("raw", "expected"), PAGE_CASES)
def test_page_content(raw: str, expected: str) -> None:
    assert render_page_markdown(raw) == expected


# The offline message is CommonMark with Linkify (Owncast's RenderSimpleMarkdown): no GFM tables or
# strikethrough, the same allow-list.
OFFLINE_CASES = [
    ("", ""),
    ("Back **soon**: https://x.example",
     f"<p>Back <strong>soon</strong>: {_link('https://x.example', 'https://x.example')}</p>"),
    ("~~x~~", "<p>~~x~~</p>"),
    ("| a |\n|---|\n| 1 |", "<p>| a |\n|---|\n| 1 |</p>"),
    ('<img src="https://x.example/a.png" onerror="x()">', '<img src="https://x.example/a.png">'),
    ("[x](javascript:alert(1))", '<p><a rel="noopener noreferrer">x</a></p>'),
]


@pytest.mark.parametrize(("raw", "expected"), OFFLINE_CASES)
def test_offline_message(raw: str, expected: str) -> None:
    assert render_offline_message(raw) == expected


PAGE_HOSTILE = [
    *HOSTILE,
    '<p style="position:fixed;top:0">x</p>',
    '<iframe src="data:text/html,x"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<video poster="javascript:alert(1)" src="javascript:alert(1)"></video>',
    '<source src="javascript:alert(1)">',
    '<track src="javascript:alert(1)">',
    '<a href="java\nscript:alert(1)">x</a>',
    '<img src="x" srcset="javascript:alert(1)">',
    '<div style="width:expression(alert(1))">x</div>',
    '<div style="behavior:url(x.htc);-moz-binding:url(x.xml#y)">x</div>',
    "<marquee onstart=alert(1)>x</marquee>",
    "<object data=x.swf></object><embed src=x.swf><applet code=x></applet>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    '<a href="https://x.example" style="position:absolute;inset:0">cover</a>',
]


@pytest.mark.parametrize("raw", PAGE_HOSTILE)
@pytest.mark.parametrize("render", [render_page_markdown, render_offline_message])
def test_hostile_content_comes_out_inert(raw: str, render: Callable[[str], str]) -> None:
    html = render(raw)
    assert "<script" not in html.lower()
    for tag, attrs in elements(html):
        assert tag in PAGE_TAGS, html
        allowed = PAGE_ATTRIBUTES["*"] | PAGE_ATTRIBUTES.get(tag, frozenset()) | {"rel", "target"}
        assert set(attrs) <= allowed, html
        for name, value in attrs.items():
            if name in {"href", "src", "poster"}:
                assert urlsplit(value or "").scheme.lower() in {"", "http", "https", "mailto"}, html
            if name == "style":
                lowered = (value or "").lower()
                assert not any(word in lowered for word in ("position", "url(", "expression", "binding")), html
