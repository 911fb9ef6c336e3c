"""Who may call the admin and integrations APIs: HTTP Basic for the admin, bearer tokens for bots.

Shared by every daemon with an HTTP app (serve, chat): each installs :func:`install` on its quart
app, so a request is checked the same way whichever daemon answers it.

- Admin: ``Authorization: Basic`` with user ``admin`` and the admin password, checked against the
  stored bcrypt hash (Owncast's ``RequireAdminAuth``). bcrypt is deliberately slow (~0.2 s), so a
  credential that verified once is remembered as an HMAC of the password under a per-process key,
  tied to the hash it matched: changing the password forgets it. One password check at a time per
  address: a few more requests wait their turn, the rest get 429 at once, and bcrypt runs on at
  most two threads in all. The password is checked first: a right one answers at once, a wrong one
  then holds its address's turn for a penalty that doubles with each failure past three (capped
  at 5 s), so guesses from one address are serial (50 concurrent made ~7/s before; now under 1/s).
  Other addresses are not affected, so an attacker cannot lock the real admin out, and the real
  admin behind the same address is not held by the attacker's penalty once their password has
  verified in this process.
- A request whose ``Origin`` is not this server is refused with 403 (Owncast's newer rule against
  cross-site requests from a browser holding cached Basic credentials).
- An admin POST must say ``Content-Type: application/json``, or it is refused with 415: an HTML
  form on another site can only send form-encoded, multipart or plain-text bodies, so it cannot
  change anything even where a browser sends no ``Origin``. (PUT, PATCH and DELETE cannot be sent
  cross-site without a CORS preflight, which this server never grants.) The one exception is the
  favicon, which Owncast's admin uploads as a form file; that request must then carry this
  server's ``Origin``.
- The admin dashboard's pages under ``/admin/`` need the same Basic credentials as the API.
- Integrations: ``Authorization: Bearer <token>`` of an API user (``users.type = 'API'``) that is
  enabled and holds the route's scope; answers carry ``Access-Control-Allow-Origin: *``, OPTIONS
  preflights get 204 without a token, and the token's ``last_used`` is updated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Final

import trio

from owncast_cli.adminrequests import content_type_allowed, is_admin_path, origin_allowed
from owncast_cli.repos import users

if TYPE_CHECKING:
    from quart import Quart

    from owncast_cli.db import Database

logger = logging.getLogger("owncast.auth")

REALM: Final = 'Basic realm="Owncast Authenticated Request"'
ADMIN_USER: Final = "admin"
CSRF_HEADER: Final = "X-Owncast-CSRF-Protection"
#: Integration scopes (Owncast models/chatAccessScopes.go).
CAN_SEND_MESSAGES: Final = "CAN_SEND_MESSAGES"
CAN_SEND_SYSTEM_MESSAGES: Final = "CAN_SEND_SYSTEM_MESSAGES"
HAS_ADMIN_ACCESS: Final = "HAS_ADMIN_ACCESS"
SCOPES: Final = (CAN_SEND_MESSAGES, CAN_SEND_SYSTEM_MESSAGES, HAS_ADMIN_ACCESS)
#: Failures from one address before answers to it are slowed down.
FREE_FAILURES: Final = 3
#: The slow-down doubles with each further failure up to this many seconds.
MAX_DELAY: Final = 5.0
#: An address's failures are forgotten after this long without one.
FAILURE_WINDOW: Final = 600.0
#: Requests from one address that may wait for its check in flight; more are answered 429.
MAX_WAITING: Final = 4
#: bcrypt checks running at once across all addresses (each takes a core for ~0.2 s).
BCRYPT_THREADS: Final = 2
JSON_REQUIRED: Final = ("admin POST requests must be sent with Content-Type: application/json "
                        "(a JSON body such as {\"value\": ...})")
ADMIN_CORS_HEADERS: Final = {
    "Access-Control-Allow-Headers": f"Origin, X-Requested-With, Content-Type, Accept, Authorization, {CSRF_HEADER}",
    "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
}


def parse_basic(header: str | None) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic`` header, or None."""
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def parse_bearer(header: str | None) -> str:
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip()
    return ""


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


class Outcome(Enum):
    """What an admin authentication attempt came to."""

    OK = "ok"
    DENIED = "denied"  # no credentials, or wrong ones (401)
    BUSY = "busy"  # too many attempts from this address in flight (429)


@dataclass
class _Turn:
    """One address's password checks: one runs, a few wait."""

    lock: trio.Lock = field(default_factory=trio.Lock)
    waiting: int = 0


