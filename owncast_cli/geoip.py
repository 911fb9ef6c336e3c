"""Country and region of an address from ``data/GeoLite2-City.mmdb``, when the admin put one there.

Owncast's services/geoip/geoip.go: MaxMind's GeoLite2 City database, which the admin downloads
(its licence forbids shipping it). An address gets ``{countryCode, regionName, timeZone}``: the
first subdivision's English name, or "Unknown"; nothing for an address without a country or one
MaxMind marks as an anonymous proxy; loopback is "N/A" / "Localhost". Without the file every
lookup is None, as before the feature. Answers are cached per address; a replaced file (a monthly
update) is reopened on the next lookup.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any, Final

logger = logging.getLogger("owncast.geoip")

FILE_NAME: Final = "GeoLite2-City.mmdb"
#: Addresses remembered (Owncast keeps every one it saw; a busy server sees many).
CACHE_SIZE: Final = 10_000
_LOOPBACK: Final = {"countryCode": "N/A", "regionName": "Localhost", "timeZone": ""}


def details(record: Any) -> dict[str, str] | None:
    """Owncast's GeoDetails from a GeoLite2 City record (None when it names no country)."""
    if not isinstance(record, dict):
        return None
    country = (record.get("country") or {}).get("iso_code") or ""
    if not country or (record.get("traits") or {}).get("is_anonymous_proxy"):
        return None
    region = "Unknown"
    subdivisions = record.get("subdivisions") or []
    if subdivisions:
        region = ((subdivisions[0] or {}).get("names") or {}).get("en") or region
    return {"countryCode": country, "regionName": region,
            "timeZone": (record.get("location") or {}).get("time_zone") or ""}


class GeoIP:
    """Lookups in ``<datadir>/GeoLite2-City.mmdb``; cheap when the file is absent (one stat)."""

    def __init__(self, datadir: Path) -> None:
        self.path = datadir / FILE_NAME
        self._reader: Any = None
        self._stamp: tuple[float, int] | None = None
        self._cache: OrderedDict[str, dict[str, str] | None] = OrderedDict()

    def _current_reader(self) -> Any:
        try:
            stat = os.stat(self.path)
        except OSError:
            self._close()
            return None
        stamp = (stat.st_mtime, stat.st_size)
        if stamp != self._stamp:
            self._close()
            self._stamp = stamp
            import maxminddb  # only when there is a database to read
            from maxminddb.errors import InvalidDatabaseError

            try:
                self._reader = maxminddb.open_database(str(self.path))
            except (OSError, ValueError, InvalidDatabaseError) as exc:
                logger.warning("cannot read %s (%s): no GeoIP details until it is replaced", self.path, exc)
                self._reader = None
        return self._reader

    def _close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._reader, self._stamp = None, None
        self._cache.clear()

    def lookup(self, ip: str) -> dict[str, str] | None:
        """Owncast's GeoDetails for ``ip``, or None (no database, unknown address)."""
        reader = self._current_reader()
        if reader is None:
            return None
        if ip in self._cache:
            self._cache.move_to_end(ip)
            return self._cache[ip]
        if ip in ("127.0.0.1", "::1") or ip.startswith("127."):
            found: dict[str, str] | None = dict(_LOOPBACK)
        else:
            try:
                found = details(reader.get(ip))
            except ValueError:  # not an IP address ("unix", a malformed forwarded hop)
                found = None
            except RuntimeError as exc:  # maxminddb's InvalidDatabaseError: a corrupt tree
                logger.warning("cannot look %s up in %s: %s", ip, self.path, exc)
                found = None
        self._cache[ip] = found
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return found
