"""GeoIP where Owncast shows it: the admin's chat clients and viewers, the moderation view."""

from __future__ import annotations

import httpx
import trio

from tests.admin.conftest import ADMIN
from tests.chat.wsclient import chat_client, register
from tests.conftest import RunningServer
from tests.openapi import assert_valid
from tests.test_geoip import BERLIN, TOKYO, write_city_db

BERLIN_GEO = {"countryCode": "DE", "regionName": "Land Berlin", "timeZone": "Europe/Berlin"}


async def test_chat_clients_and_viewers_get_country_and_region(admin_server: RunningServer) -> None:
    base = admin_server.base_url
    # Viewers and chatters come through a reverse proxy on this host (loopback is trusted).
    berlin, tokyo = {"X-Forwarded-For": "203.0.113.9"}, {"X-Forwarded-For": "2001:db8::7"}
    async with httpx.AsyncClient(base_url=base, auth=ADMIN, timeout=10) as http:
        with trio.fail_after(60):
            async with chat_client(base, "before", headers=berlin):
                before = (await http.get("/api/admin/chat/clients")).json()
                assert [c["geo"] for c in before] == [None]  # no database: nothing changes
            (admin_server.datadir / "GeoLite2-City.mmdb").unlink(missing_ok=True)
            write_city_db(admin_server.datadir / "GeoLite2-City.mmdb",
                          {"203.0.113.0/24": BERLIN, "2001:db8::/32": TOKYO})
            mod = await register(base, "geomod", headers=tokyo)
            async with chat_client(base, user=mod, headers=tokyo), chat_client(base, "berliner", headers=berlin) as b:
                clients = (await http.get("/api/admin/chat/clients")).json()
                assert_valid(clients, "/api/admin/chat/clients")
                by_name = {c["user"]["displayName"]: c["geo"] for c in clients}
                assert by_name == {"geomod": {"countryCode": "JP", "regionName": "Unknown", "timeZone": "Asia/Tokyo"},
                                   "berliner": BERLIN_GEO}
                # The moderation view carries the country code only, as Owncast's does.
                promoted = await http.post("/api/admin/chat/users/setmoderator",
                                           json={"userId": mod["id"], "isModerator": True})
                assert promoted.status_code == 200, promoted.text
                details = await http.get(f"{base}/api/moderation/chat/user/{b.user['id']}", auth=None,
                                         params={"accessToken": mod["accessToken"]})
                assert details.status_code == 200, details.text
                assert [c["geo"] for c in details.json()["connectedClients"]] == ["DE"]
            assert (await http.get("/api/ping", headers=berlin)).status_code == 200
            assert (await http.get("/api/ping")).status_code == 200  # this host itself
            viewers = (await http.get("/api/admin/viewers")).json()
            assert_valid(viewers, "/api/admin/viewers")
            geo = {v["ipAddress"]: v["geo"] for v in viewers}
            assert geo["203.0.113.9"] == BERLIN_GEO
            assert geo["127.0.0.1"] == {"countryCode": "N/A", "regionName": "Localhost", "timeZone": ""}
    (admin_server.datadir / "GeoLite2-City.mmdb").unlink()
