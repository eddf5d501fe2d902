"""Quotations in article text: what counts as one, how split and run-on quotes join, and who said it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from transcripts.editorial.quotations import Quotation, Quotations, find_quotations, read_quotations
from transcripts.pipeline.evaluate import recordings_dir

SPEAKERS = ["Sean Baker", "Joey Magidson"]


def found(body: str, *, min_words: int = 4, names: Sequence[str] = ()) -> list[tuple[str, str | None, str]]:
    """What the rules decide for each quotation: its words, its speaker and its kind."""
    return [(q.text, q.attributed_to, q.kind) for q in find_quotations(body, min_words=min_words, names=names)]


# Rule 1: what counts as a quotation.

def test_curly_and_straight_double_quotes_are_both_quotations() -> None:
    body = '“We shot the whole film in Texas City,” Baker said. Bergoch said, "It was his idea from the start."'
    assert found(body) == [("We shot the whole film in Texas City,", "Baker", "inline"),
                           ("It was his idea from the start.", "Bergoch", "inline")]


def test_single_quotes_are_titles_or_nested_quotes_not_quotations() -> None:
    assert found("Baker’s ‘Red Rocket’ follows ‘Tangerine’, a film he calls his 'little miracle of a shoot'.") == []
    assert found("“Everyone kept saying ‘this will never work’ to me,” Baker said.") == [
        ("Everyone kept saying ‘this will never work’ to me,", "Baker", "inline")]


def test_quotes_shorter_than_min_words_are_scare_quotes_and_skipped() -> None:
    body = "Critics called it “a blast” and “Red Rocket” a “crowd-pleaser with real teeth,” Baker noted."
    assert found(body) == [("crowd-pleaser with real teeth,", "Baker", "inline")]
    assert [text for text, _, _ in found(body, min_words=2)] == ["a blast", "Red Rocket",
                                                                 "crowd-pleaser with real teeth,"]


def test_attributed_quotations_are_kept_however_short_and_the_rest_set_aside() -> None:
    body = ("“Neither did I,” Diane admitted. Critics called it “a blast.”\n\n“Yes,” she said.\n\n"
            "The answer was simple: “No.”\n\nA “Yankee” is what they call me, “down here.”")
    found = read_quotations(body)
    assert [(q.text, q.attributed_to, q.paragraph) for q in found.quotations] == [
        ("Neither did I,", "Diane", 0), ("Yes,", None, 1), ("No.", None, 2)]
    assert [(q.text, q.attributed_to, q.paragraph) for q in found.set_aside] == [
        ("a blast.", None, 0), ("Yankee", None, 3), ("down here.", None, 3)]
    assert find_quotations(body) == found.quotations


def test_apostrophes_inside_words_do_not_break_quotes() -> None:
    body = "They’ve said it's “the best thing they’ve ever done, and it's true,” Baker said of the cast's work."
    assert found(body) == [("the best thing they’ve ever done, and it's true,", "Baker", "inline")]


# Rule 2: a quote split by its attribution is one quotation.

def test_split_quote_ends_the_first_sentence_when_the_second_part_starts_a_new_one() -> None:
    body = "“I wanted to make a film about Texas,” Baker said. “It felt like home.”"
    assert found(body) == [("I wanted to make a film about Texas. It felt like home.", "Baker", "inline")]


def test_split_quote_drops_the_comma_when_the_second_part_goes_on_with_the_sentence() -> None:
    body = "“I think,” she said, “that we won the whole thing.”"
    assert found(body) == [("I think that we won the whole thing.", None, "inline")]


def test_quotes_with_their_own_attributions_are_not_joined() -> None:
    body = "“We shot it in Texas City,” Baker said. “I was not so sure at first,” Rex said."
    assert found(body) == [("We shot it in Texas City,", "Baker", "inline"),
                           ("I was not so sure at first,", "Rex", "inline")]


# Rule 3: attribution.

@pytest.mark.parametrize(("body", "speaker"), [
    ("“We shot the whole film in Texas City,” Baker said.", "Baker"),
    ("“We shot the whole film in Texas City,” said Sean Baker.", "Sean Baker"),
    ("“We shot the whole film in Texas City,” Baker explained to the crowd.", "Baker"),
    ("Baker said, “We shot the whole film in Texas City.”", "Baker"),
    ("Asked about locations, Baker told me: “We shot the whole film in Texas City.”", "Baker"),
    ("“We shot the whole film in Texas City,” Sean Baker, who co-wrote it with Bergoch, said.", "Sean Baker"),
    ("The shoot was quick, according to J.J. Abrams: “We shot the whole film in Texas City.”", "J.J. Abrams"),
    ("“We shot the whole film in Texas City,” according to Jean-Luc O’Brien.", "Jean-Luc O’Brien"),
    ("“Why did you shoot the whole film in Texas?” Magidson asked.", "Magidson"),
    ("“We shot the whole film in Texas City,” Baker went on.", "Baker"),
    ("Baker: “We shot the whole film in Texas City.”", "Baker"),
    ("Then Baker said, “We shot the whole film in Texas City.”", "Baker"),
    ("“We shot the whole film in Texas City,” she said.", None),
    ("They laughed, “We shot the whole film in Texas City.”", None),
    ("“We shot the whole film in Texas City,” I added.", None),
    ("“We shot the whole film in Texas City.”", None),
])
def test_the_speaker_comes_from_the_attribution_and_pronouns_name_no_one(body: str, speaker: str | None) -> None:
    [quotation] = find_quotations(body)
    assert (quotation.attributed_to, quotation.kind) == (speaker, "inline")


def test_a_known_speaker_name_counts_in_other_constructions_of_the_same_sentence() -> None:
    body = "Baker, laughing, said “we shot the whole film in Texas City.”"
    assert found(body) == [("we shot the whole film in Texas City.", None, "inline")]
    assert found(body, names=SPEAKERS) == [("we shot the whole film in Texas City.", "Baker", "inline")]
    after = "“We shot the whole film in Texas City,” Sean Baker, grinning widely, recalled."
    assert found(after, names=SPEAKERS) == [("We shot the whole film in Texas City,", "Sean Baker", "inline")]


def test_names_elsewhere_in_the_paragraph_are_not_attributions() -> None:
    body = ("Baker grew up in New Jersey. Asked about Texas, the producer recalled, “We shot the whole film in "
            "Texas City.” Baker smiled.")
    assert found(body, names=SPEAKERS) == [("We shot the whole film in Texas City.", None, "inline")]


# Rule 4: block quotations.

def test_a_block_quote_is_one_quotation_signed_by_its_last_line_and_unwrapped() -> None:
    body = "> “We shot the whole film in Texas City,\n> over one very hot summer.”\n> — Sean Baker"
    assert found(body) == [("We shot the whole film in Texas City, over one very hot summer.", "Sean Baker", "block")]
    assert found("> Short and sweet.\n> -- Chris Bergoch") == [("Short and sweet.", "Chris Bergoch", "block")]
    assert found("> Nobody signed this one.") == [("Nobody signed this one.", None, "block")]
    assert found("> Signed below.\n\n> — Sean Baker, director") == [("Signed below.", "Sean Baker", "block")]


@pytest.mark.parametrize(("lead_in", "speaker"), [
    ("After the screening, Baker said:", "Baker"),
    ("Sean Baker told me:", "Sean Baker"),
    ("On casting Simon Rex, says Baker:", "Baker"),
    ("It went on like that. She said:", None),
    ("Here is what the crew remembers:", None),
])
def test_a_block_quote_takes_its_speaker_from_the_paragraph_introducing_it(lead_in: str, speaker: str | None) -> None:
    body = f"{lead_in}\n\n> It felt like home.\n\n> And we all knew it."
    assert [(q.text, q.attributed_to, q.paragraph) for q in find_quotations(body)] == [
        ("It felt like home.", speaker, 1), ("And we all knew it.", speaker, 2)]


# Rule 5: Q&A transcripts printed in the article.

QA = """Q: How did Red Rocket come about?

