"""Search on a real recording, on SQLite and PostgreSQL alike: words (terms, phrases, prefixes, AND/OR/NOT,
bm25), meaning (stored embeddings), both fused, the filters, and the index following every change."""

from __future__ import annotations

import re

import pytest
from helpers import run_cli, run_json, sample_line, segments_saying

from transcripts.editorial.quotes import tokens
from transcripts.editorial.search_syntax import parse, to_fts5, to_tsquery
from transcripts.search import fuse

HIT_KEYS = {"transcript_id", "segment_id", "start", "end", "speaker", "text", "snippet", "score", "topic"}


def search(db: str, *args: str) -> list[dict]:
    return run_json("search", *args, "--db", db)


def segments(db: str) -> list[dict]:
    return run_json("show", "1", "--db", db)["segments"]


def found(db: str, query: str, *args: str) -> set[int]:
    """The segments that a word search finds."""
    return {h["segment_id"] for h in search(db, query, "--mode", "words", *args)}


@pytest.mark.speech
def test_a_word_finds_the_segment_where_it_was_said(conversation: str, data_dir) -> None:
    [hit] = search(conversation, "Yankee", "--mode", "words")
    assert set(hit) == HIT_KEYS
    assert {hit["segment_id"]} == segments_saying(segments(conversation), "Yankee")
    line = sample_line(data_dir, "Yankee")
    assert line.start - 0.5 <= hit["start"] < line.end  # where the reference has it said
    assert "**Yankee**" in hit["snippet"] and hit["speaker"] == "Sheila Brown"
    assert hit["topic"]["id"] and hit["topic"]["title"]
    assert search(conversation, "yankees", "--mode", "words")[0]["segment_id"] == hit["segment_id"]  # stemmed
    both = search(conversation, "Yankee")
    assert both[0]["segment_id"] == hit["segment_id"]


@pytest.mark.speech
def test_a_phrase_finds_exactly_the_segments_that_hold_it(conversation: str) -> None:
    expected = {s["id"] for s in segments(conversation) if "new jersey" in s["text"].lower()}
    assert len(expected) >= 2
    hits = search(conversation, '"New Jersey"', "--mode", "words")
    assert {h["segment_id"] for h in hits} == expected
    assert all(re.search(r"\*\*New\*\* \*\*Jersey\*\*|\*\*New Jersey\*\*", h["snippet"]) for h in hits)
    assert search(conversation, '"Jersey New"', "--mode", "words") == []
    assert search(conversation, '"pyannote sample"', "--mode", "words") == []  # the title's, never said


@pytest.mark.speech
def test_prefixes_and_boolean_operators(conversation: str) -> None:
    stored = segments(conversation)
    orig = {s["id"] for s in stored if any(token.startswith("orig") for token in tokens(s["text"]))}
    assert orig and found(conversation, "orig*") == orig
    chicago, texas = segments_saying(stored, "Chicago"), segments_saying(stored, "Texas")
    assert chicago - texas and chicago & texas  # NOT has something to take away, and something to leave
    assert found(conversation, "Chicago NOT Texas") == chicago - texas
    yankee, jersey = segments_saying(stored, "Yankee"), segments_saying(stored, "Jersey")
    assert yankee and jersey and found(conversation, "Yankee OR Jersey") == yankee | jersey
    assert found(conversation, "Yankee AND Texas") == yankee & texas
    assert found(conversation, "originally AND Chicago") == segments_saying(stored, "originally", "Chicago") != set()
    # A speaker's name narrows what was said: "Diane" holds where she is named or where she speaks, so the
    # brackets keep Sheila's Yankee line out.
    diane = segments_saying(stored, "Diane") | {s["id"] for s in stored if "Diane" in s["speaker"]}
    assert yankee - diane and jersey & diane
    assert found(conversation, "(Yankee OR Jersey) Diane") == (yankee | jersey) & diane


@pytest.mark.speech
def test_meaning_finds_an_answer_that_shares_no_word_with_the_question(conversation: str, data_dir) -> None:
    question = "what is your home town"
    assert search(conversation, question, "--mode", "words") == []
    [best, *_] = search(conversation, question, "--mode", "meaning")
    answers = [sample_line(data_dir, "Sheila in Texas"), sample_line(data_dir, "originally from Chicago also")]
    assert any(best["start"] < line.end and line.start < best["end"] for line in answers)  # where they are from
    assert not set(tokens(question)) & set(tokens(best["text"]))
    assert search(conversation, question)[0]["segment_id"] == best["segment_id"]  # fused, meaning carries it


