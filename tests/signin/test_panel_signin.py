"""The chat panel's sign-in dialog in headless chromium: the whole IndieAuth flow from the panel
(to a local IndieAuth server over TLS and back), the badge, sign-out, and a fediverse code."""

from __future__ import annotations

import json

import pytest
import trio

from tests.chat.conftest import set_config
from tests.conftest import RunningServer
from tests.serve import cdp
from tests.signin.indieauth_peer import TLS, running_provider
from tests.signin.test_fediverse import code_sent, direct_messages, fediverse_host
from tests.signin.test_proxy_users import admin_user

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(cdp.CHROMIUM is None, reason="needs chromium (make test installs it)")]

CHAT = "document.getElementById('chat').__owncastChat"


async def settle(page: cdp.Page, condition: str, timeout: float = 20) -> None:
    """Wait for ``condition`` across page loads (an evaluation dies with the page it ran in)."""
    with trio.fail_after(timeout):
        while True:
            try:
                if await page.evaluate(f"(() => {{ try {{ return !!({condition}); }} catch (e) {{ return false; }} }})()"):
                    return
            except cdp.CdpError:
                pass  # the page is navigating
            await trio.sleep(0.1)


async def test_indieauth_from_the_chat_panel(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    async with running_provider(tls) as provider, cdp.browser() as new_page:
        async with new_page() as page:
            # The test CA is not chromium's: accept the provider's certificate for this page.
            await page.send("Security.setIgnoreCertificateErrors", ignore=True)
            await page.goto(server.base_url + "/")
            await page.wait_for(f"{CHAT}.user && document.querySelector('#chat .chat-signin-button')")
            anonymous_id = await page.evaluate(f"{CHAT}.user.id")
            assert await page.evaluate("document.querySelector('#chat .chat-signin-button').textContent") == "Sign in"
            await page.evaluate(f"""(() => {{
                document.querySelector('#chat .chat-signin-button').click();
                document.querySelector('#chat .chat-indieauth-url').value = {json.dumps(provider.base_url)};
                document.querySelector('#chat .chat-indieauth-submit').click();
            }})()""")
            # Off to the IndieAuth server, which approves, back to the callback, then to "/".
            await settle(page, f"location.pathname === '/' && {CHAT}.user.authenticated === true")
            assert provider.redemptions, "the code was redeemed at the provider"
            assert await page.evaluate(f"{CHAT}.user.id") == anonymous_id
            assert await page.evaluate(f"{CHAT}.user.authProviders") == ["IndieAuth"]
            found = await admin_user(server.base_url, anonymous_id)
            assert found["authenticated"] is True
            await page.wait_for("document.querySelector('#chat .chat-signin-button').textContent === 'Signed in'")

            # The badge on the user's own message.
            await page.evaluate("""(() => {
                document.querySelector('#chat .chat-input').value = 'verified hello';
                document.querySelector('#chat .chat-send').click();
            })()""")
            await page.wait_for("[...document.querySelectorAll('#chat .chat-message')]"
                                ".some(m => m.textContent.includes('verified hello')"
                                " && m.querySelector('.chat-name.chat-authenticated'))")

            # Sign out: the browser forgets its token and comes back as a new anonymous user.
            await page.evaluate("document.querySelector('#chat .chat-signin-button').click()")
            assert await page.evaluate("document.querySelector('#chat .chat-signed-in').hidden") is False
            await page.evaluate("document.querySelector('#chat .chat-signout').click()")
            await settle(page, f"{CHAT}.user && {CHAT}.user.id !== {json.dumps(anonymous_id)}")
            assert await page.evaluate(f"{CHAT}.user.authenticated") is False


async def test_fediverse_code_from_the_chat_panel(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    async with fediverse_host(tls) as host, cdp.browser() as new_page:
        async with new_page() as page:
            await page.goto(server.base_url.replace("127.0.0.1", "localhost") + "/")  # a fresh localStorage
            await page.wait_for(f"{CHAT}.user && document.querySelector('#chat .chat-signin-button')")
            user_id = await page.evaluate(f"{CHAT}.user.id")
            account = f"alice@{host}"
            before = len(direct_messages(server, account))
            await page.evaluate(f"""(() => {{
                document.querySelector('#chat .chat-signin-button').click();
                document.querySelector('#chat .chat-fediverse-account').value = {json.dumps('@' + account)};
                document.querySelector('#chat .chat-fediverse-submit').click();
            }})()""")
            await page.wait_for("!document.querySelector('#chat .chat-fediverse-verify').hidden")
            code = code_sent(server, account, count=before + 1)
            await page.evaluate(f"""(() => {{
                document.querySelector('#chat .chat-fediverse-code').value = {json.dumps(code)};
                document.querySelector('#chat .chat-fediverse-verify-submit').click();
            }})()""")
            await settle(page, f"{CHAT}.user && {CHAT}.user.authenticated === true")
            assert await page.evaluate(f"{CHAT}.user.id") == user_id  # the account was new here: linked
            assert (await admin_user(server.base_url, user_id))["authProviders"] == ["Fediverse"]

            # Without federation the dialog offers no fediverse form (as Owncast's).
            set_config(server, "federation_enabled", "false")
            try:
                await page.evaluate("document.querySelector('#chat .chat-signin-button').click()")
                await page.wait_for("document.querySelector('#chat .chat-fediverse-form').hidden")
                assert await page.evaluate("document.querySelector('#chat .chat-indieauth-form').hidden") is False
            finally:
                set_config(server, "federation_enabled", "true")
