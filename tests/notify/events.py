"""Bus events as the chat daemon and ingest publish them, for the notify tests."""

from __future__ import annotations

from owncast_cli.bus.catalog import ChatMessage

USER = {"id": "u1", "displayName": "alice", "displayColor": 3, "createdAt": "2026-12-08T00:00:00Z",
        "previousNames": ["alice"], "isBot": False, "authenticated": False}


def chat(n: int, body: str | None = None) -> ChatMessage:
    text = body if body is not None else f"message {n}"
    return ChatMessage(body=f"<p>{text}</p>", id=f"m{n}", timestamp="2026-12-08T01:00:00.000000Z",
                       kind="CHAT", user=USER, visible=True, raw_body=text, client_id=7)
