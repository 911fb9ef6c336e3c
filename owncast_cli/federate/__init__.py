"""The federate daemon: ActivityPub for the one streamer actor.

Layers: ``owncast_cli.protocols.activitypub`` is the sans-IO protocol (signatures, documents,
activities, parsing); ``repos/ap_*`` hold the tables; this package is the trio shell around them:
``service`` (keys, profile, clock, outbound HTTP), ``routes_*`` (the HTTP app), ``inbox`` +
``handlers`` (verification and inbound activities), ``outbox`` + ``delivery`` (publishing and the
delivery queue), ``reactions`` (bus events in, posts out).
"""
