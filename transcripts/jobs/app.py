"""The Procrastinate app, its queues, and how it connects to a database given at run time.

Jobs go to the `cpu` queue unless `ingest --queue gpu` asks for a GPU worker. The queue's housekeeping (the
stalled-job retrier) has a queue of its own, served by each worker supervisor, so it runs even while
every transcription worker is busy for an hour.

The app is one module-level object, as Procrastinate's task decorators want; the database comes from our
settings when a command runs, so `connected` lends the app a connector for that URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import procrastinate
import psycopg_pool
from sqlalchemy.engine import make_url

from transcripts.errors import QueueError

QUEUES = ("cpu", "gpu")
DEFAULT_QUEUE = "cpu"
HOUSEKEEPING_QUEUE = "transcripts-housekeeping"

app = procrastinate.App(connector=procrastinate.PsycopgConnector(), import_paths=["transcripts.jobs.tasks"])


def require_postgresql(db_url: str) -> None:
    """One line, before anything is stored, when the store cannot hold a queue."""
    backend = make_url(db_url).get_backend_name()
    if backend != "postgresql":
        raise QueueError(f"the job queue needs PostgreSQL (--db postgresql+psycopg://…, or TRANSCRIPTS_DB); "
                         f"this store is {backend}")


def conninfo(db_url: str) -> str:
    """libpq's form of a SQLAlchemy URL (`postgresql+psycopg://…` -> `postgresql://…`)."""
    require_postgresql(db_url)
    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def connected(db_url: str, max_connections: int = 3, wait: float = 30.0) -> Iterator[procrastinate.App]:
    """The app, talking to this database for the duration of the block. Open it (`open`, `open_async`) for
    anything but deferring on a given connection. A worker wants a few connections (jobs, heartbeats), and
    its listener takes one more of its own. A query waits at most `wait` seconds for a connection: then the
    database counts as gone (a worker stops, and is started again).

    Each query opens its own connection (a null pool: a few milliseconds, for a heartbeat every few seconds).
    With a pool (psycopg_pool 3.3.3), a heartbeat that met a connection broken by a database restart waited
    forever, past its timeout, while the worker went on taking jobs: its heartbeat stopped, so the stalled-job
    retrier handed each of its jobs to another worker too."""
    connector = procrastinate.PsycopgConnector(conninfo=conninfo(db_url), min_size=0, max_size=max_connections,
                                               timeout=wait,
                                               kwargs={"connect_timeout": 10},
                                               pool_factory=psycopg_pool.AsyncNullConnectionPool)
    with app.replace_connector(connector) as lent:
        yield lent
