"""What a user may choose about an export beyond its format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportOptions:
    timestamps: bool = False  # in Markdown (docx, txt and html always carry them)


DEFAULT = ExportOptions()
