"""Who may call the admin API: every route of Owncast's spec we serve needs the admin's Basic auth."""

from __future__ import annotations

import base64

import httpx
import pytest

from owncast_cli import adminauth, adminrequests
from tests.admin.conftest import ADMIN
from tests.conftest import RunningServer, owncast
from tests.openapi import spec

#: Spec routes for capabilities this server does not have yet (federation, CMCD playback clients,
#: in-place updates): they answer 401 without credentials like every admin path, then 404.
NOT_SERVED = {
    "/admin/viewers/playback", "/admin/federation/servers",
    "/admin/federation/servers/{id}", "/admin/federation/feature-requests",
}


def admin_routes() -> list[tuple[str, str]]:
    out = []
    for path, operations in spec()["paths"].items():
        if path.startswith("/admin/") and path not in NOT_SERVED:
            out += [(method.upper(), "/api" + path) for method in operations
                    if method in ("get", "post", "put", "delete")]
    return out


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_every_admin_route_requires_the_admin(admin_server: RunningServer) -> None:
    routes = admin_routes()
    assert len(routes) > 80  # the whole admin surface of the spec
    # Wrong guesses come from distinct (proxied) addresses so the per-address slow-down stays out
    # of this test; it has its own below.
    with httpx.Client(base_url=admin_server.base_url, timeout=10) as http:
        for i, (method, path) in enumerate(routes):
            kwargs = {"json": {}} if method in ("POST", "PUT") else {}
            anonymous = http.request(method, path, **kwargs)
            assert anonymous.status_code == 401, (method, path, anonymous.text)
            assert anonymous.headers["WWW-Authenticate"] == 'Basic realm="Owncast Authenticated Request"'
            assert anonymous.text == "Unauthorized"
            forwarded = {"X-Forwarded-For": f"198.51.100.{i % 250 + 1}"}
            wrong = http.request(method, path, headers={**basic("admin", "not-it"), **forwarded}, **kwargs)
            assert wrong.status_code == 401, (method, path)
            other_user = http.request(method, path, headers={**basic("root", "abc123"), **forwarded}, **kwargs)
            assert other_user.status_code == 401, (method, path)
            right = http.request(method, path, auth=ADMIN, **kwargs)
            # Empty bodies are refused by most setters: what matters is that the route is there.
            assert right.status_code in (200, 400), (method, path, right.status_code, right.text)


def test_routes_we_do_not_serve_still_need_auth(admin) -> None:
    anonymous = httpx.get(admin.base_url.join("/api/admin/federation/servers"))
    assert anonymous.status_code == 401
    assert admin.get("/api/admin/federation/servers").status_code == 404