A: We were stuck at home in 2020, and I said "let's shoot something small in Texas."

It came together in weeks.

Q: Was it hard?

A: Yes.

Red Rocket is now in theaters."""


def test_q_and_a_paragraphs_are_quotations_without_speakers_unless_the_article_names_them() -> None:
    answer = "We were stuck at home in 2020, and I said \"let's shoot something small in Texas.\" It came together in weeks."
    assert [(q.text, q.attributed_to, q.kind, q.paragraph) for q in find_quotations(QA)] == [
        ("How did Red Rocket come about?", None, "qa", 0), (answer, None, "qa", 1),
        ("Was it hard?", None, "qa", 3), ("Yes.", None, "qa", 4)]
    named = "Questions by Joey Magidson; answers from Sean Baker.\n\n" + QA
    assert [q.attributed_to for q in find_quotations(named)] == ["Joey Magidson", "Sean Baker"] * 2
    assert [q.attributed_to for q in find_quotations(QA + "\n\n(Q = Joey Magidson)")] == ["Joey Magidson", None] * 2


def test_speaker_labels_name_the_speaker_and_run_on_paragraphs_stay_theirs() -> None:
    body = ("Joey Magidson: How did you cast Simon Rex?\n\nSean Baker: Well, I had followed him online.\n\n"
            "He was “exactly the guy,” honestly.\n\nJoey Magidson: Great.")
    assert found(body) == [("How did you cast Simon Rex?", "Joey Magidson", "qa"),
                           ("Well, I had followed him online. He was “exactly the guy,” honestly.", "Sean Baker", "qa"),
                           ("Great.", "Joey Magidson", "qa")]


def test_a_lone_label_is_a_q_and_a_only_for_a_known_speaker_and_never_a_headline() -> None:
    assert found("Sean Baker: Well, I had followed him online.") == []
    assert found("Sean Baker: Well, I had followed him online.", names=SPEAKERS) == [
        ("Well, I had followed him online.", "Sean Baker", "qa")]
    assert found("Interview: Filmmaker Sean Baker Details How ‘Red Rocket’ Blasted Off\n\nSean Baker: Hi there.",
                 names=SPEAKERS) == [("Hi there.", "Sean Baker", "qa")]


# Rule 6: a paragraph is counted once.

def test_quotes_inside_q_and_a_or_block_paragraphs_are_not_counted_again() -> None:
    body = ('Q: Did you say “we shot the whole film in Texas City”?\n\nA: I did, yes, I really did.\n\n'
            '> “We shot the whole film in Texas City,” Baker said.')
    assert found(body) == [("Did you say “we shot the whole film in Texas City”?", None, "qa"),
                           ("I did, yes, I really did.", None, "qa"),
                           ("“We shot the whole film in Texas City,” Baker said.", None, "block")]


# Rule 7: a quote running over several paragraphs.

def test_a_quote_reopened_in_the_next_paragraph_is_one_quotation() -> None:
    body = ("“We shot the whole film in Texas City.\n\n“Everyone there helped.\n\n"
            "“It felt like home,” Baker said.\n\n“This one is separate,” Rex said.")
    assert [(q.text, q.attributed_to, q.paragraph) for q in find_quotations(body)] == [
        ("We shot the whole film in Texas City. Everyone there helped. It felt like home,", "Baker", 0),
        ("This one is separate,", "Rex", 3)]


def test_each_quotation_knows_where_its_words_stand_in_the_body() -> None:
    """Offsets in the body as given (leading space and line breaks included), one span per part, paragraph of
    a run-on quote, line of a block quote and paragraph of a Q&A answer; quote marks and labels left out."""
    body = ("\n  “I  think,”\nshe said, “that we won.”\n\n“We shot it in Texas.\n\n“Everyone helped,” Baker said."
            "\n\n> “The desert doesn’t care.\n> You wait.”\n> — Maya Lind\n\nQ: Why film?\n\n"
            "A: Because of the grain.\n\nIt was the only choice.\n\nQ: Next?\n\nCritics called it “a blast.”")
    found = read_quotations(body)
    assert [[body[start:end] for start, end in q.spans] for q in found.quotations] == [
        ["I  think,", "that we won."], ["We shot it in Texas.", "Everyone helped,"],
        ["The desert doesn’t care.", "You wait."], ["Why film?"], ["Because of the grain.", "It was the only choice."],
        ["Next?"]]
    assert [[body[start:end] for start, end in q.spans] for q in found.set_aside] == [["a blast."]]


def test_as_json_is_the_plain_fields() -> None:
    assert Quotation("It felt like home.", "Baker", "inline", 2, ((40, 58),)).as_json() == {
        "text": "It felt like home.", "attributed_to": "Baker", "kind": "inline", "paragraph": 2,
        "spans": [[40, 58]]}


ARTICLE = """Interview: Director Maya Lind on Making ‘Salt Flats’

