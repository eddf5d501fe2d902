"""The quotations in an article's body text, with the speaker the article names for each.

Articles quote people three ways: quote marks in running prose ("inline"), "> " block quotations
("block"), and printed Q&A transcripts ("qa"). A later step aligns each quotation with what was recorded,
so this module only finds the words and the name *as the article gives it*; it never guesses a speaker
the article does not name. The standard library's `re` is enough: these are journalistic conventions, not
grammar, and a parser would add a dependency without knowing the conventions any better.

Short unattributed quotations ("a blast", "Red Rocket") are scare quotes or titles, not speech: they are
set aside, but returned, so that a check can say how many it did not check. Every quotation keeps where its
words stand in the body (character offsets), the parts of a quote split by "she said" each on their own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

_UPPER = "A-ZÀ-ÖØ-Þ"
_WORD = rf"(?:[{_UPPER}]\.)+|[{_UPPER}][^\W\d_]*(?:['’-][^\W\d_]+)*"  # "J.", "Baker", "O’Brien", "Jean-Luc"
NAME = rf"(?:{_WORD})(?: (?:{_WORD})){{0,3}}"
_NAME3 = rf"(?:{_WORD})(?: (?:{_WORD})){{0,2}}"
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you"})
_PRONOUN = rf"(?i:{'|'.join(sorted(PRONOUNS))})\b"
VERB = (r"(?i:says|said|tells|told|explains|explained|adds|added|recalls|recalled|notes|noted|admits|admitted|"
        r"continues|continued|laughs|laughed|asks|asked|replies|replied|answers|answered|remarks|remarked|"
        r"jokes|joked|insists|insisted|goes on|went on)\b")
_INVERTED_VERB = rf"(?!(?i:tells|told)\b){VERB}"  # "said Baker"; "told Baker" names the listener
_OBJECT = r"(?: (?i:me|us|him|her|them|reporters)\b)?"
# Capitalised words that open sentences or label things, not names: "Then Baker said", "Interview: …".
_NOT_NAMES = frozenset({"The", "Then", "But", "And", "So", "When", "Later", "Now", "Here", "There", "Still", "Also",
                        "As", "After", "Finally", "In", "On", "At", "Director", "Filmmaker", "Writer", "Actor",
                        "Producer", "Critic", "Interview", "Note", "Update", "Editor", "Photo", "Source", "Related"})


def _subject(group: str) -> str:
    """Who speaks: a name (captured as `group`) or a pronoun (which names no one)."""
    return rf"(?:(?P<{group}>{NAME})|{_PRONOUN})"


# Matched against the text right after a closing quote: “…,” Baker said / said Baker / Baker, who …, said.
AFTER = re.compile(rf"[ ,—–-]*(?:\b{_subject('a')}(?:, who\b[^.!?]*?,)? {VERB}"
                   rf"|(?:{_INVERTED_VERB}|(?i:according to)) {_subject('b')})")
# Searched in the text right before an opening quote: Baker said, “…” / according to Baker, “…” / Baker: “…”.
BEFORE = re.compile(rf"(?:\b{_subject('a')} {VERB}{_OBJECT}|(?i:according to) {_subject('b')}) ?[,:]? ?$"
                    rf"|^(?P<c>{NAME}): ?$")
# The end of the paragraph introducing a block quotation: Baker said: / Baker told me: / says Baker:.
LEAD_IN = re.compile(rf"(?:\b{_subject('a')} {VERB}{_OBJECT}|{_INVERTED_VERB} {_subject('b')}) ?:$")
# What may follow the attribution between the two parts of one split quote: “…,” Baker said, smiling. “…”
SPLIT_TAIL = re.compile(r"[^.!?“”\"]*[.,:;]? *")
COLON_INTRO = re.compile(r": ?$")  # "The answer was simple: “No.”": attributed, though to no one named
QUOTE = re.compile(r"“(?P<curly>[^“”]*)”|\"(?P<straight>[^\"]*)\"")
OPENERS = "“\""
QA_PREFIX = re.compile(rf"(?P<who>Q|A|{_NAME3}) ?: (?P<text>.+)")
# Who asks and who answers in a Q&A: "Q = Joey Magidson", "questions by Joey Magidson".
LEGEND = re.compile(rf"\b(?P<role>Q|A|(?i:questions?|answers?))(?: ?[=—–] ?| - | (?i:by|from) )(?P<name>{NAME})")
SIGNATURE = re.compile(rf"(?:—|–|--?) ?(?P<name>{NAME})(?:,.*)?")  # "— Sean Baker, director"
BLOCK_MARK = re.compile(r"^> ?")
_QA_NEAR = 3  # paragraphs from one speaker label to the next, at most, for labels that only a Q&A confirms


Span = tuple[int, int]


@dataclass(frozen=True)
class Quotation:
    """Words an article puts in someone's mouth, and whom it names as saying them."""

    text: str
    attributed_to: str | None
    kind: str  # "inline", "block" or "qa"
    paragraph: int
    spans: tuple[Span, ...] = ()  # [start, end) of each part's words in the body, quote marks left out

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "attributed_to": self.attributed_to, "kind": self.kind,
                "paragraph": self.paragraph, "spans": [list(span) for span in self.spans]}


