"""The social platforms Owncast knows, with their display names and icons."""

from __future__ import annotations

from typing import Final

#: platform key -> (display name, icon file under /img/platformlogos/)
PLATFORMS: Final[dict[str, tuple[str, str]]] = {
    "bandcamp": ("Bandcamp", "bandcamp.svg"),
    "discord": ("Discord", "discord.svg"),
    "facebook": ("Facebook", "facebook.svg"),
    "github": ("GitHub", "github.svg"),
    "gitlab": ("GitLab", "gitlab.svg"),
    "instagram": ("Instagram", "instagram.svg"),
    "keyoxide": ("Keyoxide", "keyoxide.png"),
    "kofi": ("Ko-Fi", "ko-fi.svg"),
    "linkedin": ("LinkedIn", "linkedin.svg"),
    "mastodon": ("Mastodon", "mastodon.svg"),
    "patreon": ("Patreon", "patreon.svg"),
    "paypal": ("Paypal", "paypal.svg"),
    "snapchat": ("Snapchat", "snapchat.svg"),
    "soundcloud": ("Soundcloud", "soundcloud.svg"),
    "spotify": ("Spotify", "spotify.svg"),
    "tiktok": ("TikTok", "tiktok.svg"),
    "twitch": ("Twitch", "twitch.svg"),
    "twitter": ("Twitter", "twitter.svg"),
    "youtube": ("YouTube", "youtube.svg"),
    "odysee": ("Odysee", "odysee.svg"),
    "lbry": ("LBRY", "lbry.svg"),
    "liberapay": ("LiberaPay", "liberapay.svg"),
    "donate": ("Donations", "donate.svg"),
    "follow": ("Follow", "follow.svg"),
}


def display_name(file_name: str) -> str:
    """The platform's display name for its logo's file name (the file's stem if unknown)."""
    return next((name for name, icon in PLATFORMS.values() if icon == file_name), file_name.rsplit(".", 1)[0])


def social_icon(platform: str) -> str | None:
    """The icon URL for a known platform, None for a custom one (Owncast omits the field)."""
    entry = PLATFORMS.get(platform)
    return f"/img/platformlogos/{entry[1]}" if entry else None
