"""Emoji, logo and favicon uploads (checked by content), webhooks, directory and followers."""

from __future__ import annotations

import base64
import struct
import subprocess
import zlib

import httpx

from tests.conftest import RunningServer
from tests.openapi import assert_valid


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def data_url(data: bytes, kind: str = "image/png") -> str:
    return f"data:{kind};base64," + base64.b64encode(data).decode()


def jpeg() -> bytes:
    """A real 8x8 JPEG, made by ffmpeg."""
    return subprocess.run(["/usr/bin/ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=red:s=8x8", "-frames:v", "1",
                           "-c:v", "mjpeg", "-f", "image2pipe", "-"], check=True, capture_output=True, timeout=60).stdout


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
       b'<rect width="4" height="4"/></svg>')


def test_emoji_upload_and_delete(admin_server: RunningServer, admin: httpx.Client) -> None:
    uploaded = admin.post("/api/admin/emoji/upload", json={"name": "party", "data": data_url(png())})
    assert uploaded.json() == {"success": True, "message": 'Emoji "party.png" has been uploaded'}
    assert_valid(uploaded.json(), "/api/admin/emoji/upload", "post")
    assert (admin_server.datadir / "emoji" / "party.png").read_bytes() == png()
    listed = httpx.get(f"{admin_server.base_url}/api/emoji").json()
    assert {"name": "party", "url": "/img/emoji/party.png"} in listed
    again = admin.post("/api/admin/emoji/upload", json={"name": "party", "data": data_url(png())})
    assert again.status_code == 400
    assert again.json()["message"] == 'An emoji with the name "party.png" already exists'
    # A PNG named .ico and declared a JPEG is stored as what its bytes are.
    misnamed = admin.post("/api/admin/emoji/upload", json={"name": "wink.ico", "data": data_url(png(), "image/jpeg")})
    assert misnamed.json()["message"] == 'Emoji "wink.png" has been uploaded'
    assert (admin_server.datadir / "emoji" / "wink.png").read_bytes() == png()
    assert admin.post("/api/admin/emoji/delete", json={"name": "wink"}).json() == {
        "success": True, "message": 'Emoji "wink.png" has been deleted'}
    for body, message in (({"name": "x"}, "data field is required"),
                          ({"data": data_url(png())}, "name field is required")):
        missing = admin.post("/api/admin/emoji/upload", json=body)
        assert (missing.status_code, missing.json()["message"]) == (400, message)
    # Checked by content, not by the name or the declared type.
    fake = admin.post("/api/admin/emoji/upload", json={"name": "fake.png", "data": data_url(b"GIF? no, text")})
    assert fake.status_code == 400 and "not an image" in fake.json()["message"]
    for name in ("../../escape", "a/b", "", "x" * 80):
        refused = admin.post("/api/admin/emoji/upload", json={"name": name, "data": data_url(png())})
        assert refused.status_code == 400, name
    assert not (admin_server.datadir / "escape.png").exists()
    assert admin.post("/api/admin/emoji/upload", json={"name": "b", "data": "%%%"}).status_code == 400
    hostile = admin.post("/api/admin/emoji/upload",
                         json={"name": "evil", "data": data_url(b'<svg onload="alert(1)"></svg>', "image/svg+xml")})
    assert hostile.status_code == 400 and "SVG" in hostile.json()["message"]
    deleted = admin.post("/api/admin/emoji/delete", json={"name": "party"})
    assert deleted.json()["success"] is True
    assert not (admin_server.datadir / "emoji" / "party.png").exists()
    gone = admin.post("/api/admin/emoji/delete", json={"name": "party"})
    assert (gone.status_code, gone.json()["message"]) == (400, 'Emoji "party" doesn\'t exist')


