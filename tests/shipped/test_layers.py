"""The layering rules, checked on the source: daemons apart, protocols sans-IO, SQL in repositories.

Read by ``ast`` (imports inside functions count too), so the checks take well under a second.
"""

from __future__ import annotations

import ast
import re
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "owncast_cli"
#: One package per daemon: none may import another's (they meet on the bus, in the database, over HTTP).
DAEMONS = ("ingest", "transcode", "serve", "chat", "federate", "notify")
#: Protocol code is sans-IO: bytes in, events out; no sockets, event loops, clocks or database.
IO_MODULES = ("trio", "anyio", "asyncio", "socket", "ssl", "select", "selectors", "subprocess", "threading",
              "sqlite3", "peewee", "playhouse", "httpx", "quart", "quart_trio", "hypercorn", "boto3",
              "owncast_cli.db", "owncast_cli.bus", "owncast_cli.repos", "owncast_cli.daemons")
#: Where SQL may be written: the repositories, the database layer, and the bus's own log.
SQL_HOMES = ("repos/", "db/", "bus/log.py")
#: Files that still hold SQL while their domain moves into a repository (issue 11). This list only
#: shrinks: a file that no longer has SQL must leave it (the test says so).
SQL_NOT_YET_MOVED: frozenset[str] = frozenset()  # emptied by the datalayer merge
_SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                  r"CREATE\s+(TABLE|INDEX)|ALTER\s+TABLE|DROP\s+TABLE|PRAGMA\s+\w+)\b", re.S)


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(), str(path))


def _imports(relative: str, tree: ast.Module) -> Iterator[str]:
    """Every module a file imports, absolute (``from . import x`` resolved; ``from a import b`` as a.b)."""
    package = ["owncast_cli", *relative.split("/")[:-1]]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


MODULES = list(_modules())


def test_no_daemon_imports_another_daemons_package() -> None:
    crossings = []
    for relative, tree in MODULES:
        own = relative.split("/")[0]
        if own not in DAEMONS:
            continue
        for module in _imports(relative, tree):
            for other in DAEMONS:
                if other != own and _within(module, f"owncast_cli.{other}"):
                    crossings.append(f"{relative} imports {module}")
    assert not crossings, "daemons meet on the bus, in the database and over HTTP:\n" + "\n".join(crossings)


def test_protocols_do_no_io() -> None:
    found = [f"{relative} imports {module}" for relative, tree in MODULES if relative.startswith("protocols/")
             for module in _imports(relative, tree) if any(_within(module, io) for io in IO_MODULES)]
    assert not found, "protocols/ is sans-IO:\n" + "\n".join(found)


def test_event_types_are_named_only_in_the_catalog() -> None:
    """Publishers and subscribers use the classes of ``bus/catalog/``, never the wire names."""
    from owncast_cli.bus.eventtype import TYPES

    literals = [f"{relative}:{node.lineno} {node.value!r}" for relative, tree in MODULES
                if not relative.startswith("bus/catalog/") for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and node.value in TYPES]
    assert not literals, "use the event classes of owncast_cli/bus/catalog/:\n" + "\n".join(literals)


def _has_sql(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL.search(node.value):
            return True
        if isinstance(node, ast.JoinedStr):  # f"SELECT {cols} FROM ...": judge the literal parts together
            text = " ".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if _SQL.search(text):
                return True
    return False


def test_sql_lives_in_repositories() -> None:
    with_sql = {relative for relative, tree in MODULES if _has_sql(tree)}
    outside = {r for r in with_sql if not r.startswith(SQL_HOMES)}
    misplaced = sorted(outside - SQL_NOT_YET_MOVED)
    moved = sorted(SQL_NOT_YET_MOVED - outside)
    assert not misplaced, "SQL belongs in a repository (owncast_cli/repos/):\n" + "\n".join(misplaced)
    assert not moved, "no SQL left here: remove it from SQL_NOT_YET_MOVED:\n" + "\n".join(moved)


@pytest.mark.parametrize(("text", "is_sql"), [
    ("SELECT value FROM datastore WHERE key = ?", True),
    ("INSERT OR IGNORE INTO users (id) VALUES (?)", True),
    ("UPDATE users SET disabled_at = ?", True),
    ("delete from events", False),  # lower case is prose or a log message, not our SQL style
    ("Select a stream key from the list", False),
    ("the update set is empty", False),
])
def test_the_sql_detector(text: str, is_sql: bool) -> None:
    assert _has_sql(ast.parse(repr(text))) is is_sql


def test_imports_are_resolved_as_the_checks_need() -> None:
    tree = ast.parse("from ..chat import service\nfrom . import app\nimport trio.socket\n"
                     "def f():\n    from owncast_cli import transcode\n")
    found = set(_imports("serve/admin.py", tree))
    assert {"owncast_cli.chat.service", "owncast_cli.serve.app", "trio.socket", "owncast_cli.transcode"} <= found


#: A module past this many lines has more than one reason to change (STYLE.md: median 100-250).
MAX_MODULE_LINES = 400


def test_modules_stay_small() -> None:
    sizes = {str(path.relative_to(PACKAGE)): len(path.read_text().splitlines()) for path in PACKAGE.rglob("*.py")}
    assert {name: size for name, size in sizes.items() if size > MAX_MODULE_LINES} == {}
    assert statistics.median(sizes.values()) <= 150
