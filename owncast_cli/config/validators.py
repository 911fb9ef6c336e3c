"""Validators for config values: each returns the normalised value or raises ConfigValueError."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlparse

Validator = Callable[[Any], Any]


class ConfigValueError(ValueError):
    """A value a key does not allow; ``allowed`` says what would be accepted."""

    def __init__(self, allowed: str) -> None:
        super().__init__(allowed)
        self.allowed = allowed


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


def text(max_len: int = 100_000, *, allow_empty: bool = True, single_line: bool = False) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ConfigValueError(f"a string (got {_type_name(value)})")
        if not allow_empty and not value.strip():
            raise ConfigValueError("a non-empty string")
        if len(value) > max_len:
            raise ConfigValueError(f"a string of at most {max_len} characters (got {len(value)})")
        if single_line and ("\n" in value or "\r" in value):
            raise ConfigValueError("a single line of text")
        return value

    return check


def executable(value: Any) -> str:
    """Empty (auto-detect), or an executable file: a path (``~`` expanded) or a command name on PATH."""
    path: str = text(4096, single_line=True)(value)
    if path:
        found = shutil.which(os.path.expanduser(path))
        if found is None or not os.path.isfile(found):
            raise ConfigValueError("the path of an executable file (or a command name on PATH), "
                                   "or empty to auto-detect")
    return path


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigValueError(f"true or false (got {_type_name(value)})")
    return value


def integer(lo: int, hi: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigValueError(f"an integer from {lo} to {hi} (got {_type_name(value)})")
        if not lo <= value <= hi:
            raise ConfigValueError(f"an integer from {lo} to {hi}")
        return value

    return check


def number(lo: float, hi: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigValueError(f"a number from {lo} to {hi} (got {_type_name(value)})")
        if not lo <= value <= hi:
            raise ConfigValueError(f"a number from {lo} to {hi}")
        return value

    return check


def port(value: Any) -> int:
    return integer(1, 65535)(value)


def clamped_latency(value: Any) -> int:
    """Owncast clamps latency levels above 4; negatives are refused."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigValueError("an integer latency level from 0 to 4 (higher values are clamped to 4)")
    return min(value, 4)


def timestamp(value: Any) -> str:
    """Empty, or an RFC 3339 time such as 2026-01-01T12:00:00Z."""
    from datetime import datetime

    if not isinstance(value, str):
        raise ConfigValueError("an RFC 3339 time such as 2026-01-01T12:00:00Z, or empty")
    if value:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ConfigValueError("an RFC 3339 time such as 2026-01-01T12:00:00Z, or empty") from None
    return value


