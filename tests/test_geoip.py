"""GeoIP lookups from a small GeoLite2-shaped database the test writes (mmdb-writer)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from owncast_cli.geoip import FILE_NAME, GeoIP, details

BERLIN = {"country": {"iso_code": "DE", "names": {"en": "Germany"}},
          "subdivisions": [{"iso_code": "BE", "names": {"en": "Land Berlin", "de": "Berlin"}}],
          "location": {"time_zone": "Europe/Berlin"}}
TOKYO = {"country": {"iso_code": "JP"}, "location": {"time_zone": "Asia/Tokyo"}}
PROXY = {"country": {"iso_code": "US"}, "traits": {"is_anonymous_proxy": True}}
NO_COUNTRY = {"continent": {"code": "EU"}}


def write_city_db(path: Path, networks: dict[str, dict[str, Any]]) -> Path:
    """A GeoLite2-City-shaped MMDB: IPv6 tree with the IPv4 space mapped, as MaxMind ships it."""
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City", languages=["en"],
                        description="owncast test")
    for network, record in networks.items():
        writer.insert_network(IPSet([network]), record)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    writer.to_db_file(str(tmp))
    os.replace(tmp, path)
    return path


NETWORKS = {"203.0.113.0/24": BERLIN, "2001:db8::/32": TOKYO, "198.51.100.0/25": PROXY, "192.0.2.0/24": NO_COUNTRY}


def test_records_become_owncasts_geo_details() -> None:
    assert details(BERLIN) == {"countryCode": "DE", "regionName": "Land Berlin", "timeZone": "Europe/Berlin"}
    assert details(TOKYO) == {"countryCode": "JP", "regionName": "Unknown", "timeZone": "Asia/Tokyo"}
    assert details(PROXY) is None and details(NO_COUNTRY) is None and details(None) is None


def test_lookups_from_the_data_directory(tmp_path: Path) -> None:
    geo = GeoIP(tmp_path)
    assert geo.lookup("203.0.113.7") is None  # no file: nothing changes
    assert geo.lookup("127.0.0.1") is None
    write_city_db(tmp_path / FILE_NAME, NETWORKS)
    assert geo.lookup("203.0.113.7") == {"countryCode": "DE", "regionName": "Land Berlin", "timeZone": "Europe/Berlin"}
    assert geo.lookup("2001:db8::42")["countryCode"] == "JP"  # type: ignore[index]
    for nothing in ("198.51.100.1", "192.0.2.1", "100.64.0.1", "unix", "not-an-ip"):
        assert geo.lookup(nothing) is None, nothing
    for local in ("127.0.0.1", "::1"):
        assert geo.lookup(local) == {"countryCode": "N/A", "regionName": "Localhost", "timeZone": ""}
    # The monthly update replaces the file: the next lookup reads the new one.
    write_city_db(tmp_path / FILE_NAME, {"203.0.113.0/24": TOKYO})
    os.utime(tmp_path / FILE_NAME, (1, 1))  # a different stamp even within the same second
    assert geo.lookup("203.0.113.7")["countryCode"] == "JP"  # type: ignore[index]
    (tmp_path / FILE_NAME).unlink()
    assert geo.lookup("203.0.113.7") is None


def test_a_broken_file_is_logged_and_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"not a maxmind database")
    with caplog.at_level(logging.WARNING, logger="owncast.geoip"):
        assert GeoIP(tmp_path).lookup("203.0.113.7") is None
    assert "cannot read" in caplog.text and FILE_NAME in caplog.text
