"""The custom emoji the chat renders for ``:name:``: the same folders and URLs serve lists at /api/emoji."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

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
