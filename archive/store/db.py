"""Connecting to the graph database (SQLite by default, PostgreSQL at scale), its schema kept at the
newest Alembic revision (archive/store/migrations/) whenever it is opened."""

from __future__ import annotations

import json
import logging
import os
import re
import time
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

try:
    import fcntl
except ImportError:  # Windows: no flock; concurrent first opens of one new file are then unguarded
    fcntl = None

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, insert, inspect, text
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

LOGGER = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_DB = "sqlite:///provenance.db"
MIGRATIONS = Path(__file__).with_name("migrations")
FIRST_REVISION = "0001"
MIGRATION_LOCK = 7_061_994  # PostgreSQL advisory lock id: one process migrates at a time
RETRY_STATES = {"40001", "40P01"}  # PostgreSQL: serialization failure, deadlock detected


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says why, for a person."""


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get("PROVENANCE_DB") or DEFAULT_DB


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # a crawl and an ingest may share the file
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str | None = None, keep_connections: bool = False) -> Engine:
    """An engine on the graph, its schema migrated. SQLite connections are closed after each use
    unless ``keep_connections``: a process that forks workers (a crawl, an ingest) must hold no
    open SQLite connection when it forks, or the child's SQLite shares the parent's lock state and
    committed transactions can be lost (seen here: a crawl lost a third of its pages). Processes
    that never fork (the graph writer, analysis workers) keep theirs."""
    url = database_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} (try sqlite:///provenance.db)") from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise StoreError(f"cannot create the database {parsed.database!r}: folder {folder} does not exist")
    if parsed.get_backend_name() == "sqlite":
        options = {} if keep_connections else {"poolclass": NullPool}
    else:
        options = {"pool_size": 5, "max_overflow": 10, "pool_recycle": 1800, "pool_pre_ping": True}
    try:
        engine = create_engine(url, **options)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise StoreError(f"no driver for {parsed.drivername!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:  # a forked worker starts with an empty pool and leaves the parent's connections alone
        reference = weakref.ref(engine)
        os.register_at_fork(after_in_child=lambda: _forget_connections(reference()))
    try:
        migrate(engine)
    except OperationalError as exc:
        raise StoreError(f"cannot open database {parsed.render_as_string(hide_password=True)}: {exc.orig}") from exc
    return engine


_INHERITED: list = []  # pools a forked child inherited: kept referenced, so never closed there


def _forget_connections(engine: Engine | None) -> None:
    if engine is not None:
        _INHERITED.append(engine.pool)
        engine.dispose(close=False)


def _alembic(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def _head_revision() -> str:
    """The newest migration (read from the scripts once a process, not at every open)."""
    return ScriptDirectory.from_config(_alembic()).get_current_head()


def schema_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> str | None:
    """Upgrade the schema to the newest revision; returns the revision it was at before. A database
    created before migrations existed (tables, no version) is recognised as the first revision."""
    head = _head_revision()
    with engine.connect() as connection:
        if schema_revision(connection) == head:
            return head
    with _sqlite_file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK})
        before = schema_revision(connection)
        if before == head:  # another process migrated while this one waited
            return before
        if before is None and inspect(connection).has_table("documents"):
            command.stamp(_alembic(connection), FIRST_REVISION)
        command.upgrade(_alembic(connection), "head")
    return before


@contextmanager
def _sqlite_file_lock(engine: Engine):
    """One process at a time migrates a SQLite file (SQLite runs DDL outside transactions here):
    an exclusive flock on the database file, which SQLite's own (fcntl) locks do not see."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or fcntl is None or not Path(database).exists():
        yield
        return
    with open(database, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def session_factory(url: str | None = None, keep_connections: bool = False) -> sessionmaker[Session]:
    return sessionmaker(make_engine(url, keep_connections), expire_on_commit=False)


def transient(exc: DBAPIError) -> bool:
    """A failure worth another try: a lost connection, a deadlock, a busy SQLite file."""
    state = getattr(exc.orig, "sqlstate", None)
    return exc.connection_invalidated or state in RETRY_STATES or "database is locked" in str(exc.orig)


def transaction(factory: sessionmaker[Session], work: Callable[[Session], T], attempts: int = 4) -> T:
    """``work(session)`` in one transaction, run again (from the start) after a transient failure."""
    for attempt in range(attempts):
        try:
            with factory.begin() as session:
                return work(session)
        except DBAPIError as exc:
            if attempt + 1 == attempts or not transient(exc):
                raise
            LOGGER.warning("database: %s; trying again", str(exc.orig).splitlines()[0])
            time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


# -- the writer's hot path ---------------------------------------------------------------------
# A crawl's writer runs a dozen small statements for every page. On SQLite, SQLAlchemy's own work
# for each (parameters, IN lists expanded at every call, result rows) took more time than SQLite
# running them: a third of the writer's Python time (py-spy --gil of a crawl). So each statement
# of that path is one Core statement, compiled once for SQLite and run on SQLite's own connection
# (the one under the session's transaction); other databases run the Core statement. An IN list
# goes as one JSON parameter (``IN (SELECT value FROM json_each(?))``), whatever its length, so
# one compiled string serves every call.

_SQLITE = sqlite_dialect()
_EXPANDED = re.compile(r"__\[POSTCOMPILE_\w+\]")
_REQUIRED = object()  # a parameter the statement has no value for


class Hot:
    """A Core statement of the hot path: ``rows(session, params)``, ``execute(session, params)``,
    ``insert(session, rows)`` (tuples in the order of ``columns``)."""

    __slots__ = ("statement", "columns", "_sqlite")

    def __init__(self, statement, columns: tuple[str, ...] | None = None):
        self.statement = statement
        self.columns = columns
        self._sqlite: tuple[str, tuple, bool] | None = None

    def _compiled(self) -> tuple[str, tuple, bool]:
        """SQLite's SQL string; per positional parameter: name, default, is a list, bind processor;
        whether an insert's row tuples can be passed as they are."""
        if self._sqlite is None:
            compiled = self.statement.compile(dialect=_SQLITE, column_keys=list(self.columns or ()) or None)
            expanding = {name for name, bind in compiled.binds.items() if bind.expanding}
            filled = set(compiled.positiontup) - set(self.columns or compiled.positiontup)
            if filled:  # column defaults SQLAlchemy computes at each execution: not done here
                raise ValueError(f"a hot insert gives every column; missing: {', '.join(sorted(filled))}")
            sql = _EXPANDED.sub("SELECT value FROM json_each(?)", compiled.string)
            slots = tuple((name, _REQUIRED if compiled.binds[name].required else compiled.params.get(name),
                           name in expanding, compiled.binds[name].type.dialect_impl(_SQLITE).bind_processor(_SQLITE))
                          for name in compiled.positiontup)
            # an insert's rows go as they are when they are in the compiled order and need no conversion
            as_given = tuple(name for name, *_ in slots) == self.columns and not any(p for *_, p in slots)
            self._sqlite = sql, slots, as_given
        return self._sqlite

    def _args(self, params: dict) -> list:
        args = []
        for name, default, expanding, process in self._compiled()[1]:
            value = params[name] if default is _REQUIRED else params.get(name, default)
            if expanding:
                value = json.dumps([process(v) for v in value] if process else list(value), default=int)
            elif process is not None:
                value = process(value)
            args.append(value)
        return args

    def rows(self, session: Session, params: dict) -> list[tuple]:
        """The statement's result rows, as tuples."""
        driver = sqlite_driver(session)
        if driver is not None:
            return driver.execute(self._compiled()[0], self._args(params)).fetchall()
        return [tuple(row) for row in session.connection().execute(self.statement, params)]

    def execute(self, session: Session, params: dict) -> None:
        """Run the statement (an update or a delete)."""
        driver = sqlite_driver(session)
        if driver is not None:
            driver.execute(self._compiled()[0], self._args(params))
        else:
            session.connection().execute(self.statement, params)

    def insert(self, session: Session, rows: list[tuple]) -> None:
        """Insert ``rows``, each a tuple of the values of ``columns`` in that order."""
        if not rows:
            return
        driver = sqlite_driver(session)
        if driver is None:
            session.connection().execute(self.statement, [dict(zip(self.columns, row)) for row in rows])
            return
        sql, _, as_given = self._compiled()
        if not as_given:
            rows = [self._args(dict(zip(self.columns, row))) for row in rows]  # reordered or converted
        driver.executemany(sql, rows)


def sqlite_driver(session: Session):
    """The sqlite3 connection under the session's transaction, or None on another database."""
    connection = session.connection()
    return connection.connection.driver_connection if connection.dialect.name == "sqlite" else None


def insert_ignoring(session: Session, table, unique: list[str] | None = None):
    """INSERT ... ON CONFLICT (unique) DO NOTHING, for SQLite and PostgreSQL."""
    return insert_ignoring_on(session.get_bind().dialect.name, table, tuple(unique) if unique else None)


@lru_cache(maxsize=None)  # statements are immutable: built once per table, not once per row stored
def insert_ignoring_on(name: str, table, unique: tuple[str, ...] | None = None):
    """:func:`insert_ignoring` for the database named ``name`` (``sqlite``, ``postgresql``)."""
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:  # pragma: no cover - other databases check first
        return insert(table)
    return dialect_insert(table).on_conflict_do_nothing(index_elements=list(unique) if unique else None)