Maya Lind has spent a decade making small films about big landscapes. Her new feature, ‘Salt Flats’, is her "most personal" yet.

“I wanted to make a film about the desert,” Lind said. “It felt like home.”

Lind told me, “Every shot was planned around the light at five in the morning.”

“We lost two weeks to the wind,” said Tom Hale, her producer.

The crew, according to Hale, “never once complained about the five o’clock calls.”

Later, Lind told me:

> “The desert doesn’t care about your schedule.
> You wait, or you go home.”

Below is part of our conversation, lightly edited. Questions by Joey Magidson.

Q: Why shoot on film?

Maya Lind: Because the grain feels like sand. Digital looked "too clean, too polite."

It was the only choice.

Q: What’s next?

Maya Lind: Another desert, honestly.

‘Salt Flats’ opens Friday."""


def test_a_filmmaker_interview_yields_each_quotation_once_with_its_speaker() -> None:
    assert found(ARTICLE, names=["Maya Lind", "Joey Magidson"]) == [
        ("I wanted to make a film about the desert. It felt like home.", "Lind", "inline"),
        ("Every shot was planned around the light at five in the morning.", "Lind", "inline"),
        ("We lost two weeks to the wind,", "Tom Hale", "inline"),
        ("never once complained about the five o’clock calls.", "Hale", "inline"),
        ("The desert doesn’t care about your schedule. You wait, or you go home.", "Lind", "block"),
        ("Why shoot on film?", "Joey Magidson", "qa"),
        ('Because the grain feels like sand. Digital looked "too clean, too polite." It was the only choice.',
         "Maya Lind", "qa"),
        ("What’s next?", "Joey Magidson", "qa"),
        ("Another desert, honestly.", "Maya Lind", "qa"),
    ]


def test_the_red_rocket_article_quotes_no_speech() -> None:
    """The published article's interview is a video: its text has titles in single quotes and no quotations."""
    path = recordings_dir().parent / "articles" / "red-rocket-sean-baker-interview.txt"
    if not path.exists():
        pytest.fail(f"article not found: {path} (set TRANSCRIPTS_TEST_DATA)")
    text = path.read_text()
    assert "‘Red Rocket’" in text and "Interview: Filmmaker Sean Baker" in text
    assert find_quotations(text) == []
    assert read_quotations(text, names=SPEAKERS) == read_quotations(text) == Quotations([], [])
