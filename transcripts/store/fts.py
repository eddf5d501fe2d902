"""The full-text index as the rest of the store sees it: which tables are its, and how to query it.

The index itself (SQLite FTS5 tables, PostgreSQL tsvector tables, their triggers) is created by migration
0004 with raw DDL, since SQLAlchemy has no construct for it; Alembic must therefore not try to drop it.

Ranking every match of a very broad query ("the", "th*") is what makes full-text search slow at a million
segments, and it ranks nothing useful. So both backends rank only the newest RANK_WINDOW matches: a rare
word is ranked among all its matches, a word in every other segment among the recent ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from transcripts.editorial.search_syntax import Node, said_words, speaker_filter, to_fts5, to_tsquery

FTS_MARKER = "_fts"
RANK_WINDOW = 5000
HIGHLIGHT = ("**", "**")
TOKENIZER = "porter unicode61 remove_diacritics 2"  # as migration 0004 created the index
SNIPPET_WORDS = 24
# PostgreSQL's ts_headline options, the marks passed as :start and :stop, sized like FTS5's snippet()
_HEADLINE_OPTIONS = ("'StartSel=\"' || :start || '\", StopSel=\"' || :stop || '\", "
                     f"MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}'")


def include_in_autogenerate(_obj: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any) -> bool:
    """Alembic's `include_object`: leave out the index tables (and FTS5's shadow tables) and their indexes."""
    return not (type_ in ("table", "index") and name is not None and FTS_MARKER in name)


@dataclass(frozen=True)
class Scope:
    """Which segments a search may return; empty means all of them."""

    speaker: str | None = None
    transcript_ids: tuple[int, ...] = ()
    article_id: int | None = None
    since: datetime | None = None
    public_only: bool = False  # only published transcripts: what an anonymous web reader may search

    def segment_sql(self, sqlite: bool) -> tuple[str, dict[str, Any]]:
        """SQL for the segments allowed by every filter but the speaker (which the index itself applies),
        with its parameters; ("", {}) when nothing is filtered."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        if self.transcript_ids:
            names = [f"scope_t{index}" for index in range(len(self.transcript_ids))]
            conditions.append(f"s.transcript_id IN ({', '.join(':' + name for name in names)})")
            params |= dict(zip(names, self.transcript_ids, strict=True))
        if self.article_id is not None:
            conditions.append("s.transcript_id IN (SELECT transcript_id FROM article_transcript "
                              "WHERE article_id = :scope_article)")
            params["scope_article"] = self.article_id
        if self.since is not None:
            conditions.append("coalesce(t.recorded_at, t.created_at) >= :scope_since")
            since = self.since.astimezone(UTC)
            params["scope_since"] = since.replace(tzinfo=None).isoformat(" ") if sqlite else since
        if self.public_only:
            conditions.append("t.public = :scope_public")
            params["scope_public"] = True
        if not conditions:
            return "", {}
        return ("SELECT s.id FROM segment s JOIN transcript t ON t.id = s.transcript_id WHERE "
                + " AND ".join(conditions), params)


def _sqlite_match(node: Node, scope: Scope) -> str:
    said = said_words(node)  # the query itself when it is one phrase or an OR of phrases: say it once
    expression = f"text : {to_fts5(node)}" if said == node else f"(text : {to_fts5(said)}) AND {to_fts5(node)}"
    if scope.speaker:
        expression = f"(speaker : {to_fts5(speaker_filter(scope.speaker))}) AND {expression}"
    return expression


def _pg_query(node: Node, scope: Scope) -> str:
    said = said_words(node)
    expression = to_tsquery(node, "A") if said == node else f"{to_tsquery(said, 'A')} & {to_tsquery(node)}"
    if scope.speaker:
        expression = f"{to_tsquery(speaker_filter(scope.speaker), weight='B')} & {expression}"
    return expression


def _in_scope(column: str, scope: Scope, session: Session) -> tuple[str, dict[str, Any]]:
    sql, params = scope.segment_sql(_is_sqlite(session))
    return (f" AND {column} IN ({sql})", params) if sql else ("", {})


def match_segments(session: Session, node: Node, scope: Scope, limit: int) -> list[tuple[int, float]]:
    """(segment id, score) of the best matches, best first; a higher score is a better match.

    Published-only searches follow each match to its transcript (two primary-key lookups) inside the rank
    window, so they cost what the matches cost; a list of every published segment would grow with the
    archive (and inside FTS5 became one index lookup per listed row: 2 s at 13,000 segments).
    """
    sqlite = _is_sqlite(session)
    key = "segment_fts.rowid" if sqlite else "segment_fts.segment_id"
    restriction, params = _in_scope(key, replace(scope, public_only=False), session)
    published = ""
    if scope.public_only:
        published = (f" JOIN segment ps ON ps.id = {key} JOIN transcript pt ON pt.id = ps.transcript_id"
                     " AND pt.public = :public")
        params["public"] = True
    params |= {"window": RANK_WINDOW, "limit": limit}
    if sqlite:
        sql = ("SELECT rowid, -rank FROM (SELECT segment_fts.rowid AS rowid, segment_fts.rank AS rank "
               f"FROM segment_fts{published} WHERE segment_fts MATCH :query{restriction} "
               "ORDER BY segment_fts.rowid DESC LIMIT :window) ORDER BY rank, rowid DESC LIMIT :limit")
        params["query"] = _sqlite_match(node, scope)
    else:
        sql = ("SELECT segment_id, ts_rank(document, q, 1) AS score FROM ("
               "SELECT segment_fts.segment_id, segment_fts.document FROM segment_fts"
               f"{published}, to_tsquery('transcripts_english', :query) q "
               f"WHERE segment_fts.document @@ q{restriction} ORDER BY segment_fts.segment_id DESC LIMIT :window) "
               "AS recent, to_tsquery('transcripts_english', :query) q ORDER BY score DESC, segment_id DESC "
               "LIMIT :limit")
        params["query"] = _pg_query(node, scope)
    return [(int(row[0]), float(row[1])) for row in session.execute(text(sql), params)]