@pytest.mark.speech
def test_filters_by_speaker_transcript_date_and_article(conversation: str) -> None:
    stored = segments(conversation)
    said = set().union(*(segments_saying(stored, word) for word in ("Chicago", "Jersey", "Yankee")))
    by_sheila = {s["id"] for s in stored if s["speaker"] == "Sheila Brown"}
    assert said & by_sheila and said - by_sheila
    assert found(conversation, "Chicago OR Jersey OR Yankee", "--speaker", "Sheila") == said & by_sheila
    meaning = search(conversation, "where are you from", "--mode", "meaning", "--speaker", "Diane Miller")
    assert meaning and {h["speaker"] for h in meaning} == {"Diane Miller"}
    assert search(conversation, "Yankee", "--transcript", "2") == []
    assert search(conversation, "Yankee", "--transcript", "1", "--since", "2000-01-01")
    assert search(conversation, "Yankee", "--since", "2999-01-01") == []
    missing = run_cli("search", "Yankee", "--article", "9", "--db", conversation)
    assert missing.exit_code == 1 and "article 9 does not exist" in missing.output
    mixed = run_cli("search", "Yankee", "--in", "articles", "--speaker", "Sheila", "--db", conversation)
    assert mixed.exit_code == 2 and "--in articles" in mixed.output


def test_a_query_that_is_not_valid_syntax_is_one_clear_line(conversation: str) -> None:
    for query, problem in (('"New Jersey', "quote is not closed"), ("Yankee OR", "ends where a word"),
                           ("ca*", "at least 3 letters"), ("(Yankee", "'(' is not closed"),
                           ("NOT Yankee", "starts with NOT"), ("texas _", "no letters or digits"),
                           ("   ", "nothing to search for")):
        result = run_cli("search", query, "--db", conversation)
        assert result.exit_code == 1, result.output
        assert problem in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.speech
def test_the_index_follows_renames_and_deletes(conversation: str) -> None:
    said = "Chicago OR Jersey OR Yankee OR Texas"
    run_json("speakers", "rename", "1", "S2", "Sheila Morgan", "--db", conversation)
    renamed = search(conversation, said, "--mode", "words", "--speaker", "Morgan")
    assert renamed and {h["speaker"] for h in renamed} == {"Sheila Morgan"}
    assert search(conversation, said, "--mode", "words", "--speaker", "Brown") == []
    by_morgan = {s["id"] for s in segments(conversation) if s["speaker"] == "Sheila Morgan"}
    yankee = segments_saying(segments(conversation), "Yankee") & by_morgan
    assert yankee and found(conversation, "Yankee Morgan") == yankee  # a name narrows what was said
    assert search(conversation, "Morgan", "--mode", "words") == []  # but a name alone was not said
    assert run_cli("delete", "1", "--db", conversation).exit_code == 0
    assert search(conversation, "Yankee", "--mode", "words") == []
    assert search(conversation, "Yankee", "--mode", "meaning") == []


def test_articles_are_searchable_by_their_words(conversation: str, data_dir) -> None:
    article = run_json("article", "add", str(data_dir.parent / "articles" / "red-rocket-sean-baker-interview.html"),
                       "--db", conversation)
    [hit] = run_json("search", '"Florida Project"', "--in", "articles", "--db", conversation)
    assert hit["article_id"] == article["id"] and "**Florida" in hit["snippet"]
    assert run_json("search", "Oppenheimer", "--in", "articles", "--db", conversation) == []  # related box


def test_accents_are_folded_on_both_databases(conversation: str, tmp_path) -> None:
    page = tmp_path / "cafe.md"
    page.write_text("# Notes from the Café Über\n\nBy Zoë Pérez\n\nWe met at the Café Über in Brooklyn.\n")
    added = run_json("article", "add", str(page), "--db", conversation)
    assert added["author"] == "Zoë Pérez"
    [hit] = run_json("search", "cafe uber", "--in", "articles", "--db", conversation)
    assert hit["article_id"] == added["id"]


@pytest.mark.parametrize("query, fts5, tsquery", [
    ("casting", '"casting"', "('casting')"),
    ('"Florida Project" cast*', '("florida project" AND "cast" *)', "(('florida' <-> 'project') & ('cast':*))"),
    ("a OR b NOT c", '("a" OR ("b" NOT "c"))', "(('a') | (('b') & !('c')))"),
    ("don't", '"don t"', "('don' <-> 't')"),
])
def test_the_query_language_is_written_out_for_each_database(query: str, fts5: str, tsquery: str) -> None:
    node = parse(query)
    assert (to_fts5(node), to_tsquery(node)) == (fts5, tsquery)


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    fused = fuse([[1, 2, 3], [3, 1, 4]])
    assert [item for item, _ in fused] == [1, 3, 2, 4]
