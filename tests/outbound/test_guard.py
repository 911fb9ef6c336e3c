"""The SSRF guard's decision as a function of resolved addresses (no connection is made)."""

from __future__ import annotations

import ipaddress

import pytest

from owncast_cli.outbound.guard import Allowlist, OutboundRefused, check, refusal

ip = ipaddress.ip_address


@pytest.mark.parametrize(("address", "reason"), [
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.10", "private"),
    ("100.64.0.1", "private"),
    ("169.254.169.254", "cloud metadata"),
    ("100.100.100.200", "cloud metadata"),
    ("fd00:ec2::254", "cloud metadata"),
    ("169.254.10.1", "link-local"),
    ("fe80::1", "link-local"),
    ("fd00::1", "private"),
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "cloud metadata"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "private"),
    ("192.0.2.7", "private"),
    ("2001:db8::1", "private"),
])
def test_refused_addresses(address: str, reason: str) -> None:
    assert refusal(ip(address)) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ip(address)) is None
    check("example.com", [ip(address)], Allowlist())


def test_a_name_resolving_to_loopback_is_refused_and_named_in_the_error() -> None:
    with pytest.raises(OutboundRefused) as caught:
        check("rebind.example", [ip("127.0.0.1")], Allowlist())
    assert (caught.value.host, str(caught.value.address), caught.value.reason) == (
        "rebind.example", "127.0.0.1", "loopback")
    assert "outbound_allowed_hosts" in str(caught.value)


def test_every_resolved_address_must_pass_not_just_one() -> None:
    with pytest.raises(OutboundRefused, match="10.1.2.3"):
        check("mixed.example", [ip("93.184.216.34"), ip("10.1.2.3")], Allowlist())


@pytest.mark.parametrize(("entries", "host", "address", "allowed"), [
    (["127.0.0.1"], "localhost", "127.0.0.1", True),
    (["127.0.0.1"], "localhost", "127.0.0.2", False),
    (["127.0.0.0/8"], "anything", "127.0.0.2", True),
    (["::1"], "ip6-localhost", "::1", True),
    (["[::1]"], "ip6-localhost", "::1", True),
    (["hooks.lan"], "HOOKS.lan.", "10.0.0.5", True),
    (["hooks.lan"], "other.lan", "10.0.0.5", False),
    (["10.0.0.0/8"], "metadata", "169.254.169.254", False),
])
def test_allowlist(entries: list[str], host: str, address: str, allowed: bool) -> None:
    allow = Allowlist.parse(entries)
    assert allow.permits(host, ip(address)) is allowed
    if allowed:
        check(host, [ip(address)], allow)
    else:
        with pytest.raises(OutboundRefused):
            check(host, [ip(address)], allow)


@pytest.mark.parametrize("entry", ["", "not a host", "-bad.example", "10.0.0.0/33", "ex_ample.com"])
def test_allowlist_rejects_what_is_neither_host_nor_network(entry: str) -> None:
    with pytest.raises(ValueError):
        Allowlist.parse([entry])


def test_the_config_key_is_validated_naming_key_value_and_what_is_allowed() -> None:
    from owncast_cli.config.store import ConfigError, validate

    assert validate("outbound_allowed_hosts", [" 127.0.0.1 ", "::1", "hooks.lan"]) == ["127.0.0.1", "::1", "hooks.lan"]
    with pytest.raises(ConfigError) as caught:
        validate("outbound_allowed_hosts", ["10.0.0.0/8", "not a host"])
    message = str(caught.value)
    assert "outbound_allowed_hosts" in message and "not a host" in message
    assert "host names, IP addresses or CIDR blocks" in message
