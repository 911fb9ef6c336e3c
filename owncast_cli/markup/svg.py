"""Uploaded SVG: parsed as XML (defusedxml) and checked against an allow-list, or refused.

An SVG opened directly on our origin is a document: scripts in it run with the admin's session.
A pattern block-list misses what an XML parser resolves (``<s:script>`` with a namespace prefix,
``&#106;avascript:`` as a character reference), so the check parses the file the way a browser
does (namespaces resolved, references decoded) and accepts only known-inert content:

- elements: SVG's drawing vocabulary (svg_names.ELEMENTS), editors' metadata namespaces, and inside
  ``<metadata>`` any namespace but XHTML and MathML;
- attributes: the SVG allow-list, ``xlink:href``/``xlink:title``, ``xml:space``/``xml:lang``, editor
  namespaces; never ``on*``;
- URLs: ``href`` only to a local ``#fragment`` (an ``<image>`` may embed a raster ``data:`` URL);
  CSS (``<style>``, ``style``, any ``url(...)``) only with local ``url(#id)``, no ``@import``, no
  escapes;
- no processing instructions (``<?xml-stylesheet?>`` applies XSLT), no DTD internal subset, no
  entities (defusedxml), and only UTF-8, US-ASCII or ISO-8859-1 (browser and parser agree).
The stored file is the uploaded one, byte for byte: nothing is rewritten, so what was checked is
what is served.
"""

from __future__ import annotations

import re
from typing import Final
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from owncast_cli.markup import svg_names as names

_ENCODINGS: Final = frozenset({"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1"})
_RASTER_DATA_URL: Final = re.compile(r"data:image/(?:png|jpeg|jpg|gif|webp);base64,[a-z0-9+/=\s]*", re.I)
_CSS_COMMENT: Final = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL: Final = re.compile(r"url\(\s*(['\"]?)([^'\")]*)\1\s*\)", re.I)
# CSS that fetches without url() or runs code: none of it is needed to draw.
_CSS_REFUSED: Final = ("@import", "@font-face", "@namespace", "image-set(", "image(", "cross-fade(",
                       "src(", "element(", "expression(", "-moz-binding", "behavior", "javascript:")
# A value that is (or, in a ;-list of animation values, holds) a script or data: URL.
_SCRIPT_URL: Final = re.compile(r"(?:^|[;,])(?:javascript|vbscript|data):")
# Browsers ignore ASCII whitespace and control characters inside a URL's scheme.
_URL_NOISE: Final = re.compile(r"[\x00-\x20\x7f]+")


class SvgRefused(ValueError):
    """The SVG is not one we serve; the message names what was found."""


