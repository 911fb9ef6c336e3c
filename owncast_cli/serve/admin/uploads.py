"""Emoji upload and delete, logo upload, favicon upload and reset: files in ``data/``, checked by content.

File names are ours (``logo.png``, ``favicon.ico``, ``emoji/<name>.<ext>`` with a plain name), so no
request can write outside the data directory; files are written to a temporary name and renamed.
Owncast takes the type from the data URL's header (a PNG declared ``image/jpeg`` is refused as a
favicon, a JPEG declared ``image/png`` is stored as ``favicon.png``); we take it from the bytes,
with Owncast's messages (webserver/handlers/admin/emoji.go and config.go, SetFavicon).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import trio
from quart import request

from owncast_cli.config.store import ConfigError
from owncast_cli.serve.admin.common import BadRequest, fail, json_object, ok
from owncast_cli.serve.admin.configure import set_values
from owncast_cli.serve.admin.images import ImageError, check_image, decode_data_url, sniff

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services

LOGO_TYPES: Final = (".png", ".jpg", ".gif", ".webp", ".svg")
EMOJI_TYPES: Final = (".png", ".jpg", ".gif", ".webp", ".svg")
FAVICON_TYPES: Final = (".png", ".ico")
#: Request bodies are capped at 1 MiB (serve's MAX_BODY); base64 makes images a third larger.
MAX_LOGO_BYTES: Final = 700 * 1024
MAX_EMOJI_BYTES: Final = 256 * 1024
MAX_FAVICON_BYTES: Final = 200 * 1024  # Owncast's limit
_EMOJI_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _quoted(name: str) -> str:
    """A name quoted as Go's %q does (Owncast's messages use it)."""
    return json.dumps(name, ensure_ascii=False)


def write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def emoji_stem(name: object) -> str:
    """The file name stem for an emoji: the given name without a folder or extension."""
    if not isinstance(name, str):
        raise BadRequest('expected {"name": "emoji name", "data": "data:image/png;base64,..."}')
    if "/" in name or "\\" in name or "\0" in name:
        raise BadRequest("an emoji name is a plain name, not a path")
    stem = name.strip()
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    if not _EMOJI_NAME.match(stem):
        raise BadRequest("an emoji name is 1-64 letters, digits, '-' or '_'")
    return stem


def _existing(folder: Path, stem: str) -> list[Path]:
    if not folder.is_dir():
        return []
    suffixes = (*EMOJI_TYPES, ".jpeg")
    return [p for p in folder.iterdir() if p.is_file() and p.stem == stem and p.suffix.lower() in suffixes]


def _replace_family(folder: Path, stem: str, keep: Path) -> None:
    """Remove ``stem.*`` images other than ``keep`` (a new logo in another format replaces the old)."""
    for path in folder.glob(f"{stem}.*"):
        if path != keep and path.suffix.lower() in (*LOGO_TYPES, ".ico", ".jpeg"):
            path.unlink(missing_ok=True)


async def _checked(data: bytes, *, allowed: tuple[str, ...], max_bytes: int) -> str:
    """:func:`check_image` in a worker thread: parsing a large SVG takes up to half a second."""
    return await trio.to_thread.run_sync(partial(check_image, data, allowed=allowed, max_bytes=max_bytes))


async def _favicon_bytes() -> bytes:
    """The favicon from a multipart field ``favicon`` (Owncast's admin) or ``{"value": data URL}``."""
    if (request.content_type or "").startswith("multipart/form-data"):
        files = await request.files
        upload = files.get("favicon")
        if upload is None:
            raise BadRequest("no file provided")
        return upload.read()
    body = await json_object('{"value": "data:image/png;base64,..."}')
    if not isinstance(body.get("value"), str):
        raise BadRequest("unable to find image data")
    return decode_data_url(body["value"])


def register(app: QuartTrio, svc: Services) -> None:
    settings = svc.ctx.settings

    @app.post("/api/admin/emoji/upload")
    async def admin_upload_emoji() -> Any:
        try:
            body = await json_object('{"name": "emoji name", "data": "data:image/png;base64,..."}')
            if body.get("data") is None:
                raise BadRequest("data field is required")
            if body.get("name") is None:
                raise BadRequest("name field is required")
            stem = emoji_stem(body.get("name"))
            data = decode_data_url(body.get("data"))
            extension = await _checked(data, allowed=EMOJI_TYPES, max_bytes=MAX_EMOJI_BYTES)
        except (BadRequest, ImageError) as exc:
            return fail(str(exc))
        folder = settings.emoji_dir

        def write() -> str | None:
            folder.mkdir(parents=True, exist_ok=True)
            existing = _existing(folder, stem)
            if existing:
                return f"An emoji with the name {_quoted(existing[0].name)} already exists"
            write_atomically(folder / f"{stem}{extension}", data)
            return None

        problem = await trio.to_thread.run_sync(write)
        if problem is not None:
            return fail(problem)
        return ok(f"Emoji {_quoted(stem + extension)} has been uploaded")

    @app.post("/api/admin/emoji/delete")
    async def admin_delete_emoji() -> Any:
        try:
            body = await json_object('{"name": "emoji name"}')
            stem = emoji_stem(body.get("name"))
        except BadRequest as exc:
            return fail(str(exc))

        def remove() -> list[str]:
            found = _existing(settings.emoji_dir, stem)
            for path in found:
                path.unlink(missing_ok=True)
            return [p.name for p in found]

        removed = await trio.to_thread.run_sync(remove)
        if not removed:
            return fail(f"Emoji {_quoted(body['name'])} doesn't exist")
        return ok(f"Emoji {_quoted(', '.join(removed))} has been deleted")

    @app.post("/api/admin/config/logo")
    async def admin_set_logo() -> Any:
        try:
            body = await json_object('{"value": "data:image/png;base64,..."}')
            if not isinstance(body.get("value"), str):
                raise BadRequest("unable to find image data")
            data = decode_data_url(body["value"])
            extension = await _checked(data, allowed=LOGO_TYPES, max_bytes=MAX_LOGO_BYTES)
        except (BadRequest, ImageError) as exc:
            return fail(str(exc))
        target = settings.datadir / f"logo{extension}"
        await trio.to_thread.run_sync(write_atomically, target, data)
        try:
            await set_values(svc.ctx, {"logo_path": target.name, "logo_uniqueness": secrets.token_urlsafe(6)})
        except ConfigError as exc:
            return fail(str(exc))
        await trio.to_thread.run_sync(_replace_family, settings.datadir, "logo", target)
        return ok("changed")

    @app.post("/api/admin/config/favicon")
    async def admin_set_favicon() -> Any:
        try:
            data = await _favicon_bytes()
        except (BadRequest, ImageError) as exc:
            return fail(str(exc))
        # Owncast's order: the type first, then the size.
        extension = sniff(data)
        if extension is None or extension not in FAVICON_TYPES:
            return fail("favicon must be PNG or ICO format")
        if len(data) > MAX_FAVICON_BYTES:
            return fail("file too large, max 200KB")
        target = settings.datadir / f"favicon{extension}"
        await trio.to_thread.run_sync(write_atomically, target, data)
        await set_values(svc.ctx, {"favicon_path": target.name})
        await trio.to_thread.run_sync(_replace_family, settings.datadir, "favicon", target)
        return ok("favicon updated")

    @app.delete("/api/admin/config/favicon")
    async def admin_reset_favicon() -> Any:
        await set_values(svc.ctx, {"favicon_path": ""})
        await trio.to_thread.run_sync(_replace_family, settings.datadir, "favicon", settings.datadir / "favicon")
        return ok("favicon reset to default")
