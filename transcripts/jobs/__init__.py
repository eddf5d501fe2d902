"""Newsroom mode: transcription on a job queue in PostgreSQL, with workers on any number of machines.

Why Procrastinate: it keeps the queue in the PostgreSQL the newsroom runs already (no broker to run, and a
job's state is a row beside its media row, written in the same transaction), and it hands a job to one
worker at a time with row locks. What it leaves to us, and where it lives: a dead worker's job stays
`doing` until something retries stalled jobs (`tasks.retry_stalled`, run by every `transcripts worker`
supervisor), and its worker stops when the database connection fails (`worker.keep_running` starts it
again).

- `app`: the Procrastinate app for a database URL, the queues, the task names.
- `enqueue`: `ingest --queue`: store the media, queue the job, in one transaction.
- `tasks`: the transcription task (it calls `transcripts.ingest.Ingestor`, never the steps) and the
  stalled-job retrier.
- `worker`: one worker process (models loaded once), restarted when the database goes away.
- `supervisor`: `transcripts worker --processes N`: N worker processes, restarted when they die, and the
  queue's housekeeping.
- `events`: one JSON line per job event on stderr.
"""