def check_svg(data: bytes) -> None:
    """Raise :class:`SvgRefused` unless ``data`` is an SVG made only of allowed markup."""
    checker = _Checker()
    parser = DefusedXMLParser(target=checker, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    parser.parser.StartDoctypeDeclHandler = checker.start_doctype
    parser.parser.EndDoctypeDeclHandler = checker.end_doctype
    parser.parser.XmlDeclHandler = _xml_declaration
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException as exc:
        raise SvgRefused(f"entities and external references are not allowed ({type(exc).__name__})") from None
    except ParseError as exc:
        raise SvgRefused(f"not well-formed XML: {exc}") from None
    if not checker.seen_root:
        raise SvgRefused("no <svg> element")


def _xml_declaration(version: str | None, encoding: str | None, standalone: int) -> None:
    if encoding is not None and encoding.lower() not in _ENCODINGS:
        raise SvgRefused(f"encoding {encoding!r} is not allowed (use UTF-8)")


def _split(name: str) -> tuple[str, str]:
    """``{namespace}local`` (ElementTree's form) -> (namespace, local); "" for no namespace."""
    if name.startswith("{"):
        namespace, _, local = name[1:].rpartition("}")
        return namespace, local
    return "", name


def _check_css(css: str, where: str) -> None:
    """Refuse CSS that could fetch, import or run anything; ``url(#id)`` (a gradient, a clip path)
    is what drawing needs."""
    if "\\" in css:
        raise SvgRefused(f"CSS escapes are not allowed in {where}")
    text = _CSS_COMMENT.sub(" ", css).lower()
    if "/*" in text:
        raise SvgRefused(f"an unterminated CSS comment in {where}")
    for word in _CSS_REFUSED:
        if word in text:
            raise SvgRefused(f"{word.rstrip('(')} is not allowed in {where}")
    urls = _CSS_URL.findall(text)
    if len(urls) != text.count("url("):
        raise SvgRefused(f"a url( that is not closed in {where}")
    for _, url in urls:
        if not url.strip().startswith("#"):
            raise SvgRefused(f"url({url.strip()}) in {where}: only local url(#id) is allowed")


class _Checker:
    """The parser's target: sees every element, attribute, text and processing instruction."""

    def __init__(self) -> None:
        self.seen_root = False
        self._stack: list[tuple[str, str]] = []
        self._metadata_depth = 0
        self._style: list[str] | None = None
        self._internal_subset = False

    def start_doctype(self, name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool) -> None:
        self._internal_subset = has_internal_subset

    def end_doctype(self) -> None:
        # Refused at its end, so that defusedxml names an entity declaration inside it first. An
        # internal subset can also declare default attributes (<!ATTLIST svg onload ...>) that
        # browsers apply but the parser does not report.
        if self._internal_subset:
            raise SvgRefused("a DOCTYPE with an internal subset ([...]) is not allowed")

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        namespace, local = _split(tag)
        if not self._stack:
            if (namespace, local) != (names.SVG_NS, "svg"):
                raise SvgRefused(f'the root element must be <svg xmlns="{names.SVG_NS}">')
            self.seen_root = True
        self._check_element(namespace, local)
        for name, value in attrib.items():
            self._check_attribute(namespace, local, name, value)
        self._stack.append((namespace, local))
        if (namespace, local) == (names.SVG_NS, "metadata") or self._metadata_depth:
            self._metadata_depth += 1
        if (namespace, local) == (names.SVG_NS, "style"):
            if attrib.get("type", "text/css") != "text/css":
                raise SvgRefused("<style> must be text/css")
            self._style = []

    def end(self, tag: str) -> None:
        namespace, local = self._stack.pop()
        if self._metadata_depth:
            self._metadata_depth -= 1
        if self._style is not None and (namespace, local) == (names.SVG_NS, "style"):
            _check_css("".join(self._style), "<style>")
            self._style = None

    def data(self, text: str) -> None:
        if self._style is not None:
            self._style.append(text)

    def pi(self, target: str, text: str) -> None:
        raise SvgRefused(f"processing instructions (<?{target} ...?>) are not allowed")

    def close(self) -> None:
        return None

    def _check_element(self, namespace: str, local: str) -> None:
        if namespace == names.SVG_NS:
            if local not in names.ELEMENTS:
                raise SvgRefused(f"<{local}> is not allowed in an SVG")
        elif namespace in names.ACTIVE_NAMESPACES or not (
            namespace in names.EDITOR_NAMESPACES or (self._metadata_depth and namespace)
        ):
            raise SvgRefused(f"<{local}> in namespace {namespace or 'none'!r} is not allowed in an SVG")

    def _check_attribute(self, element_ns: str, element: str, name: str, value: str) -> None:
        namespace, local = _split(name)
        where = f"<{element} {local}>"
        if local.lower().startswith("on"):
            raise SvgRefused(f"event handler attributes ({local}) are not allowed")
        if namespace == "" and element_ns == names.SVG_NS:
            allowed = (local in names.ATTRIBUTES or local.startswith(("data-", "aria-")))
        elif namespace == names.XLINK_NS:
            allowed = local in names.XLINK_ATTRIBUTES
        elif namespace == names.XML_NS:
            allowed = local in names.XML_ATTRIBUTES
        else:
            # Inert: editors' namespaces, and any attribute of an (inert) editor or metadata element.
            allowed = namespace in names.EDITOR_NAMESPACES or (
                element_ns != names.SVG_NS and namespace not in names.ACTIVE_NAMESPACES
                and namespace != names.SVG_NS)
        if not allowed:
            raise SvgRefused(f"the attribute {local} ({namespace or 'no namespace'}) is not allowed on <{element}>")
        if local in names.URL_ATTRIBUTES and namespace in ("", names.XLINK_NS) and element_ns == names.SVG_NS:
            raster = element in names.RASTER_HREF_ELEMENTS and _RASTER_DATA_URL.fullmatch(value.strip())
            if not (value.strip().startswith("#") or raster):
                raise SvgRefused(f"{where}: links may only point inside the SVG (#id)")
            return
        if local == "attributeName" and element in names.ANIMATION_ELEMENTS:
            target = value.strip()
            if target in names.NOT_ANIMATABLE or target not in names.ATTRIBUTES:
                raise SvgRefused(f"{where}: animating {target!r} is not allowed")
        if local == "style" or "url(" in value.lower():
            _check_css(value, where)
        if _SCRIPT_URL.search(_URL_NOISE.sub("", value).lower()):
            raise SvgRefused(f"{where}: script or data: URLs are not allowed")
