"""Search on a real recording, on SQLite and PostgreSQL alike: words (terms, phrases, prefixes, AND/OR/NOT,
bm25), meaning (stored embeddings), both fused, the filters, and the index following every change."""

from __future__ import annotations

import re

import pytest
from helpers import run_cli, run_json

from transcripts.editorial.quotes import tokens
from transcripts.editorial.search_syntax import parse, to_fts5, to_tsquery
from transcripts.search import fuse

HIT_KEYS = {"transcript_id", "segment_id", "start", "end", "speaker", "text", "snippet", "score", "topic"}


def search(db: str, *args: str) -> list[dict]:
    return run_json("search", *args, "--db", db)


def segments(db: str) -> list[dict]:
    return run_json("show", "1", "--db", db)["segments"]


def test_a_word_finds_the_segment_where_it_was_said(conversation: str) -> None:
    [hit] = search(conversation, "Yankee", "--mode", "words")
    assert set(hit) == HIT_KEYS
    assert abs(hit["start"] - 24.06) <= 0.5
    assert "**Yankee**" in hit["snippet"] and hit["speaker"] == "Sheila Brown"
    assert hit["topic"]["id"] and hit["topic"]["title"]
    assert search(conversation, "yankees", "--mode", "words")[0]["segment_id"] == hit["segment_id"]  # stemmed
    both = search(conversation, "Yankee")
    assert both[0]["segment_id"] == hit["segment_id"]


def test_a_phrase_finds_exactly_the_segments_that_hold_it(conversation: str) -> None:
    expected = {s["id"] for s in segments(conversation) if "new jersey" in s["text"].lower()}
    assert len(expected) >= 2
    hits = search(conversation, '"New Jersey"', "--mode", "words")
    assert {h["segment_id"] for h in hits} == expected
    assert all(re.search(r"\*\*New\*\* \*\*Jersey\*\*|\*\*New Jersey\*\*", h["snippet"]) for h in hits)
    assert search(conversation, '"Jersey New"', "--mode", "words") == []
    assert search(conversation, '"pyannote sample"', "--mode", "words") == []  # the title's, never said


def test_prefixes_and_boolean_operators(conversation: str) -> None:
    texts = {s["id"]: s["text"] for s in segments(conversation)}
    originally = {i for i, t in texts.items() if "originally" in t}
    assert {h["segment_id"] for h in search(conversation, "orig*", "--mode", "words")} == originally
    without_texas = search(conversation, "Chicago NOT Texas", "--mode", "words")
    assert without_texas and all("Texas" not in h["text"] and "Chicago" in h["text"] for h in without_texas)
    either = {h["segment_id"] for h in search(conversation, "Yankee OR beep", "--mode", "words")}
    assert either == {i for i, t in texts.items() if "Yankee" in t or "beep" in t}
    assert search(conversation, "Yankee AND beep", "--mode", "words") == []
    assert search(conversation, "(Yankee OR beep) Diane", "--mode", "words")[0]["text"].count("beep") == 1


def test_meaning_finds_an_answer_that_shares_no_word_with_the_question(conversation: str) -> None:
    question = "what is your home town"
    assert search(conversation, question, "--mode", "words") == []
    [best, *_] = search(conversation, question, "--mode", "meaning")
    assert "Chicago" in best["text"] or "originally" in best["text"]
    assert not set(tokens(question)) & set(tokens(best["text"]))
    assert search(conversation, question)[0]["segment_id"] == best["segment_id"]  # fused, meaning carries it


def test_filters_by_speaker_transcript_date_and_article(conversation: str) -> None:
    sheila = search(conversation, "Chicago OR Jersey OR Yankee", "--mode", "words", "--speaker", "Sheila")
    assert sheila and {h["speaker"] for h in sheila} == {"Sheila Brown"}
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


def test_the_index_follows_renames_and_deletes(conversation: str) -> None:
    said = "Chicago OR Jersey OR Yankee OR Texas"
    run_json("speakers", "rename", "1", "S2", "Sheila Morgan", "--db", conversation)
    renamed = search(conversation, said, "--mode", "words", "--speaker", "Morgan")
    assert renamed and {h["speaker"] for h in renamed} == {"Sheila Morgan"}
    assert search(conversation, said, "--mode", "words", "--speaker", "Brown") == []
    assert search(conversation, "Yankee Morgan", "--mode", "words")  # a name narrows what was said
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
