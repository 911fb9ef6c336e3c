"""Uploaded images: base64 data URLs decoded, and their type decided by their bytes, not their name.

SVG is text that a browser runs scripts from when it is opened directly on our origin, so an SVG
is accepted only when the allow-list in owncast_cli/markup/svg.py finds nothing but drawing in it.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

from owncast_cli.markup.svg import SvgRefused, check_svg

#: extension -> the content type served for it.
TYPES: Final = {".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
                ".svg": "image/svg+xml", ".ico": "image/x-icon"}
#: An svg start tag (any prefix) in the first 4 KiB of markup makes a file an SVG candidate; the XML
#: parser then decides (svg.check_svg).
_SVG_TAG = re.compile(rb"<(?:[\w.-]+:)?svg[\s>/]")


class ImageError(ValueError):
    """Not an image we accept; the message says what is."""


def decode_data_url(value: object) -> bytes:
    """The bytes of ``data:<type>;base64,<data>`` (or of bare base64)."""
    if not isinstance(value, str) or not value:
        raise ImageError("expected the image as a base64 data URL (data:image/png;base64,...)")
    text = value
    if text.startswith("data:"):
        header, sep, text = text.partition(",")
        if not sep or ";base64" not in header:
            raise ImageError("expected a base64 data URL (data:image/png;base64,...)")
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImageError("the image data is not valid base64") from None


def sniff(data: bytes) -> str | None:
    """The extension for an image's bytes (".png", ".svg", ...), or None when it is none we accept."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return ".gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if data.startswith(b"\x00\x00\x01\x00") and len(data) > 6:
        return ".ico"
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<") and _SVG_TAG.search(head):
        return ".svg"
    return None


def check_image(data: bytes, *, allowed: tuple[str, ...], max_bytes: int) -> str:
    """Return the extension of an acceptable image, or raise ImageError saying why not."""
    if not data:
        raise ImageError("the image is empty")
    if len(data) > max_bytes:
        raise ImageError(f"the image is {len(data)} bytes; at most {max_bytes} are allowed")
    extension = sniff(data)
    names = ", ".join(e.lstrip(".").upper() for e in allowed)
    if extension is None or extension not in allowed:
        raise ImageError(f"the file is not an image of an accepted type ({names})")
    if extension == ".svg":
        try:
            check_svg(data)
        except SvgRefused as exc:
            raise ImageError(f"SVG refused: {exc}") from None
    return extension
