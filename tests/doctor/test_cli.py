"""``owncast doctor``'s interface: exit codes 0/1/2, the --json shape, --only, the table on a terminal."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import owncast
from tests.doctor.conftest import config_set, doctor, finding


def test_json_shape_and_exit_code_0_when_nothing_failed(prepared: Path) -> None:
    code, report = doctor(prepared, "database")
    assert code == 0
    assert list(report) == ["ok", "seconds", "summary", "checks"]
    assert report["ok"] is True and 0 <= report["seconds"] < 30  # rounded: a fast run is 0.0
    assert report["summary"] == {"passed": 2, "warning": 1, "failed": 0, "skipped": 0}
    assert [c["check"] for c in report["checks"]] == ["database.integrity", "database.schema", "database.backup"]
    assert all(list(c) == ["check", "status", "seen", "fix"] for c in report["checks"])


def test_exit_code_1_when_a_check_fails_and_only_takes_lists(prepared: Path) -> None:
    code, report = doctor(prepared, "security,tls")
    assert code == 1 and report["ok"] is False
    assert [c["check"] for c in report["checks"]] == [
        "tls", "security.admin_password", "security.stream_key", "security.admin_http"]
    assert finding(report, "security.stream_key")["fix"].startswith("`owncast keys add`")
    config_set(prepared, "admin_password_key", "Another-s3cret!")
    owncast("keys", "add", "--key", "k" * 32, datadir=prepared, check=True)
    owncast("keys", "remove", "abc123", datadir=prepared, check=True)
    code, report = doctor(prepared, "security")
    assert code == 0, report
    assert finding(report, "security.admin_password")["seen"] == "the admin password is not the default"


def test_exit_code_2_without_a_database_or_with_an_unknown_check(datadir: Path, prepared: Path) -> None:
    missing = owncast("doctor", datadir=datadir / "nowhere")
    assert missing.returncode == 2 and missing.stdout == ""
    assert "no database at" in missing.stderr and "owncast migrate" in missing.stderr
    unknown = owncast("doctor", "--only", "ports,dns", datadir=prepared)
    assert unknown.returncode == 2
    said = " ".join(unknown.stderr.replace("│", " ").split())  # rich draws the error in a box
    assert "Invalid value for '--only': dns; allowed: ports, proxy, tls, ffmpeg, storage, security, database, " \
           "daemons" in said


def test_the_table_and_a_stopped_server(prepared: Path) -> None:
    result = owncast("doctor", "--only", "ports", "--only", "daemons", datadir=prepared)
    assert result.returncode == 1
    for text in ("check", "status", "ports.web", "ports.rtmp", "daemons.chat", "failed", "in "):
        assert text in result.stdout
    report = json.loads(owncast("doctor", "--json", "--only", "ports", datadir=prepared).stdout)
    web = finding(report, "ports.web")
    assert web["status"] == "failed" and "serve is not running" in web["seen"]
    assert web["fix"].startswith("Start `owncast run-all`")


def test_federation_without_https(prepared: Path) -> None:
    config_set(prepared, "federation_enabled", "true")
    tls = finding(doctor(prepared, "tls")[1], "tls")
    assert tls["status"] == "failed" and tls["seen"] == "federation is on but server_url is not set"
    config_set(prepared, "server_url", "http://stream.example.org")
    tls = finding(doctor(prepared, "tls")[1], "tls")
    assert tls["status"] == "failed"
    assert tls["seen"] == "server_url 'http://stream.example.org' is not https; federation needs it"
    assert "TLS reverse proxy" in tls["fix"]
