"""Stream key forms and the constant-time check (tables)."""

from __future__ import annotations

import pytest

from owncast_cli.ingest import keys


@pytest.mark.parametrize("app,name,expected", [
    ("live", "abc123", "abc123"),            # rtmp://host/live/abc123 (ffmpeg, OBS server+key)
    ("live/", "abc123", "abc123"),
    ("live", "abc123?bandwidth=5000", "abc123"),
    ("live/abc123", "", "abc123"),           # encoders that put the key in the app
    ("live", "", None),
    ("app", "abc123", None),
    ("", "live/abc123", None),
    ("livex", "abc123", None),
])
def test_requested_key(app: str, name: str, expected: str | None) -> None:
    assert keys.requested_key(app, name) == expected


def test_check_accepts_any_configured_key() -> None:
    assert keys.check("live", "two", ["one", "two", "three"]).ok


@pytest.mark.parametrize("app,name", [("live", "Wr0ngKey"), ("live", "s3cr"), ("live", "s3cret!x"),
                                      ("other", "s3cret!")])
def test_check_refuses_without_revealing_the_key(app: str, name: str) -> None:
    verdict = keys.check(app, name, ["s3cret!"])
    assert not verdict.ok and verdict.reason
    assert name not in verdict.reason and "s3cr" not in verdict.reason
