"""Chat sign-in: IndieAuth, fediverse one-time codes, reverse-proxy users; Owncast as a provider.

Layers, each importing only those below it:

- sans-IO (no sockets, no clock of their own, no database): pkce, pending, limits, indieauth
  (the client's URLs, discovery and answers), provider (Owncast as an IndieAuth server), otp
  and webfinger (fediverse codes and account lookup);
- I/O: linking (link an identity or log into its user: database, chat clients), flows (the
  outbound fetches through the SSRF guard, and the state of each sign-in);
- HTTP: routes (Owncast's ``/api/auth/*`` handlers), listed in ``owncast_cli/chat/routes.py``.
"""
