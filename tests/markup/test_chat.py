"""Chat body rendering: Owncast's own cases, hostile input, emoji paths, trusted Markdown."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from owncast_cli.markup import (
    CHAT_ALLOWED_TAGS,
    is_emoji_src,
    markdown_escape,
    render_chat_message,
    render_trusted_markdown,
)
from tests.markup.samples import HOSTILE, elements

EMOJI = {"beerparrot": "/img/emoji/beerparrot.gif", "Blob_Hug": "/img/emoji/blobs/blob_hug.png"}
PARROT = '<img src="/img/emoji/beerparrot.gif" class="emoji" alt=":beerparrot:" title=":beerparrot:">'


# Owncast's services/chat/messageRendering_test.go, verbatim inputs and outputs.
OWNCAST_CASES = [
    (
        "\nTest one two three!  I go to http://yahoo.com and search for _sports_ and **answers**.\n"
        'Here is an iframe<iframe src="http://yahoo.com"></iframe>\n## blah blah blah\n'
        '[test link](http://owncast.online)\n<img class="emoji" src="/img/emoji/bananadance.gif">',
        '<p>Test one two three!  I go to <a href="http://yahoo.com" rel="nofollow noreferrer noopener" '
        'target="_blank">http://yahoo.com</a> and search for <em>sports</em> and <strong>answers</strong>.\n'
        "Here is an iframe</p>\nblah blah blah\n"
        '<p><a href="http://owncast.online" rel="nofollow noreferrer noopener" target="_blank">test link</a>\n'
        '<img class="emoji" src="/img/emoji/bananadance.gif"></p>',
    ),
    (
        '<img src="https://via.placeholder.com/img/emoji/350x150"> test '
        "![](https://via.placeholder.com/img/emoji/350x150)",
        "<p> test </p>",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), OWNCAST_CASES)
def test_owncast_rendering_cases(raw: str, expected: str) -> None:
    assert render_chat_message(raw) == expected


def test_owncast_emoji_case_keeps_emoji_images() -> None:
    raw = ('<img alt=":beerparrot:" title=":beerparrot:" src="/img/emoji/beerparrot.gif"> test '
           "![](/img/emoji/beerparrot.gif)")
    # Owncast keeps both images; ours also forces class="emoji" (and drops the empty alt).
    assert render_chat_message(raw) == (
        '<p><img alt=":beerparrot:" title=":beerparrot:" src="/img/emoji/beerparrot.gif" class="emoji"> '
        'test <img src="/img/emoji/beerparrot.gif" class="emoji"></p>'
    )




def _assert_inert(html: str) -> None:
    """Only allowed tags, only allowed attributes, only safe URLs, only our emoji images."""
    for tag, attrs in elements(html):
        assert tag in CHAT_ALLOWED_TAGS, html
        if tag == "a":
            assert set(attrs) <= {"href", "rel", "target"}, html
            scheme = urlsplit(attrs["href"] or "").scheme.lower()
            assert scheme in {"", "http", "https", "mailto"}, html
        elif tag == "img":
            assert set(attrs) <= {"src", "alt", "title", "class"}, html
            assert is_emoji_src(attrs["src"] or ""), html
            assert attrs["class"] == "emoji", html
        else:
            assert attrs == {}, html


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_input_comes_out_inert(raw: str) -> None:
    html = render_chat_message(raw, EMOJI)
    if html is None:
        return
    _assert_inert(html)
    lowered = html.lower()
    assert "<script" not in lowered
    assert re.search(r"\son\w+\s*=", lowered) is None
    assert "javascript:" not in lowered
    assert "vbscript:" not in lowered
    assert "data:" not in lowered


@pytest.mark.parametrize(
    ("src", "ok"),
    [
        ("/img/emoji/beerparrot.gif", True),
        ("/img/emoji/blobs/blob_hug.png", True),
        ("/img/emoji/Party-Parrot.WEBP", True),
        ("/img/emoji/../x.gif", False),
        ("/img/emoji/./x.gif", False),
        ("/img/emoji/x", False),
        ("/img/emoji/x.tar.gz", False),
        ("/img/emoji//x.gif", False),
        ("/img/emoji/", False),
        ("/img/emojiX/x.gif", False),
        ("/img/emoji", False),
        ("//evil/img/emoji/x.gif", False),
        ("https://evil/img/emoji/x.gif", False),
        ("/IMG/EMOJI/x.gif", False),
        ("/img/emoji/%2e%2e/x.gif", False),
        ("/img/emoji/a\\b.gif", False),
        ("/img/emoji/x.gif?y=1", False),
        ("/img/emoji/x.gif#f", False),
        (" /img/emoji/x.gif", False),
        ("/img/emoji/x.gif\n", False),
        ('/img/emoji/x".gif', False),
        ("img/emoji/x.gif", False),
    ],
)
def test_emoji_src(src: str, ok: bool) -> None:
    assert is_emoji_src(src) is ok


def _external(href: str, text: str) -> str:
    return f'<a href="{href}" rel="nofollow noreferrer noopener" target="_blank">{text}</a>'


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[a](http://x.example/p)", f"<p>{_external('http://x.example/p', 'a')}</p>"),
        ("[a](https://x.example)", f"<p>{_external('https://x.example', 'a')}</p>"),
        ("[a](/local)", '<p><a href="/local" rel="nofollow noreferrer">a</a></p>'),
        ("[a](mailto:me@x.example)", '<p><a href="mailto:me@x.example" rel="nofollow noreferrer">a</a></p>'),
        ('<a href="//x.example" target="_self" rel="opener">a</a>', f"<p>{_external('//x.example', 'a')}</p>"),
        ("[a](ftp://x.example)", "<p>a</p>"),
        ("see www.x.example.", f"<p>see {_external('http://www.x.example', 'www.x.example')}.</p>"),
        ("(http://x.example/a_(b))", f"<p>({_external('http://x.example/a_(b)', 'http://x.example/a_(b)')})</p>"),
        ("[http://x.example](http://y.example)", f"<p>{_external('http://y.example', 'http://x.example')}</p>"),
        ("ftp://x.example and javascript:alert(1)", "<p>ftp://x.example and javascript:alert(1)</p>"),
        ("`http://x.example`", "<p><code>http://x.example</code></p>"),
    ],
)
def test_links(raw: str, expected: str) -> None:
    assert render_chat_message(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "\n\n", "<b></b>", "<script>x</script>", "&nbsp;", "<p> </p>", "<img src=x>",
     "![](https://x.example/a.png)", "<iframe src=https://x.example></iframe>", "```\n\n```"],
)
def test_nothing_visible_is_none(raw: str) -> None:
    assert render_chat_message(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hi :beerparrot:", f"<p>hi {PARROT}</p>"),
        (":BEERPARROT:", f"<p>{PARROT}</p>"),
        (":blob_hug:", '<p><img src="/img/emoji/blobs/blob_hug.png" class="emoji" alt=":Blob_Hug:" '
                       'title=":Blob_Hug:"></p>'),
        (":unknown: 10:30:45", "<p>:unknown: 10:30:45</p>"),
        ("`:beerparrot:`", "<p><code>:beerparrot:</code></p>"),
        ("\\:beerparrot:", "<p>:beerparrot:</p>"),
    ],
)
def test_emoji_shortcodes(raw: str, expected: str) -> None:
    assert render_chat_message(raw, EMOJI) == expected


def test_emoji_mapping_with_a_foreign_url_is_still_refused() -> None:
    assert render_chat_message(":evil:", {"evil": "https://evil.example/x.gif"}) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("**b** _i_ `c`", "<p><strong>b</strong> <em>i</em> <code>c</code></p>"),
        ("~~s~~ <del>d</del> <s>s</s>", "<p>~~s~~ d s</p>"),
        ("a  \nb", "<p>a<br>\nb</p>"),
        ("a\n\nb", "<p>a</p>\n<p>b</p>"),
        ("# h", "h"),
        ("- x", "\nx\n"[1:-1]),
        ("a & b < c", "<p>a &amp; b &lt; c</p>"),
        ("```\ncode\n```", "<pre><code>code\n</code></pre>"),
    ],
)
def test_formatting(raw: str, expected: str) -> None:
    assert render_chat_message(raw) == expected


MARKUP_ALPHABET = "<>/=\"' :;&#()[]!*_`\\\nabcdejsrvipthmoxgl.0123456789"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(MARKUP_ALPHABET)), max_size=80))
def test_any_input_renders_to_allowed_markup_only(raw: str) -> None:
    html = render_chat_message(raw, EMOJI)
    if html is not None:
        assert html == html.strip()
        _assert_inert(html)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_unicode_text_is_safe(raw: str) -> None:
    html = render_chat_message(raw, EMOJI)
    if html is not None:
        _assert_inert(html)


def test_trusted_markdown_keeps_html_and_escape_neutralises_user_text() -> None:
    assert render_trusted_markdown('<span class="trusted" style="color:red">Status</span>') == (
        '<p><span class="trusted" style="color:red">Status</span></p>\n'
    )
    hostile = "[x](javascript:alert(1)) <img src=x onerror=alert(1)> **b** `c`"
    html = render_trusted_markdown(f"You cannot change your name to **{markdown_escape(hostile)}**.")
    assert html == (
        "<p>You cannot change your name to <strong>[x](javascript:alert(1)) "
        "&lt;img src=x onerror=alert(1)&gt; **b** `c`</strong>.</p>\n"
    )


@given(st.text(max_size=40))
def test_markdown_escape_renders_back_to_the_same_text(text: str) -> None:
    import html as html_module

    line = " ".join(text.split())
    rendered = render_trusted_markdown(markdown_escape(line))
    if line:
        assert rendered.startswith("<p>") and rendered.endswith("</p>\n")
        assert html_module.unescape(rendered[3:-5]) == line.replace("\x00", "\ufffd")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Owncast's policy: alt and title only when they look like a shortcode (`:\S+:`).
        ('<img src="/img/emoji/x.gif" alt="a smile" title=":x:" class="emojiBig">',
         '<img src="/img/emoji/x.gif" class="emoji" title=":x:">'),
        ('<img src="/img/emoji/x.gif" alt=":x:" class="big">', '<img src="/img/emoji/x.gif" alt=":x:" class="emoji">'),
        ('<img src="/img/emoji/x.gif" alt="" title="">', '<img src="/img/emoji/x.gif" class="emoji">'),
    ],
)
def test_emoji_image_attributes(raw: str, expected: str) -> None:
    assert render_chat_message(raw) == expected
