"""Uploaded images: base64 data URLs decoded, and their type decided by their bytes, not their name.

SVG is text that a browser runs scripts from when it is opened directly on our origin, so an SVG
with scripts, event handlers, ``javascript:`` links or embedded HTML is refused.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

#: extension -> the content type served for it.
TYPES: Final = {".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
                ".svg": "image/svg+xml", ".ico": "image/x-icon"}
_SVG_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?"
                        rb"(?:<!--.*?-->\s*)*<svg[\s>]", re.IGNORECASE | re.DOTALL)
_SVG_ACTIVE = re.compile(rb"<script|<foreignobject|<iframe|<embed|<object|javascript:|\son[a-z]+\s*=",
                         re.IGNORECASE)


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
    if _SVG_START.match(data[:4096]):
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
    if extension == ".svg" and _SVG_ACTIVE.search(data):
        raise ImageError("SVG images with scripts, event handlers or embedded content are refused")
    return extension
