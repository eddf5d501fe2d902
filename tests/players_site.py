"""A served store for the embedding tests: `fw_jfk` in four formats (the shared `formats_store`, copied), and
an article whose three videos (YouTube, Vimeo, YouTube) play transcripts 1, 2 and 3 at offsets 2.5, 1.25
and 0 seconds; the embed routes may be framed by http://cms.test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import run_json

CMS = "http://cms.test"
OFFSETS = {1: 2.5, 2: 1.25, 3: 0.0}
ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>Ask not: the speech at sixty</title></head><body><article>
<h1>Ask not: the speech at sixty</h1>
<p>Sixty years on, the inaugural address still opens with its most quoted line, and the people who heard it
remember where they stood that cold January morning in Washington.</p>
<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" width="560" height="315"></iframe>
<p>"Ask not what your country can do for you," the president said, and the crowd, stamping its feet against
the cold, fell silent for the first time that day.</p>
<iframe src="https://player.vimeo.com/video/76979871" width="640" height="360"></iframe>
<p>Historians still argue over who wrote the line, but nobody argues over who delivered it, or how it changed
the way Americans thought about public service.</p>
<iframe src="https://www.youtube-nocookie.com/embed/jNQXAC9IVRw" width="560" height="315"></iframe>
</article></body></html>
"""


def article_store(formats_store: str, folder: Path) -> str:
    """A copy of the formats store with the article linked and published; its URL. Call with
    TRANSCRIPTS_HOME set to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "site.db"
    shutil.copyfile(formats_store.removeprefix("sqlite:///"), database)
    url = f"sqlite:///{database}"
    page = folder / "story.html"
    page.write_text(ARTICLE, encoding="utf-8")
    article = run_json("article", "add", str(page), "--db", url)
    assert [e["provider"] for e in article["embeds"]] == ["youtube", "vimeo", "youtube"], article["embeds"]
    for embed, (transcript, offset) in enumerate(OFFSETS.items()):
        run_json("article", "link", str(article["id"]), str(transcript), "--embed", str(embed),
                 "--offset", str(offset), "--db", url)
    run_json("article", "publish", str(article["id"]), "--db", url)
    return url


@pytest.fixture(scope="module")
def article_db(formats_store: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("article")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRANSCRIPTS_HOME", str(folder))
        return article_store(formats_store, folder)
