"""Exports read back by parsers nobody on this project wrote, and compared with the store."""

from __future__ import annotations

import html
import io
import itertools
import json
from html.parser import HTMLParser
from pathlib import Path

import docx
import jsonschema
import pytest
import srt
import webvtt
from helpers import run_cli, run_json
from markdown_it import MarkdownIt

from transcripts.export import rttm
from transcripts.export.cues import MAX_LINE, MAX_LINES
from transcripts.timefmt import hms


@pytest.fixture
def stored(sample: str) -> dict:
    """pyannote_sample as the store holds it (a copy of one ingest per backend), and the store's URL."""
    shown: dict = run_json("show", "1", "--db", sample)
    shown["db"] = sample
    return shown


def export(stored: dict, fmt: str, tmp_path: Path) -> str:
    target = tmp_path / f"out.{fmt}"
    result = run_cli("export", str(stored["id"]), "--format", fmt, "-o", str(target), "--db", stored["db"])
    assert result.exit_code == 0, result.output
    return target.read_text(encoding="utf-8")


def stored_words(stored: dict) -> list[str]:
    return [w["word"] for s in stored["segments"] for w in s["words"]]


def first_stamp(stored: dict) -> str:
    """`[00:00:06] `: the time of the first stored segment, as the text formats print it."""
    return f"[{hms(stored['segments'][0]['start'])}] "


def test_srt_parses_and_carries_every_word_with_store_times(stored: dict, tmp_path: Path) -> None:
    subtitles = list(srt.parse(export(stored, "srt", tmp_path)))
    words = []
    for sub in subtitles:
        lines = sub.content.splitlines()
        assert len(lines) <= MAX_LINES
        speaker, lines[0] = lines[0].split(": ", 1)
        [segment] = [s for s in stored["segments"]  # never across two speakers: inside one segment
                     if s["start"] - 0.001 <= sub.start.total_seconds() and sub.end.total_seconds() <= s["end"] + 0.001]
        assert speaker == segment["speaker"]
        assert all(len(line) <= MAX_LINE for line in lines)
        words.extend(" ".join(lines).split())
    assert words == stored_words(stored)
    first = stored["segments"][0]["words"][0]
    assert subtitles[0].start.total_seconds() == pytest.approx(first["start"], abs=0.001)


def test_vtt_parses_with_voice_spans_and_every_word(stored: dict, tmp_path: Path) -> None:
    path = tmp_path / "check.vtt"
    path.write_text(export(stored, "vtt", tmp_path))
    captions = webvtt.read(str(path))
    assert [c.voice for c in captions if c.voice] == [c.voice for c in captions]
    assert {c.voice for c in captions} == {s["speaker"] for s in stored["segments"]} == {"S1", "S2"}
    words = " ".join(c.text.replace("\n", " ") for c in captions).split()
    assert words == stored_words(stored)
    last = stored["segments"][-1]["words"][-1]
    minutes, seconds = divmod(last["end"], 60)
    assert captions[-1].end == f"00:{int(minutes):02d}:{seconds:06.3f}"


def test_txt_has_a_line_per_segment_with_the_stored_words(stored: dict, tmp_path: Path) -> None:
    text = export(stored, "txt", tmp_path).splitlines()
    assert [line[3:] for line in text if line.startswith("## ")] == [t["title"] for t in stored["topics"]]
    lines = [line for line in text if line.startswith("[")]
    assert len(lines) == len(stored["segments"])
    assert lines[0].startswith(first_stamp(stored) + "S1: ")
    assert [line.split("] ", 1)[1].split(": ")[0] for line in lines] == [s["speaker"] for s in stored["segments"]]
    body = " ".join(line.split(": ", 1)[1] for line in lines)
    assert body.split() == stored_words(stored)


