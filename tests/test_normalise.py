"""Words as a quote check compares them: each class of forms that say the same thing, and what stays apart."""

from __future__ import annotations

import pytest

from transcripts.editorial.normalise import Term, Token, normalised, terms, tokenize


def same(printed: str, said: str) -> bool:
    return normalised(printed) == normalised(said)


@pytest.mark.parametrize(("printed", "said"), [
    ("there's", "there is"), ("isn't", "is not"), ("gonna", "going to"), ("I'm", "I am"), ("don't", "do not"),
    ("won't", "will not"), ("can't", "cannot"), ("can't", "can not"), ("we're", "we are"), ("they've", "they have"),
    ("you'll", "you will"), ("let's", "let us"), ("wanna", "want to"), ("kinda", "kind of"), ("dunno", "do not know"),
    ("she's been", "she has been"), ("I'd been", "I had been"), ("I'd like", "I would like"),
    ("It’s", "it is"), ("there’s not", "there isn't"),
])
def test_contractions_are_their_long_forms(printed: str, said: str) -> None:
    assert same(printed, said)


@pytest.mark.parametrize(("printed", "said"), [
    ("ten percent", "10%"), ("10 per cent", "10%"), ("1990s", "nineties"), ("the '90s", "the nineties"),
    ("the 90s", "the 1990s"), ("nineteen nineties", "1990s"), ("the 2000s", "the 00s"), ("two thousand", "2,000"),
    ("2000", "2,000"), ("twenty-five", "25"), ("nineteen eighty-four", "1984"), ("twenty twenty", "2020"),
    ("nineteen oh five", "1905"), ("two thousand and five", "2005"), ("a hundred", "100"),
    ("three hundred and twelve", "312"), ("two hundred thousand", "200,000"), ("1.5 million", "one point five million"),
    ("2 million", "two million"), ("twenty-first", "21st"), ("third", "3rd"), ("$5", "five dollars"),
    ("£20", "twenty pounds"), ("zero", "0"),
])
def test_numbers_in_words_are_their_digits(printed: str, said: str) -> None:
    assert same(printed, said)


@pytest.mark.parametrize(("printed", "said"), [("OK", "okay"), ("O.K.", "okay"), ("ok", "Okay"), ("alright", "all right")])
def test_ok_is_okay(printed: str, said: str) -> None:
    assert same(printed, said)


@pytest.mark.parametrize(("printed", "said"), [
    ("colour", "color"), ("colours", "colors"), ("favourite", "favorite"), ("realised", "realized"),
    ("organisation", "organization"), ("centre", "center"), ("theatre", "theater"), ("travelled", "traveled"),
    ("grey", "gray"), ("analyse", "analyze"), ("defence", "defense"), ("programme", "program"),
    ("the colour's gone", "the color's gone"),
])
def test_british_spellings_are_american_ones(printed: str, said: str) -> None:
    assert same(printed, said)


@pytest.mark.parametrize(("printed", "said"), [
    ("Well-known, OK?", "well known okay"), ("“Hello,” there.", "hello there"), ("Mr. Baker", "Mister Baker"),
])
def test_case_hyphens_punctuation_and_titles_do_not_count(printed: str, said: str) -> None:
    assert same(printed, said)


@pytest.mark.parametrize(("printed", "said"), [
    ("Sheila's", "Sheila is"),  # a possessive, not a contraction
    ("ten", "eleven"), ("1990s", "1980s"), ("two thousand", "two hundred"), ("1,000", "100"), ("10%", "10"),
    ("twenty five", "twenty"), ("one two three", "123"), ("colour", "colon"), ("there's", "there was"),
    ("hundreds", "100s"),
])
def test_different_words_stay_different(printed: str, said: str) -> None:
    assert not same(printed, said)


def test_tokens_keep_their_place_in_the_text() -> None:
    text = "“There’s 1,000 well-known ‘extras’, $5.50 and 10% — O’Brien’s 21st"
    assert [(t.text, text[t.start:t.end]) for t in tokenize(text)] == [
        ("there's", "There’s"), ("1,000", "1,000"), ("well", "well"), ("known", "known"), ("extras", "extras"),
        ("$5.50", "$5.50"), ("and", "and"), ("10%", "10%"), ("o'brien's", "O’Brien’s"), ("21st", "21st")]
    assert tokenize("It ends in 2020.") == [Token("it", 0, 2), Token("ends", 3, 7), Token("in", 8, 10),
                                            Token("2020", 11, 15)]


def test_each_term_remembers_the_tokens_it_came_from() -> None:
    assert terms(["there's", "two", "thousand", "colours"]) == [
        Term("there", 0, 0), Term("is", 0, 0), Term("2000", 1, 2), Term("colors", 3, 3)]
    assert terms(["10%", "ten", "per", "cent"]) == [
        Term("10", 0, 0), Term("percent", 0, 0), Term("10", 1, 1), Term("percent", 2, 3)]