def test_cross_origin_requests_are_refused(admin_server: RunningServer, admin: httpx.Client) -> None:
    foreign = admin.get("/api/admin/status", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    # Refused before the credentials are even looked at.
    evil = {"Origin": "https://evil.example"}
    assert httpx.get(admin.base_url.join("/api/admin/status"), headers=evil).status_code == 403
    same = admin.get("/api/admin/status", headers={"Origin": str(admin.base_url).rstrip("/")})
    assert same.status_code == 200
    for odd in ("null", "http://127.0.0.1", f"{str(admin.base_url).rstrip('/')}/path"):
        assert admin.get("/api/admin/status", headers={"Origin": odd}).status_code == 403, odd
    preflight = httpx.options(admin.base_url.join("/api/admin/status"))
    assert preflight.status_code == 204
    assert "X-Owncast-CSRF-Protection" in preflight.headers["Access-Control-Allow-Headers"]


def test_oversized_bodies_are_refused(admin: httpx.Client) -> None:
    huge = admin.post("/api/admin/config/pagecontent", json={"value": "x" * (2 << 20)})
    assert huge.status_code == 413
    chat_side = admin.post("/api/admin/chat/messagevisibility", json={"idArray": ["x" * (128 << 10)], "visible": True})
    assert chat_side.status_code == 413


def test_password_change_takes_effect_at_once(admin_server: RunningServer, admin: httpx.Client) -> None:
    changed = admin.post("/api/admin/config/adminpass", json={"value": "s3cret-pass"})
    assert changed.json() == {"success": True, "message": "changed"}
    try:
        assert admin.get("/api/admin/status").status_code == 401  # the old password is gone
        with httpx.Client(base_url=admin.base_url, auth=("admin", "s3cret-pass"), timeout=10) as new:
            body = new.get("/api/admin/status").json()
            assert not any("admin password" in w for w in body["warnings"])
            stored = new.get("/api/admin/serverconfig").json()["adminPassword"]
            assert stored.startswith("$2") and "s3cret" not in stored  # the bcrypt hash, as Owncast
            # The chat daemon's admin routes check the same password.
            assert new.get("/api/admin/chat/clients").status_code == 200
    finally:
        owncast("config", "set", "admin_password_key", "abc123", datadir=admin_server.datadir, check=True)
    assert admin.get("/api/admin/chat/clients").status_code == 200


async def test_failures_slow_one_address_only() -> None:
    """Unit: the gate's slow-down grows per address and leaves other addresses alone."""
    now = [0.0]
    gate = adminauth.AdminGate(db=None, clock=lambda: now[0])  # type: ignore[arg-type]
    for _ in range(adminauth.FREE_FAILURES):
        gate.failed("203.0.113.9")
    assert gate.delay_for("203.0.113.9") == 0
    gate.failed("203.0.113.9")
    first = gate.delay_for("203.0.113.9")
    gate.failed("203.0.113.9")
    assert 0 < first < gate.delay_for("203.0.113.9") <= adminauth.MAX_DELAY
    for _ in range(50):
        gate.failed("203.0.113.9")
    assert gate.delay_for("203.0.113.9") == adminauth.MAX_DELAY
    assert gate.delay_for("192.0.2.1") == 0  # the real admin elsewhere is not slowed
    now[0] += adminauth.FAILURE_WINDOW + 1
    assert gate.delay_for("203.0.113.9") == 0
    gate.failed("203.0.113.9")
    gate.succeeded("203.0.113.9")
    assert gate.delay_for("203.0.113.9") == 0


def test_guessing_is_slowed_and_logged_but_the_admin_gets_in(admin_server: RunningServer,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    with httpx.Client(base_url=admin_server.base_url, timeout=15) as http:
        guesser = {"X-Forwarded-For": "203.0.113.77"}
        import time

        # The admin's password verified once (bcrypt, ~0.2 s) before timing anything.
        assert http.get("/api/admin/webhooks", auth=ADMIN).status_code == 200

        for _ in range(adminauth.FREE_FAILURES + 2):
            assert http.get("/api/admin/status", headers={**basic("admin", "guess"), **guesser}).status_code == 401
        started = time.monotonic()
        assert http.get("/api/admin/status", headers={**basic("admin", "guess2"), **guesser}).status_code == 401
        assert time.monotonic() - started >= 0.45  # held back
        started = time.monotonic()
        real = http.get("/api/admin/webhooks", auth=ADMIN, headers={"X-Forwarded-For": "192.0.2.10"})
        assert real.status_code == 200 and time.monotonic() - started < 0.45
        # The admin behind the guesser's own address: the right password skips the penalty.
        started = time.monotonic()
        same = http.get("/api/admin/webhooks", auth=ADMIN, headers=guesser)
        assert same.status_code == 200 and time.monotonic() - started < 0.45
    log = (admin_server.datadir / "logs" / "owncast.log").read_text()
    assert "failed admin logins from 203.0.113.77" in log


def test_unhashed_password_compare_is_constant_time_code() -> None:
    """ConfigStore's check of a not-yet-hashed password uses hmac.compare_digest, not ==."""
    import inspect

    from owncast_cli.config.store import ConfigStore

    source = inspect.getsource(ConfigStore.check_admin_password)
    assert "compare_digest" in source and "password == stored" not in source


def test_parse_basic_and_origin() -> None:
    assert adminauth.parse_basic(basic("admin", "a:b")["Authorization"]) == ("admin", "a:b")
    assert adminauth.parse_basic("Basic !!!") is None
    assert adminauth.parse_basic("Bearer x") is None
    assert adminauth.parse_basic(None) is None
    assert adminrequests.origin_allowed(None, "h:1", "http")
    assert adminrequests.origin_allowed("http://h:1", "h:1", "http")
    assert not adminrequests.origin_allowed("https://h:1", "h:1", "http")
    assert not adminrequests.origin_allowed("http://user@h:1", "h:1", "http")
    # A browser's POST must be JSON; a script's (no Origin, no Sec-Fetch-Site) is served as Owncast's.
    form = "application/x-www-form-urlencoded"
    assert adminrequests.content_type_allowed("POST", "/api/admin/config/name", form, None)
    assert not adminrequests.content_type_allowed("POST", "/api/admin/config/name", form, None, "same-origin")
    assert not adminrequests.content_type_allowed("POST", "/api/admin/config/name", form, "http://h:1")
    assert adminrequests.content_type_allowed("POST", "/api/admin/config/name", "application/json", "http://h:1")
    assert adminauth.parse_bearer("bearer abc") == "abc"