def one_of(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        for choice in choices:
            if value == choice:
                return choice
        raise ConfigValueError("one of " + ", ".join(repr(c) for c in choices))

    return check


def int_choice(*choices: int, unit: str = "") -> Callable[[Any], int]:
    """One of a few whole numbers (JSON clients may send 30.0)."""
    listed = ", ".join(str(c) for c in choices[:-1]) + f" or {choices[-1]}" + (f" {unit}" if unit else "")

    def check(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value not in choices:
            raise ConfigValueError(listed)
        return value

    return check


def ip_address(value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigValueError("an IP address such as 0.0.0.0 or 127.0.0.1")
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ConfigValueError("an IP address such as 0.0.0.0, 127.0.0.1 or ::") from None
    return value


def url(*, schemes: Sequence[str] = ("http", "https"), allow_empty: bool = True) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ConfigValueError(f"a URL (got {_type_name(value)})")
        if value == "" and allow_empty:
            return value
        parsed = urlparse(value)
        if parsed.scheme not in schemes or not parsed.netloc:
            raise ConfigValueError(
                "an absolute URL starting with " + " or ".join(f"{s}://" for s in schemes)
                + (" (or empty)" if allow_empty else "")
            )
        return value.rstrip("/") if parsed.path in ("", "/") else value

    return check


def string_list(*, max_items: int = 1000, max_len: int = 200, lower: bool = False) -> Callable[[Any], list[str]]:
    def check(value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigValueError('a JSON list of strings, e.g. ["one","two"]')
        if len(value) > max_items:
            raise ConfigValueError(f"a list of at most {max_items} strings")
        out = []
        for item in value:
            item = item.strip()
            if not item or len(item) > max_len:
                raise ConfigValueError(f"a list of non-empty strings of at most {max_len} characters")
            out.append(item.lower() if lower else item)
        return out

    return check


def _object_list(value: Any, example: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigValueError(f"a JSON list of objects, e.g. {example}")
    return value


_KEY_CHARS = re.compile(r"^[^\s/?#]+$")


def stream_keys(value: Any) -> list[dict[str, str]]:
    example = '[{"key":"abc123","comment":"Default stream key"}]'
    items = _object_list(value, example)
    if not items:
        raise ConfigValueError("at least one stream key (the last key cannot be removed)")
    seen: set[str] = set()
    out = []
    for item in items:
        key, comment = item.get("key"), item.get("comment", "")
        if not isinstance(key, str) or not key or not _KEY_CHARS.match(key) or len(key) > 256:
            raise ConfigValueError(
                f"objects whose \"key\" is 1-256 characters without spaces, '/', '?' or '#', e.g. {example}"
            )
        if not isinstance(comment, str):
            raise ConfigValueError(f'objects whose "comment" is a string, e.g. {example}')
        if key in seen:
            raise ConfigValueError(f"distinct keys (\"{key[:3]}…\" appears twice)")
        seen.add(key)
        out.append({"key": key, "comment": comment})
    return out


def social_handles(value: Any) -> list[dict[str, str]]:
    example = '[{"platform":"github","url":"https://github.com/owncast/owncast"}]'
    out = []
    for item in _object_list(value, example):
        platform, link = item.get("platform"), item.get("url")
        if not isinstance(platform, str) or not platform.strip():
            raise ConfigValueError(f'objects with a non-empty "platform", e.g. {example}')
        out.append({"platform": platform.strip(), "url": url(allow_empty=False)(link)})
    return out


def external_actions(value: Any) -> list[dict[str, Any]]:
    example = '[{"title":"Donate","url":"https://example.com/donate"}]'
    out = []
    for item in _object_list(value, example):
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ConfigValueError(f'objects with a non-empty "title", e.g. {example}')
        if not item.get("url") and not item.get("html"):
            raise ConfigValueError(f'objects with a "url" or an "html" content, e.g. {example}')
        if item.get("url"):
            url(allow_empty=False)(item["url"])
        for name in ("html", "description", "icon", "color"):
            if name in item and not isinstance(item[name], str):
                raise ConfigValueError(f'objects whose "{name}" is a string')
        if "openExternally" in item and not isinstance(item["openExternally"], bool):
            raise ConfigValueError('objects whose "openExternally" is true or false')
        out.append(dict(item))
    return out


def string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigValueError('a JSON object of strings, e.g. {"theme-color-palette-0":"#2086e1"}')
    return dict(value)


def s3_config(value: Any) -> dict[str, Any]:
    fields = {"enabled": bool, "endpoint": str, "accessKey": str, "secret": str, "bucket": str,
              "region": str, "acl": str, "pathPrefix": str, "forcePathStyle": bool,
              "servingEndpoint": str}
    if not isinstance(value, dict):
        raise ConfigValueError('a JSON object, e.g. {"enabled":false}')
    for name, kind in fields.items():
        if name in value and not isinstance(value[name], kind):
            raise ConfigValueError(f'an object whose "{name}" is {_type_name(kind())}')
    unknown = set(value) - set(fields)
    if unknown:
        raise ConfigValueError("an object with only the fields " + ", ".join(sorted(fields)))
    if value.get("enabled"):
        for name in ("endpoint", "bucket", "accessKey", "secret"):
            if not value.get(name):
                raise ConfigValueError(f'an enabled S3 config with a non-empty "{name}"')
        url(allow_empty=False)(value["endpoint"])
    return dict(value)


def discord_config(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigValueError('an object such as {"enabled":false,"webhook":"","goLiveMessage":""}')
    out = {"enabled": boolean(value.get("enabled", False)),
           "webhook": url(allow_empty=True)(value.get("webhook", "")),
           "goLiveMessage": text(500)(value.get("goLiveMessage", ""))}
    if out["enabled"] and not out["webhook"]:
        raise ConfigValueError('an enabled Discord config with a "webhook" URL')
    return out


def browser_push_config(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigValueError('an object such as {"enabled":true,"goLiveMessage":"I\'ve gone live!"}')
    return {"enabled": boolean(value.get("enabled", False)),
            "goLiveMessage": text(500)(value.get("goLiveMessage", ""))}


def apprise_urls(value: Any) -> list[dict[str, str]]:
    """Go-live channels through apprise: ``[{"url": "tgram://...", "goLiveMessage": "..."}]``."""
    example = '[{"url":"ntfy://ntfy.sh/mytopic","goLiveMessage":"{name} is live: {title} {url}"}]'
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigValueError(f"a JSON list of objects such as {example}")
    if len(value) > 50:
        raise ConfigValueError("a list of at most 50 apprise URLs")
    out = []
    for item in value:
        link = item.get("url")
        if not isinstance(link, str) or "://" not in link or len(link) > 2048:
            raise ConfigValueError(f'objects whose "url" is an apprise URL (scheme://...), e.g. {example}')
        if set(item) - {"url", "goLiveMessage"}:
            raise ConfigValueError('objects with only the fields "url" and "goLiveMessage"')
        out.append({"url": link.strip(), "goLiveMessage": text(1000)(item.get("goLiveMessage", ""))})
    return out


def video_variants(value: Any) -> list[dict[str, Any]]:
    """Owncast's StreamOutputVariant list (at least one)."""
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise ConfigValueError(
            'a non-empty JSON list of variants, e.g. [{"videoBitrate":1200,"framerate":24,"cpuUsageLevel":2}]'
        )
    fields = {"name": str, "videoPassthrough": bool, "audioPassthrough": bool,
              "videoBitrate": int, "audioBitrate": int, "scaledWidth": int, "scaledHeight": int,
              "framerate": int, "cpuUsageLevel": int, "encoderPreset": str}
    for i, variant in enumerate(value):
        for name, val in variant.items():
            kind = fields.get(name)
            if kind is None:
                raise ConfigValueError("variants with only the fields " + ", ".join(fields))
            if not isinstance(val, kind) or (kind is int and isinstance(val, bool)):
                raise ConfigValueError(f'variant {i}: "{name}" must be {_type_name(kind())}')
        limits = {"videoBitrate": (0, 100_000), "audioBitrate": (0, 1_000), "scaledWidth": (0, 7680),
                  "scaledHeight": (0, 4320), "framerate": (0, 240), "cpuUsageLevel": (0, 4)}
        for name, (lo, hi) in limits.items():
            if name in variant and not lo <= variant[name] <= hi:
                raise ConfigValueError(f'variant {i}: "{name}" from {lo} to {hi}')
        for name in ("scaledWidth", "scaledHeight"):
            if variant.get(name, 0) % 2:
                raise ConfigValueError(f'variant {i}: an even "{name}" (H.264 needs even sizes)')
    return [dict(v) for v in value]


_BCRYPT = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")


def is_bcrypt_hash(value: str) -> bool:
    return bool(_BCRYPT.match(value))


def password(value: Any) -> str:
    """A plain password is hashed with bcrypt (as Owncast stores it); a bcrypt hash is kept."""
    import bcrypt

    if not isinstance(value, str) or not value:
        raise ConfigValueError("a non-empty password")
    if is_bcrypt_hash(value):
        return value
    if len(value.encode()) > 72:
        raise ConfigValueError("a password of at most 72 bytes (bcrypt's limit)")
    return bcrypt.hashpw(value.encode(), bcrypt.gensalt()).decode()
