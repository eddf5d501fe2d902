"""`transcripts speakers …` and `transcripts voices …`: naming, merging and enrolling voices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from transcripts import timefmt, voices
from transcripts.cli.common import (
    DefaultCommandGroup,
    TranscriptsGroup,
    db_option,
    emit_json,
    json_option,
    media_root,
    with_store,
)
from transcripts.document import SpeakerDoc, TranscriptDoc
from transcripts.store import repository
from transcripts.store.db import Store

SAMPLE_LINES = 3


def speaker_summary(doc: TranscriptDoc, speaker: SpeakerDoc) -> dict[str, Any]:
    lines = [s for s in doc.segments if s.speaker and s.speaker.label == speaker.label]
    longest = sorted(lines, key=lambda s: s.end - s.start, reverse=True)[:SAMPLE_LINES]
    return {
        "label": speaker.label, "name": speaker.name, "is_interviewer": speaker.is_interviewer,
        "talk_time": round(speaker.talk_time, 2), "turns": speaker.turns,
        "person": speaker.person, "similarity": speaker.similarity,
        "samples": [{"start": s.start, "end": s.end, "text": s.text} for s in sorted(longest, key=lambda s: s.start)],
    }


@click.group(cls=DefaultCommandGroup)
def speakers() -> None:
    """List, name and merge the speakers of a transcript.

    \b
      transcripts speakers 3                          # who speaks, how long, sample lines
      transcripts speakers rename 3 S2 "Sean Baker"   # --enroll to remember the voice
      transcripts speakers merge 3 S1 S3              # one voice split in two: S3 becomes S1
    """


@speakers.command(name="show")
@click.argument("transcript_id", type=int)
@db_option
@json_option
@with_store
def show_speakers(store: Store, transcript_id: int, as_json: bool) -> None:
    """Each speaker with talk time, turns, role and sample lines."""
    with store.session() as session:
        doc = repository.load_document(session, transcript_id)
    rows = [speaker_summary(doc, speaker) for speaker in doc.speakers]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        role = "  interviewer" if row["is_interviewer"] else ""
        matched = f"  (voice of {row['person']}, {row['similarity']:.2f})" if row["person"] else ""
        click.echo(f"{row['label']}  {row['name'] or '-'}{role}  {timefmt.hms(row['talk_time'])} talk, "
                   f"{row['turns']} turns{matched}")
        for sample in row["samples"]:
            click.echo(f"    [{timefmt.hms(sample['start'])}] {sample['text']}")


@speakers.command()
@click.argument("transcript_id", type=int)
@click.argument("label")
@click.argument("name")
@click.option("--enroll", is_flag=True, help="Also remember this voice, so later recordings name it.")
@db_option
@json_option
@with_store
def rename(store: Store, transcript_id: int, label: str, name: str, enroll: bool, as_json: bool) -> None:
    """Give speaker LABEL (S1, S2…) of a transcript a NAME, shown everywhere from now on."""
    with store.session() as session:
        speaker = repository.rename_speaker(session, transcript_id, label, name)
        enrolled = speaker.person_id is not None
    if enroll:
        voices.enroll_from_speaker(store, media_root(), name, transcript_id, label)
    if as_json:
        emit_json({"transcript_id": transcript_id, "label": label, "name": name, "enrolled": enroll})
        return
    click.echo(f"transcript {transcript_id}: {label} is now {name}")
    if enroll:
        click.echo(f"enrolled the voice of {name}: later recordings will name it")
    elif not enrolled:
        click.echo(f"(add --enroll to recognise {name}'s voice in other recordings)", err=True)


@speakers.command()
@click.argument("transcript_id", type=int)
@click.argument("label")
@click.argument("other")
@db_option
@json_option
@with_store
def merge(store: Store, transcript_id: int, label: str, other: str, as_json: bool) -> None:
    """Fold speaker OTHER into LABEL (one voice that was split in two)."""
    with store.session() as session:
        kept = repository.merge_speakers(session, transcript_id, label, other)
        result = {"transcript_id": transcript_id, "label": kept.label, "merged": other, "turns": kept.turns,
                  "talk_time": kept.talk_time}
    if as_json:
        emit_json(result)
    else:
        click.echo(f"transcript {transcript_id}: {other} merged into {label}")


@click.group(cls=TranscriptsGroup)
def voices_group() -> None:
    """Voices known across interviews: enrolled once, named in every later recording.

    \b
      transcripts voices enroll "Joey Magidson" 3 S1      # from a speaker of a transcript
      transcripts voices enroll "Joey Magidson" --from me.wav
      transcripts voices list
      transcripts voices remove "Joey Magidson"
    """


@voices_group.command()
@click.argument("name")
@click.argument("transcript_id", type=int, required=False)
@click.argument("label", required=False)
@click.option("--from", "clip", type=click.Path(path_type=Path), help="A recording of this voice alone.")
@db_option
@json_option
@with_store
def enroll(store: Store, name: str, transcript_id: int | None, label: str | None, clip: Path | None,
           as_json: bool) -> None:
    """Remember NAME's voice, from speaker LABEL of a transcript or from a clip (--from FILE)."""
    if clip is not None:
        voice = voices.enroll_from_file(store, name, clip)
    elif transcript_id is not None and label is not None:
        voice = voices.enroll_from_speaker(store, media_root(), name, transcript_id, label)
    else:
        raise click.UsageError("give TRANSCRIPT_ID and LABEL, or --from FILE")
    if as_json:
        emit_json(voice.as_json())
    else:
        click.echo(f"enrolled {voice.name} (from {voice.enrolled_from})")


@voices_group.command(name="list")
@db_option
@json_option
@with_store
def list_voices(store: Store, as_json: bool) -> None:
    """The enrolled voices."""
    rows = voices.list_voices(store)
    if as_json:
        emit_json([v.as_json() for v in rows])
        return
    for voice in rows:
        click.echo(f"{voice.name}  (from {voice.enrolled_from}, {voice.created_at[:10]})")


@voices_group.command()
@click.argument("name")
@db_option
@json_option
@with_store
def remove(store: Store, name: str, as_json: bool) -> None:
    """Forget NAME's voice (transcripts keep the names already given)."""
    voices.remove_voice(store, name)
    if as_json:
        emit_json({"name": name, "status": "removed"})
    else:
        click.echo(f"removed the voice of {name}")