def highlight_segments(session: Session, node: Node, ids: list[int]) -> dict[int, str]:
    """Snippets of the given segments' text with the matching words between `HIGHLIGHT` marks."""
    if not ids:
        return {}
    start, stop = HIGHLIGHT
    id_list = ", ".join(str(int(i)) for i in ids)
    params = {"start": start, "stop": stop}
    if _is_sqlite(session):
        # FTS5 evaluates the whole MATCH again for snippet(), even restricted to a few rowids: 1.3 s for
        # `int*` at a million segments. So the hits are copied into a small temporary FTS5 table with the same
        # tokenizer, where the same query highlights exactly as the index would, in microseconds.
        for statement in ((f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.hit_fts USING fts5(text, speaker, title, "
                          f"tokenize='{TOKENIZER}')"), "DELETE FROM temp.hit_fts",
                          ("INSERT INTO temp.hit_fts(rowid, text, speaker, title) SELECT rowid, text, speaker, "
                          f"title FROM segment_fts WHERE rowid IN ({id_list})")):
            session.execute(text(statement))
        sql = (f"SELECT rowid, snippet(hit_fts, 0, :start, :stop, '…', {SNIPPET_WORDS}) FROM temp.hit_fts "
               "WHERE hit_fts MATCH :query")
        params["query"] = to_fts5(node)
    else:
        sql = ("SELECT s.id, ts_headline('transcripts_english', s.text, to_tsquery('transcripts_english', :query), "
               f"{_HEADLINE_OPTIONS}) FROM segment s WHERE s.id IN ({id_list})")
        params["query"] = to_tsquery(node)
    snippets = {int(row[0]): str(row[1]) for row in session.execute(text(sql), params)}
    if _is_sqlite(session):
        session.execute(text("DELETE FROM temp.hit_fts"))
    return snippets


def speaker_segment_ids(session: Session, speaker: str) -> list[int]:
    """Every segment whose speaker's name holds these words: the same rule as the word search's filter."""
    if _is_sqlite(session):
        sql = "SELECT rowid FROM segment_fts WHERE segment_fts MATCH :query"
        query = f"speaker : {to_fts5(speaker_filter(speaker))}"
    else:
        sql = "SELECT segment_id FROM segment_fts WHERE document @@ to_tsquery('transcripts_english', :query)"
        query = to_tsquery(speaker_filter(speaker), weight="B")
    return [int(row[0]) for row in session.execute(text(sql), {"query": query})]


def segment_ids_in_scope(session: Session, scope: Scope) -> set[int] | None:
    """Every segment the scope allows (the speaker filter included), or None when it allows all."""
    allowed: set[int] | None = None
    sql, params = scope.segment_sql(_is_sqlite(session))
    if sql:
        allowed = {int(row[0]) for row in session.execute(text(sql), params)}
    if scope.speaker:
        by_speaker = set(speaker_segment_ids(session, scope.speaker))
        allowed = by_speaker if allowed is None else allowed & by_speaker
    return allowed


def public_transcript_ids(session: Session) -> list[int]:
    """Every published transcript: what an anonymous reader's search may return."""
    rows = session.execute(text("SELECT id FROM transcript WHERE public = :public"), {"public": True}).all()
    return [int(row[0]) for row in rows]


def match_articles(session: Session, node: Node, limit: int, public_only: bool = False
                   ) -> list[tuple[int, float, str]]:
    """(article id, score, snippet of the body) of the best matching articles (or published ones), best first."""
    start, stop = HIGHLIGHT
    params: dict[str, Any] = {"limit": limit, "start": start, "stop": stop}
    if public_only:
        params["public"] = True
    if _is_sqlite(session):
        published = " AND rowid IN (SELECT id FROM article WHERE public = :public)" if public_only else ""
        sql = (f"SELECT rowid, -rank, snippet(article_fts, 1, :start, :stop, '…', {SNIPPET_WORDS}) "
               f"FROM article_fts WHERE article_fts MATCH :query{published} ORDER BY rank LIMIT :limit")
        params["query"] = to_fts5(node)
    else:
        published = " AND a.public = :public" if public_only else ""
        sql = ("SELECT a.id, ts_rank(f.document, q, 1) AS score, ts_headline('transcripts_english', a.body, q, "
               f"{_HEADLINE_OPTIONS}) FROM article_fts f JOIN article a ON a.id = f.article_id, "
               f"to_tsquery('transcripts_english', :query) q WHERE f.document @@ q{published} "
               "ORDER BY score DESC LIMIT :limit")
        params["query"] = to_tsquery(node)
    return [(int(row[0]), float(row[1]), str(row[2])) for row in session.execute(text(sql), params)]


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"

