"""Quotes from a real recording: exact words by time or by wording, attribution, audio and video clips, and
suggestions. An article's quotes checked against what was said: test_quote_check.py."""

from __future__ import annotations

from pathlib import Path

import av
import pytest
from helpers import convert, run_cli, run_json, sample_line, words_between

from transcripts.editorial.quotes import tokens


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