@dataclass(frozen=True)
class Quotations:
    """An article's quotations, and the short unattributed ones set aside as scare quotes or titles."""

    quotations: list[Quotation]
    set_aside: list[Quotation]


@dataclass(frozen=True)
class _Placed:
    """Text as the rules read it, with each character's offset in the article body, for the spans."""

    text: str
    at: tuple[int, ...]

    @classmethod
    def of(cls, text: str, offset: int) -> _Placed:
        return cls(text, tuple(range(offset, offset + len(text))))

    def __getitem__(self, key: slice) -> _Placed:
        return _Placed(self.text[key], self.at[key])

    def __add__(self, other: _Placed) -> _Placed:
        return _Placed(self.text + other.text, self.at + other.at)

    def strip(self) -> _Placed:
        start = len(self.text) - len(self.text.lstrip())
        return self[start:start + len(self.text.strip())]

    def flat(self) -> _Placed:
        """Runs of whitespace as one space, none at the ends: how paragraphs are matched."""
        text: list[str] = []
        at: list[int] = []
        for word in re.finditer(r"\S+", self.text):
            if at:
                text.append(" ")
                at.append(self.at[word.start()])
            text.append(word.group())
            at.extend(self.at[word.start():word.end()])
        return _Placed("".join(text), tuple(at))

    def span(self, start: int = 0, end: int | None = None) -> Span | None:
        """Where text[start:end], without its outer whitespace, stands in the body; None when empty."""
        part = self[start:end].strip()
        return (part.at[0], part.at[-1] + 1) if part.text else None


@dataclass(frozen=True)
class _Speakers:
    """The transcript's speaker names, in the forms an article shortens them to after first mention."""

    forms: tuple[str, ...]  # full names, then first and last names; longest first so "Sean Baker" beats "Baker"
    known: re.Pattern[str] | None  # any of the forms, as a word
    after: re.Pattern[str] | None  # a known name opening the clause after a quote: “…,” Baker, laughing, said

    @classmethod
    def of(cls, names: Sequence[str]) -> _Speakers:
        forms = {form for name in names for form in (name.strip(), *name.split()[:1], *name.split()[-1:])}
        ordered = tuple(sorted(forms - {""}, key=len, reverse=True))
        if not ordered:
            return cls((), None, None)
        known = rf"\b(?P<a>{'|'.join(re.escape(form) for form in ordered)})\b"
        return cls(ordered, re.compile(known), re.compile(rf"[ ,]*{known}[^.!?“”\"]*?\b{VERB}"))

    def clean(self, raw: str | None) -> str | None:
        """The name to report: pronouns name no one; "Filmmaker Sean Baker" is "Sean Baker"."""
        if not raw or raw.lower() in PRONOUNS:
            return None
        for form in self.forms:
            found = re.search(rf"\b{re.escape(form)}\b", raw)
            rest = (raw[:found.start()] + raw[found.end():]).split() if found else []
            # Only a title around a known name is dropped: "Sean Smith" is not "Sean" of Sean Baker.
            if found and all(word in _NOT_NAMES or not word[:1].isupper() for word in rest):
                return form
        words = raw.split()
        while len(words) > 1 and words[0] in _NOT_NAMES:
            words.pop(0)
        return " ".join(words)


