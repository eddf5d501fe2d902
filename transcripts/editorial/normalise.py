"""Words as a quote check compares them: forms that say the same thing folded into one.

Whisper writes contractions, numbers and spellings one way or the other by chance ("there's" or "there is",
"10%" or "ten percent"), and an article may print either: neither is an alteration of what was said. A text
becomes tokens (its words, lower case, apostrophes straightened, each with its place in the text), and the
tokens become terms, the words compared: "there's" → "there is", "ten percent" → "10 percent", "2,000" and
"two thousand" → "2000", "nineties" and "'90s" → "1990s", "colour" → "color", "OK" → "okay". Each term
remembers the tokens it came from, so that a difference or an equivalence is shown as printed and as said.

The British→American table (`spellings.tsv`) is the UK/US spelling list that OpenAI's Whisper normaliser
uses for the same purpose (MIT licence). The rules are written here rather than taken from that normaliser
(whisper-normalizer) or jiwer because those turn a string into a string and lose which words each output
word came from, which the quote check needs for its times and its report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
# A decade written '90s; a number with its currency, digit groups, decimals, ordinal or plural ending and
# percent sign (one token: "$1,000.50", "21st", "1990s", "10%"); a word with inner apostrophes ("o'brien").
_TOKEN = re.compile(r"'\d0s\b|[$£€]?\d+(?:[.,]\d+)*(?:(?:'?s|st|nd|rd|th)(?![^\W_]))?%?|[^\W\d_]+(?:'[^\W\d_]+)*|\d+",
                    re.IGNORECASE)
_DIGITS = re.compile(r"(?P<currency>[$£€])?(?P<number>\d+(?:[.,]\d+)*)(?P<ending>'?s|st|nd|rd|th)?(?P<percent>%)?")
_CURRENCIES = {"$": "dollars", "£": "pounds", "€": "euros"}

_UNITS = {word: value for value, word in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
))}
_TENS = {word: 10 * value for value, word in enumerate((
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
), start=2)}
_UNIT_ORDINALS = {word: value for value, word in enumerate((
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth",
), start=1)}
_TEN_ORDINALS = {word: 10 * value for value, word in enumerate((
    "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth",
), start=2)}
_DECADES = {word: 10 * value for value, word in enumerate((
    "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties",
), start=2)}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SCALE_ORDINALS = {"hundredth": 100, "thousandth": 1000, "millionth": 10**6, "billionth": 10**9}

# Contractions and spoken forms, spelled out; "OK" and titles in one spelling.
_WHOLE = {
    "won't": ("will", "not"), "can't": ("can", "not"), "cannot": ("can", "not"), "shan't": ("shall", "not"),
    "ain't": ("ain't",), "let's": ("let", "us"), "y'all": ("you", "all"), "gonna": ("going", "to"),
    "wanna": ("want", "to"), "gotta": ("got", "to"), "kinda": ("kind", "of"), "sorta": ("sort", "of"),
    "outta": ("out", "of"), "lotta": ("lot", "of"), "dunno": ("do", "not", "know"), "gimme": ("give", "me"),
    "lemme": ("let", "me"), "alright": ("all", "right"), "ok": ("okay",), "mr": ("mister",),
    "mrs": ("missus",), "dr": ("doctor",),
}
_ENDINGS = {"n't": "not", "'re": "are", "'m": "am", "'ll": "will", "'ve": "have"}
# "'s" is "is" (or "has") only after these: elsewhere ("Sheila's") it is a possessive.
_S_STEMS = frozenset((
    "it", "that", "there", "here", "what", "who", "where", "when", "why", "how", "he", "she", "this",
    "everything", "everyone", "everybody", "nothing", "nobody", "something", "someone", "somebody",
))
_PERFECT = frozenset({"been", "got", "gotten", "had", "better"})  # "she's been", "I'd better": has, had
_PHRASES = {("per", "cent"): "percent", ("o", "k"): "okay"}


@dataclass(frozen=True)
class Token:
    """A word of a text as compared (lower case, straight apostrophes), and where it is in the text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Term:
    """A word in its one compared form, from tokens `first`..`last` (inclusive) of the text."""

    text: str
    first: int
    last: int


