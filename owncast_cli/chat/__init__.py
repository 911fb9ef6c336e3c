"""Chat daemon, in layers, each importing only those below it.

- pure policy, no I/O: events (wire format), rules, names, ratelimit, slurs, sanitize;
- state and parts: core (shared state; users.py the user cache, outbox.py commit-then-broadcast,
  hub.py fan-out), then sessions, moderation, reactions (bus), jobs (periodic);
- service.py: the public API over the parts;
- HTTP: routes.py (one table) over public_routes, admin_routes, integration_routes (http.py
  helpers); app.py builds the Quart app and the raw ``/ws`` handler; daemon.py runs it all.

Tables and queries are in ``owncast_cli.repos.users`` and ``owncast_cli.repos.chat_messages``.
"""
