"""Uploaded SVG: hostile samples refused for the right reason, real editors' files accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from owncast_cli.markup.svg import SvgRefused, check_svg
from owncast_cli.serve.admin.images import ImageError, check_image

HERE = Path(__file__).parent / "svg"
SHIPPED = Path(__file__).parents[2] / "share" / "web"
NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
B64_SVG = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4="


def svg(body: str, attributes: str = "", prolog: str = "") -> bytes:
    return f"{prolog}<svg {NS} {attributes}>{body}</svg>".encode()


# (file, words the refusal must contain: proof that the intended rule fired).
HOSTILE = [
    # A namespace prefix bound to SVG: a regex for "<script" does not see it; the parser does.
    (svg('<s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script>'), "<script> is not allowed"),
    # A character reference: the browser reads javascript:.
    (svg('<a href="&#106;avascript:alert(1)"><rect width="9" height="9"/></a>'), "only point inside"),
    (svg('<a xlink:href="&#x6A;avascript&#x3A;alert(1)"><rect/></a>'), "only point inside"),
    (svg("<script>alert(1)</script>"), "<script> is not allowed"),
    (svg("<script><![CDATA[alert(1)]]></script>"), "<script> is not allowed"),
    (svg("", 'onload="alert(1)"'), "event handler"),
    (svg('<rect ONCLICK="alert(1)"/>'), "event handler"),
    (svg('<rect s:onclick="alert(1)" xmlns:s="http://www.w3.org/2000/svg"/>'), "event handler"),
    (b'<svg onload="alert(1)"/>', "root element must be"),
    (b'<svg xmlns="http://www.w3.org/2000/svg " onload="alert(1)"/>', "root element must be"),
    (b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>', "root element must be"),
    (svg('<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(1)"/></foreignObject>'),
     "<foreignObject> is not allowed"),
    (svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'), "namespace"),
    (svg('<metadata><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></metadata>'), "namespace"),
    (svg('<metadata><math xmlns="http://www.w3.org/1998/Math/MathML" href="javascript:alert(1)"/></metadata>'),
     "namespace"),
    (svg('<x:include xmlns:x="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'), "namespace"),
    (svg('<iframe src="https://evil.example"/>'), "<iframe> is not allowed"),
    (svg('<a xmlns:l="http://www.w3.org/1999/xlink" l:href="javascript:alert(1)"><rect/></a>'), "only point inside"),
    (svg('<a href=" javascript:alert(1)"><rect/></a>'), "only point inside"),
    (svg('<a href="https://evil.example/"><rect/></a>'), "only point inside"),
    (svg('<use href="https://evil.example/x.svg#a"/>'), "only point inside"),
    (svg(f'<use href="data:image/svg+xml;base64,{B64_SVG}#x"/>'), "only point inside"),
    (svg('<image href="https://tracker.example/pixel.png"/>'), "only point inside"),
    (svg(f'<image href="data:image/svg+xml;base64,{B64_SVG}"/>'), "only point inside"),
    (svg('<feImage href="https://tracker.example/p.png"/>'), "only point inside"),
    (svg('<a href="#x"><set attributeName="href" to="javascript:alert(1)"/><rect/></a>'), "animating 'href'"),
    (svg('<a href="#x"><animate attributeName="xlink:href" values="javascript:alert(1)"/></a>'), "animating"),
    (svg('<rect><set attributeName="onclick" to="alert(1)"/></rect>'), "animating"),
    (svg('<rect><set attributeName="fill" to="javascript:alert(1)"/></rect>'), "script or data"),
    (svg('<rect><set attributeName="style" to="fill:red"/></rect>'), "animating 'style'"),
    (svg("<style>@import url(https://evil.example/x.css);</style>"), "@import"),
    (svg('<style>@import "https://evil.example/x.css";</style>'), "@import"),
    (svg("<style>rect{fill:url(https://evil.example/x.svg#g)}</style>"), "only local url(#id)"),
    (svg("<style>rect{fill:url( 'https://evil.example/p' )}</style>"), "only local url(#id)"),
    (svg("<style>rect{fill:u\\72l(https://evil.example/p)}</style>"), "CSS escapes"),
    (svg("<style>rect{background:image-set('https://evil.example/p.png' 1x)}</style>"), "image-set"),
    (svg("<style>@font-face{font-family:x;src:local(x)}</style>"), "@font-face"),
    (svg("<style>rect{fill:red} /* unterminated</style>"), "unterminated"),
    (svg('<style type="text/xsl">x</style>'), "text/css"),
    (svg('<rect style="fill:url(https://tracker.example/p)"/>'), "only local url(#id)"),
    (svg('<rect style="behavior:url(x.htc)"/>'), "behavior"),
    (svg('<rect fill="url(https://evil.example/x.svg#g)"/>'), "only local url(#id)"),
    (svg('<rect cursor="url(https://evil.example/c.cur), auto"/>'), "only local url(#id)"),
    (svg('<a href="#x"><rect/></a>', 'xml:base="javascript:alert(1)//"'), "attribute base"),
    (svg('<rect data-x="javascript:alert(1)"/>'), "script or data"),
    (svg('<rect><animate attributeName="fill" values="red; JaVa&#9;Script:alert(1)"/></rect>'), "script or data"),
    (svg('<rect target="_top"/>'), "attribute target"),
    (svg("", prolog='<?xml-stylesheet type="text/xsl" href="https://evil.example/x.xsl"?>'),
     "processing instructions"),
    (svg("<?php echo 1; ?>"), "processing instructions"),
    (svg('<a href="&x;"/>', prolog='<!DOCTYPE svg [<!ENTITY x "javascript:alert(1)">]>'), "entities"),
    (svg("&xxe;", prolog='<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'), "entities"),
    (svg("&l2;", prolog='<!DOCTYPE svg [<!ENTITY l0 "ha"><!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">'
                        '<!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">]>'), "entities"),
    (svg("", prolog='<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]>'), "internal subset"),
    (svg("", prolog='<!DOCTYPE svg [<!-- only a comment -->]>'), "internal subset"),
    (svg("", prolog='<?xml version="1.0" encoding="UTF-7"?>'), "encoding"),
    (svg("&undefined;"), "not well-formed"),
    (svg("<rect>"), "not well-formed"),
    (svg("") + b"<script>alert(1)</script>", "not well-formed"),
]


@pytest.mark.parametrize(("data", "reason"), HOSTILE)
def test_hostile_svg_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(SvgRefused) as refused:
        check_svg(data)
    assert reason in str(refused.value)
    # The upload check (sniffing included) refuses it too, saying why.
    with pytest.raises(ImageError) as upload:
        check_image(data, allowed=(".png", ".svg"), max_bytes=1 << 20)
    assert str(upload.value) == f"SVG refused: {refused.value}"


BENIGN = [
    (SHIPPED / "img" / "logo.svg").read_bytes(),
    (HERE / "inkscape.svg").read_bytes(),
    (HERE / "illustrator.svg").read_bytes(),
    svg('<rect width="4" height="4"/>', prolog='<?xml version="1.0"?>'),
    b"\xef\xbb\xbf" + svg("<circle r='1'/>", prolog="<!-- a comment with <script> in it -->\n"),
    svg('<defs><clipPath id="c"><rect/></clipPath></defs>'
        '<g clip-path="url(#c)" aria-label="logo"><path d="M0 0"/></g>'),
    svg('<a href="#top"><text x="1" y="1">javascript: is only text here</text></a>'),
    svg('<g inkscape:label="Layer data: 2" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"/>'),
    svg('<rect><animateTransform attributeName="transform" type="rotate" from="0" to="360" dur="3s"/></rect>'),
    svg('<svg:rect xmlns:svg="http://www.w3.org/2000/svg" width="1" height="1"/>'),
    svg("<style><![CDATA[ rect { fill: url('#g') } ]]></style><title>Logo</title><desc>A &amp; B</desc>"),
]


@pytest.mark.parametrize("data", BENIGN)
def test_benign_svg_is_accepted(data: bytes) -> None:
    check_svg(data)
    assert check_image(data, allowed=(".svg",), max_bytes=1 << 20) == ".svg"


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("**/*.svg")), ids=lambda p: p.name)
def test_every_shipped_svg_passes_the_upload_check(path: Path) -> None:
    if "vendor" not in path.parts:
        check_svg(path.read_bytes())