def tokenize(text: str) -> list[Token]:
    """The words of `text`; punctuation and hyphens separate words and are not themselves compared."""
    straight = text.translate(_APOSTROPHES)
    return [Token(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(straight)]


def terms(words: Sequence[str]) -> list[Term]:
    """The compared form of a run of tokens (as `tokenize` gives them)."""
    found: list[Term] = []
    i = 0
    while i < len(words):
        made, used = _number(words, i) or _phrase(words, i) or (_word(words, i), 1)
        found.extend(Term(text, i, i + used - 1) for text in made)
        i += used
    return found


def normalised(text: str) -> list[str]:
    """The terms of `text`, as plain words: what two texts must share to count as the same words."""
    return [term.text for term in terms([token.text for token in tokenize(text)])]


@cache
def _spellings() -> dict[str, str]:
    lines = (Path(__file__).with_name("spellings.tsv")).read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t") for line in lines if line and not line.startswith("#"))


def _word(words: Sequence[str], i: int) -> list[str]:
    """One token's terms: contractions spelled out, then American spelling."""
    return [_spell(word) for word in _expand(words[i], words[i + 1] if i + 1 < len(words) else "")]


def _expand(word: str, following: str) -> tuple[str, ...]:
    if word in _WHOLE:
        return _WHOLE[word]
    for ending, full in _ENDINGS.items():
        if word.endswith(ending) and len(word) > len(ending):
            return (*_expand(word[:-len(ending)], following), full)
    stem = word[:-2]
    if word.endswith("'d") and stem:
        return (*_expand(stem, following), "had" if following in _PERFECT else "would")
    if word.endswith("'s") and stem in _S_STEMS:
        return stem, "has" if following in _PERFECT else "is"
    return (word,)


def _spell(word: str) -> str:
    stem, apostrophe, rest = word.partition("'")  # "colour's" is "color's"
    return _spellings().get(stem, stem) + apostrophe + rest


def _phrase(words: Sequence[str], i: int) -> tuple[list[str], int] | None:
    pair = (words[i], words[i + 1]) if i + 1 < len(words) else None
    return ([_PHRASES[pair]], 2) if pair in _PHRASES else None


def _number(words: Sequence[str], i: int) -> tuple[list[str], int] | None:
    """A number written in digits or in words, as digits: (its terms, tokens used), or None."""
    return _digits(words, i) or _decade_word(words, i) or _year(words, i) or _spoken(words, i)


def _ordinal(value: Decimal) -> str:
    n = int(value)
    ending = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{ending}"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 2000, not 2E+3; 1.5, not 1.50


def _digits(words: Sequence[str], i: int) -> tuple[list[str], int] | None:
    """"2,000", "1.5 million", "$5", "10%", "21st", "1990s", "'90s"."""
    word = words[i]
    if re.fullmatch(r"'\d0s", word):
        return [f"{'20' if word[1] == '0' else '19'}{word[1:3]}s"], 1
    found = _DIGITS.fullmatch(word)
    if not found:
        return None
    number, ending, used = found["number"], found["ending"] or "", 1
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", number):
        number = number.replace(",", "")
    try:
        value = Decimal(number)
    except InvalidOperation:
        return [word], 1  # "3,4": not one number
    if i + 1 < len(words) and words[i + 1] in _SCALES and not ending:  # "2 million"
        value, used = value * _SCALES[words[i + 1]], 2
    if ending in ("s", "'s") and len(number) in (2, 4) and number.endswith("0"):
        made = [f"{'' if len(number) == 4 else '20' if number == '00' else '19'}{number}s"]  # "90s" is 1990s
    elif ending in ("st", "nd", "rd", "th"):
        made = [_ordinal(value)]
    else:
        made = [_plain(value) + ending]
    if found["currency"]:
        made.append(_CURRENCIES[found["currency"]])
    if found["percent"]:
        made.append("percent")
    return made, used


def _small(words: Sequence[str], i: int) -> tuple[int, int, bool] | None:
    """A number under 100 in words ("twenty five", "fifteen", "twenty-first"): (value, tokens used, ordinal)."""
    if i >= len(words):
        return None
    word, following = words[i], words[i + 1] if i + 1 < len(words) else ""
    if word in _TENS:
        if 1 <= _UNITS.get(following, 0) <= 9:
            return _TENS[word] + _UNITS[following], 2, False
        if _UNIT_ORDINALS.get(following, 10) <= 9:
            return _TENS[word] + _UNIT_ORDINALS[following], 2, True
        return _TENS[word], 1, False
    if word in _UNITS:
        return _UNITS[word], 1, False
    if word in _UNIT_ORDINALS or word in _TEN_ORDINALS:
        return _UNIT_ORDINALS.get(word) or _TEN_ORDINALS[word], 1, True
    return None


def _decade_word(words: Sequence[str], i: int) -> tuple[list[str], int] | None:
    """"nineties" (1990s); "nineteen nineties" is read by `_year`."""
    return ([f"19{_DECADES[words[i]]}s"], 1) if words[i] in _DECADES else None


def _year(words: Sequence[str], i: int) -> tuple[list[str], int] | None:
    """A year or decade said in pairs: "nineteen ninety-nine" (1999), "twenty twenty" (2020),
    "nineteen oh five" (1905), "nineteen nineties" (1990s)."""
    first = _small(words, i)
    if first is None or first[2] or not 11 <= first[0] <= 99:
        return None
    century, k = first[0] * 100, i + first[1]
    following = words[k] if k < len(words) else ""
    if following in _DECADES:
        return [f"{century + _DECADES[following]}s"], first[1] + 1
    if following == "oh" and 1 <= _UNITS.get(words[k + 1] if k + 1 < len(words) else "", 0) <= 9:
        return [str(century + _UNITS[words[k + 1]])], first[1] + 2
    second = _small(words, k)
    if second is None or not 10 <= second[0] <= 99:
        return None
    value = Decimal(century + second[0])
    return [_ordinal(value) if second[2] else _plain(value)], first[1] + second[1]


def _spoken(words: Sequence[str], i: int) -> tuple[list[str], int] | None:
    """A number in words: "two thousand and five", "a hundred", "one point five", "twenty-first"."""
    total, group, j, seen, after_scale, ordinal = Decimal(0), Decimal(0), i, False, False, False
    while j < len(words) and not ordinal:
        word, following = words[j], words[j + 1] if j + 1 < len(words) else ""
        if word == "a" and not seen and (following in _SCALES or following in _SCALE_ORDINALS):
            group, seen, j = Decimal(1), True, j + 1
            continue
        if word == "and" and after_scale and _small(words, j + 1):
            j += 1
            continue
        scale = _SCALES.get(word) or _SCALE_ORDINALS.get(word)
        if scale:
            if not seen:
                break
            if scale == 100:
                group = (group or Decimal(1)) * 100
            else:
                total, group = total + (group or Decimal(1)) * scale, Decimal(0)
            ordinal, after_scale, j = word in _SCALE_ORDINALS, True, j + 1
            continue
        small = _small(words, j)
        if small is None or (seen and not after_scale):
            break
        group, j, ordinal = group + small[0], j + small[1], small[2]
        seen, after_scale = True, False
    if not seen:
        return None
    value = total + group
    if not ordinal and j + 1 < len(words) and words[j] == "point" and words[j + 1] in _UNITS:
        digits = []
        j += 1
        while j < len(words) and _UNITS.get(words[j], 10) <= 9:
            digits.append(str(_UNITS[words[j]]))
            j += 1
        value = Decimal(f"{int(value)}.{''.join(digits)}")
        if j < len(words) and words[j] in _SCALES:  # "one point five million"
            value, j = value * _SCALES[words[j]], j + 1
    return [_ordinal(value) if ordinal else _plain(value)], j - i
