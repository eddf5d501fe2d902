"""Reading articles: a real interview page and its plain-text copy, pages and Markdown written here, and the
failures a user can act on (a URL that does not answer, a missing file)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path

import pytest

from transcripts.editorial.articles import Embed, parse_article, read_article
from transcripts.errors import InputError
from transcripts.pipeline.evaluate import recordings_dir

TITLE = "Interview: Filmmaker Sean Baker Details How ‘Red Rocket’ Blasted Off"
YOUTUBE = Embed("youtube", "VIDEO_ID_OF_THE_INTERVIEW", "https://www.youtube.com/watch?v=VIDEO_ID_OF_THE_INTERVIEW")

PAGE = """<!doctype html>
<html><head><title>Council approves the bridge | Example News</title>
<meta property="article:published_time" content="2023-05-04T10:00:00+02:00">
</head><body>
<nav><a href="/">Home</a> <a href="/politics/">Politics</a></nav>
<article>
<h1>Council approves the bridge</h1>
<p>The council voted on Tuesday night to build the new bridge over the river, after <em>three years</em>
of debate and two public inquiries that drew hundreds of residents.</p>
<h2>What the mayor said</h2>
<blockquote><p>We will build it, and we will build it “on time”, the mayor told the chamber.</p>
<p>Nobody should doubt that the money is there.</p></blockquote>
<p>Work is due to start in the spring, and the <strong>first lane</strong> should open within two years.</p>
<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" width="640" height="360"></iframe>
<video controls><source src="/media/clip.mp4" type="video/mp4"><source src="/media/clip.webm"></video>
</article>
<aside><iframe src="https://ads.example.net/banner"></iframe></aside>
<section id="comments"><p>Watch mine: <iframe src="https://www.youtube.com/embed/SPAM"></iframe></p></section>
</body></html>
"""

MARKDOWN = """# The Long Road *Home*

By Jane Doe

