"""An IndieAuth server for tests, written from the IndieAuth spec (not from our client's code).

It serves a profile page (``/``) naming its authorization endpoint by an HTML ``<link rel>``, an
HTTP ``Link`` header or a metadata document, approves every authorization request at once
(redirecting back with a code and the state), and redeems codes only with the PKCE verifier whose
S256 challenge it was given. Served over TLS (trustme) on 127.0.0.1 with hypercorn.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import ssl
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import trio
import trustme
from hypercorn.config import Config
from hypercorn.trio import serve
from quart import Response, jsonify, redirect, request
from quart_trio import QuartTrio


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    me: str


@dataclass
class Provider:
    """What the test can steer and see."""

    discovery: str = "html"  # "html", "link" (HTTP Link header) or "metadata"
    me_override: str | None = None  # answer with this `me` instead of the profile URL
    issuer: str | None = None  # send this `iss` back instead of the one the metadata names
    base_url: str = ""
    grants: dict[str, Grant] = field(default_factory=dict)
    authorization_requests: list[dict[str, str]] = field(default_factory=list)
    redemptions: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> QuartTrio:
        app = QuartTrio("indieauth-peer")

        @app.get("/")
        async def profile() -> Any:
            endpoint = f"{self.base_url}/auth"
            headers = {}
            if self.discovery == "link":
                headers["Link"] = f'<{endpoint}>; rel="authorization_endpoint"'
                head = ""
            elif self.discovery == "metadata":
                head = '<link rel="indieauth-metadata" href="/.well-known/oauth-authorization-server">'
            else:
                head = '<link rel="authorization_endpoint" href="/auth">'
            page = f"<!doctype html><html><head>{head}</head><body><h1>Me</h1></body></html>"
            return Response(page, mimetype="text/html", headers=headers)

        @app.get("/.well-known/oauth-authorization-server")
        async def metadata() -> Any:
            return jsonify({"issuer": f"{self.base_url}/", "authorization_endpoint": f"{self.base_url}/auth",
                            "code_challenge_methods_supported": ["S256"]})

        @app.get("/auth")
        async def authorize() -> Any:
            args = dict(request.args)
            self.authorization_requests.append(args)
            required = ("response_type", "client_id", "redirect_uri", "state", "code_challenge",
                        "code_challenge_method")
            if any(not args.get(k) for k in required) or args["response_type"] != "code" \
                    or args["code_challenge_method"] != "S256":
                return Response("invalid_request", status=400)
            code = secrets.token_urlsafe(16)
            self.grants[code] = Grant(args["client_id"], args["redirect_uri"], args["code_challenge"],
                                      self.me_override or f"{self.base_url}/")
            back = {"code": code, "state": args["state"]}
            if self.discovery == "metadata":
                back["iss"] = self.issuer or f"{self.base_url}/"  # IndieAuth 5.2.1, with metadata
            return redirect(f"{args['redirect_uri']}?{urlencode(back)}", 302)

        @app.post("/auth")
        async def redeem() -> Any:
            form = dict(await request.form)
            self.redemptions.append(form)
            grant = self.grants.pop(form.get("code", ""), None)  # a code is used once
            verifier = form.get("code_verifier", "").encode()
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
            if (grant is None or form.get("grant_type") != "authorization_code"
                    or form.get("client_id") != grant.client_id or form.get("redirect_uri") != grant.redirect_uri
                    or challenge != grant.challenge):
                return jsonify({"error": "invalid_grant", "error_description": "bad code or verifier"}), 400
            return jsonify({"me": grant.me})

        return app


@dataclass
class TLS:
    """A test CA and a certificate for 127.0.0.1 and localhost, as files."""

    ca_pem: Path
    cert_pem: Path
    key_pem: Path


def make_tls() -> TLS:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    folder = Path(tempfile.mkdtemp(prefix="oc-tls-"))
    paths = TLS(folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    ca.cert_pem.write_to_path(str(paths.ca_pem))
    cert.cert_chain_pems[0].write_to_path(str(paths.cert_pem))
    cert.private_key_pem.write_to_path(str(paths.key_pem))
    return paths


def client_context(tls: TLS) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(tls.ca_pem))


@asynccontextmanager
async def serving_tls(app: Any, tls: TLS) -> AsyncIterator[str]:
    """Serve ``app`` on https://127.0.0.1:<free port> until the block ends; yields its base URL."""
    config = Config()
    config.bind = ["127.0.0.1:0"]
    config.certfile, config.keyfile = str(tls.cert_pem), str(tls.key_pem)
    config.accesslog = config.errorlog = None
    stop = trio.Event()
    async with trio.open_nursery() as nursery:
        binds = await nursery.start(lambda task_status: serve(app, config, shutdown_trigger=stop.wait,
                                                              task_status=task_status))
        try:
            yield binds[0]
        finally:
            stop.set()


@asynccontextmanager
async def running_provider(tls: TLS, provider: Provider | None = None) -> AsyncIterator[Provider]:
    """Serve an IndieAuth provider over TLS until the block ends."""
    provider = provider or Provider()
    async with serving_tls(provider.app(), tls) as base_url:
        provider.base_url = base_url
        yield provider
