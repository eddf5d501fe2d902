"""What a user may choose about an export beyond its format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportOptions:
    timestamps: bool = False  # in Markdown (docx, txt and html always carry them)
    # html: the recording to play beside the words (a URL, or a YouTube video id); neither: a static page
    media_url: str | None = None
    youtube: str | None = None


DEFAULT = ExportOptions()
