"""The actor's RSA key: generated once, kept in the config keys Owncast uses (``private_key``,
``public_key``), so a backup or an Owncast database carries it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import trio
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from owncast_cli.bus.eventtype import BusEvent
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.federate")

#: Mastodon's key size; 4096 would quadruple the signing cost of every delivery.
KEY_BITS = 2048


def _generate() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


async def ensure_key(ctx: Context) -> rsa.RSAPrivateKey:
    """The stored key pair, generating and storing one the first time (the first writer wins)."""
    values = await ctx.config_values()
    if not values.private_key or not values.public_key:
        private, public = await trio.to_thread.run_sync(_generate)
        store = ctx.config

        def effect() -> list[BusEvent]:
            if store.get("private_key") and store.get("public_key"):
                return []  # another process stored one first: keep it
            logger.info("generated the fediverse actor's RSA key")
            return list(store.apply(store.plan({"private_key": private, "public_key": public})))

        await ctx.bus.publish_many([], effect=effect)
        values = await ctx.config_values()
    key = serialization.load_pem_private_key(values.private_key.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise RuntimeError("the stored private_key is not an RSA key; unset it to generate a new one")
    return key