def test_json_is_the_versioned_document_of_the_store(stored: dict, tmp_path: Path) -> None:
    exported = json.loads(export(stored, "json", tmp_path))
    assert exported["schema"] == "transcripts.transcript/1"
    assert exported["segments"] == stored["segments"]
    assert exported["media"]["original_path"].endswith("pyannote_sample.wav")


def test_export_to_standard_output(stored: dict) -> None:
    result = run_cli("export", str(stored["id"]), "--format", "txt", "--db", stored["db"])
    assert result.stdout.startswith(f"## {stored['topics'][0]['title']}\n{first_stamp(stored)}S1: ")


def export_bytes(stored: dict, fmt: str, tmp_path: Path, *flags: str) -> bytes:
    target = tmp_path / f"out-{fmt}"
    result = run_cli("export", str(stored["id"]), "--format", fmt, "-o", str(target), "--db", stored["db"], *flags)
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def schema(name: str) -> dict:
    return json.loads((Path(__file__).parent / "schemas" / name).read_text())


def test_podcast_json_follows_the_podcasting_2_0_schema(stored: dict, tmp_path: Path) -> None:
    exported = json.loads(export(stored, "podcast-json", tmp_path))
    jsonschema.validate(exported, schema("podcast_transcript.schema.json"))
    assert [(s["speaker"], s["startTime"], s["endTime"]) for s in exported["segments"]] == [
        (s["speaker"], round(s["start"], 3), round(s["end"], 3)) for s in stored["segments"]]
    assert " ".join(s["body"] for s in exported["segments"]).split() == stored_words(stored)


def test_chapters_follow_the_podcasting_2_0_schema_one_per_topic(stored: dict, tmp_path: Path) -> None:
    exported = json.loads(export(stored, "chapters", tmp_path))
    jsonschema.validate(exported, schema("chapters.schema.json"))
    assert [(c["startTime"], c["title"]) for c in exported["chapters"]] == [
        (round(t["start"], 3), t["title"]) for t in stored["topics"]]
    assert stored["topics"]


def markdown_paragraphs(text: str) -> tuple[list[str], list[str]]:
    """Headings and paragraphs as a CommonMark parser reads them (escapes resolved)."""
    tokens = MarkdownIt("commonmark").parse(text)
    headings, paragraphs = [], []
    for opening, inline in itertools.pairwise(tokens):
        if inline.type != "inline":
            continue
        plain = "".join(child.content for child in inline.children or [] if child.type in ("text", "softbreak"))
        (headings if opening.type == "heading_open" else paragraphs).append(plain)
    return headings, paragraphs


def test_markdown_parses_into_topics_and_turns_with_every_word(stored: dict, tmp_path: Path) -> None:
    headings, paragraphs = markdown_paragraphs(export(stored, "md", tmp_path))
    assert headings == [stored["title"], *(t["title"] for t in stored["topics"])]
    turns = paragraphs[1:]  # the first paragraph names the speakers
    names = {s["speaker"] for s in stored["segments"]}
    assert all(turn.split(": ", 1)[0] in names for turn in turns)
    assert " ".join(turn.split(": ", 1)[1] for turn in turns).split() == stored_words(stored)


def test_docx_opens_with_python_docx_with_bold_names_and_timestamps(stored: dict, tmp_path: Path) -> None:
    document = docx.Document(io.BytesIO(export_bytes(stored, "docx", tmp_path)))
    turns = [p for p in document.paragraphs if p.text.startswith("[")]
    assert turns[0].text.startswith(first_stamp(stored))
    assert all(p.runs[1].bold and p.runs[1].text in {s["speaker"] for s in stored["segments"]} for p in turns)
    assert " ".join(p.text.split(": ", 1)[1] for p in turns).split() == stored_words(stored)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [stored["title"], *(t["title"] for t in stored["topics"])]