def _name(match: re.Match[str]) -> str:
    """The speaker a pattern found; "" for a pronoun, which is an attribution that names no one."""
    return next((group for group in match.groupdict().values() if group), "")


def _after(text: str, speakers: _Speakers) -> tuple[str | None, int]:
    """The attribution opening `text` (None if there is none) and where it ends."""
    for pattern in (AFTER, speakers.after):
        if pattern and (match := pattern.match(text)):
            return _name(match), match.end()
    return None, 0


def _before(text: str, speakers: _Speakers) -> str | None:
    """The attribution closing `text`, the words just before an opening quote (None if there is none).

    Failing the usual forms, a known name before the clause's last speech verb: Baker, laughing, said “…”.
    """
    if match := BEFORE.search(text):
        return _name(match)
    clause = re.split(r"[.!?]", text)[-1]
    verbs = [verb.start() for verb in re.finditer(rf"\b{VERB}", clause)]
    if speakers.known and verbs and (match := speakers.known.search(clause, 0, verbs[-1])):
        return match["a"]
    return None


def _join(parts: list[str]) -> str:
    """One quotation from the parts an attribution split: “I think,” she said, “that we won.”

    The attribution replaced the part's punctuation, so a trailing comma becomes a full stop when the next
    part starts a sentence (a capital letter) and is dropped when it goes on with the same sentence.
    """
    text = parts[0]
    for part in parts[1:]:
        if text.endswith(","):
            text = text[:-1] + ("." if part[:1].isupper() else "")
        text += " " + part
    return text


def _split_attribution(chunk: str, spans: list[re.Match[str]], k: int, speakers: _Speakers) -> str | None:
    """The attribution between quote k-1 and quote k when it is all that separates two parts of one quote.

    Not when quote k has an attribution of its own after it: then it is the next speaker's.
    """
    between = chunk[spans[k - 1].end():spans[k].start()]
    who, end = _after(between, speakers)
    if who is None or not SPLIT_TAIL.fullmatch(between[end:]):
        return None
    following = chunk[spans[k].end():spans[k + 1].start() if k + 1 < len(spans) else len(chunk)]
    return None if _after(following, speakers)[0] is not None else who


class _Found(NamedTuple):
    offset: int  # in the chunk
    text: str
    who: str | None
    spans: tuple[Span, ...]


def _attribution(text: str, quotes: list[list[re.Match[str]]], g: int, speakers: _Speakers) -> str | None:
    """The attribution of quote g among `quotes` ("" for a pronoun or a colon; None for none): after it
    up to the next quote, else before it back to the previous one."""
    parts = quotes[g]
    after_end = quotes[g + 1][0].start() if g + 1 < len(quotes) else len(text)
    who = _after(text[parts[-1].end():after_end], speakers)[0]
    if who is None:
        before = text[quotes[g - 1][-1].end() if g else 0:parts[0].start()]
        who = _before(before, speakers)
        if who is None and COLON_INTRO.search(before):
            who = ""
    return who


def _inline(chunk: _Placed, breaks: list[int], speakers: _Speakers,
            min_words: int) -> tuple[list[_Found], list[_Found]]:
    """The quotations in a run of prose, and those set aside: shorter than `min_words` with no attribution.

    `breaks` are where the chunk's later paragraphs start: a quote running over them has a span in each.
    Attributions are read twice: once among all quotes, to know which are scare quotes, then among the
    quotations kept, so that a scare quote between a name and its quote does not cut the attribution off.
    """
    text = chunk.text
    spans = list(QUOTE.finditer(text))
    groups: list[tuple[list[re.Match[str]], str | None]] = []
    for k, span in enumerate(spans):
        who = _split_attribution(text, spans, k, speakers) if k else None
        if who is not None:
            groups[-1] = (groups[-1][0] + [span], who)
        else:
            groups.append(([span], None))
    words = [_join([" ".join((p["curly"] or p["straight"] or "").split()) for p in parts]) for parts, _ in groups]
    quotes = [parts for parts, _ in groups]
    kept = [k for k, (_, split_who) in enumerate(groups)
            if len(words[k].split()) >= min_words or split_who is not None
            or _attribution(text, quotes, k, speakers) is not None]

    def found(k: int, who: str | None) -> _Found:
        places = []
        for part in groups[k][0]:
            group = "curly" if part["curly"] is not None else "straight"
            cuts = [part.start(group), *(at for at in breaks if part.start(group) < at < part.end(group)),
                    part.end(group)]
            places += [chunk.span(start, end) for start, end in itertools.pairwise(cuts)]
        return _Found(groups[k][0][0].start(), words[k], who, tuple(place for place in places if place))

    chosen = [quotes[k] for k in kept]
    checked = [found(k, speakers.clean(groups[k][1] if groups[k][1] is not None else
                                       _attribution(text, chosen, n, speakers)))
               for n, k in enumerate(kept)]
    return checked, [found(k, None) for k in range(len(groups)) if k not in kept]


