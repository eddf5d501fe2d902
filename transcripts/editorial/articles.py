"""Read an article (a web page, a Markdown or a plain-text file) into plain data: title, author, date, body.

We use trafilatura for web pages because telling an article from its page furniture (navigation, related
links, comments) is its whole job and it does it well; it also reads title, author and date from the page's
metadata. We walk its internal XML tree ourselves instead of taking its Markdown output, which drops the
`>` of block quotations and backslash-escapes `_` and `*`. trafilatura keeps no iframes or videos, so the
embeds are found with lxml in the raw page. Markdown and text need no library: a few rules read them.

The body is the contract other modules rely on: plain text, one paragraph per block, blocks separated by
exactly one blank line, block-quotation lines starting with "> ", headings as their own paragraph.
"""

from __future__ import annotations

import dataclasses
import http.client
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document
from trafilatura.utils import decode_file

from transcripts.errors import InputError

USER_AGENT = "Mozilla/5.0 (compatible; transcripts article reader)"
# Tags of trafilatura's tree that start a paragraph of their own; the rest (hi, ref, lb, code) are inline.
_BLOCKS = {"p", "head", "quote", "list", "item", "table", "row"}
# Embeds in these parts of a page belong to the site (ads, promos) or to its readers, not to the article.
_FURNITURE = {"nav", "footer", "aside"}
_FURNITURE_CLASS = re.compile(r"comment|related|sidebar", re.IGNORECASE)
_NOT_URLS = ("about:", "data:", "javascript:", "blob:")  # placeholders of lazy-loaded iframes
_BYLINE = re.compile(r"(?i:by|written by)\s+([A-Z][\w.'’-]*(?:,?\s+(?:and\s+|&\s+)?[A-Z][\w.'’-]*){0,5})")
_HEADING = re.compile(r"#{1,6}\s+(.*?)(?:\s+#+)?")
_ITEM = re.compile(r"(?:[-*+]|\d+[.)])\s+(.*)")
_RULE = re.compile(r"([-*_=])(?:\s*\1){2,}")
_INLINE = [  # Markdown inline markup to plain text, in this order
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links
    (re.compile(r"<(https?://[^>]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # raw HTML tags
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),  # backslash escapes
]


@dataclass(frozen=True)
class Embed:
    """A video or audio the article shows, which may be the recording its quotes come from."""

    provider: str  # "youtube", "vimeo", "video", "audio" or "iframe"
    id: str | None  # the provider's video id; None for plain media and other iframes
    url: str  # canonical for YouTube and Vimeo, else the source made absolute

    def as_json(self) -> dict[str, Any]:
        """The embed as `--json` output and the store want it."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ArticleContent:
    """One article as read, before it is stored: `body` follows the format in this module's docstring."""

    title: str
    author: str | None
    published: date | None
    body: str
    url: str | None
    embeds: tuple[Embed, ...]
    source: str


def read_article(source: str | Path, *, timeout: float = 20.0) -> ArticleContent:
    """Read an article from an http(s) URL or a file; the kind comes from the suffix, then the content."""
    name = str(source)
    if name.startswith(("http://", "https://")):
        content, content_type = _fetch(name, timeout)
        suffix = ".html" if "html" in content_type else Path(urlsplit(name).path).suffix.lower()
        return parse_article(content, kind=_kind(suffix, content_type, content), source=name, url=name)
    path = Path(source)
    try:
        content = decode_file(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{name}: file not found") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read ({error.strerror or error})") from None
    return parse_article(content, kind=_kind(path.suffix.lower(), "", content), source=name)


def parse_article(content: str, *, kind: str, source: str, url: str | None = None) -> ArticleContent:
    """Parse an article already in memory; `kind` is "html", "markdown" or "text"."""
    if kind == "html":
        return _parse_html(content, source, url)
    if kind not in ("markdown", "text"):
        raise ValueError(f"unknown article kind {kind!r}")
    lines = [line.strip() for line in content.splitlines()]
    start = next((i for i, line in enumerate(lines) if _looks_like_title(line)), None)
    if start is None:
        raise InputError(f"{source}: no article text found")
    heading = _HEADING.fullmatch(lines[start])
    title = _plain(heading.group(1) if heading else lines[start])
    author, rest = _byline(lines[start + 1:])
    body = _markdown_body(rest) if kind == "markdown" else _text_body(rest)
    if not body:
        raise InputError(f"{source}: no article text found")
    return ArticleContent(title, author, None, body, url, (), source)


def _fetch(url: str, timeout: float) -> tuple[str, str]:
    """The page's text and content type; any network failure becomes one InputError line."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read()
            content_type = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as error:
        raise InputError(f"{url}: cannot fetch (HTTP {error.code} {error.reason})") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", error)  # URLError wraps the socket's error
        message = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
        raise InputError(f"{url}: cannot fetch ({message})") from None
    try:
        return data.decode(charset or "utf-8"), content_type
    except (LookupError, UnicodeDecodeError):
        return decode_file(data), content_type


def _kind(suffix: str, content_type: str, content: str) -> str:
    """From the name or content type; a document that opens like HTML is HTML, whatever its name says."""
    if suffix in (".html", ".htm") or content.lstrip()[:20].lower().startswith(("<!doctype html", "<html")):
        return "html"
    return "markdown" if suffix in (".md", ".markdown") or "markdown" in content_type else "text"


def _parse_html(content: str, source: str, url: str | None) -> ArticleContent:
    # extensive_search would take any year in the text as the date ("my favourite film of 2021" → 2021-01-01)
    document = trafilatura.bare_extraction(
        content, url=url, include_comments=False, favor_precision=True, with_metadata=True,
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    if not isinstance(document, Document) or document.body is None:
        raise InputError(f"{source}: no article text found")
    title = document.title or ""
    blocks = list(_tree_blocks(document.body))
    if blocks and blocks[0] == title:
        blocks = blocks[1:]  # the article's own <h1>
    author = document.author or None
    if len(blocks) > 1 and (name := byline(blocks[0])):  # a "By NAME" paragraph under the title: the author
        author, blocks = author or name, blocks[1:]
    if not blocks:
        raise InputError(f"{source}: no article text found")
    page_url = url or document.url
    published = date.fromisoformat(document.date[:10]) if document.date else None
    return ArticleContent(title or blocks[0].split("\n")[0], author, published,
                          "\n\n".join(blocks), page_url, tuple(_embeds(content, page_url)), source)


def _tree_blocks(element: etree._Element, quoted: bool = False) -> Iterator[str]:
    """Paragraphs of trafilatura's tree: inline text gathers until the next block element."""
    pending = element.text or ""
    for child in element:
        if child.tag in _BLOCKS:
            yield from _paragraph(pending, quoted)
            if child.tag == "row":
                yield from _paragraph(" | ".join(_inline(cell) for cell in child), quoted)
            else:
                yield from _tree_blocks(child, quoted or child.tag == "quote")
            pending = child.tail or ""
        else:
            pending += _inline(child) + (child.tail or "")
    yield from _paragraph(pending, quoted)


def _inline(element: etree._Element) -> str:
    """The text of an inline element, line breaks kept, its tail left to the caller."""
    if element.tag == "lb":
        return "\n"
    return (element.text or "") + "".join(_inline(child) + (child.tail or "") for child in element)


def _paragraph(text: str, quoted: bool) -> list[str]:
    """One paragraph, or none if blank: spaces collapsed, line breaks kept, each quoted line marked."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [("> " if quoted else "") + line for line in lines if line]
    return ["\n".join(lines)] if lines else []


def _embeds(content: str, base: str | None) -> list[Embed]:
    """Iframes, videos and audio of the page, in page order, each once."""
    try:
        page = lxml.html.fromstring(content.encode(), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return []
    found: dict[str, Embed] = {}
    for element in page.iter("iframe", "video", "audio"):
        if any(up.tag in _FURNITURE or _FURNITURE_CLASS.search(up.get("class", "") + " " + up.get("id", ""))
               for up in element.iterancestors()):
            continue
        sources = [element] + (element.findall(".//source") if element.tag != "iframe" else [])
        candidates = [node.get(attr) for node in sources for attr in ("src", "data-src", "data-lazy-src")]
        src = next((c.strip() for c in candidates if c and not c.strip().startswith(_NOT_URLS)), None)
        if src:
            embed = _embed(element.tag, urljoin(base, src) if base else src)
            found.setdefault(embed.url, embed)
    return list(found.values())


def _embed(tag: str, src: str) -> Embed:
    """YouTube and Vimeo by their video id, whatever player URL the page used; anything else as it is."""
    if src.startswith("//"):
        src = "https:" + src
    parts = urlsplit(src)
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    video_id = None
    if host in ("youtube.com", "youtube-nocookie.com"):
        match = re.match(r"/(?:embed|v|shorts|live)/([\w-]+)", parts.path)
        video_id = match.group(1) if match else parse_qs(parts.query).get("v", [None])[0]
    elif host == "youtu.be":
        video_id = parts.path.strip("/").split("/")[0] or None
    if video_id and video_id != "videoseries":
        return Embed("youtube", video_id, f"https://www.youtube.com/watch?v={video_id}")
    match = re.match(r"/(?:video/)?(\d+)", parts.path) if host in ("vimeo.com", "player.vimeo.com") else None
    if match:
        return Embed("vimeo", match.group(1), f"https://vimeo.com/{match.group(1)}")
    return Embed("iframe" if tag == "iframe" else tag, None, src)


def _looks_like_title(line: str) -> bool:
    """Not a rule, and a real word once markup is gone: skips leftovers such as "in ," or an image."""
    return not _RULE.fullmatch(line) and re.search(r"[^\W\d_]{3}", _plain(line)) is not None


def byline(text: str) -> str | None:
    """The name, when a paragraph is a byline and nothing else ("By Jane Doe", "Written by A and B")."""
    match = _BYLINE.fullmatch(_plain(text))
    return match.group(1) if match else None


def _byline(lines: list[str]) -> tuple[str | None, list[str]]:
    """The author from a "By NAME" line near the top or a "Written by NAME" line anywhere, and the lines left."""
    top = [i for i, line in enumerate(lines) if line][:5]
    for i, line in enumerate(lines):
        match = _BYLINE.fullmatch(_plain(line))
        if match and (i in top or _plain(line).lower().startswith("written by")):
            return match.group(1), lines[:i] + lines[i + 1:]
    return None, lines


def _plain(text: str) -> str:
    """Markdown inline markup gone, spaces collapsed."""
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def _text_body(lines: list[str]) -> str:
    """Blank lines end paragraphs; the lines of a paragraph are kept as they are."""
    text = "\n".join(" ".join(line.split()) for line in lines)
    return "\n\n".join(block.strip() for block in re.split(r"\n{2,}", text) if block.strip())


def _markdown_body(lines: list[str]) -> str:
    """Markdown blocks to plain paragraphs: soft-wrapped lines joined, markup dropped, quotes kept as "> "."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        quote = re.fullmatch(r">\s?(.*)", line)
        text = quote.group(1).strip() if quote else line
        kind = "quote" if quote else "text"
        heading, item = _HEADING.fullmatch(text), _ITEM.fullmatch(text)
        if not text or _RULE.fullmatch(text):
            blocks.append(("end", []))
        elif heading:  # a paragraph of its own, whatever follows
            blocks += [(kind, [heading.group(1)]), ("end", [])]
        elif item:  # each item starts a paragraph; its wrapped lines join it
            blocks.append((kind, [item.group(1)]))
        elif blocks and blocks[-1][0] == kind:
            blocks[-1][1].append(text)
        else:
            blocks.append((kind, [text]))
    paragraphs = [("> " if kind == "quote" else "") + _plain(" ".join(words)) for kind, words in blocks if words]
    return "\n\n".join(p for p in paragraphs if p.strip("> "))