class _PageText(HTMLParser):
    """The text of each `data-m` span and of the headings, read by the standard library's parser."""

    def __init__(self) -> None:
        super().__init__()
        self.spans: list[tuple[int, str]] = []
        self.headings: list[str] = []
        self._open: str | None = None
        self._start = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "span" and "data-m" in found:
            self._open, self._start = "span", int(found["data-m"] or 0)
            self.spans.append((self._start, ""))
        elif tag in ("h1", "h2"):
            self._open = tag
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("span", "h1", "h2"):
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "span":
            self.spans[-1] = (self.spans[-1][0], self.spans[-1][1] + data)
        elif self._open in ("h1", "h2"):
            self.headings[-1] += data


def test_html_page_carries_every_word_with_its_times(stored: dict, tmp_path: Path) -> None:
    page = _PageText()
    page.feed(export(stored, "html", tmp_path))
    words = [w for s in stored["segments"] for w in s["words"] if w["word"].strip()]
    assert [start for start, _ in page.spans] == [round(w["start"] * 1000) for w in words]  # a span a word
    assert [text for _, text in page.spans] == [w["word"].strip() for w in words] == stored_words(stored)
    assert page.headings == [stored["title"], "Topics", *(t["title"] for t in stored["topics"])]


def test_edits_appear_in_every_format_and_html_is_escaped(stored: dict, tmp_path: Path) -> None:
    db = stored["db"]
    name = "Diane <b>&</b> Co"
    assert run_cli("speakers", "rename", str(stored["id"]), "S1", name, "--db", db).exit_code == 0
    topic = stored["topics"][0]["id"]
    assert run_cli("topics", "retitle", str(topic), "Chicago <script>alert(1)</script>", "--db", db).exit_code == 0
    for fmt in ("txt", "json", "srt", "vtt", "podcast-json", "md", "html", "docx", "chapters"):
        data = export_bytes(stored, fmt, tmp_path)
        text = docx_text(data) if fmt == "docx" else data.decode()
        if fmt == "md":
            headings, paragraphs = markdown_paragraphs(text)
            text = "\n".join(headings + paragraphs)
        if fmt != "chapters":
            assert name in text or html.escape(name) in text, fmt
        if fmt in ("txt", "json", "md", "html", "docx", "chapters"):
            assert "Chicago <script>" in text or "Chicago &lt;script&gt;" in text, fmt
    page = export_bytes(stored, "html", tmp_path).decode()
    assert "<script>" not in page and "<b>&" not in page
    assert html.escape(name) in page
    rttm_text = export_bytes(stored, "rttm", tmp_path).decode()
    assert rttm.field(name) in rttm_text


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_export_all_writes_one_safely_named_file_per_transcript(db_url: str, home: Path, data_dir: Path,
                                                                tmp_path: Path) -> None:
    first = run_json("ingest", str(data_dir / "fw_jfk.flac"), "--title", "../JFK: ask not / 1961", "--db", db_url)
    second = run_json("ingest", str(data_dir / "pyannote_sample.wav"), "--db", db_url)
    folder = tmp_path / "junket"
    written = run_json("export", "--all", "--format", "md", "-o", str(folder), "--db", db_url)
    assert sorted(p.name for p in folder.iterdir()) == [f"{first[0]['id']:04d}-jfk-ask-not-1961.md",
                                                         f"{second[0]['id']:04d}-pyannote-sample.md"]
    assert {w["id"] for w in written} == {first[0]["id"], second[0]["id"]}
    only = run_json("export", "--all", "--transcript", str(second[0]["id"]), "--format", "txt", "-o",
                    str(folder), "--db", db_url)
    assert [w["id"] for w in only] == [second[0]["id"]]
    assert run_json("export", "--all", "--since", "2999-01-01", "--format", "txt", "-o", str(folder),
                    "--db", db_url) == []
    assert not list(folder.glob(".*partial"))
    missing = run_cli("export", "--all", "--transcript", "999", "-o", str(folder), "--db", db_url)
    assert missing.exit_code == 2 and "999" in missing.output