@dataclass
class AdminGate:
    """Checks admin credentials; remembers verified ones; serialises and slows guessing per address."""

    db: Database
    #: trio's clock by default, so tests drive the failure window with MockClock.
    clock: Callable[[], float] = trio.current_time
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _verified: dict[str, bytes] = field(default_factory=dict)
    #: (hash, HMAC of a wrong password) pairs already refused: a repeated guess costs no bcrypt.
    _refused: set[tuple[str, bytes]] = field(default_factory=set)
    _failures: dict[str, _Failures] = field(default_factory=dict)
    _turns: dict[str, _Turn] = field(default_factory=dict)
    _bcrypt: trio.CapacityLimiter = field(default_factory=lambda: trio.CapacityLimiter(BCRYPT_THREADS))
    #: bcrypt checks done (for tests and benchmarks: each one costs a core ~0.2 s).
    bcrypt_checks: int = 0

    def _digest(self, password: str) -> bytes:
        return hmac.new(self._key, password.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def delay_for(self, address: str) -> float:
        """The penalty after the latest failure from ``address`` (0 for its first few)."""
        entry = self._failures.get(address)
        if entry is None:
            return 0.0
        if self.clock() - entry.last > FAILURE_WINDOW:
            del self._failures[address]
            return 0.0
        extra = entry.count - FREE_FAILURES
        return 0.0 if extra <= 0 else min(MAX_DELAY, 0.25 * 2 ** (extra - 1))

    def failed(self, address: str) -> None:
        entry = self._failures.setdefault(address, _Failures())
        entry.count += 1
        entry.last = self.clock()
        if entry.count == FREE_FAILURES + 1 or (entry.count > FREE_FAILURES and entry.count % 10 == 0):
            logger.warning("%d failed admin logins from %s: slowing its answers down", entry.count, address)
        if len(self._failures) > 10_000:  # bound the memory a scan of many addresses can take
            oldest = min(self._failures, key=lambda a: self._failures[a].last)
            del self._failures[oldest]

    def succeeded(self, address: str) -> None:
        self._failures.pop(address, None)

    async def _stored_hash(self) -> str:
        from owncast_cli.config import ConfigStore

        db = self.db
        return str(await db.run(lambda: ConfigStore(db).get("admin_password_key")))

    def _remembered(self, stored: str, password: str) -> bool:
        known = self._verified.get(stored)
        return known is not None and hmac.compare_digest(known, self._digest(password))

    async def check_password(self, password: str) -> bool:
        """Compare with the stored admin password (bcrypt), in constant time."""
        stored = await self._stored_hash()
        if self._remembered(stored, password):
            return True
        digest = self._digest(password)
        if (stored, digest) in self._refused:
            return False
        self.bcrypt_checks += 1
        ok = await trio.to_thread.run_sync(password_matches, stored, password, limiter=self._bcrypt)
        if ok:
            self._verified = {stored: digest}  # one admin password at a time
        else:
            if len(self._refused) >= 10_000:
                self._refused.clear()
            self._refused.add((stored, digest))
        return ok

    async def authenticate(self, header: str | None, address: str) -> Outcome:
        """Whether ``header`` carries the admin's credentials; guesses are serialised per address.

        A request without credentials is not a failure: browsers send one first to get the
        challenge.
        """
        credentials = parse_basic(header)
        if credentials is None:
            return Outcome.DENIED
        user, password = credentials
        user_ok = hmac.compare_digest(user.encode("utf-8", "surrogatepass"), ADMIN_USER.encode())
        digest = self._digest(password)
        if user_ok and any(hmac.compare_digest(d, digest) for d in self._verified.values()):
            # The right password never waits for others' penalties, and leaves them in place
            # (a shared address's guesser is not let off because the admin logged in).
            if self._remembered(await self._stored_hash(), password):
                return Outcome.OK
        turn = self._turns.setdefault(address, _Turn())
        if turn.waiting >= MAX_WAITING:
            return Outcome.BUSY  # before any database read or bcrypt: a 429 costs nothing
        turn.waiting += 1
        try:
            await turn.lock.acquire()
        finally:  # also when the client went away while waiting
            turn.waiting -= 1
            self._forget_if_idle(address, turn)
        try:
            ok = await self.check_password(password) and user_ok
            if ok:
                self.succeeded(address)
                return Outcome.OK
            self.failed(address)
            logger.debug("failed admin authentication from %s", address)
            # Held with the turn: the next guess from this address starts after it.
            await trio.sleep(self.delay_for(address))
            return Outcome.DENIED
        finally:
            turn.lock.release()
            self._forget_if_idle(address, turn)

    def _forget_if_idle(self, address: str, turn: _Turn) -> None:
        # The entry lives while a check runs or waits: memory grows with addresses in flight only.
        if not turn.lock.locked() and not turn.waiting and self._turns.get(address) is turn:
            del self._turns[address]


def password_matches(stored: str, password: str) -> bool:
    import bcrypt

    if stored.startswith("$2"):
        try:
            return bcrypt.checkpw(password.encode("utf-8", "surrogatepass"), stored.encode())
        except ValueError:
            return False
    return hmac.compare_digest(stored.encode("utf-8", "surrogatepass"), password.encode("utf-8", "surrogatepass"))


# --- integrations (bearer tokens) -----------------------------------------------------------------


@dataclass(frozen=True)
class Integration:
    """The API user behind a bearer token."""

    user_id: str
    display_name: str
    scopes: tuple[str, ...]


def integration_for_token(db: Database, token: str, scope: str, now: float) -> Integration | None:
    """The enabled API user holding ``scope`` whose token this is; marks the token used. Sync."""
    if not token:
        return None
    user = users.integration_user(db, token, scope, now)
    if user is None:
        return None
    return Integration(user.id, user.display_name, user.scopes)


# --- quart wiring ---------------------------------------------------------------------------------


def _text(body: str, status: int, headers: dict[str, str] | None = None) -> Any:
    from quart import Response

    return Response(body, status=status, mimetype="text/plain", headers=headers or {})


def install(app: Quart, db: Database, *, client_address: Callable[[], str],
            scheme: Callable[[], str], integration_scopes: Callable[[str, str], str | None]) -> AdminGate:
    """Guard ``/api/admin/*`` with Basic auth and integration routes with bearer scopes.

    Args:
        app: the quart app whose requests to check.
        db: the shared database.
        client_address: the requester's address (behind trusted proxies) in a request context.
        scheme: "http" or "https" as the client sees it, in a request context.
        integration_scopes: (method, path) -> the scope a bearer token needs, or None when the
            path is not an integration route of this app.

    Returns:
        The gate (its failure counters are per app).
    """
    from quart import g, jsonify, request

    gate = AdminGate(db)

    async def drain() -> None:
        # Read (and drop) what the client sent before refusing it: an unread body left on a
        # keep-alive connection stalled the next request on it (seen with chat's app mounted in
        # serve). The body is bounded by the app's MAX_CONTENT_LENGTH.
        try:
            await request.get_data()
        except Exception:
            pass

    async def refuse(body: str, status: int, headers: dict[str, str]) -> Any:
        await drain()
        return _text(body, status, headers)

    @app.before_request
    async def guard() -> Any:
        path = request.path
        if is_admin_path(path, request.method):
            origin = request.headers.get("Origin")
            if not origin_allowed(origin, request.host, scheme()):
                return await refuse("Forbidden", 403, ADMIN_CORS_HEADERS)
            if request.method == "OPTIONS":
                return _text("", 204, ADMIN_CORS_HEADERS)
            outcome = await gate.authenticate(request.headers.get("Authorization"), client_address())
            if outcome is Outcome.BUSY:
                return await refuse("Too Many Requests", 429, {"Retry-After": "5", **ADMIN_CORS_HEADERS})
            if outcome is not Outcome.OK:
                return await refuse("Unauthorized", 401, {"WWW-Authenticate": REALM, **ADMIN_CORS_HEADERS})
            if not content_type_allowed(request.method, path, request.headers.get("Content-Type"), origin,
                                        request.headers.get("Sec-Fetch-Site")):
                await drain()
                return jsonify({"success": False, "message": JSON_REQUIRED}), 415
            return None
        scope = integration_scopes(request.method, path)
        if scope is None:
            return None
        cors = {"Access-Control-Allow-Origin": "*"}
        if request.method == "OPTIONS":
            return _text("", 204, {**cors, "Access-Control-Allow-Headers": "Authorization, Content-Type",
                                   "Access-Control-Allow-Methods": "GET, POST, OPTIONS"})
        token, now = parse_bearer(request.headers.get("Authorization")), time.time()
        found = await db.run_write(lambda: integration_for_token(db, token, scope, now)) if token else None
        if found is None:
            logger.warning("invalid access token from %s for %s %s (required scope: %s)",
                           client_address(), request.method, path, scope)
            return await refuse("unauthorized", 401, cors)
        g.integration = found
        return None

    @app.after_request
    async def integration_cors(response: Any) -> Any:
        if getattr(g, "integration", None) is not None:
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    return gate
