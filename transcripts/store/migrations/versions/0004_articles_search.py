"""Articles and full-text search: article, article_transcript, and a word index over segments and articles.

The segment index covers the segment's text, its speaker's name (or label) and the transcript's title, so
`Baker casting` finds what Baker said about casting. Triggers keep it in step with every insert, edit,
rename and delete, including the ones foreign-key cascades make.

- SQLite: FTS5 tables (porter stemming over unicode61, diacritics folded) that keep their own copy of the
  text, so a delete needs only the rowid and snippets come from the index.
- PostgreSQL: a `tsvector` per row in a side table with a GIN index, under a text search configuration
  that stems like `english` but keeps stop words, so "the" and phrases across it behave as on SQLite.

The DDL lives here, not in the package, so this revision stays what it was when later ones change things.

Revision ID: 0004_articles_search
Revises: 0003_topics
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_articles_search"
down_revision: str | None = "0003_topics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SPEAKER_OF_NEW = "(SELECT coalesce(name, label) FROM speaker WHERE id = new.speaker_id)"
_TITLE_OF_NEW = "(SELECT title FROM transcript WHERE id = new.transcript_id)"

SQLITE = [
    # prefix='3': a three-letter prefix query (`pro*`) reads one precomputed list instead of merging the
    # lists of every word that starts so (149 ms -> 26 ms at a million segments, for 1.7x the index size).
    ("CREATE VIRTUAL TABLE segment_fts USING fts5(text, speaker, title, "
    "tokenize='porter unicode61 remove_diacritics 2', prefix='3')"),
    # bm25 weights per column: the words said count most, then who said them, then the transcript's title.
    "INSERT INTO segment_fts(segment_fts, rank) VALUES ('rank', 'bm25(4.0, 2.0, 1.0)')",
    ("INSERT INTO segment_fts(rowid, text, speaker, title) SELECT s.id, s.text, "
    "coalesce(sp.name, sp.label, ''), t.title FROM segment s JOIN transcript t ON t.id = s.transcript_id "
    "LEFT JOIN speaker sp ON sp.id = s.speaker_id"),
    f"""CREATE TRIGGER segment_fts_insert AFTER INSERT ON segment BEGIN
        INSERT INTO segment_fts(rowid, text, speaker, title)
        VALUES (new.id, new.text, coalesce({_SPEAKER_OF_NEW}, ''), {_TITLE_OF_NEW});
    END""",
    f"""CREATE TRIGGER segment_fts_update AFTER UPDATE OF text, speaker_id, transcript_id ON segment BEGIN
        UPDATE segment_fts SET text = new.text, speaker = coalesce({_SPEAKER_OF_NEW}, ''),
            title = {_TITLE_OF_NEW} WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER segment_fts_delete AFTER DELETE ON segment BEGIN
        DELETE FROM segment_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER speaker_fts_rename AFTER UPDATE OF name, label ON speaker BEGIN
        UPDATE segment_fts SET speaker = coalesce(new.name, new.label)
        WHERE rowid IN (SELECT id FROM segment WHERE speaker_id = new.id);
    END""",
    """CREATE TRIGGER transcript_fts_retitle AFTER UPDATE OF title ON transcript BEGIN
        UPDATE segment_fts SET title = new.title
        WHERE rowid IN (SELECT id FROM segment WHERE transcript_id = new.id);
    END""",
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, body, tokenize='porter unicode61 remove_diacritics 2')",
    "INSERT INTO article_fts(article_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)')",
    """CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN
        INSERT INTO article_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER article_fts_update AFTER UPDATE OF title, body ON article BEGIN
        UPDATE article_fts SET title = new.title, body = new.body WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN
        DELETE FROM article_fts WHERE rowid = old.id;
    END""",
]

_PG_MAPPING = ("ALTER TEXT SEARCH CONFIGURATION transcripts_english ALTER MAPPING FOR asciiword, asciihword, "
               "hword_asciipart, word, hword, hword_part WITH {}")
_PG_DOCUMENT = """setweight(to_tsvector('transcripts_english', coalesce({text}, '')), 'A')
        || setweight(to_tsvector('transcripts_english', coalesce({speaker}, '')), 'B')
        || setweight(to_tsvector('transcripts_english', coalesce({title}, '')), 'C')"""

POSTGRESQL = [
    "CREATE TEXT SEARCH DICTIONARY transcripts_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION transcripts_english (COPY = english)",
    # (the word mapping follows in upgrade(): with unaccent first where the server has it)
    ("CREATE TABLE segment_fts (segment_id integer PRIMARY KEY REFERENCES segment(id) ON DELETE CASCADE, "
    "document tsvector NOT NULL)"),
    "CREATE INDEX segment_fts_document_idx ON segment_fts USING gin (document)",
    f"""CREATE FUNCTION segment_fts_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO segment_fts (segment_id, document)
        VALUES (NEW.id, {_PG_DOCUMENT.format(text="NEW.text", speaker=_SPEAKER_OF_NEW.replace("new.", "NEW."),
                                             title=_TITLE_OF_NEW.replace("new.", "NEW."))})
        ON CONFLICT (segment_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END $$""",
    ("CREATE TRIGGER segment_fts_upsert AFTER INSERT OR UPDATE OF text, speaker_id, transcript_id ON segment "
    "FOR EACH ROW EXECUTE FUNCTION segment_fts_upsert()"),
    f"""CREATE FUNCTION speaker_fts_rename() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE segment_fts f SET document = {_PG_DOCUMENT.format(
            text="s.text", speaker="coalesce(NEW.name, NEW.label)", title="t.title")}
        FROM segment s JOIN transcript t ON t.id = s.transcript_id
        WHERE s.speaker_id = NEW.id AND f.segment_id = s.id;
        RETURN NULL;
    END $$""",
    ("CREATE TRIGGER speaker_fts_rename AFTER UPDATE OF name, label ON speaker "
    "FOR EACH ROW EXECUTE FUNCTION speaker_fts_rename()"),
    f"""CREATE FUNCTION transcript_fts_retitle() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE segment_fts f SET document = {_PG_DOCUMENT.format(
            text="s.text", speaker="coalesce(sp.name, sp.label)", title="NEW.title")}
        FROM segment s LEFT JOIN speaker sp ON sp.id = s.speaker_id
        WHERE s.transcript_id = NEW.id AND f.segment_id = s.id;
        RETURN NULL;
    END $$""",
    ("CREATE TRIGGER transcript_fts_retitle AFTER UPDATE OF title ON transcript "
    "FOR EACH ROW EXECUTE FUNCTION transcript_fts_retitle()"),
    "INSERT INTO segment_fts (segment_id, document) SELECT s.id, "
    + _PG_DOCUMENT.format(text="s.text", speaker="coalesce(sp.name, sp.label)", title="t.title")
    + " FROM segment s JOIN transcript t ON t.id = s.transcript_id LEFT JOIN speaker sp ON sp.id = s.speaker_id",
    ("CREATE TABLE article_fts (article_id integer PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE, "
    "document tsvector NOT NULL)"),
    "CREATE INDEX article_fts_document_idx ON article_fts USING gin (document)",
    """CREATE FUNCTION article_fts_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO article_fts (article_id, document)
        VALUES (NEW.id, setweight(to_tsvector('transcripts_english', NEW.title), 'A')
                        || setweight(to_tsvector('transcripts_english', NEW.body), 'B'))
        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END $$""",
    ("CREATE TRIGGER article_fts_upsert AFTER INSERT OR UPDATE OF title, body ON article "
    "FOR EACH ROW EXECUTE FUNCTION article_fts_upsert()"),
]


def upgrade() -> None:
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("published_at", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("embeds", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "article_transcript",
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("transcript_id", sa.Integer(), sa.ForeignKey("transcript.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_index("ix_article_transcript_transcript_id", "article_transcript", ["transcript_id"])
    bind = op.get_bind()
    statements = SQLITE if bind.dialect.name == "sqlite" else POSTGRESQL
    if bind.dialect.name == "postgresql":
        # Fold accents as SQLite's unicode61 does ("cafe" finds "café"), where the server ships unaccent
        # (PostgreSQL's contrib); without it accents stay significant on PostgreSQL.
        folding = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")).first()
        if folding:
            op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        statements = [*statements[:2], _PG_MAPPING.format(("unaccent, " if folding else "") + "transcripts_stem"),
                      *statements[2:]]
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("segment_fts_insert", "segment_fts_update", "segment_fts_delete", "speaker_fts_rename",
                        "transcript_fts_retitle", "article_fts_insert", "article_fts_update",
                        "article_fts_delete"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE segment_fts")
        op.execute("DROP TABLE article_fts")
    else:
        for table, trigger in (("segment", "segment_fts_upsert"), ("speaker", "speaker_fts_rename"),
                               ("transcript", "transcript_fts_retitle"), ("article", "article_fts_upsert")):
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
            op.execute(f"DROP FUNCTION {trigger}()")
        op.execute("DROP TABLE segment_fts")
        op.execute("DROP TABLE article_fts")
        op.execute("DROP TEXT SEARCH CONFIGURATION transcripts_english")
        op.execute("DROP TEXT SEARCH DICTIONARY transcripts_stem")
    op.drop_index("ix_article_transcript_transcript_id", table_name="article_transcript")
    op.drop_table("article_transcript")
    op.drop_table("article")
