"""SQL lives in the repositories (``owncast_cli/repos/``), ``db/`` and the bus's event log only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "owncast_cli"
#: Where SQL belongs: each domain's repository, the database's pragmas and migrations, the bus log.
ALLOWED = ("owncast_cli/repos/", "owncast_cli/db/", "owncast_cli/bus/log.py")
#: Files that still hold SQL while their repository is being made (issue 11), and by whom. The list
#: may only shrink: a file not named here or in ALLOWED fails the test as soon as it holds SQL.
PENDING = {
    "owncast_cli/config/store.py": "the config repository",
}
STATEMENT = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|REPLACE)\s")


def sql_lines(source: str) -> list[int]:
    """Lines of string literals (f-strings included) that start an SQL statement."""
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            node = node.values[0]
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and STATEMENT.match(node.value):
            lines.add(node.lineno)  # an f-string's first part is also walked on its own
    return sorted(lines)


def test_the_detector_finds_sql_and_only_sql() -> None:
    source = '''
x = "SELECT a FROM t"
y = f"DELETE FROM t WHERE id IN ({marks})"
z = """
    INSERT INTO t VALUES (1)"""
words = "Select a stream key, then update the title"
methods = ["GET", "POST", "PUT", "DELETE"]
'''
    assert sql_lines(source) == [2, 3, 4]


def test_no_sql_outside_repositories() -> None:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name.startswith(ALLOWED) or name in PENDING:
            continue
        lines = sql_lines(path.read_text(encoding="utf-8"))
        if lines:
            found[name] = lines
    assert not found, f"SQL outside owncast_cli/repos/ (move it into a repository): {found}"
