"""The Neo4j store's ingest lock (:meth:`graph.store.Store.ingesting`), held in Neo4j.

The holder keeps one write transaction open for its whole turn, on a session of its
own, in which it has MERGEd the one node ``(:TelusurIngestLock {name: 'ingest'})``.
A uniqueness constraint on that label and property makes the MERGE take the
constraint's index entry lock, so a second writer's same MERGE waits on the server
until the first transaction ends. The transaction is always rolled back, never
committed: no lock node is ever stored, so no count, statistic, export or console
query sees one (other transactions never see an uncommitted node); only the label
itself is known to the database, because of the constraint (``CALL db.labels()``).

A holder that dies (killed, crashed) releases the lock when the server drops its
connection: a closed socket at once. A holder whose host vanished without closing it
keeps the lock until the server's TCP stack gives the connection up, or until an
administrator ends its transaction (``TERMINATE TRANSACTIONS``; :data:`PURPOSE` tags it
in ``SHOW TRANSACTIONS``). Nothing else that writes the graph touches the lock node,
so the lock cannot take part in a deadlock with an ingest's own write transactions.

While held, the transaction is touched every :data:`HEARTBEAT` seconds (``RETURN 1``):
an idle connection is what firewalls, NAT and hosted servers close first, and a lock
lost on the way (its connection dropped, its transaction terminated) is then said
when it happens, not only at the end; the ingest itself goes on (it can be run again).

The server has no "try this lock for a second" setting per transaction (a
transaction timeout would also end the holder's turn), so the waiting message is
given by a timer: a MERGE that has not returned after :data:`PATIENCE` seconds is
waiting for another holder (an idle server answers it in milliseconds).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import neo4j
from neo4j import exceptions as neo_exc

from graph.context import current_actor
from graph.errors import StoreUnavailable

log = logging.getLogger("telusur.ingest")

LOCK_LABEL = "TelusurIngestLock"
#: applied with the model's schema (``Neo4jStore.apply_schema``): without it two MERGEs
#: that both find no node would both create one, and neither would wait
LOCK_SCHEMA = (
    f"CREATE CONSTRAINT telusur_ingest_lock IF NOT EXISTS FOR (n:{LOCK_LABEL}) "
    "REQUIRE n.name IS UNIQUE"
)
TAKE = f"MERGE (:{LOCK_LABEL} {{name: 'ingest'}})"
#: seconds a MERGE of the lock node may take before the writer says that it waits
PATIENCE = 1.0
#: in ``SHOW TRANSACTIONS`` and the query log, next to the holder's user and request
PURPOSE = {"telusur": "ingest lock (rolled back when the ingest ends)"}
#: seconds between two touches of the held lock's transaction
HEARTBEAT = 60.0
#: logged when the lock's transaction was gone before the ingest ended
LOST = (
    "ingest lock lost before the end: another ingest may have run alongside "
    "(look for people duplicated by NIK)"
)


@contextmanager
def holding(
    driver: neo4j.Driver, *, database: str, uri: str, waiting: Callable[[], None]
) -> Iterator[None]:
    """Wait for the database's ingest lock and hold it for the block (see above)."""
    session = driver.session(database=database, default_access_mode=neo4j.WRITE_ACCESS)
    try:
        tx = _take(session, uri, waiting)
        beat = _Heartbeat(tx)
        beat.start()
        try:
            yield
        finally:
            beat.stop.set()
            beat.join()  # from here on, this thread alone uses the transaction
            _release(tx, lost=beat.lost)
    finally:
        session.close()


class _Heartbeat(threading.Thread):
    """Touches the lock's transaction every :data:`HEARTBEAT` seconds until ``stop``;
    ``lost`` once it found the transaction gone (said at once)."""

    def __init__(self, tx: neo4j.Transaction) -> None:
        super().__init__(name="telusur-ingest-lock", daemon=True)
        self.tx = tx
        self.stop = threading.Event()
        self.lost = False

    def run(self) -> None:
        while not self.stop.wait(HEARTBEAT):
            try:
                self.tx.run("RETURN 1").consume()
            except (neo_exc.DriverError, neo_exc.Neo4jError) as exc:
                log.warning("%s: %s", LOST, _one_line(exc))
                self.lost = True
                return


def _take(session: neo4j.Session, uri: str, waiting: Callable[[], None]) -> neo4j.Transaction:
    timer = threading.Timer(PATIENCE, waiting)
    timer.daemon = True
    try:
        # timeout 0: the transaction lasts as long as the ingest, whatever the server's
        # default transaction timeout
        tx = session.begin_transaction(
            metadata={**current_actor().metadata(), **PURPOSE}, timeout=0
        )
        timer.start()
        tx.run(TAKE).consume()
    except (
        neo_exc.ServiceUnavailable,
        neo_exc.SessionExpired,
        neo_exc.ConnectionPoolError,
    ) as exc:
        raise StoreUnavailable(f"Neo4j at {uri} is unavailable: {_one_line(exc)}") from exc
    finally:
        timer.cancel()
    return tx


def _release(tx: neo4j.Transaction, *, lost: bool) -> None:
    """End the turn: roll the lock's transaction back. A transaction the server had
    already ended (its connection lost, an administrator's ``TERMINATE TRANSACTIONS``)
    ended the turn early, and another writer may have run alongside: that is said
    (once: the heartbeat may have said it already)."""
    try:
        if not lost:
            tx.run("RETURN 1").consume()  # refused when the transaction is no longer there
            tx.rollback()
            return
    except (neo_exc.DriverError, neo_exc.Neo4jError) as exc:
        log.warning("%s: %s", LOST, _one_line(exc))
    with contextlib.suppress(neo_exc.DriverError, neo_exc.Neo4jError):
        tx.close()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]
