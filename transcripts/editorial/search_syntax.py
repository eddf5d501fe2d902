"""The search language users type, parsed once and written out for each database.

    casting                    a word (stemmed: "cast" finds "casting", "casts")
    "the Florida Project"      a phrase: these words, in this order
    cast*                      a prefix (at least three letters)
    casting AND Texas          both (AND is implied between terms: `casting Texas` is the same)
    casting OR actors          either
    casting NOT Texas          the first without the second
    (casting OR actors) Texas  parentheses group

Operators are upper case; lower-case "and", "or", "not" are words. We parse into a small tree instead of
passing the text through, because FTS5 and PostgreSQL each fail on the other's syntax, and on stray
punctuation, with messages a user cannot act on; here a bad query gets one line saying what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transcripts.errors import QuerySyntaxError

MIN_PREFIX = 3  # shorter prefixes match a large part of the vocabulary: slow and useless
_TOKEN = re.compile(r'\s*(?:(?P<phrase>["“”](?P<inside>[^"“”]*)(?P<close>["“”])?)|(?P<paren>[()])|(?P<word>[^\s()"“”]+))')
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as both databases' tokenizers split words
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class Phrase:
    """One or more words in order; a single word is a phrase of one. `prefix` applies to the last word."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Boolean:
    operator: str  # AND, OR, NOT (NOT: the first operand without any of the others)
    operands: tuple[Node, ...]


Node = Phrase | Boolean


def _tokens(query: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    query = query.strip()
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None:  # only trailing blanks are left
            break
        position = match.end()
        if match["phrase"] is not None:
            if match["close"] is None:
                raise QuerySyntaxError(f"search query {query!r}: a quote is not closed")
            tokens.append(("phrase", match["inside"]))
        elif match["paren"]:
            tokens.append((match["paren"], match["paren"]))
        elif match["word"] in _OPERATORS:
            tokens.append(("op", match["word"]))
        else:
            tokens.append(("word", match["word"]))
    return tokens


def _phrase(text: str, query: str, quoted: bool) -> Phrase | None:
    prefix = not quoted and text.endswith("*")
    words = tuple(word.lower() for word in _WORD.findall(text))
    if prefix and (not words or len(words[-1]) < MIN_PREFIX or not text.rstrip("*")[-1:].isalnum()):
        raise QuerySyntaxError(f"search query {query!r}: a prefix needs at least {MIN_PREFIX} letters before *")
    return Phrase(words, prefix) if words else None


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.position = 0

    def error(self, problem: str) -> QuerySyntaxError:
        return QuerySyntaxError(f"search query {self.query!r}: {problem}")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise self.error("nothing to search for")
        node = self.either()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def either(self) -> Node:
        operands = [self.both()]
        while self.peek() == ("op", "OR"):
            self.take()
            operands.append(self.both())
        return operands[0] if len(operands) == 1 else Boolean("OR", tuple(operands))

    def both(self) -> Node:
        operands = [self.without()]
        while (token := self.peek()) is not None and token not in (("op", "OR"), (")", ")")):
            if token == ("op", "AND"):
                self.take()
            operands.append(self.without())
        return operands[0] if len(operands) == 1 else Boolean("AND", tuple(operands))

    def without(self) -> Node:
        operands = [self.single()]
        while self.peek() == ("op", "NOT"):
            self.take()
            operands.append(self.single())
        return operands[0] if len(operands) == 1 else Boolean("NOT", tuple(operands))

    def single(self) -> Node:
        token = self.peek()
        if token is None:
            raise self.error("it ends where a word was expected")
        kind, value = self.take()
        if kind == "op":
            where = "starts with" if self.position == 1 else "has"
            raise self.error(f"it {where} {value} where a word was expected")
        if kind == ")":
            raise self.error("a ')' has no '('")
        if kind == "(":
            node = self.either()
            if self.peek() != (")", ")"):
                raise self.error("a '(' is not closed")
            self.take()
            return node
        phrase = _phrase(value, self.query, quoted=kind == "phrase")
        if phrase is None:
            raise self.error(f"{value!r} has no letters or digits to search for")
        return phrase


def parse(query: str) -> Node:
    """The query as a tree; raises QuerySyntaxError with a one-line reason."""
    return _Parser(query).parse()


def said_words(node: Node) -> Node:
    """Any of the phrases a hit must hold (none after a NOT), as one OR: search requires one of them in what
    was said, so a word of a transcript's title or a speaker's name alone does not match every segment."""
    def positive(part: Node) -> list[Phrase]:
        if isinstance(part, Phrase):
            return [part]
        operands = part.operands[:1] if part.operator == "NOT" else part.operands
        return [phrase for operand in operands for phrase in positive(operand)]

    phrases = tuple(dict.fromkeys(positive(node)))
    return phrases[0] if len(phrases) == 1 else Boolean("OR", phrases)


def to_fts5(node: Node) -> str:
    """SQLite FTS5 MATCH syntax. Every word is quoted, so nothing a user types is read as FTS5 syntax."""
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"' + (" *" if node.prefix else "")
    return "(" + f" {node.operator} ".join(to_fts5(operand) for operand in node.operands) + ")"


def to_tsquery(node: Node, weight: str = "") -> str:
    """PostgreSQL `to_tsquery` syntax; `weight` ("B") restricts every word to one weighted field."""
    if isinstance(node, Phrase):
        parts = [f"'{word}'" + (":" + weight if weight else "") for word in node.words]
        if node.prefix:
            parts[-1] = f"'{node.words[-1]}':*{weight}"
        return "(" + " <-> ".join(parts) + ")"
    if node.operator == "NOT":
        first, *rest = node.operands
        return "(" + to_tsquery(first, weight) + "".join(" & !" + to_tsquery(op, weight) for op in rest) + ")"
    joiner = " & " if node.operator == "AND" else " | "
    return "(" + joiner.join(to_tsquery(operand, weight) for operand in node.operands) + ")"


def speaker_filter(name: str) -> Phrase:
    """A speaker name as the words its index field must hold (every one of them)."""
    words = tuple(word.lower() for word in _WORD.findall(name))
    if not words:
        raise QuerySyntaxError(f"speaker {name!r}: no name to filter by")
    return Phrase(words)
