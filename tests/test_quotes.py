"""Quotes from a real recording: exact words by time or by wording, attribution, audio and video clips,
suggestions, and an article's quotes checked against what was said and by whom."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import av
import pytest
from helpers import convert, run_cli, run_json, sample_line, words_between

from transcripts.document import SegmentDoc, SpeakerDoc, TranscriptDoc
from transcripts.editorial.quote_check import check_article
from transcripts.editorial.quotes import align, tokens
from transcripts.pipeline.asr import Word

CHECK_KEYS = {"quote", "status", "transcript_id", "start", "end", "speaker", "attributed_to", "speaker_match",
              "said", "diff"}
ARTICLE = """# Two callers, two states

By Pat Reporter

The call began by accident. “I heard a beep. This is Diane in New Jersey,” Sheila Brown said.

“Well, there's not much difference. At least, you know, they all call me a Yankee down here,” Sheila said.

Diane Miller told us, “I'm originally from Chicago too, but I live in New Jersey now.”

“We should all meet for coffee next week in Philadelphia,” Diane said.
"""


def clip_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        return float(container.duration or 0) / av.time_base


@pytest.mark.speech
def test_a_quote_by_time_is_the_exact_words_with_attribution_and_clip(conversation: str, tmp_path: Path) -> None:
    clip = tmp_path / "yankee.m4a"
    quote = run_json("quote", "1", "--start", "0:21.7", "--end", "27.3", "--clip", str(clip), "--db", conversation)
    stored = run_json("show", "1", "--db", conversation)
    words = words_between(stored, 21.7, 27.3)  # Sheila's "Well, there isn't that much difference. At least…"
    assert len(words) < sum(len(s["words"]) for s in stored["segments"])
    assert quote["text"] == " ".join(w["word"] for w in words)
    assert (quote["start"], quote["end"]) == (words[0]["start"], words[-1]["end"])
    assert quote["speaker"] == "Sheila Brown" and quote["speakers"] == ["Sheila Brown"]
    assert quote["attribution"].startswith("— Sheila Brown, interviewed by Diane Miller, 20")
    assert 21.7 <= quote["start"] < quote["end"] <= 27.3
    assert abs(clip_seconds(clip) - (quote["end"] - quote["start"])) < 0.15
    assert not list(tmp_path.glob(".*partial*"))


@pytest.mark.speech
def test_a_quote_found_from_its_wording_tolerates_an_asr_slip(conversation: str, data_dir: Path) -> None:
    line = sample_line(data_dir, "Sheila in Texas")  # "And I'm Sheila in Texas, originally from Chicago."
    words = words_between(run_json("show", "1", "--db", conversation), line.start, line.end)
    assert len(words) >= 5
    remembered = [w["word"] for w in words]
    slip = len(words) // 2
    remembered[slip] = "Ohio"  # one word apart from what the store holds: an ASR slip, or the reporter's
    quote = run_json("quote", "1", "--text", " ".join(remembered), "--db", conversation)
    assert quote["status"] == "altered" and quote["speaker"] == "Sheila Brown"
    assert [(d["quoted"], d["said"]) for d in quote["diff"]] == [("ohio", words[slip]["word"])]
    assert quote["text"] == " ".join(w["word"] for w in words)
    missing = run_cli("quote", "1", "--text", "we should meet for coffee in Philadelphia", "--db", conversation)
    assert missing.exit_code == 1 and "nothing like" in missing.output


def test_quote_arguments_and_clip_formats_fail_clearly(conversation: str, tmp_path: Path) -> None:
    clips = tmp_path / "clips"
    for args, problem in (
        (["--start", "10"], "give either --start and --end, or --text"),
        (["--start", "10", "--text", "Yankee"], "give either --start and --end, or --text"),
        (["--start", "40", "--end", "50"], "no words between"),
        (["--start", "21", "--end", "27", "--clip", str(clips / "x.mp4")], "has no video"),
        (["--start", "21", "--end", "27", "--clip", str(clips / "x.xyz")], "cannot write a .xyz clip"),
    ):
        result = run_cli("quote", "1", *args, "--db", conversation)
        assert result.exit_code != 0 and problem in result.output, result.output
    assert not clips.exists()


def test_a_video_recording_gives_a_video_clip(db_url: str, data_dir: Path, tmp_path: Path) -> None:
    video = convert(data_dir / "fw_jfk.flac", tmp_path / "jfk.mp4", video=True)
    [result] = run_json("ingest", str(video), "--db", db_url)
    clip = tmp_path / "country.mp4"
    spoken = [w["word"] for s in run_json("show", str(result["id"]), "--db", db_url)["segments"] for w in s["words"]]
    quote = run_json("quote", str(result["id"]), "--text", " ".join(spoken[5:14]),  # "ask not what your country…"
                     "--clip", str(clip), "--db", db_url)
    assert quote["status"] == "exact"
    with av.open(str(clip)) as container:
        assert container.streams.video and container.streams.audio
    assert abs(clip_seconds(clip) - (quote["end"] - quote["start"])) < 0.3
    sound = tmp_path / "country.mp3"  # audio from a compressed recording: decoded by ffmpeg, not ffprobe'd
    run_json("quote", str(result["id"]), "--start", str(quote["start"]), "--end", str(quote["end"]),
             "--clip", str(sound), "--db", db_url)
    assert abs(clip_seconds(sound) - (quote["end"] - quote["start"])) < 0.3


@pytest.mark.speech
def test_suggestions_are_the_interviewees_complete_sentences(conversation: str, data_dir: Path) -> None:
    suggestions = run_json("quotes", "suggest", "1", "--db", conversation)
    assert suggestions and {s["speaker"] for s in suggestions} == {"Sheila Brown"}  # not the interviewer
    assert all(8 <= len(tokens(s["text"])) <= 60 and s["text"][0].isupper() for s in suggestions)
    stored = run_json("show", "1", "--db", conversation)
    assert all(s["text"] == " ".join(w["word"] for w in words_between(stored, s["start"], s["end"]))
               for s in suggestions)
    yankee = sample_line(data_dir, "Yankee")  # "At least you know, they all call me a Yankee down here, so…"
    assert suggestions[0]["start"] < yankee.end and yankee.start < suggestions[0]["end"]
    assert all(a["end"] <= b["start"] or b["end"] <= a["start"]
               for i, a in enumerate(suggestions) for b in suggestions[i + 1:])
    diane = run_json("quotes", "suggest", "1", "--speaker", "Diane", "--db", conversation)
    assert diane and {s["speaker"] for s in diane} == {"Diane Miller"}


@pytest.fixture
def article(conversation: str, tmp_path: Path) -> str:
    page = tmp_path / "two-callers.md"
    page.write_text(ARTICLE)
    return str(run_json("article", "add", str(page), "--link", "1", "--db", conversation)["id"])


def test_an_articles_quotes_are_checked_against_the_words_and_the_speaker(conversation: str, article: str) -> None:
    checks = run_json("quotes", "check", article, "--db", conversation)
    assert all(set(c) == CHECK_KEYS for c in checks)
    beep, yankee, chicago, coffee = checks
    assert (beep["status"], beep["speaker"], beep["attributed_to"], beep["speaker_match"]) == \
        ("exact", "Diane Miller", "Sheila Brown", False)
    assert (yankee["status"], yankee["speaker_match"], yankee["transcript_id"]) == ("exact", True, 1)
    assert abs(yankee["start"] - 21.8) < 1.0 and yankee["said"].endswith("call me a Yankee down here.")
    assert chicago["status"] == "altered" and chicago["speaker_match"] is True
    assert [(d["quoted"], d["said"]) for d in chicago["diff"]] == [("too but i live", "also. I'm")]
    assert (coffee["status"], coffee["speaker_match"], coffee["start"]) == ("not_found", None, None)
    strict = run_cli("quotes", "check", article, "--strict", "--db", conversation)
    assert strict.exit_code == 1 and "ATTRIBUTION: the article gives it to Sheila Brown" in strict.output


def test_checking_needs_a_linked_transcript(conversation: str, data_dir: Path) -> None:
    shared = data_dir.parent / "articles" / "red-rocket-sean-baker-interview.html"
    added = run_json("article", "add", str(shared), "--db", conversation)["id"]
    unlinked = run_cli("quotes", "check", str(added), "--db", conversation)
    assert unlinked.exit_code == 1 and "linked to no transcript" in unlinked.output
    run_json("article", "link", str(added), "1", "--db", conversation)
    assert run_json("quotes", "check", str(added), "--db", conversation) == []  # the video holds the interview


def test_block_quotes_and_a_printed_q_and_a_are_checked_too(conversation: str, tmp_path: Path) -> None:
    page = tmp_path / "q-and-a.md"
    page.write_text("# The call, in their words\n\nBy Pat Reporter\n\nHow it went:\n\n"
                    "> I'm Sheila in Texas, originally from Chicago.\n>\n> — Diane Miller\n\n"
                    "Diane Miller: I'm originally from Chicago also. I'm in New Jersey now though.\n\n"
                    "Sheila Brown: Well, there's not much difference.\n")
    article_id = str(run_json("article", "add", str(page), "--link", "1", "--db", conversation)["id"])
    checks = run_json("quotes", "check", article_id, "--db", conversation)
    block, diane, sheila = checks
    assert (block["status"], block["attributed_to"], block["speaker"], block["speaker_match"]) == \
        ("altered", "Diane Miller", "Sheila Brown", False)
    assert [(d["quoted"], d["said"]) for d in block["diff"]] == [("in", "and")]  # the ASR's slip, shown
    assert (diane["status"], diane["speaker_match"]) == ("exact", True)
    assert (sheila["status"], sheila["speaker"], sheila["speaker_match"]) == ("exact", "Sheila Brown", True)


def _spoken(*lines: tuple[SpeakerDoc, str]) -> TranscriptDoc:
    """A transcript made by hand, a second a word: for the alignment rules alone."""
    segments, clock = [], 0.0
    for index, (speaker, line) in enumerate(lines):
        words = []
        for text in line.split():
            words.append(Word(clock, clock + 0.9, text, 0.9))
            clock += 1.0
        segments.append(SegmentDoc(index, words[0].start, words[-1].end, speaker, line, words))
    return TranscriptDoc(1, "made by hand", clock, "en", "none", datetime(2026, 11, 25, tzinfo=UTC), "", "", {},
                         sorted({s for s, _ in lines}, key=lambda s: s.label), segments)


def test_words_written_with_hyphens_or_digit_groups_align_token_by_token() -> None:
    sean = SpeakerDoc("S1", "Sean Baker")
    doc = _spoken((sean, "It was a well-known place with 1,000 extras, all locals."))
    found = align(doc, "a well-known place with 1,000 extras")
    assert found is not None and found.status == "exact", found and found.differences
    assert found.passage.text == "a well-known place with 1,000 extras,"


def test_an_unnamed_speaker_neither_confirms_nor_contradicts_the_article() -> None:
    unnamed, sean = SpeakerDoc("S1", None), SpeakerDoc("S2", "Sean Baker")
    doc = _spoken((unnamed, "We shot the whole film in Texas City."), (sean, "I love working with first-timers."))
    body = ("“We shot the whole film in Texas City,” Baker said.\n\n"
            "“I love working with first-timers,” said Sean Smith.")
    texas, first_timers = check_article(body, [doc])
    assert (texas.status, texas.speaker_match) == ("exact", None)
    assert (first_timers.status, first_timers.speaker_match) == ("exact", False)  # same first name, not him
