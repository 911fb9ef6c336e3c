"""The audit table (tests/parity/TABLE.md) names every documented route this server serves."""

from __future__ import annotations

import re
from pathlib import Path

from tests.openapi import spec
from tests.schema.conftest import NOT_SERVED

TABLE = Path(__file__).with_name("TABLE.md")


def _named(path: str, text: str) -> bool:
    """``/admin/config/name`` is named by its own row or by a family's (``/api/admin/config/*``)."""
    full = "/api" + path
    if re.search(re.escape(full) + r"(?![\w/{])", text):
        return True
    parts = full.split("/")
    return any("/".join(parts[:n]) + "/*" in text for n in range(3, len(parts)))


def test_every_served_route_has_a_row() -> None:
    text = TABLE.read_text()
    rows = "\n".join(line for line in text.splitlines() if line.startswith("|"))
    served = [path for path in spec()["paths"] if path not in NOT_SERVED]
    missing = [path for path in served if not _named(path, rows)]
    assert not missing, f"routes without a row in {TABLE.name}: {missing}"


def test_the_table_names_the_commits_it_read() -> None:
    assert re.search(r"router\.go @ [0-9a-f]{8}", TABLE.read_text())