def _open_at_end(text: str) -> bool:
    return text.rfind("“") > text.rfind("”") or text.count('"') % 2 == 1


def _chunks(flat: list[_Placed], skip: set[int]) -> Iterator[tuple[_Placed, list[tuple[int, int]]]]:
    """Prose paragraphs, joined where a quote runs on: one leaves it open, the next reopens it.

    Yields the text and, for each paragraph in it, (offset in the text, paragraph index).
    """
    chunk, starts = _Placed("", ()), list[tuple[int, int]]()
    for i, placed in enumerate(flat):
        text = placed.text
        if starts and (i in skip or not (_open_at_end(chunk.text) and text[:1] in OPENERS)):
            yield chunk, starts
            chunk, starts = _Placed("", ()), []
        if i in skip:
            continue
        if starts:
            starts.append((len(chunk.text) + 1, i))
            chunk = chunk + _Placed(" ", placed.at[:1]) + placed[1:]
        else:
            chunk, starts = placed, [(0, i)]
    if starts:
        yield chunk, starts


def _speaker_prefix(text: str) -> tuple[str, str, int] | None:
    """("Sean Baker", "Well, …", where "Well" starts) for a paragraph opening with a speaker label, as Q&A
    transcripts print them."""
    match = QA_PREFIX.fullmatch(text)
    if not match or match["who"].split()[0] in _NOT_NAMES:
        return None
    return match["who"], match["text"], match.start("text")


def _wholly_quoted(text: str) -> bool:
    return text[:1] in OPENERS and text[-1:] in "”\"" and not re.search(r"[“”\"]", text[1:-1])


def _qa(placed: list[_Placed], blocks: set[int], speakers: _Speakers) -> tuple[list[Quotation], set[int]]:
    """The Q&A paragraphs, and every paragraph they took: unlabelled ones between two labels are a run-on answer.

    Another label within _QA_NEAR paragraphs makes a Q&A; a lone "Word: …" paragraph is one only when labelled
    Q:/A: or with a known speaker, and not when it is just a quote ("Baker: “…”" is inline): headlines such as
    "Interview: …" are not transcripts. Unlabelled paragraphs after the last label are the article resuming,
    since nothing marks them as the answer.
    """
    flat = [p.text for p in placed]
    prefixed = {i: label for i, text in enumerate(flat) if (label := _speaker_prefix(text))}

    def labelled(i: int) -> bool:
        who, text, _ = prefixed[i]
        if (who in ("Q", "A") or who in speakers.forms) and not _wholly_quoted(text):
            return True
        near = [j for j in prefixed if j != i and abs(j - i) <= _QA_NEAR]
        return any(not blocks.intersection(range(min(i, j), max(i, j))) for j in near)

    labels = [i for i in sorted(prefixed) if labelled(i)]
    runs = {i: [i] for i in labels}
    for i, following in itertools.pairwise(labels):
        if not blocks.intersection(range(i + 1, following)):
            runs[i] += range(i + 1, following)
    used = {j for run in runs.values() for j in run}
    roles: dict[str, str | None] = {}
    for text in (text for i, text in enumerate(flat) if i not in used):
        for match in LEGEND.finditer(text):
            roles.setdefault(match["role"][0].upper(), speakers.clean(match["name"]))
    found = []
    for i, run in runs.items():
        who, text, start = prefixed[i]
        text = " ".join([text, *(flat[j] for j in run[1:])])
        spans = [placed[i].span(start), *(placed[j].span() for j in run[1:])]
        found.append(Quotation(text, roles.get(who) if who in ("Q", "A") else who, "qa", i,
                               tuple(span for span in spans if span)))
    return found, used


