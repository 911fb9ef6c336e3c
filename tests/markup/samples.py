"""Hostile markup shared by the chat and page tests, and a parser that lists what HTML keeps."""

from __future__ import annotations

from html.parser import HTMLParser

HOSTILE = [
    "<script>alert(1)</script>",
    "hi<script>alert(1)</script>",
    "<SCRIPT SRC=//evil/x.js></SCRIPT>ok",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,AAAA)",
    '<a href="javascript:alert(1)">a</a>',
    '<a href="JaVaScRiPt:alert(1)">a</a>',
    '<a href="jav&#x09;ascript:alert(1)">a</a>',
    '<a href="&#106;avascript:alert(1)">a</a>',
    '<a href=" javascript:alert(1)">a</a>',
    '<a href="vbscript:msgbox(1)">a</a>',
    '<a href="data:text/html,<script>alert(1)</script>">a</a>',
    '<a href="http://x" onclick="alert(1)">a</a>',
    '<a href="http://x" style="position:fixed">a</a>',
    "<img src=x onerror=alert(1)>",
    '<img src="/img/emoji/x.gif" onerror="alert(1)">',
    '<img src="/img/emoji/../../admin.gif">',
    '<img src="//evil.example/img/emoji/x.gif">',
    '<img src="https://evil.example/img/emoji/x.gif">',
    '<img src="/img/emojiX/x.gif">',
    '<img src="/img/emoji/%2e%2e/x.gif">',
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)><circle/></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "<details open ontoggle=alert(1)>",
    '<body onload="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<<script>script>alert(1)<</script>/script>",
    '<p title="</p><script>alert(1)</script>">t</p>',
    "<!--<script>alert(1)</script>-->",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "**<img src=x onerror=alert(1)>**",
    '[<img src=x onerror=alert(1)>](http://x "t\\" onmouseover=alert(1)")',
    "http://x.example/<script>alert(1)</script>",
]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """(tag, attributes) of every start tag in ``html``, in order."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements
