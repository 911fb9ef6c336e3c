"""Chat's names for the shared sanitiser in owncast_cli.markup (one policy for serve and chat)."""

from __future__ import annotations

from owncast_cli.markup import markdown_escape, render_chat_message, render_trusted_markdown

__all__ = ["markdown_escape", "render_chat_message", "render_trusted_markdown"]
