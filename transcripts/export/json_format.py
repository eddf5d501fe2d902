"""Our own JSON: the `show --json` document plus provenance, under a schema version.

`schema` changes only when a field changes meaning or disappears; new fields may be added in place.
"""

from __future__ import annotations

import json

from transcripts.document import TranscriptDoc
from transcripts.export.options import DEFAULT, ExportOptions

SCHEMA = "transcripts.transcript/1"


def render(doc: TranscriptDoc, options: ExportOptions = DEFAULT) -> str:
    body = {"schema": SCHEMA, **doc.as_json(), "created_at": doc.created_at.isoformat(),
            "media": {"path": doc.media_path, "original_path": doc.original_path}, "settings": doc.settings}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
