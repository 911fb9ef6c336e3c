"""The dashboard's routes over plain HTTP: redirects, Basic auth, CSP, assets, and the JSON-only rule."""

from __future__ import annotations

import re

import httpx

from owncast_cli.serve.dashboard import PAGES, variants
from tests.conftest import ROOT, RunningServer
from tests.dashboard.conftest import ADMIN

SHELL = ROOT / "share" / "web" / "admin" / "index.html"


def test_admin_redirects_and_every_page_needs_basic_auth(dash: RunningServer) -> None:
    with httpx.Client(base_url=dash.base_url, timeout=10) as anonymous:
        moved = anonymous.get("/admin")
        assert moved.status_code == 301 and moved.headers["location"].endswith("/admin/")
        for page in PAGES:
            for path in variants(page):
                refused = anonymous.get(path)
                assert refused.status_code == 401, path
                assert refused.headers["www-authenticate"] == 'Basic realm="Owncast Authenticated Request"'
                assert "Owncast admin" not in refused.text
        assert anonymous.get("/admin/assets/js/app.js").status_code == 401
        assert anonymous.get("/admin/", auth=("admin", "wrong")).status_code == 401
    with httpx.Client(base_url=dash.base_url, auth=ADMIN, timeout=10) as admin:
        for page in PAGES:
            for path in variants(page):
                shown = admin.get(path)
                assert shown.status_code == 200, path
                assert shown.text == SHELL.read_text(), path
        assert admin.get("/admin/no-such-screen").status_code == 404
        assert admin.get("/admin/assets/%2e%2e/%2e%2e/templates/base.html").status_code == 404


def test_headers_forbid_inline_scripts_and_framing(admin: httpx.Client) -> None:
    page = admin.get("/admin/config/general/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    # Nothing inline for the CSP to allow: every script and style is a file of ours.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text) and "<style" not in page.text
    assert " style=" not in page.text
    assert not re.search(r"<[^>]+\son[a-z]+=", page.text)
    script = admin.get("/admin/assets/js/app.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")


def test_nav_links_are_the_pages() -> None:
    """The shell's navigation names exactly Owncast's page paths (bar the schedule, which is not here)."""
    hrefs = re.findall(r'<a href="(/admin/[^"]*)" data-screen="([a-z-]+)"', SHELL.read_text())
    assert sorted(h for h, _ in hrefs) == sorted(PAGES)
    screens = ROOT / "share" / "web" / "admin" / "js" / "screens"
    assert sorted(name for _, name in hrefs) == sorted(p.stem for p in screens.glob("*.js"))


def test_state_changes_need_json_from_a_browser(dash: RunningServer, admin: httpx.Client) -> None:
    """A browser (it sends Origin or Sec-Fetch-Site with every POST) must send JSON: a form can
    only send form, multipart or text bodies, and each is refused with 415. Scripts written for
    Owncast (``curl -d``, neither header) keep working as with Owncast."""
    browser = {"Sec-Fetch-Site": "same-site"}
    before = admin.get("/api/admin/serverconfig").json()["instanceDetails"]["name"]
    form = admin.post("/api/admin/config/name", data={"value": "Hijacked"}, headers=browser)
    assert form.status_code == 415
    assert form.json() == {"success": False, "message": (
        'admin POST requests must be sent with Content-Type: application/json (a JSON body such as '
        '{"value": ...})')}
    text = admin.post("/api/admin/config/name", content=b'{"value": "Hijacked"}',
                      headers={"Content-Type": "text/plain", "Origin": dash.base_url})
    assert text.status_code == 415
    bare = admin.post("/api/admin/config/name", content=b'{"value": "Hijacked"}', headers=browser)
    assert bare.status_code == 415
    assert admin.post("/api/admin/disconnect", headers=browser).status_code == 415  # no body is no exception
    multipart = admin.post("/api/admin/chat/users/ipbans/create", files={"value": ("x", b"203.0.113.9")},
                           headers=browser)
    assert multipart.status_code == 415
    assert admin.get("/api/admin/serverconfig").json()["instanceDetails"]["name"] == before
    assert admin.get("/api/admin/chat/users/ipbans").json() == []
    # Without credentials the answer is 401 as before, whatever the body.
    assert httpx.post(f"{dash.base_url}/api/admin/config/name", data={"value": "x"}).status_code == 401
    # JSON is accepted, with or without a charset.
    done = admin.post("/api/admin/config/name", content=b'{"value": "Renamed"}',
                      headers={"Content-Type": "application/json; charset=utf-8", **browser})
    assert done.json() == {"success": True, "message": "changed"}
    # Owncast's documented `curl -u admin:... -d '{"value": ...}'` (a form type, no browser headers).
    script = admin.post("/api/admin/config/name", content=b'{"value": "From curl"}',
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert script.json() == {"success": True, "message": "changed"}
    admin.post("/api/admin/config/name", json={"value": before})
    # The favicon is a form file in Owncast's admin: from a browser, allowed from this origin only.
    ico = b"\x00\x00\x01\x00\x01\x00" + b"\x10" * 32
    files = {"favicon": ("f.ico", ico, "image/x-icon")}
    assert admin.post("/api/admin/config/favicon", files=files, headers=browser).status_code == 415
    uploaded = admin.post("/api/admin/config/favicon", files=files, headers={"Origin": dash.base_url})
    assert uploaded.json() == {"success": True, "message": "favicon updated"}
    assert admin.delete("/api/admin/config/favicon").status_code == 200


def test_daemons_route(admin: httpx.Client) -> None:
    daemons = admin.get("/api/admin/daemons").json()
    names = [d["name"] for d in daemons]
    assert names[:4] == ["serve", "ingest", "transcode", "chat"]
    assert all(d["running"] and d["state"] == "running" and d["startedAt"] > 0 for d in daemons[:4])
    assert set(daemons[0]) == {"name", "running", "state", "restarts", "startedAt", "detail"}
    assert daemons[1]["detail"].startswith("rtmp://")  # ingest says where it listens


def test_every_config_setter_has_a_control() -> None:
    """Every ``/api/admin/config/*`` setter of the admin API is named by a dashboard screen."""
    from owncast_cli.serve.admin.config_setters import SETTERS

    screens = ROOT / "share" / "web" / "admin" / "js"
    text = "\n".join(path.read_text() for path in screens.rglob("*.js"))
    missing = [path for path in SETTERS if f"'{path}'" not in text]
    # notify's apprise channels arrived last: serverconfig does not report them yet, so there is
    # nothing a screen could read back.
    assert missing == ["notifications/apprise"]
    for upload in ("logo", "favicon"):
        assert f"imageUpload('{upload.title()}', '{upload}'" in text
