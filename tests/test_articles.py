"""Articles in the store: the real shared article imported through the CLI, linked to transcripts many to
many, and nothing half-added when a link is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import count_rows, run_cli, run_json

from transcripts.store.schema import Article


@pytest.fixture
def shared_article(data_dir: Path) -> Path:
    path = data_dir.parent / "articles" / "red-rocket-sean-baker-interview.html"
    assert path.exists(), f"{path} is missing"
    return path


def test_the_shared_article_imports_with_its_metadata_body_and_embed(conversation: str,
                                                                    shared_article: Path) -> None:
    added = run_json("article", "add", str(shared_article), "--link", "1", "--db", conversation)
    assert added["title"] == "Interview: Filmmaker Sean Baker Details How ‘Red Rocket’ Blasted Off"
    assert added["author"] == "Joey Magidson" and added["transcripts"] == [1]
    assert added["embeds"] == [{"provider": "youtube", "id": "VIDEO_ID_OF_THE_INTERVIEW",
                                "url": "https://www.youtube.com/watch?v=VIDEO_ID_OF_THE_INTERVIEW"}]
    body = run_json("article", "show", str(added["id"]), "--db", conversation)["body"]
    assert body.startswith("Sean Baker has thoroughly established himself")
    assert "Here now is my interview with Red Rocket filmmaker Sean Baker" in body
    for furniture in ("1 Comment", "Oppenheimer", "West Side Story", "Home"):
        assert furniture not in body
    listed = run_json("article", "list", "--db", conversation)
    assert [a["id"] for a in listed] == [added["id"]] and "body" not in listed[0]


def test_links_are_many_to_many_and_survive_deletes_on_the_other_side(conversation: str, shared_article: Path,
                                                                     tmp_path: Path) -> None:
    second_page = tmp_path / "follow-up.md"
    second_page.write_text("# Follow-up\n\nBy Pat Reporter\n\nMore on the Red Rocket press day.\n")
    first = run_json("article", "add", str(shared_article), "--db", conversation)["id"]
    second = run_json("article", "add", str(second_page), "--link", "1", "--db", conversation)["id"]
    assert run_json("article", "link", str(first), "1", "--db", conversation)["transcripts"] == [1]
    assert run_json("article", "link", str(first), "1", "--db", conversation)["transcripts"] == [1]  # idempotent
    assert run_json("article", "unlink", str(first), "1", "--db", conversation)["transcripts"] == []
    assert run_json("article", "show", str(second), "--db", conversation)["transcripts"] == [1]
    run_json("article", "delete", str(second), "--db", conversation)
    assert run_json("show", "1", "--db", conversation)["id"] == 1  # the transcript stays
    assert run_cli("delete", "1", "--db", conversation).exit_code == 0
    assert [a["id"] for a in run_json("article", "list", "--db", conversation)] == [first]


def test_bad_sources_and_links_fail_in_one_line_and_add_nothing(conversation: str, shared_article: Path,
                                                                tmp_path: Path) -> None:
    cases = [
        (["article", "add", str(shared_article), "--link", "42"], "transcript 42 does not exist"),
        (["article", "add", str(tmp_path / "missing.html")], "missing.html"),
        (["article", "add", "http://127.0.0.1:9/story"], "http://127.0.0.1:9/story: cannot fetch"),
        (["article", "link", "7", "1"], "article 7 does not exist"),
    ]
    for args, problem in cases:
        result = run_cli(*args, "--db", conversation)
        assert result.exit_code == 1 and problem in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
    assert count_rows(conversation, Article) == 0


def test_a_link_records_which_embed_plays_the_transcript_and_its_offset(conversation: str,
                                                                        shared_article: Path) -> None:
    added = run_json("article", "add", str(shared_article), "--link", "1", "--db", conversation)
    assert added["links"] == [{"transcript_id": 1, "embed": None, "offset": 0.0}]
    article = str(added["id"])
    linked = run_json("article", "link", article, "1", "--embed", "0", "--offset", "-12.5", "--db", conversation)
    assert linked["links"] == [{"transcript_id": 1, "embed": 0, "offset": -12.5}]
    again = run_json("article", "link", article, "1", "--db", conversation)  # relinking keeps what was said
    assert again["links"] == linked["links"]
    assert run_json("article", "show", article, "--db", conversation)["links"] == linked["links"]
    text = run_cli("article", "show", article, "--no-body", "--db", conversation).output
    assert "transcripts: 1 (embed 0, offset -12.5 s)" in text
    wrong = run_cli("article", "link", article, "1", "--embed", "1", "--db", conversation)
    assert wrong.exit_code == 1 and "--embed takes 0 to 0" in wrong.output
    assert run_json("article", "show", article, "--db", conversation)["links"] == linked["links"]
