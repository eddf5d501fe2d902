"""Publishing: nothing is public until an editor publishes it, for transcripts and articles alike, and the
published-only search scope leaves everything else out (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from helpers import run_cli, run_json

from transcripts.search import Searcher
from transcripts.store.db import Store, _alembic_config
from transcripts.store.fts import Scope


def test_a_transcript_is_private_until_published_and_unpublishing_takes_it_back(conversation: str) -> None:
    assert [row["public"] for row in run_json("list", "--db", conversation)] == [False]
    assert run_json("show", "1", "--db", conversation)["public"] is False
    published = run_json("publish", "1", "--db", conversation)
    assert published["id"] == 1 and published["public"] is True
    assert run_json("show", "1", "--db", conversation)["public"] is True
    assert run_json("list", "--db", conversation)[0]["public"] is True
    assert run_cli("list", "--db", conversation).stdout.rstrip().endswith("(public)")
    assert run_json("publish", "1", "--unpublish", "--db", conversation)["public"] is False
    assert run_json("show", "1", "--db", conversation)["public"] is False
    missing = run_cli("publish", "99", "--db", conversation)
    assert missing.exit_code == 1 and missing.stderr.strip() == (
        "Error: transcript 99: no such transcript (see `transcripts list`)")


def test_an_article_is_published_on_its_own(conversation: str, tmp_path: Path) -> None:
    page = tmp_path / "story.md"
    page.write_text("# Yankees in Texas\n\nBy Pat Reporter\n\nSheila says they call her a Yankee down there.\n")
    added = run_json("article", "add", str(page), "--link", "1", "--db", conversation)
    assert added["public"] is False
    assert run_json("article", "publish", str(added["id"]), "--db", conversation)["public"] is True
    assert run_json("article", "show", str(added["id"]), "--db", conversation)["public"] is True
    assert run_json("article", "list", "--db", conversation)[0]["public"] is True
    assert run_json("show", "1", "--db", conversation)["public"] is False  # its transcript stays private
    assert run_json("article", "publish", str(added["id"]), "--unpublish", "--db", conversation)["public"] is False
    assert run_cli("article", "publish", "9", "--db", conversation).exit_code == 1


def test_the_published_scope_finds_only_published_transcripts_and_articles(conversation: str, tmp_path: Path,
                                                                          models_dir: Path) -> None:
    page = tmp_path / "story.md"
    page.write_text("# Yankees in Texas\n\nSheila says they call her a Yankee down there.\n")
    article = run_json("article", "add", str(page), "--db", conversation)["id"]
    store = Store(conversation)
    try:
        searcher = Searcher(store, embedder=None)  # type: ignore[arg-type]  # words only: no model needed
        public = Scope(public_only=True)
        assert searcher.search("Yankee", Scope(), mode="words") != []
        assert searcher.search("Yankee", public, mode="words") == []
        assert searcher.search_articles("Yankee", public_only=True) == []
        run_json("publish", "1", "--db", conversation)
        run_json("article", "publish", str(article), "--db", conversation)
        assert {hit.transcript_id for hit in searcher.search("Yankee", public, mode="words")} == {1}
        assert [hit.article_id for hit in searcher.search_articles("Yankee", public_only=True)] == [article]
    finally:
        store.close()


def test_the_migration_leaves_what_was_stored_before_it_private(conversation: str) -> None:
    run_json("publish", "1", "--db", conversation)
    store = Store(conversation)
    config = _alembic_config()
    try:
        for target, step in (("0004_articles_search", command.downgrade), ("head", command.upgrade)):
            with store.engine.begin() as connection:
                config.attributes["connection"] = connection
                step(config, target)
    finally:
        store.close()
    assert run_json("show", "1", "--db", conversation)["public"] is False