def test_logo_upload(admin_server: RunningServer, admin: httpx.Client) -> None:
    before = admin.get("/api/admin/serverconfig").json()["instanceDetails"]["logo"]
    uploaded = admin.post("/api/admin/config/logo", json={"value": data_url(SVG, "image/svg+xml")})
    assert uploaded.json() == {"success": True, "message": "changed"}
    assert admin.get("/api/admin/serverconfig").json()["instanceDetails"]["logo"] == "logo.svg"
    served = httpx.get(f"{admin_server.base_url}/logo")
    assert served.content == SVG
    replaced = admin.post("/api/admin/config/logo", json={"value": data_url(png(), "image/svg+xml")})
    assert replaced.status_code == 200
    assert (admin_server.datadir / "logo.png").exists() and not (admin_server.datadir / "logo.svg").exists()
    assert httpx.get(f"{admin_server.base_url}/logo").content == png()
    for bad, words in ((data_url(b"plain text"), "not an image"), ("not base64!", "base64"),
                       (data_url(b"\x89PNG\r\n\x1a\n" + b"\0" * (720 * 1024)), "at most")):
        refused = admin.post("/api/admin/config/logo", json={"value": bad})
        assert refused.status_code == 400 and words in refused.json()["message"], words
    no_data = admin.post("/api/admin/config/logo", json={"value": None})
    assert (no_data.status_code, no_data.json()["message"]) == (400, "unable to find image data")
    declared_png = admin.post("/api/admin/config/logo", json={"value": data_url(jpeg())})
    assert declared_png.json() == {"success": True, "message": "changed"}
    assert admin.get("/api/admin/serverconfig").json()["instanceDetails"]["logo"] == "logo.jpg"
    assert httpx.get(f"{admin_server.base_url}/logo").headers["content-type"] == "image/jpeg"
    assert before in ("logo.svg", "logo.png")


# The two that passed the old pattern check: a namespace prefix, and a character reference.
PREFIXED_SCRIPT = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg">'
                   b"<s:script>alert(document.cookie)</s:script></svg>")
ENTITY_LINK = (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="&#106;avascript:alert(1)">'
               b'<rect width="9" height="9"/></a></svg>')


def test_hostile_svg_uploads_are_refused(admin_server: RunningServer, admin: httpx.Client) -> None:
    logos = {path.name: path.read_bytes() for path in admin_server.datadir.glob("logo.*")}
    for data, words in ((PREFIXED_SCRIPT, "<script> is not allowed"), (ENTITY_LINK, "only point inside")):
        emoji = admin.post("/api/admin/emoji/upload", json={"name": "evil", "data": data_url(data, "image/svg+xml")})
        assert emoji.status_code == 400 and words in emoji.json()["message"], emoji.text
        logo = admin.post("/api/admin/config/logo", json={"value": data_url(data, "image/svg+xml")})
        assert logo.status_code == 400 and words in logo.json()["message"], logo.text
    assert not list((admin_server.datadir / "emoji").glob("evil.*"))
    assert {path.name: path.read_bytes() for path in admin_server.datadir.glob("logo.*")} == logos


def test_uploaded_images_are_served_sandboxed(admin_server: RunningServer, admin: httpx.Client) -> None:
    assert admin.post("/api/admin/config/logo", json={"value": data_url(SVG, "image/svg+xml")}).status_code == 200
    assert admin.post("/api/admin/emoji/upload", json={"name": "boxed", "data": data_url(SVG)}).status_code == 200
    assert admin.post("/api/admin/config/favicon", json={"value": data_url(png())}).status_code == 200
    try:
        for path, kind in (("/logo", "image/svg+xml"), ("/img/emoji/boxed.svg", "image/svg+xml"),
                           ("/favicon.ico", "image/png")):
            served = httpx.get(admin_server.base_url + path, timeout=10)
            assert served.status_code == 200 and served.headers["content-type"] == kind, path
            assert served.headers.get_list("content-security-policy") == ["sandbox"], path
            assert served.headers.get_list("x-content-type-options") == ["nosniff"], path
    finally:
        admin.post("/api/admin/emoji/delete", json={"name": "boxed"})
        admin.delete("/api/admin/config/favicon")


