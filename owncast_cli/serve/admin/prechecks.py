"""Owncast's own refusals of a config setter's value, in its words, before our validator runs.

Owncast's handlers (webserver/handlers/admin/config.go) check a few things themselves and answer
with fixed texts; clients and Owncast's admin show those texts. The config table's validators
(owncast_cli/config/validators.py) still check everything else, with messages naming what is
allowed. Each function takes the posted value and returns it (normalised) or raises BadRequest.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from owncast_cli.serve.admin.common import BadRequest, as_int


def http_port(value: Any) -> Any:
    """SetWebServerPort: a JSON number from 1 to 65535."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRequest("Invalid type or value, port must be a number")
    if not 1 <= value <= 65535:
        raise BadRequest("Port number must be between 1 and 65535")
    return as_int(value)


def listen_ip(value: Any) -> Any:
    """SetWebServerIP: a string that parses as an IP address."""
    if not isinstance(value, str):
        raise BadRequest("Invalid type or value, IP address must be a string")
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        raise BadRequest("Invalid IP address") from None
    return value.strip()


def server_url(value: Any) -> Any:
    """SetServerURL: a string with a host, not a private address (federation and IndieAuth need a
    public one); a trailing slash is dropped."""
    if not isinstance(value, str):
        raise BadRequest("could not read server url")
    if value == "":
        return value  # unsetting it is allowed here (Owncast refuses it as invalid)
    host = urlsplit(value).hostname or ""
    if not host:
        raise BadRequest("server url value invalid")
    try:
        private = ipaddress.ip_address(host).is_private
    except ValueError:
        private = False
    if private:
        raise BadRequest("Server URL cannot be private")
    return value.rstrip("/")


def stream_keys(value: Any) -> Any:
    """SetStreamKeys checks these two first."""
    if value is None or value == []:
        raise BadRequest("must provide at least one valid stream key")
    if isinstance(value, list) and any(isinstance(item, dict) and item.get("key") == "" for item in value):
        raise BadRequest("stream key cannot be empty")
    return value


def s3(value: Any) -> Any:
    """SetS3Configuration: an enabled config needs these, checked in this order."""
    if not isinstance(value, dict) or not value.get("enabled"):
        return value
    if not value.get("endpoint"):
        raise BadRequest("s3 support requires an endpoint")
    if not value.get("accessKey") or not value.get("secret"):
        raise BadRequest("s3 support requires an access key and secret")
    if not value.get("region"):
        raise BadRequest("s3 support requires a region and endpoint")
    if not value.get("bucket"):
        raise BadRequest("s3 support requires a bucket created for storing public video segments")
    return value


#: models.AutoplayMode's values (the config key's validator allows the same).
AUTOPLAY_MODES = ("off", "always", "sound-only")


def autoplay(value: Any) -> Any:
    """SetAutoplay: one of models/autoplay.go's modes (its test, config_autoplay_test.go, pins the text)."""
    if value not in AUTOPLAY_MODES:
        raise BadRequest("invalid autoplay value")
    return value
