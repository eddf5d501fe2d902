"""Podcasting 2.0 chapters (`<podcast:chapters type="application/json+chapters">`): a chapter per topic,
`{"version": "1.2.0", "chapters": [{"startTime", "endTime", "title"}]}`."""

from __future__ import annotations

import json

from transcripts.document import TranscriptDoc
from transcripts.export.options import DEFAULT, ExportOptions

VERSION = "1.2.0"
MEDIA_TYPE = "application/json+chapters"


def render(doc: TranscriptDoc, options: ExportOptions = DEFAULT) -> str:
    chapters = [{"startTime": round(t.start, 3), "endTime": round(t.end, 3), "title": t.title} for t in doc.topics]
    body = {"version": VERSION, "title": doc.title, "chapters": chapters}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
