"""transcripts: offline interview transcripts for newsrooms (ingest, store, search, quote)."""

__version__ = "0.1.0"
