"""Social platform logos at Owncast's ``/img/platformlogos/<name>`` paths: the brands' own marks.

The marks come from npm packages installed beside hls.js at install time (``make web-vendor``):
simple-icons (CC0: the brands' glyphs and colours) and, for what it lacks (LinkedIn withdrew its
mark) and the two generic buttons, bootstrap-icons (MIT). Each logo is drawn as Owncast's are:
the glyph centred on a rounded square of the brand's colour, white or black, whichever reads
better. Only path, circle and rect elements with geometry attributes are copied from the package's
file, so nothing but drawing reaches a page on our origin.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree

logger = logging.getLogger("owncast.serve")

SIMPLE_ICONS: Final = "simple-icons"
BOOTSTRAP_ICONS: Final = "bootstrap-icons"
#: Owncast's file name -> (package, icon, colour or None for the package's brand colour).
SOURCES: Final[dict[str, tuple[str, str, str | None]]] = {
    "bandcamp.svg": (SIMPLE_ICONS, "bandcamp", None),
    "discord.svg": (SIMPLE_ICONS, "discord", None),
    "facebook.svg": (SIMPLE_ICONS, "facebook", None),
    "github.svg": (SIMPLE_ICONS, "github", None),
    "gitlab.svg": (SIMPLE_ICONS, "gitlab", None),
    "instagram.svg": (SIMPLE_ICONS, "instagram", None),
    "ko-fi.svg": (SIMPLE_ICONS, "kofi", None),
    "mastodon.svg": (SIMPLE_ICONS, "mastodon", None),
    "patreon.svg": (SIMPLE_ICONS, "patreon", None),
    "paypal.svg": (SIMPLE_ICONS, "paypal", None),
    "snapchat.svg": (SIMPLE_ICONS, "snapchat", None),
    "soundcloud.svg": (SIMPLE_ICONS, "soundcloud", None),
    "spotify.svg": (SIMPLE_ICONS, "spotify", None),
    "tiktok.svg": (SIMPLE_ICONS, "tiktok", None),
    "twitch.svg": (SIMPLE_ICONS, "twitch", None),
    "twitter.svg": (SIMPLE_ICONS, "x", None),  # the platform's mark since 2023
    "youtube.svg": (SIMPLE_ICONS, "youtube", None),
    "odysee.svg": (SIMPLE_ICONS, "odysee", None),
    "lbry.svg": (SIMPLE_ICONS, "lbry", None),
    "liberapay.svg": (SIMPLE_ICONS, "liberapay", None),
    "linkedin.svg": (BOOTSTRAP_ICONS, "linkedin", "0A66C2"),
    "donate.svg": (BOOTSTRAP_ICONS, "heart-fill", "2E7D32"),
    "follow.svg": (BOOTSTRAP_ICONS, "person-plus-fill", "7A5CFF"),
}
_SHAPES: Final = {"path": ("d", "fill-rule", "clip-rule"), "circle": ("cx", "cy", "r"),
                  "rect": ("x", "y", "width", "height", "rx", "ry")}


class Logo:
    """One drawn logo: its SVG bytes and their ETag."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


@lru_cache(maxsize=2)
def _brand_colours(node_modules: Path) -> dict[str, str]:
    import json

    data = json.loads((node_modules / SIMPLE_ICONS / "data" / "simple-icons.json").read_text())
    entries = data if isinstance(data, list) else data.get("icons", [])
    return {str(e.get("slug") or ""): str(e.get("hex") or "") for e in entries if e.get("slug")}


def _glyph(svg: bytes) -> tuple[str, str]:
    """(viewBox, the drawing elements) of an icon file."""
    root = ElementTree.fromstring(svg)
    shapes = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in _SHAPES:
            attrs = "".join(f" {name}={quoteattr(element.get(name, ''))}" for name in _SHAPES[tag] if element.get(name))
            shapes.append(f"<{tag}{attrs}/>")
    return root.get("viewBox") or "0 0 24 24", "".join(shapes)


def _ink(hex_colour: str) -> str:
    """White or black, whichever contrasts more with the background (WCAG relative luminance)."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#fff"


def draw(title: str, viewbox: str, shapes: str, colour: str) -> bytes:
    """The logo: the glyph at 62 % of a 64 px rounded square of ``colour`` (six hex digits)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
            f"<title>{escape(title)}</title>"
            f'<rect width="64" height="64" rx="14" fill="#{colour}"/>'
            f'<svg x="12" y="12" width="40" height="40" viewBox={quoteattr(viewbox)} fill="{_ink(colour)}">'
            f"{shapes}</svg></svg>").encode()


@lru_cache(maxsize=64)
def logo(node_modules: Path, name: str, title: str) -> Logo | None:
    """The logo for Owncast's file ``name``, or None when it is not ours to draw or the package is
    missing (a warning says which install step to run)."""
    source = SOURCES.get(name)
    if source is None:
        return None
    package, icon, colour = source
    try:
        svg = (node_modules / package / "icons" / f"{icon}.svg").read_bytes()
        colour = colour or _brand_colours(node_modules).get(icon) or "5C5C70"
        viewbox, shapes = _glyph(svg)
    except (OSError, ValueError, ElementTree.ParseError) as exc:
        logger.warning("no %s logo (%s): install the web packages with `make web-vendor`", name, exc)
        return None
    return Logo(draw(title, viewbox, shapes, colour.upper()))
