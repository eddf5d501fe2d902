"""Podcasting 2.0 JSON transcript (podcastindex.org `<podcast:transcript type="application/json">`):
`{"version": "1.0.0", "segments": [{"speaker", "startTime", "endTime", "body"}]}`, a segment per line."""

from __future__ import annotations

import json

from transcripts.document import TranscriptDoc
from transcripts.export.options import DEFAULT, ExportOptions

VERSION = "1.0.0"


def render(doc: TranscriptDoc, options: ExportOptions = DEFAULT) -> str:
    segments = []
    for segment in doc.segments:
        item: dict[str, object] = {"startTime": round(segment.start, 3), "endTime": round(segment.end, 3),
                                   "body": segment.text.strip()}
        if segment.speaker_display:
            item = {"speaker": segment.speaker_display, **item}
        segments.append(item)
    return json.dumps({"version": VERSION, "segments": segments}, ensure_ascii=False, indent=2) + "\n"
