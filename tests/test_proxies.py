"""The client address behind reverse proxies (table)."""

from __future__ import annotations

import pytest

from owncast_cli.proxies import client_address, parse_networks, peer_trusted

TRUSTED = parse_networks(["10.0.0.0/8", "::1"])


@pytest.mark.parametrize("peer,headers,expected", [
    # Not a trusted proxy: its headers are ignored (a client cannot pick its own address).
    ("203.0.113.9", {"x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https"}, ("203.0.113.9", "")),
    # A trusted proxy: the last untrusted hop from the right is the client.
    ("10.1.1.1", {"x-forwarded-for": "198.51.100.7", "x-forwarded-proto": "https"}, ("198.51.100.7", "https")),
    ("10.1.1.1", {"x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.2.2.2"}, ("198.51.100.7", "")),
    ("::1", {"x-forwarded-for": "2001:db8::5"}, ("2001:db8::5", "")),
    ("10.1.1.1", {}, ("10.1.1.1", "")),
    ("10.1.1.1", {"x-forwarded-proto": "gopher"}, ("10.1.1.1", "")),
    # A Unix socket (serve in front of chat, a local proxy) is trusted.
    ("", {"x-forwarded-for": "198.51.100.7"}, ("198.51.100.7", "")),
    ("", {}, ("unix", "")),
])
def test_client_address(peer: str, headers: dict[str, str], expected: tuple[str, str]) -> None:
    assert client_address(peer, headers, TRUSTED) == expected


def test_peer_trusted_and_bad_entries() -> None:
    assert peer_trusted("", TRUSTED) and peer_trusted("10.9.9.9", TRUSTED)
    assert not peer_trusted("192.0.2.1", TRUSTED) and not peer_trusted("not-an-ip", TRUSTED)
    with pytest.raises(ValueError, match="'nope' is not an IP address or CIDR block"):
        parse_networks(["nope"])


def test_loopback_is_trusted_by_default() -> None:
    """A reverse proxy on this host (nginx, Caddy) needs no setting: loopback is trusted."""
    from owncast_cli.config.keys import KEYS

    default = parse_networks(KEYS["trusted_proxies"].default)
    for proxy in ("127.0.0.1", "127.0.1.1", "::1", "::ffff:127.0.0.1"):
        assert client_address(proxy, {"x-forwarded-for": "198.51.100.7"}, default) == ("198.51.100.7", ""), proxy
    # Anyone else still cannot choose their address.
    assert client_address("192.0.2.1", {"x-forwarded-for": "198.51.100.7"}, default) == ("192.0.2.1", "")
    assert client_address("::ffff:192.0.2.1", {"x-forwarded-for": "1.1.1.1"}, default)[0] == "::ffff:192.0.2.1"
