"""Owncast as an IndieAuth server for its admin: a test client completes the flow with PKCE over
real HTTP; a wrong verifier, a reused code and bad requests are refused."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import mf2py
import pytest

from tests.conftest import RunningServer

pytestmark = pytest.mark.e2e

ADMIN = ("admin", "abc123")
CLIENT = "https://app.example/"
REDIRECT = "https://app.example/callback?keep=1"


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


async def authorize(http: httpx.AsyncClient, verifier: str, **extra: str) -> httpx.Response:
    params = {"response_type": "code", "client_id": CLIENT, "redirect_uri": REDIRECT, "state": "st-123",
              "code_challenge": s256(verifier), "code_challenge_method": "S256", "me": "ignored", **extra}
    return await http.get("/api/auth/provider/indieauth", params=params, auth=ADMIN)


async def redeem(http: httpx.AsyncClient, code: str, verifier: str) -> httpx.Response:
    return await http.post("/api/auth/provider/indieauth", data={
        "grant_type": "authorization_code", "code": code, "client_id": CLIENT, "redirect_uri": REDIRECT,
        "code_verifier": verifier})


def code_of(answer: httpx.Response) -> str:
    assert answer.status_code == 307, answer.text
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://app.example/callback"
    query = parse_qs(location.query)
    assert query["keep"] == ["1"] and query["state"] == ["st-123"]
    return query["code"][0]


async def test_client_completes_the_flow(signin_server: RunningServer) -> None:
    base = signin_server.base_url
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        # A site discovers the endpoint from the home page.
        rels = mf2py.parse(doc=(await http.get("/")).text, url=base + "/", metaformats=False)["rels"]
        assert rels["authorization_endpoint"] == [base + "/api/auth/provider/indieauth"]
        refused = await http.get("/api/auth/provider/indieauth", params={"client_id": CLIENT})
        assert refused.status_code == 401 and "Basic" in refused.headers["www-authenticate"]

        verifier = secrets.token_urlsafe(48)
        answer = await authorize(http, verifier)
        assert parse_qs(urlsplit(answer.headers["location"]).query)["iss"] == [base + "/"]
        code = code_of(answer)
        profile = await redeem(http, code, verifier)
        assert profile.status_code == 200, profile.text
        assert profile.json() == {"me": base + "/", "profile": {"name": "New Owncast Server", "url": base + "/",
                                                                 "photo": base + "/logo"}}
        again = await redeem(http, code, verifier)
        assert again.status_code == 400
        assert again.json() == {"error": "invalid_grant", "error_description": "no pending authentication request"}


async def test_wrong_verifier_is_refused_and_spends_the_code(signin_server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=signin_server.base_url, timeout=10) as http:
        verifier = secrets.token_urlsafe(48)
        code = code_of(await authorize(http, verifier))
        wrong = await redeem(http, code, secrets.token_urlsafe(48))
        assert wrong.status_code == 400 and wrong.json()["error_description"] == "code verifier is incorrect"
        assert (await redeem(http, code, verifier)).status_code == 400  # one try per code


@pytest.mark.parametrize(("extra", "problem"), [
    ({"redirect_uri": "https://evil.example/cb"}, "redirect_uri must be on the host of client_id"),
    ({"code_challenge": ""}, "code_challenge"),
    ({"code_challenge_method": "plain"}, "S256"),
    ({"client_id": "javascript:alert(1)"}, "must be http(s) URLs"),
])
async def test_bad_requests_are_refused(signin_server: RunningServer, extra: dict[str, str], problem: str) -> None:
    async with httpx.AsyncClient(base_url=signin_server.base_url, timeout=10) as http:
        answer = await authorize(http, secrets.token_urlsafe(48), **extra)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
        assert problem in answer.json()["error_description"]
