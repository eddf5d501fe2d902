"""One JSON line per event on stderr: what a newsroom's log collector (journald, Loki…) reads.

Workers log job events (`job_started`, `job_done`, `job_retry`, `job_failed`, `job_cancelled`,
`job_stalled`) and their own (`worker_started`, `worker_restarting`, `worker_exited`, `worker_stopped`);
everything else that logs in a worker process (Procrastinate's warnings, a traceback) comes out as one
JSON line too, so a line is always one event.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("transcripts.jobs.events")

_FIELDS = "event_fields"


def emit(event: str, **fields: Any) -> None:
    """Log one event with its fields (job_id, path, worker, error…)."""
    log.info(event, extra={_FIELDS: fields})


class JsonLines(logging.Formatter):
    """A record as one line of JSON: time, level, event (the message), pid and the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage() if hasattr(record, _FIELDS) else "log",
            "pid": record.process,
        }
        if hasattr(record, _FIELDS):
            line.update(getattr(record, _FIELDS))
        else:
            line["logger"] = record.name
            line["message"] = record.getMessage()
        if record.exc_info:
            line["traceback"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(line, ensure_ascii=False, default=str)


def setup() -> None:
    """JSON lines on stderr for this process: our events at INFO, other libraries' warnings and errors."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    handler.addFilter(_not_procrastinate_job_outcome)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("transcripts").setLevel(logging.INFO)


def _not_procrastinate_job_outcome(record: logging.LogRecord) -> bool:
    """Procrastinate logs each failed job as an error with its traceback: our `job_failed` says it once."""
    return not (record.name.startswith("procrastinate") and str(getattr(record, "action", "")).startswith("job_"))


def worker_name() -> str:
    """How a worker process is named in events and in `transcripts jobs`: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"