def test_favicon(admin_server: RunningServer, admin: httpx.Client) -> None:
    ico = b"\x00\x00\x01\x00\x01\x00" + b"\x10" * 32
    # Owncast's admin sends a form file: allowed from this server's own origin only.
    origin = {"Origin": admin_server.base_url}
    multipart = admin.post("/api/admin/config/favicon", files={"favicon": ("f.ico", ico, "image/x-icon")},
                           headers=origin)
    assert multipart.json() == {"success": True, "message": "favicon updated"}
    assert httpx.get(f"{admin_server.base_url}/favicon.ico").content == ico
    as_json = admin.post("/api/admin/config/favicon", json={"value": data_url(png())})
    assert as_json.status_code == 200 and not (admin_server.datadir / "favicon.ico").exists()
    assert httpx.get(f"{admin_server.base_url}/favicon.ico").content == png()
    # Judged by the bytes, with Owncast's messages: a JPEG declared a PNG is refused, a PNG named
    # .ico and declared an icon is stored as the PNG it is.
    for value in (data_url(SVG), data_url(jpeg(), "image/png"), data_url(jpeg(), "image/x-icon")):
        refused = admin.post("/api/admin/config/favicon", json={"value": value})
        assert (refused.status_code, refused.json()) == (400, {"success": False, "message": "favicon must be PNG or ICO format"})
    jpeg_file = admin.post("/api/admin/config/favicon", files={"favicon": ("f.png", jpeg(), "image/png")},
                           headers=origin)
    assert jpeg_file.json()["message"] == "favicon must be PNG or ICO format"
    assert httpx.get(f"{admin_server.base_url}/favicon.ico").content == png()  # the last good one stays
    png_ico = admin.post("/api/admin/config/favicon", files={"favicon": ("f.ico", png(3, 3), "image/x-icon")},
                         headers=origin)
    assert png_ico.json() == {"success": True, "message": "favicon updated"}
    assert (admin_server.datadir / "favicon.png").read_bytes() == png(3, 3)
    served = httpx.get(f"{admin_server.base_url}/favicon.ico")
    assert served.content == png(3, 3) and served.headers["content-type"] == "image/png"
    big = admin.post("/api/admin/config/favicon", json={"value": data_url(b"\x89PNG\r\n\x1a\n" + b"\0" * 210 * 1024)})
    assert (big.status_code, big.json()["message"]) == (400, "file too large, max 200KB")
    no_data = admin.post("/api/admin/config/favicon", json={"value": 5})
    assert (no_data.status_code, no_data.json()["message"]) == (400, "unable to find image data")
    missing = admin.post("/api/admin/config/favicon", files={"other": ("x", b"x")}, headers=origin)
    assert missing.json()["message"] == "no file provided"
    reset = admin.delete("/api/admin/config/favicon")
    assert reset.json() == {"success": True, "message": "favicon reset to default"}
    assert_valid(reset.json(), "/api/admin/config/favicon", "delete")
    assert not (admin_server.datadir / "favicon.png").exists()


def test_webhooks_crud(admin: httpx.Client) -> None:
    created = admin.post("/api/admin/webhooks/create",
                         json={"url": "https://example.com/hook", "events": ["STREAM_STARTED", "CHAT"]})
    assert created.status_code == 200, created.text
    hook = created.json()
    assert_valid(hook, "/api/admin/webhooks/create", "post")
    assert hook["events"] == ["STREAM_STARTED", "CHAT"] and hook["lastUsed"] is None
    listed = admin.get("/api/admin/webhooks").json()
    assert_valid(listed, "/api/admin/webhooks")
    # The generated secret is shown in full once, at creation; listed masked to its last 4 characters.
    secret = hook.pop("secret")
    assert len(secret) == 64 and int(secret, 16) >= 0
    assert {**hook, "secret": "****" + secret[-4:]} in listed
    (row,) = [item for item in listed if item["id"] == hook["id"]]
    assert (row["pending"], row["paused"], row["pausedReason"]) == (0, False, None)
    for bad, words in (({"url": "ftp://x", "events": ["CHAT"]}, "http"),
                       ({"url": "https://x.example", "events": []}, "non-empty"),
                       ({"url": "https://x.example", "events": ["NOPE"]}, "one or more invalid event provided")):
        refused = admin.post("/api/admin/webhooks/create", json=bad)
        # Owncast's CreateWebhook refuses with BadRequestHandler: {"error": ...}.
        assert refused.status_code == 400 and words in refused.json()["error"], bad
    deleted = admin.post("/api/admin/webhooks/delete", json={"id": hook["id"]})
    assert deleted.json()["success"] is True
    assert hook["id"] not in [item["id"] for item in admin.get("/api/admin/webhooks").json()]
    assert admin.post("/api/admin/webhooks/delete", json={"id": hook["id"]}).status_code == 400
    assert admin.post("/api/admin/webhooks/delete", json={"id": "one"}).status_code == 400


def test_directory_and_followers(admin_server: RunningServer, admin: httpx.Client) -> None:
    reset = admin.post("/api/admin/yp/reset", json={})
    assert reset.json()["success"] is True
    assert_valid(reset.json(), "/api/admin/yp/reset", "post")
    followers = admin.get("/api/admin/followers").json()
    assert_valid(followers, "/api/admin/followers")
    assert followers == {"total": 0, "results": []}
    assert admin.get("/api/admin/followers", params={"limit": "-1"}).status_code == 200  # Go's Atoi takes it
    assert admin.get("/api/admin/followers", params={"limit": "x"}).status_code == 400
    for path in ("pending", "blocked", "directory"):
        body = admin.get(f"/api/admin/followers/{path}").json()
        assert_valid(body, f"/api/admin/followers/{path}")
        assert body == []
    approve = admin.post("/api/admin/followers/approve", json={"actorIRI": "https://x.example/u", "approved": True})
    assert approve.status_code == 400 and "no follow request" in approve.json()["message"]
