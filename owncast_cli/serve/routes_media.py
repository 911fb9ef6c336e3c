"""File routes: HLS, thumbnail and preview, logo, favicon, emoji, platform logos, /public, /web."""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import trio
from quart import Response, g, request
from werkzeug.exceptions import NotFound

from owncast_cli.serve import files, hls, platform_logos, platforms, security

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services

#: Explicit types: Debian's /etc/mime.types maps .ts to Qt Linguist, and others vary by host.
TYPES: Final[dict[str, str]] = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
    ".map": "application/json",
    ".ts": "video/mp2t",
    ".m3u8": hls.PLAYLIST_TYPE,
    ".mp4": "video/mp4",
}
IMAGE_SUFFIXES: Final = (".png", ".gif", ".jpg", ".jpeg", ".svg", ".webp", ".ico")
#: Revalidate every time (ETag makes that a 304): pages pick up a new logo or asset at once.
REVALIDATE: Final = "no-cache"


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def request_headers() -> dict[str, str]:
    return {k.lower(): v for k, v in request.headers.items()}


async def _chunks(path: Path, offset: int, length: int) -> AsyncIterator[bytes]:
    async with await trio.open_file(path, "rb", buffering=0) as fh:
        await fh.seek(offset)
        left = length
        while left > 0:
            data = await fh.read(min(files.CHUNK, left))
            if not data:
                return
            left -= len(data)
            yield data


def send_plan(plan: files.FilePlan) -> Response:
    """A Quart response for a file plan; the body streams in large chunks."""
    body: Any = b"" if plan.path is None else _chunks(plan.path, plan.offset, plan.length)
    response = Response(body, status=plan.status)
    response.headers.clear()
    for name, value in plan.headers.items():
        response.headers[name] = value
    return response


def send_file(root: Path, relative: str, *, cache: str = REVALIDATE) -> Response:
    """Serve ``relative`` from ``root`` safely, or 404."""
    try:
        path = files.confine(root, relative)
    except files.Refused:
        raise NotFound() from None
    return send_plan(files.plan(path, method=request.method, headers=request_headers(),
                                content_type=content_type(path), cache_control=cache))


def first_file(candidates: list[tuple[Path, str]]) -> Response:
    """Serve the first of (root, relative) that exists, or 404."""
    for root, relative in candidates:
        try:
            files.confine(root, relative)
        except files.Refused:
            continue
        return send_file(root, relative)
    raise NotFound()


def sandboxed(response: Response) -> Response:
    """``response`` with :data:`security.SANDBOX`: for files that come (or may come) from data/."""
    response.headers.update(security.SANDBOX)
    return response


def register(app: QuartTrio, svc: Services) -> None:
    settings = svc.ctx.settings
    web = svc.web_root

    @app.get("/hls/<path:relative>")
    async def get_hls(relative: str) -> Any:
        s3 = bool((svc.live.values.s3_storage_config or {}).get("enabled"))
        try:
            answer = hls.serve_hls(settings.hls_dir, relative, method=request.method,
                                   headers=request_headers(), s3=s3)
        except files.Refused:
            raise NotFound() from None
        if answer.is_playlist:
            svc.viewers.seen(g.client_ip, request.headers.get("User-Agent", ""))
        return send_plan(answer.plan)

    def logo_candidates() -> list[tuple[Path, str]]:
        configured = str(svc.live.values.logo_path)
        own = [(settings.datadir, configured)] if configured.lower().endswith(IMAGE_SUFFIXES) else []
        return [*own, (web, "img/logo.svg")]

    @app.get("/logo")
    async def get_logo() -> Any:
        return sandboxed(first_file(logo_candidates()))

    @app.get("/logo/external")
    async def get_logo_external() -> Any:
        # Social networks and push services do not take SVG: a raster logo or our PNG.
        configured = svc.live.values.logo_path
        is_raster = configured.lower().endswith((".png", ".jpg", ".jpeg", ".gif"))
        raster = [(settings.datadir, configured)] if is_raster else []
        return sandboxed(first_file([*raster, (web, "img/logo.png")]))

    @app.get("/thumbnail.jpg")
    async def get_thumbnail() -> Any:
        return sandboxed(first_file([(settings.tmp_dir, "thumbnail.jpg"), *logo_candidates()]))

    @app.get("/preview.gif")
    async def get_preview() -> Any:
        return sandboxed(first_file([(settings.tmp_dir, "preview.gif"), *logo_candidates()]))

    @app.get("/favicon.ico")
    async def get_favicon() -> Any:
        configured = svc.live.values.favicon_path
        own = [(settings.datadir, configured)] if configured.lower().endswith(IMAGE_SUFFIXES) else []
        return sandboxed(first_file([*own, (web, "img/favicon.png")]))

    @app.get("/img/emoji/<path:relative>")
    async def get_emoji_image(relative: str) -> Any:
        return sandboxed(first_file([(settings.emoji_dir, relative), (web / "emoji", relative)]))

    @app.get("/img/platformlogos/<path:relative>")
    async def get_platform_logo(relative: str) -> Any:
        drawn = platform_logos.logo(web / "vendor" / "node_modules", relative, platforms.display_name(relative))
        if drawn is None:
            return send_file(web / "img" / "platformlogos", relative)  # keyoxide.png, or 404
        headers = {"ETag": drawn.etag, "Cache-Control": REVALIDATE}
        if request.headers.get("If-None-Match") == drawn.etag:
            return Response(b"", status=304, headers=headers)
        return Response(drawn.body, content_type=TYPES[".svg"], headers=headers)

    @app.get("/public/<path:relative>")
    async def get_public(relative: str) -> Any:
        return send_file(settings.public_dir, relative)

    @app.get("/web/<path:relative>")
    async def get_web_asset(relative: str) -> Any:
        if relative.startswith("templates/"):
            raise NotFound()
        return send_file(web, relative)

    @app.get("/customjavascript")
    async def get_custom_javascript() -> Any:
        response = Response(svc.live.values.custom_javascript, mimetype="text/javascript")
        response.headers["Cache-Control"] = REVALIDATE
        return response

    @app.get("/robots.txt")
    async def get_robots() -> Any:
        # Owncast's GetRobotsDotTxt, byte for byte: "Disallow: /" is added, not substituted.
        lines = ["User-agent: *", "Disallow: /admin", "Disallow: /api"]
        if svc.live.values.disable_search_indexing:
            lines.append("Disallow: /")
        response = Response("\n".join(lines), mimetype="text/plain")
        response.headers["Cache-Control"] = REVALIDATE
        return response
