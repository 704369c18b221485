"""The SQLite file: its connections, how a transaction runs, and the schema migrations.

- Every transaction is one plain function ``body(conn, *args)`` run whole on a connection's own
  thread: one hand-off from the event loop per transaction, not one per statement, and nothing
  else can interleave with it. A cancelled caller stops waiting; the transaction still runs to its
  end (or rolls back), so it is never left half-done.
- Writes run on one connection inside ``BEGIN IMMEDIATE``, so writers serialize in the database
  itself (a second process — the admin CLI — waits on ``busy_timeout``).
- Reads run on a small pool of read-only connections, each read one snapshot; WAL lets them run
  beside the writer. The few point reads every request makes (its key, its world's metadata:
  ``@lookup``) run on one more read-only connection right on the event loop: an indexed read of a
  row or two takes microseconds, a hand-off to a thread and back a good part of a millisecond.
- Driver errors become the store's own (:mod:`..errors`): busy/locked/closed →
  :class:`~..errors.Unavailable` (nothing happened, safe to retry); anything else →
  :class:`~..errors.StoreError`. Errors a body raises on purpose (``Missing``, ``RevConflict``, …)
  pass through unchanged.
- An adapter's method *is* its transaction body: ``@transaction`` or ``@snapshot`` on a plain
  method ``(self, conn, …)`` makes it the coroutine ``(self, …)`` the interface declares.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

import aiosqlite

from ..errors import StoreError, Unavailable
from .migrations import MIGRATIONS

__all__ = ["Adapter", "Database", "first", "lookup", "rows", "snapshot", "transaction"]

log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")
Body = Callable[Concatenate[sqlite3.Connection, P], T]


class Database:
    """One SQLite file in WAL mode: a writer connection and ``readers`` read-only ones."""

    def __init__(self, path: Path, *, synchronous: str, readers: int) -> None:
        self.path = path
        self.synchronous = synchronous.upper()
        self._reader_count = readers
        self._writer: aiosqlite.Connection | None = None
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []
        self._inline: sqlite3.Connection | None = None

    async def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {self.path}: {exc.strerror}") from exc
        with _translate(str(self.path)):
            self._writer = await self._connect("PRAGMA journal_mode=WAL")
            await _call(self._writer, _transaction, _migrate)
            for _ in range(self._reader_count):
                reader = await self._connect("PRAGMA query_only=ON")
                self._all_readers.append(reader)
                self._readers.put_nowait(reader)
            self._inline = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._inline.row_factory = sqlite3.Row
            _run_all(self._inline, ("PRAGMA busy_timeout=200", "PRAGMA query_only=ON"))

    async def _connect(self, *pragmas: str) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self.path, isolation_level=None)
        db.row_factory = sqlite3.Row
        settings = ("PRAGMA busy_timeout=5000", f"PRAGMA synchronous={self.synchronous}", "PRAGMA foreign_keys=ON")
        await _call(db, _run_all, (*settings, *pragmas))
        return db

    async def close(self) -> None:
        """Close the readers, then the writer after the transactions already queued on it
        (checkpointing the log, so a clean shutdown leaves one self-contained file)."""
        for reader in self._all_readers:
            with contextlib.suppress(Exception):
                await reader.close()
        self._all_readers.clear()
        inline, self._inline = self._inline, None
        if inline is not None:
            inline.close()
        writer, self._writer = self._writer, None
        if writer is not None:
            with contextlib.suppress(Exception):
                await _call(writer, _finalize)
            await writer.close()

    async def write(self, body: Body[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``body(conn, *args)`` as one ``BEGIN IMMEDIATE`` transaction on the writer."""
        db = self._writer
        if db is None:
            raise Unavailable("the store is closed")
        with _translate():
            return await _call(db, _transaction, lambda conn: body(conn, *args, **kwargs))

    async def read(self, body: Body[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``body(conn, *args)`` as one read snapshot on a reader."""
        if not self._all_readers:
            raise Unavailable("the store is closed")
        db = await self._readers.get()
        try:
            with _translate():
                return await _call(db, _snapshot, lambda conn: body(conn, *args, **kwargs))
        finally:
            self._readers.put_nowait(db)


    def lookup(self, body: Callable[[sqlite3.Connection], T]) -> T:
        """Run a point read ``body(conn)`` as one snapshot on the event loop's own connection."""
        conn = self._inline
        if conn is None:
            raise Unavailable("the store is closed")
        with _translate():
            return _snapshot(conn, body)


async def _call(db: aiosqlite.Connection, run: Callable[..., T], *args: Any) -> T:
    """``run(conn, *args)`` on ``db``'s own thread, in one hand-off.

    aiosqlite has no public call for "run this function on the connection's thread";
    ``Connection._execute`` is the queue every one of its public methods goes through, so this is
    the one place that relies on it (the store's tests exercise it on every call).
    """
    execute = cast(Callable[[Callable[[], T]], Awaitable[T]], db._execute)
    return await execute(lambda: run(db._conn, *args))


def _transaction(conn: sqlite3.Connection, body: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = body(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def _snapshot(conn: sqlite3.Connection, body: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute("BEGIN")
    try:
        return body(conn)
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations newer than ``PRAGMA user_version``, in the caller's transaction."""
    row = first(conn, "PRAGMA user_version")
    current = int(row[0]) if row else 0
    for number, step in MIGRATIONS:
        if number > current:
            if isinstance(step, str):
                _run_all(conn, tuple(_statements(step)))
            else:
                step(conn)
            _run_all(conn, (f"PRAGMA user_version={number}",))
            log.info("store: applied migration %d", number)


def _finalize(conn: sqlite3.Connection) -> None:
    _run_all(conn, ("PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA optimize"))


def _run_all(conn: sqlite3.Connection, statements: Sequence[str]) -> None:
    """Run each statement to its end (a PRAGMA that answers a row would otherwise stay open)."""
    for statement in statements:
        conn.execute(statement).fetchall()


def _statements(sql: str) -> Iterator[str]:
    """Split a migration into statements (migrations hold no semicolons inside literals)."""
    for statement in sql.split(";"):
        if statement.strip():
            yield statement


def first(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
    """The first row of a query (its statement is finished at once: an open one would block COMMIT)."""
    cur = conn.execute(sql, params)
    try:
        row: sqlite3.Row | None = cur.fetchone()
    finally:
        cur.close()
    return row


def rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
    return conn.execute(sql, params).fetchall()


@contextlib.contextmanager
def _translate(opening: str | None = None) -> Iterator[None]:
    """Driver errors → the store's errors (see the module docstring). ``opening``: the file being
    opened, whose failure is a setup problem to report, not a moment to wait out."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if opening is not None:
            raise StoreError(f"cannot open the database {opening}: {exc}") from exc
        raise Unavailable(f"the database is busy or unavailable ({exc})") from exc
    except sqlite3.Error as exc:
        raise StoreError(f"database failure: {exc}") from exc
    except ValueError as exc:
        if "connection" in str(exc).lower():
            raise Unavailable("the store is closed") from exc
        raise


class Adapter(Protocol):
    """What ``@transaction``/``@snapshot`` methods need of their object: the database they run on."""

    db: Database


A = TypeVar("A", bound=Adapter)


def transaction(
    body: Callable[Concatenate[A, sqlite3.Connection, P], T],
) -> Callable[Concatenate[A, P], Coroutine[Any, Any, T]]:
    """Make ``body(self, conn, …)`` the coroutine ``self.method(…)``: one write transaction."""
    return _method(body, lambda db, run: db.write(run))


def snapshot(
    body: Callable[Concatenate[A, sqlite3.Connection, P], T],
) -> Callable[Concatenate[A, P], Coroutine[Any, Any, T]]:
    """Make ``body(self, conn, …)`` the coroutine ``self.method(…)``: one read snapshot."""
    return _method(body, lambda db, run: db.read(run))


def lookup(
    body: Callable[Concatenate[A, sqlite3.Connection, P], T],
) -> Callable[Concatenate[A, P], Coroutine[Any, Any, T]]:
    """Make ``body(self, conn, …)`` the coroutine ``self.method(…)``: one point read, on the loop
    (only for reads of a row or two by an indexed key — anything longer goes to :func:`snapshot`)."""

    async def method(self: A, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.db.lookup(lambda conn: body(self, conn, *args, **kwargs))

    method.__name__, method.__doc__ = body.__name__, body.__doc__
    return method


def _method(
    body: Callable[Concatenate[A, sqlite3.Connection, P], T],
    run: Callable[[Database, Callable[[sqlite3.Connection], T]], Awaitable[T]],
) -> Callable[Concatenate[A, P], Coroutine[Any, Any, T]]:
    async def method(self: A, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await run(self.db, lambda conn: body(self, conn, *args, **kwargs))

    method.__name__, method.__doc__ = body.__name__, body.__doc__
    return method
