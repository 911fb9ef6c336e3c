"""Connection admission (sans-IO): totals, per-address caps, IPv6 /64s, trusted proxies, local peers."""

from __future__ import annotations

import pytest

from owncast_cli.config import ConfigStore, ConfigValues
from owncast_cli.serve.limits import (
    LOCAL_EXTRA,
    ConnectionCounter,
    Limits,
    Refused,
    address_key,
)


@pytest.mark.parametrize(("peer", "key"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"),
    ("::ffff:198.51.100.4", "198.51.100.4"),
    ("not-an-address", "not-an-address"),
])
def test_address_key(peer: str, key: str) -> None:
    assert address_key(peer) == key


def test_per_address_cap_counts_an_ipv6_slash_64_as_one_client() -> None:
    counter = ConnectionCounter(Limits(total=100, per_address=2, idle_timeout=30))
    keys = [counter.admit("2001:db8::1"), counter.admit("2001:db8::2")]
    assert keys == ["2001:db8::/64"] * 2
    assert counter.admit("2001:db8::3") is Refused.ADDRESS
    assert counter.admit("2001:db8:0:1::1") == "2001:db8:0:1::/64"  # another /64
    assert counter.total == 3  # a refusal counts nothing
    counter.release(keys[0])
    assert counter.admit("2001:db8::3") == "2001:db8::/64"


def test_total_cap_then_local_peers_get_their_extra() -> None:
    counter = ConnectionCounter(Limits(total=3, per_address=0, idle_timeout=30))
    assert [counter.admit(f"192.0.2.{i}") for i in range(3)] == ["192.0.2.0", "192.0.2.1", "192.0.2.2"]
    assert counter.admit("192.0.2.9") is Refused.TOTAL
    local = [counter.admit("") for _ in range(LOCAL_EXTRA)]
    assert local == [""] * LOCAL_EXTRA
    assert counter.admit("") is Refused.TOTAL
    for key in local:
        counter.release(key)
    counter.release("192.0.2.0")
    assert counter.admit("192.0.2.9") == "192.0.2.9"


def test_trusted_proxies_are_not_capped_per_address() -> None:
    counter = ConnectionCounter(Limits(total=10, per_address=1, idle_timeout=30),
                                uncapped=lambda peer: peer == "10.0.0.1")
    assert [counter.admit("10.0.0.1") for _ in range(5)] == [""] * 5
    assert counter.admit("10.0.0.2") == "10.0.0.2"
    assert counter.admit("10.0.0.2") is Refused.ADDRESS


def test_a_reverse_proxy_on_this_host_is_not_capped_per_address() -> None:
    counter = ConnectionCounter(Limits(total=10, per_address=1, idle_timeout=30))
    assert [counter.admit(peer) for peer in ("127.0.0.1", "127.0.0.1", "::1", "::1")] == [""] * 4
    assert counter.admit("127.0.0.2") == "127.0.0.2"
    assert counter.admit("127.0.0.2") is Refused.ADDRESS
    assert counter.admit("127.0.0.1") == "" and counter.total == 6


@pytest.mark.parametrize(("values", "open_files", "total"), [
    ({"http_max_connections": 0, "http_fd_reserve": 1024}, 20_000, 18_976),
    ({"http_max_connections": 0, "http_fd_reserve": 1024}, 600, 300),  # at most half kept back
    ({"http_max_connections": 0, "http_fd_reserve": 0}, 1024, 1024),
    ({"http_max_connections": 5000, "http_fd_reserve": 1024}, 600, 5000),  # explicit wins
])
def test_total_from_config(values: dict[str, int], open_files: int, total: int) -> None:
    config = ConfigValues.from_mapping({**ConfigStore.defaults(), **values, "http_max_connections_per_address": 256,
                                        "http_idle_timeout_seconds": 30.0})
    limits = Limits.from_config(config, open_files)
    assert limits == Limits(total, 256, 30.0)
