"""Custom emoji: the folders they come from and their URLs, shared by serve (/api/emoji) and chat (``:name:``)."""

from __future__ import annotations

from pathlib import Path
from typing import Final
from urllib.parse import quote

#: The default set we ship; ``data/emoji`` comes first and wins a name.
SHIPPED_DIR: Final = Path(__file__).resolve().parents[1] / "share" / "web" / "emoji"

#: Image files Owncast accepts as emoji.
EMOJI_SUFFIXES = (".png", ".gif", ".svg", ".jpg", ".jpeg", ".webp")


def scan_emoji(*folders: Path) -> dict[str, str]:
    """name -> ``/img/emoji/<relative path>``; the first folder wins a name; hidden files skipped."""
    found: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in EMOJI_SUFFIXES or not path.is_file():
                continue
            relative = path.relative_to(folder)
            if any(part.startswith(".") for part in relative.parts):
                continue
            found.setdefault(path.stem, "/img/emoji/" + quote(relative.as_posix()))
    return found


def emoji_list(*folders: Path) -> list[dict[str, str]]:
    """Owncast's ``/api/emoji`` shape: ``[{name, url}]`` sorted by name."""
    return [{"name": name, "url": url} for name, url in sorted(scan_emoji(*folders).items())]
