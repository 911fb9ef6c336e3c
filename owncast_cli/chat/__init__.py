"""Chat daemon: pure policy in sanitize/events/names/ratelimit/rules/slurs; the trio shell sits on top."""
