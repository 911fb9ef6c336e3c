"""Owncast's factory defaults that are long text (from Owncast's config/defaults.go)."""

from __future__ import annotations

from typing import Final

SERVER_NAME: Final = "New Owncast Server"
SERVER_SUMMARY: Final = "This is a new live video streaming server powered by Owncast."
PAGE_CONTENT: Final = """
# Welcome to Owncast!

- This is a live stream powered by [Owncast](https://owncast.online), a free and open source live streaming server.

- To discover more examples of streams, visit [Owncast's directory](https://directory.owncast.online).

- If you're the owner of this server you should visit the admin and customize the content on this page.

<hr/>

<video id="video" controls preload="metadata" style="width: 60vw; max-width: 600px; min-width: 200px;" poster="https://videos.owncast.online/t/xaJ3xNn9Y6pWTdB25m9ai3">
  <source src="https://assets.owncast.tv/video/owncast-embed.mp4" type="video/mp4" />
</video>
"""
#: Loopback, as uvicorn and gunicorn trust by default: nginx or Caddy on the same host forwards the
#: viewer's address, and without this every viewer would be 127.0.0.1 (one chat IP ban, all banned).
TRUSTED_PROXIES: Final = ("127.0.0.0/8", "::1")
DEFAULT_STREAM_KEY: Final = "abc123"
DEFAULT_ADMIN_PASSWORD: Final = "abc123"
GO_LIVE_MESSAGE: Final = "I've gone live!"
DEFAULT_VARIANT: Final = {"audioPassthrough": True, "videoBitrate": 1200, "framerate": 24, "cpuUsageLevel": 2}
