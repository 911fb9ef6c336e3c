"""The HTML pages: the viewer page, the embeds, and the media-player redirect of ``/``."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final

from quart import Response, g, redirect, render_template, request

from owncast_cli import state
from owncast_cli.serve import api_public, security

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services

#: User agents of media players and TV apps that ask for ``/`` but want the stream itself.
MEDIA_PLAYER_UA: Final = re.compile(
    r"vlc|lavf|ffmpeg|ffplay|mpv|mplayer|gstreamer|kodi|xbmc|smart-?tv|tizen|web0s|webos|roku|appletv",
    re.IGNORECASE,
)
CHAT_MODES: Final = ("readonly", "readwrite")


def is_media_player(user_agent: str) -> bool:
    return bool(MEDIA_PLAYER_UA.search(user_agent))


def _json_for_script(value: Any) -> str:
    """JSON safe inside a <script> element (no closing tag, no HTML comment openers)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _appearance_css(variables: dict[str, str]) -> str:
    """The admin's colour overrides as CSS custom properties (names and values restricted)."""
    rules = []
    for name, value in variables.items():
        if re.fullmatch(r"--?[A-Za-z0-9_-]+", name) and re.fullmatch(r"[#(),.%\w\s-]+", value):
            rules.append(f"{name if name.startswith('--') else '-' + name}: {value};")
    return ":root { " + " ".join(rules) + " }" if rules else ""


def register(app: QuartTrio, svc: Services) -> None:
    db = svc.ctx.db

    async def page(template: str, *, embed: bool, chat_mode: str | None = None,
                   video_only: bool = False) -> Response:
        config = svc.live.values
        stream, viewers = await db.run(lambda: (state.stream(db), state.viewers(db)))
        web_config = api_public.web_config(config)
        status_body = api_public.status(stream, viewers, config)
        nonce = security.new_nonce()
        scheme = g.forwarded_proto or request.scheme
        base = (config.server_url or f"{scheme}://{request.host}").rstrip("/")
        html = await render_template(
            template,
            nonce=nonce,
            config=web_config,
            status=status_body,
            bootstrap=_json_for_script({"config": web_config, "status": status_body}),
            chat_enabled=not config.chat_disabled,
            chat_mode=chat_mode,
            video_only=video_only,
            custom_css=config.custom_styles,
            appearance_css=_appearance_css(config.custom_color_variable_values),
            has_custom_js=bool(config.custom_javascript.strip()),
            base_url=base,
            title=config.stream_title or config.server_name,
            noindex=config.disable_search_indexing,
        )
        response = Response(html, mimetype="text/html")
        response.headers["Content-Security-Policy"] = security.page_csp(nonce, embed=embed)
        response.headers["Cache-Control"] = "no-cache"
        if not embed:
            response.headers.update(security.NO_FRAMING)
        return response

    @app.get("/")
    async def index() -> Any:
        if is_media_player(request.headers.get("User-Agent", "")):
            return redirect("/hls/stream.m3u8", 302)
        return await page("index.html", embed=False)

    @app.get("/embed/video")
    async def embed_video() -> Any:
        return await page("embed_video.html", embed=True, video_only=True)

    @app.get("/embed/chat")
    @app.get("/embed/chat/")
    async def embed_chat_default() -> Any:
        return redirect("/embed/chat/readonly", 307)

    @app.get("/embed/chat/<mode>")
    async def embed_chat(mode: str) -> Any:
        if mode not in CHAT_MODES:
            return Response("no such chat embed: use /embed/chat/readonly or /embed/chat/readwrite",
                            status=404, mimetype="text/plain")
        return await page("embed_chat.html", embed=True, chat_mode=mode)