def _block(lines: list[_Placed], lead_in: str) -> tuple[str, str | None, tuple[Span, ...]]:
    """A "> " paragraph's words, without wrapping quote marks, its speaker (a "— NAME" line or the lead-in),
    and where each line's words stand in the body."""
    lines = [line[mark.end() if (mark := BLOCK_MARK.match(line.text)) else 0:].strip() for line in lines]
    who = None
    if signed := SIGNATURE.fullmatch(lines[-1].text):
        who, lines = signed["name"], lines[:-1]
    elif found := LEAD_IN.search(lead_in):
        who = _name(found)
    lines = [line for line in lines if line.text]
    text = " ".join(" ".join(line.text for line in lines).split())
    if text and _wholly_quoted(text):
        text = text[1:-1].strip()
        lines[0] = lines[0][1:]
        lines[-1] = lines[-1][:-1]  # the same line, in a one-line block: it loses both marks
    return text, who, tuple(span for line in lines if (span := line.span()))


def _paragraphs(body: str) -> list[_Placed]:
    """The body's paragraphs (split by blank lines), each with its offsets in the body."""
    core = body.strip()
    offset = len(body) - len(body.lstrip())
    found, start = [], 0
    for gap in [*re.finditer(r"\n\s*\n", core), None]:
        end = gap.start() if gap else len(core)
        found.append(_Placed.of(core[start:end], offset + start).strip())
        start = gap.end() if gap else end
    return found


def _lines(paragraph: _Placed) -> list[_Placed]:
    lines, start = [], 0
    for line in paragraph.text.splitlines(keepends=True):
        lines.append(paragraph[start:start + len(line.rstrip("\r\n"))])
        start += len(line)
    return lines


def read_quotations(body: str, *, min_words: int = 4, names: Sequence[str] = ()) -> Quotations:
    """Every quotation in `body` (paragraphs split by blank lines), in reading order, and the scare quotes.

    `names` are the transcript's speakers: their first or last names then count as the speaker in any
    construction within the quote's own sentence ("Baker, laughing, said “…”"). Block and Q&A paragraphs are
    whole quotations, kept however short, and so is any quotation with an attribution (a speech verb, with a
    name or a pronoun, or a colon introducing it); unattributed inline quotations of fewer than `min_words`
    words are set aside as scare quotes and titles. Words keep their printed punctuation, except where an
    attribution splits a quote: the parts are joined with one space, and the first part's trailing comma
    becomes "." before a capital and is dropped otherwise.
    """
    raw = _paragraphs(body)
    placed = [p.flat() for p in raw]
    flat = [p.text for p in placed]
    speakers = _Speakers.of(names)
    blocks = {i for i, p in enumerate(raw) if p.text and all(line.startswith(">") for line in p.text.splitlines())}
    found, used = _qa(placed, blocks, speakers)
    for i in sorted(blocks):
        lead = next((j for j in range(i - 1, -1, -1) if j not in blocks), None)
        text, who, spans = _block(_lines(raw[i]), "" if lead is None else flat[lead])
        if text:
            found.append(Quotation(text, speakers.clean(who), "block", i, spans))
        elif found and (found[-1].kind, found[-1].paragraph) == ("block", i - 1):  # a lone "> — NAME" signs it
            found[-1] = replace(found[-1], attributed_to=speakers.clean(who))
    set_aside: list[Quotation] = []
    for chunk, starts in _chunks(placed, used | blocks):
        checked, skipped = _inline(chunk, [start for start, _ in starts[1:]], speakers, min_words)
        for quotes, kept in ((found, checked), (set_aside, skipped)):
            for item in kept:
                paragraph = max(index for start, index in starts if start <= item.offset)
                quotes.append(Quotation(item.text, item.who, "inline", paragraph, item.spans))
    return Quotations(sorted(found, key=lambda q: q.paragraph), set_aside)


def find_quotations(body: str, *, min_words: int = 4, names: Sequence[str] = ()) -> list[Quotation]:
    """The quotations of `read_quotations`, without the scare quotes set aside."""
    return read_quotations(body, min_words=min_words, names=names).quotations
