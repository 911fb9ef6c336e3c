"""The sans-IO parts of sign-in: PKCE, pending requests, rate limits, IndieAuth URLs and discovery."""

from __future__ import annotations

import re

import pytest

from owncast_cli.chat.auth import pkce
from owncast_cli.chat.auth.indieauth import (
    AuthRequest,
    SignInError,
    authorization_url,
    discover,
    link_header_rels,
    profile_url,
    redeemed_me,
    same_host,
)
from owncast_cli.chat.auth.limits import KeyedLimiter, retry_after
from owncast_cli.chat.auth.otp import CODE_SECONDS, MAX_ATTEMPTS, Codes
from owncast_cli.chat.auth.pending import PendingStore, TooManyPending
from owncast_cli.chat.auth.webfinger import check_actor, parse_account, webfinger_url


def test_pkce_matches_rfc7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce.challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert pkce.verifier_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    assert not pkce.verifier_matches(verifier + "x", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    assert 43 <= len(pkce.new_verifier()) <= 128 and pkce.new_verifier() != pkce.new_verifier()
    assert pkce.same("abc", "abc") and not pkce.same("abc", "abd") and not pkce.same("é", "e")


def test_pending_requests_expire_are_capped_and_taken_once() -> None:
    store: PendingStore[str] = PendingStore(ttl=600, capacity=2)
    store.add("a", "first", now=0)
    store.add("b", "second", now=100)
    with pytest.raises(TooManyPending, match="Too many pending requests"):
        store.add("c", "third", now=200)
    store.add("a", "replaced", now=200)  # the same key replaces, it does not count twice
    assert store.take("a", now=201) == "replaced" and store.take("a", now=202) is None
    assert store.peek("b", now=699) == "second" and store.peek("b", now=700) is None
    store.add("c", "third", now=700)  # b expired: room again
    assert len(store) == 1 and store.peek("c", now=701) == "third"


def test_keyed_limiter() -> None:
    limit = KeyedLimiter(burst=3, per=10.0, max_keys=2)
    assert [limit.allow("x", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limit.allow("x", 0.0) == pytest.approx(10.0)
    assert limit.allow("x", 5.0) == pytest.approx(5.0)
    assert limit.allow("x", 10.0) == 0.0
    assert limit.allow("y", 10.0) == 0.0  # other keys are not slowed
    assert limit.allow("z", 10.0) == 0.0  # past max_keys the fullest bucket is dropped
    assert retry_after(0.2) == "1" and retry_after(10.01) == "11"


@pytest.mark.parametrize(("typed", "expected"), [
    ("example.com", "https://example.com/"),
    ("  HTTPS://Example.COM/me?x=1#frag ", "https://example.com/me?x=1"),
    ("https://example.com:443/", "https://example.com/"),
    ("https://127.0.0.1:8443", "https://127.0.0.1:8443/"),
])
def test_profile_url(typed: str, expected: str) -> None:
    assert profile_url(typed) == expected


@pytest.mark.parametrize("typed", ["", "http://example.com/", "https://user:pw@example.com/", "https://",
                                   "https://example.com:99999/", "x" * 3000])
def test_profile_url_refused(typed: str) -> None:
    with pytest.raises(SignInError):
        profile_url(typed)


@pytest.mark.parametrize(("entered", "returned", "same"), [
    ("https://example.com/", "https://example.com/", True),
    ("https://example.com/", "https://EXAMPLE.com/users/me", True),
    ("https://example.com/", "http://example.com/", False),
    ("https://example.com/", "https://evil.example/", False),
    ("https://example.com/", "https://example.com:8443/", False),
    ("https://example.com/", "https://example.com.evil.example/", False),
    ("https://example.com/", "not a url", False),
])
def test_same_host(entered: str, returned: str, same: bool) -> None:
    assert same_host(entered, returned) is same


def test_link_headers_and_html_discovery() -> None:
    rels = link_header_rels(['<https://a.example/auth>; rel="authorization_endpoint me", </meta>; rel=indieauth-metadata'],
                            "https://site.example/page")
    assert rels == {"authorization_endpoint": ["https://a.example/auth"], "me": ["https://a.example/auth"],
                    "indieauth-metadata": ["https://site.example/meta"]}
    html = '<html><head><link rel="authorization_endpoint" href="/html-auth"></head></html>'
    assert discover("https://site.example/", [], html).authorization == "https://site.example/html-auth"
    # The Link header wins over the HTML; metadata is reported beside the older rel.
    found = discover("https://site.example/", ['<https://h.example/auth>; rel="authorization_endpoint"'], html)
    assert found.authorization == "https://h.example/auth" and found.metadata is None
    with pytest.raises(SignInError, match="url does not support indieauth"):
        discover("https://site.example/", [], "<html><body>no rels</body></html>")


REQUEST = AuthRequest(me="https://me.example/", endpoint="https://auth.example/auth?tenant=1",
                      client_id="https://owncast.example/", redirect_uri="https://owncast.example/cb",
                      verifier="v" * 50, state="s" * 32, session="x", user_id="u", access_token="t",
                      display_name="n")


def test_authorization_url_keeps_the_endpoint_query() -> None:
    url = authorization_url(REQUEST, "challenge")
    assert url.startswith("https://auth.example/auth?tenant=1&response_type=code&client_id=")
    assert "code_challenge=challenge&code_challenge_method=S256&me=https%3A%2F%2Fme.example%2F" in url


@pytest.mark.parametrize(("status", "document", "message"), [
    (400, {"error": "invalid_grant"}, "This authorization request is unauthorized."),
    (500, {}, "there was an error authenticating"),
    (200, [], "unable to parse"),
    (200, {"me": "https://other.example/"}, "does not match"),
    (200, {"name": "no me"}, "does not match"),
])
def test_redemption_answers_refused(status: int, document: object, message: str) -> None:
    with pytest.raises(SignInError, match=message):
        redeemed_me(REQUEST, status, document)


def test_redemption_answer_accepted() -> None:
    assert redeemed_me(REQUEST, 200, {"me": "https://ME.example/"}) == "https://me.example/"


def test_one_time_codes_expire_die_after_five_tries_and_are_not_resent() -> None:
    codes = Codes()
    first = codes.issue("tok", "a@h.example", "u1", "name", now=0)
    assert first is not None and re.fullmatch(r"\d{6}", first.code)
    assert codes.issue("tok", "a@h.example", "u1", "name", now=10) is None  # still good: not resent
    other = codes.issue("tok", "b@h.example", "u1", "name", now=10)  # another account replaces it
    assert other is not None
    assert codes.check("other-token", other.code, now=12) is None  # bound to the access token
    assert codes.check("tok", f" {other.code} ", now=13) == other and codes.check("tok", other.code, now=14) is None
    late = codes.issue("tok", "a@h.example", "u1", "name", now=100)
    assert late is not None and codes.check("tok", late.code, now=100 + CODE_SECONDS) is None  # expired
    tried = codes.issue("tok", "a@h.example", "u1", "name", now=1000)
    assert tried is not None
    wrong = f"{(int(tried.code) + 1) % 1_000_000:06d}"
    for _ in range(MAX_ATTEMPTS):
        assert codes.check("tok", wrong, now=1001) is None
    assert codes.check("tok", tried.code, now=1002) is None  # dead after five wrong tries
    assert codes.issue("tok", "a@h.example", "u1", "name", now=1003) is not None


@pytest.mark.parametrize(("typed", "expected"), [
    ("@Alice@Social.Example", "alice@social.example"),
    ("alice@social.example", "alice@social.example"),
    ("acct:alice@social.example", "alice@social.example"),
    ("@alice@127.0.0.1:8443", "alice@127.0.0.1:8443"),
])
def test_parse_account(typed: str, expected: str) -> None:
    assert parse_account(typed) == expected
    assert webfinger_url(expected).startswith(f"https://{expected.partition('@')[2]}/.well-known/webfinger?resource=acct%3A")


@pytest.mark.parametrize("typed", ["alice", "@alice@", "@@host", "a b@host", "alice@host/path", "alice@-host",
                                   "alice@host@other"])
def test_parse_account_refused(typed: str) -> None:
    with pytest.raises(SignInError):
        parse_account(typed)


def test_check_actor() -> None:
    check_actor({"links": [{"rel": "self", "type": "application/activity+json", "href": "https://x/u"}]}, "@a@x")
    documents: list[object] = [{"links": [{"rel": "self", "type": "text/html", "href": "https://x/u"}]}, {}, [], None]
    for document in documents:
        with pytest.raises(SignInError, match="is not a fediverse account"):
            check_actor(document, "@a@x")