She walked for **three days** before anyone noticed, and
the village only learned of it [much later](https://example.org/later).

## In her words

> I did not think of it as brave.
> I just kept going.

The end of the story is a happy one.
"""


@pytest.fixture(scope="session")
def articles_dir() -> Path:
    """The real articles beside the recordings: missing is a failure, not a skip."""
    path = Path(recordings_dir()).parent / "articles"
    if not (path / "README.md").exists():
        pytest.fail(f"test articles not found in {path} (set TRANSCRIPTS_TEST_DATA)")
    return path


def test_real_article_page_gives_its_title_author_and_body(articles_dir: Path) -> None:
    article = read_article(articles_dir / "red-rocket-sean-baker-interview.html")

    assert article.title == TITLE
    assert article.author == "Joey Magidson"
    assert article.published is None  # the page has no date; a year in its text must not become one
    assert article.url is None
    assert article.source == str(articles_dir / "red-rocket-sean-baker-interview.html")
    assert article.body.startswith("Sean Baker has thoroughly established himself")
    assert "Here now is my interview with Red Rocket filmmaker Sean Baker. Enjoy:" in article.body
    assert article.body.endswith("Red Rocket is now in theaters!")
    assert len(article.body.split("\n\n")) == 6


def test_real_article_body_leaves_out_navigation_related_links_and_comments(articles_dir: Path) -> None:
    body = read_article(articles_dir / "red-rocket-sean-baker-interview.html").body

    for furniture in ("1 Comment", "Oppenheimer", "West Side Story", "Home", "Interviews", "Written by", TITLE):
        assert furniture not in body


def test_real_article_page_has_its_youtube_interview_as_the_one_embed(articles_dir: Path) -> None:
    article = read_article(articles_dir / "red-rocket-sean-baker-interview.html")

    assert article.embeds == (YOUTUBE,)
    assert article.embeds[0].as_json() == {
        "provider": "youtube",
        "id": "VIDEO_ID_OF_THE_INTERVIEW",
        "url": "https://www.youtube.com/watch?v=VIDEO_ID_OF_THE_INTERVIEW",
    }


def test_plain_text_copy_takes_the_first_real_line_as_title_and_keeps_the_rest(articles_dir: Path) -> None:
    """Plain text cannot tell comments from the article: they stay; leftovers above the title ("in ,") go."""
    article = read_article(articles_dir / "red-rocket-sean-baker-interview.txt")

    assert article.title == TITLE
    assert article.author == "Joey Magidson"  # from the "Written by" line below the comments
    assert (article.published, article.url, article.embeds) == (None, None, ())
    assert article.body.startswith("Sean Baker has thoroughly established himself")
    assert "Here now is my interview with Red Rocket filmmaker Sean Baker. Enjoy:" in article.body
    assert "in ," not in article.body and "Written by" not in article.body
    assert "\n\n\n" not in article.body
    assert "1 Comment\nInline Feedbacks\nView all comments" in article.body.split("\n\n")


def test_html_page_keeps_quotes_headings_date_and_absolute_embeds() -> None:
    article = parse_article(PAGE, kind="html", source="page.html", url="https://example.org/news/bridge")

    assert article.title == "Council approves the bridge"
    assert article.published == date(2023, 5, 4)
    assert article.url == "https://example.org/news/bridge"
    assert article.body == (
        "The council voted on Tuesday night to build the new bridge over the river, after three years"
        " of debate and two public inquiries that drew hundreds of residents.\n\n"
        "What the mayor said\n\n"
        "> We will build it, and we will build it “on time”, the mayor told the chamber.\n\n"
        "> Nobody should doubt that the money is there.\n\n"
        "Work is due to start in the spring, and the first lane should open within two years."
    )
    assert article.embeds == (
        Embed("vimeo", "76979871", "https://vimeo.com/76979871"),
        Embed("video", None, "https://example.org/media/clip.mp4"),
    )


def test_a_byline_paragraph_under_the_title_gives_the_author_and_leaves_the_body() -> None:
    """The byline is the page's to print above the text: a body that kept it showed it twice."""
    page = PAGE.replace("<h1>Council approves the bridge</h1>", "<h1>Council approves the bridge</h1>\n"
                        "<p><strong>By Jane Doe</strong></p>")

    article = parse_article(page, kind="html", source="page.html")

    assert article.author == "Jane Doe"
    assert article.body == parse_article(PAGE, kind="html", source="page.html").body
    with_meta = page.replace("</title>", '</title><meta name="author" content="Janet Doe">')
    assert parse_article(with_meta, kind="html", source="page.html").author == "Janet Doe"  # the page's own
    later = PAGE.replace("<h2>What the mayor said</h2>", "<p>By Jane Doe</p>")  # not the first paragraph
    assert "By Jane Doe" in parse_article(later, kind="html", source="page.html").body


def test_line_breaks_inside_a_quote_each_start_with_the_quote_mark() -> None:
    page = PAGE.replace("<p>Nobody should doubt that the money is there.</p>",
                        "<p>Nobody should doubt it.<br>The money is there.</p>")

    body = parse_article(page, kind="html", source="page.html").body

    assert "> Nobody should doubt it.\n> The money is there." in body.split("\n\n")


def test_embeds_are_recognised_in_every_youtube_form_once_each_in_page_order() -> None:
    frames = [
        '<iframe data-src="https://www.youtube-nocookie.com/embed/abc-123_X?rel=0" src="about:blank"></iframe>',
        '<iframe src="https://youtu.be/zzz999"></iframe>',
        '<iframe src="//www.youtube.com/embed/abc-123_X"></iframe>',  # the same video again
        '<iframe src="https://www.youtube.com/watch?v=QQQ&t=10"></iframe>',
        '<iframe src="/widgets/poll.html"></iframe>',
        "<audio src='episode.mp3'></audio>",
    ]
    page = PAGE.replace("<video controls>", "".join(frames) + "<video controls>")

    embeds = parse_article(page, kind="html", source="p", url="https://example.org/news/bridge").embeds

    assert [(e.provider, e.id) for e in embeds] == [
        ("vimeo", "76979871"), ("youtube", "abc-123_X"), ("youtube", "zzz999"), ("youtube", "QQQ"),
        ("iframe", None), ("audio", None), ("video", None),
    ]
    assert embeds[4].url == "https://example.org/widgets/poll.html"
    assert embeds[5].url == "https://example.org/news/episode.mp3"


def test_markdown_article_gives_title_author_and_plain_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "walk.md"
    path.write_text(MARKDOWN, encoding="utf-8")

    article = read_article(path)

    assert article.title == "The Long Road Home"
    assert article.author == "Jane Doe"
    assert (article.published, article.url, article.embeds, article.source) == (None, None, (), str(path))
    assert article.body == (
        "She walked for three days before anyone noticed, and the village only learned of it much later.\n\n"
        "In her words\n\n"
        "> I did not think of it as brave. I just kept going.\n\n"
        "The end of the story is a happy one."
    )


def test_file_that_opens_as_html_is_read_as_html_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "saved-page.txt"
    path.write_text(PAGE, encoding="utf-8")

    article = read_article(path)

    assert article.title == "Council approves the bridge"
    assert article.published == date(2023, 5, 4)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """A real HTTP server on a free local port, serving tmp_path."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_is_fetched_and_read_as_the_page_it_serves(tmp_path: Path, served: str) -> None:
    (tmp_path / "bridge.html").write_text(PAGE, encoding="utf-8")

    article = read_article(f"{served}/bridge.html", timeout=5)

    assert article.title == "Council approves the bridge"
    assert article.url == article.source == f"{served}/bridge.html"
    assert article.embeds[1] == Embed("video", None, f"{served}/media/clip.mp4")


def test_url_that_cannot_be_fetched_raises_input_error_naming_it() -> None:
    with pytest.raises(InputError, match=r"^http://127\.0\.0\.1:9/article: cannot fetch \(.+\)$"):
        read_article("http://127.0.0.1:9/article", timeout=5)


def test_missing_file_raises_input_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.html"
    with pytest.raises(InputError, match="nowhere.html: file not found"):
        read_article(path)


def test_page_without_article_text_raises_input_error() -> None:
    page = "<html><head><title>Gone</title></head><body><script>var x = 1;</script><img src=a.png></body></html>"
    with pytest.raises(InputError, match=r"^empty\.html: no article text found$"):
        parse_article(page, kind="html", source="empty.html")


def test_text_with_a_title_and_nothing_else_raises_input_error() -> None:
    with pytest.raises(InputError, match=r"^notes\.md: no article text found$"):
        parse_article("# Only a title\n\n---\n", kind="markdown", source="notes.md")
