"""Voices known across interviews: enrol a person's voiceprint, list and remove them.

A voiceprint is the unit-norm mean speaker embedding of someone's speech. It comes from a speaker of a
stored transcript (the embedding kept at ingest, or computed from that speaker's audio when the ingest
made none) or from a clip of one voice. Later ingests name the speakers whose voices match.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from transcripts.errors import MediaError
from transcripts.pipeline import media
from transcripts.pipeline.diarize import Diarizer
from transcripts.store import repository
from transcripts.store.db import Store
from transcripts.store.media_files import MediaFiles


@dataclass(frozen=True)
class Voice:
    name: str
    enrolled_from: str | None
    created_at: str

    def as_json(self) -> dict[str, str | None]:
        return {"name": self.name, "enrolled_from": self.enrolled_from, "created_at": self.created_at}


def _speaker_audio(path: Path, spans: list[tuple[float, float]]) -> np.ndarray:
    audio = media.samples(media.decode(media.probe(path)))
    pieces = [audio[int(start * media.SAMPLE_RATE):int(end * media.SAMPLE_RATE)] for start, end in spans]
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def enroll_from_speaker(store: Store, media_files: MediaFiles, name: str, transcript_id: int, label: str,
                        diarizer: Diarizer | None = None) -> Voice:
    """Enrol the voice of speaker `label` of a transcript under `name`, and name that speaker too."""
    with store.session() as session:
        speaker = repository.get_speaker(session, transcript_id, label)
        print_ = repository.voiceprint_array(speaker.voiceprint)
        stored = speaker.transcript.media.path
        spans = [(s.start, s.end) for s in speaker.transcript.segments if s.speaker_id == speaker.id]
    if print_ is None:
        media_path = media_files.readable(stored)
        print_ = (diarizer or Diarizer()).voiceprint(_speaker_audio(media_path, spans))
        if print_ is None:
            raise MediaError(str(media_path), f"no speech found for speaker {label}")
    source = f"transcript {transcript_id} {label}"
    with store.session() as session:
        person = repository.enroll(session, name, print_, source)
        speaker = repository.get_speaker(session, transcript_id, label)
        speaker.person, speaker.name, speaker.similarity = person, name, 1.0
        return Voice(person.name, person.enrolled_from, person.created_at.isoformat())


def enroll_from_file(store: Store, name: str, path: Path, diarizer: Diarizer | None = None) -> Voice:
    """Enrol `name` from a clip of their voice alone (the main voice of the clip if others are heard)."""
    print_ = (diarizer or Diarizer()).voiceprint(media.samples(media.decode(media.probe(path))))
    if print_ is None:
        raise MediaError(str(path), "no speech found")
    with store.session() as session:
        person = repository.enroll(session, name, print_, str(path.resolve()))
        return Voice(person.name, person.enrolled_from, person.created_at.isoformat())


def list_voices(store: Store) -> list[Voice]:
    with store.session() as session:
        return [Voice(p.name, p.enrolled_from, p.created_at.isoformat()) for p in repository.list_people(session)]


def remove_voice(store: Store, name: str) -> None:
    with store.session() as session:
        repository.remove_person(session, name)
