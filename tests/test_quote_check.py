"""An article's quotes checked against what was said and by whom.

Whisper's exact words differ between CPUs ("there's" on one, "there is" on another), so the articles here
are written at test time from the transcript of pyannote_sample.wav that the store holds: its sentences
quoted exactly, with a word changed, given to the other speaker, with a contraction written the other way.
The alignment rules themselves are checked on transcripts made by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli, run_json

from transcripts.document import SegmentDoc, SpeakerDoc, TranscriptDoc
from transcripts.editorial.quote_check import check_article, check_quotations
from transcripts.editorial.quotes import align, tokens
from transcripts.pipeline.asr import Word

CHECK_KEYS = {"quote", "status", "transcript_id", "start", "end", "speaker", "attributed_to", "speaker_match",
              "said", "diff", "equivalent", "spans"}
INVENTED = "We should all meet for coffee next week in Philadelphia"
CHANGED = "purple"  # the word put in place of one that was said
# Contractions and their long forms, as an article may print either (the test's own table, not the code's).
SHORT_TO_LONG = {"i'm": "I am", "didn't": "did not", "don't": "do not", "isn't": "is not", "it's": "it is",
                 "there's": "there is", "that's": "that is", "you're": "you are", "we're": "we are",
                 "can't": "cannot", "doesn't": "does not", "wasn't": "was not", "i've": "I have"}
LONG_TO_SHORT = {("there", "is"): "there's", ("is", "not"): "isn't", ("i", "am"): "I'm", ("do", "not"): "don't",
                 ("did", "not"): "didn't", ("it", "is"): "it's", ("that", "is"): "that's"}


@dataclass(frozen=True)
class Sentence:
    """A sentence as the store holds it: who said it and its words as written, with their times."""

    speaker: str
    words: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return " ".join(w["word"].strip() for w in self.words)

    @property
    def printed(self) -> str:
        """As an article prints a quote before "she said": the full stop becomes a comma."""
        return self.text[:-1] + "," if self.text.endswith(".") else self.text


def _core(word: str) -> str:
    return word.strip(".,?!;:").replace("’", "'")


def sentences(db: str) -> list[Sentence]:
    """The stored transcript's sentences: each speaker's consecutive words, cut after . ? !"""
    found: list[Sentence] = []
    for segment in run_json("show", "1", "--db", db)["segments"]:
        for word in segment["words"]:
            if not found or found[-1].speaker != segment["speaker"] or found[-1].text[-1:] in ".?!":
                found.append(Sentence(segment["speaker"], []))
            found[-1].words.append(word)
    return found


def _longest(said: list[Sentence], speaker: str) -> Sentence:
    return max((s for s in said if s.speaker == speaker), key=lambda s: len(s.words))


def with_a_word_changed(sentence: Sentence) -> tuple[str, str]:
    """The sentence as printed with a middle word (letters only) replaced, and the word that was said."""
    words = sentence.printed.split()
    plain = [i for i, w in enumerate(words) if _core(w).isalpha() and 0 < i < len(words) - 1]
    k = plain[len(plain) // 2]
    original = words[k]
    words[k] = original.replace(_core(original), CHANGED)
    return " ".join(words), original


def with_the_other_form(said: list[Sentence]) -> tuple[Sentence, str, str, str]:
    """A sentence of five words or more holding a contraction or its long form, printed with the other
    form: (sentence, as printed, the form printed, the form said)."""
    for sentence in (s for s in said if len(s.words) >= 5):
        words = sentence.printed.split()
        for i, word in enumerate(words):
            core = _core(word)
            if core.lower() in SHORT_TO_LONG:
                other = SHORT_TO_LONG[core.lower()]
                printed = words[:i] + [word.replace(core, other)] + words[i + 1:]
                return sentence, " ".join(printed), other, core
            pair = (core.lower(), _core(words[i + 1]).lower()) if i + 1 < len(words) else None
            if pair in LONG_TO_SHORT:
                other = LONG_TO_SHORT[pair]  # type: ignore[index]
                printed = words[:i] + [words[i + 1].replace(_core(words[i + 1]), other)] + words[i + 2:]
                return sentence, " ".join(printed), other, f"{core} {_core(words[i + 1])}"
    raise AssertionError(f"no contraction or long form in {[s.text for s in said]}")


def three_words_only(said: list[Sentence], speaker: str) -> str:
    """Three words in a row (letters only) that `speaker` said and the other speaker never did."""
    others = " ".join(_core(w["word"]).lower() for s in said if s.speaker != speaker for w in s.words)
    for sentence in sorted((s for s in said if s.speaker == speaker), key=lambda s: -len(s.words)):
        cores = [_core(w["word"]) for w in sentence.words]
        for i in range(len(cores) - 3, -1, -1):
            three = cores[i:i + 3]
            if all(c.isalpha() for c in three) and f" {' '.join(three).lower()} " not in f" {others} ":
                return " ".join(three)
    raise AssertionError(f"{speaker} said no three words of their own")


def add_article(db: str, tmp_path: Path, paragraphs: list[str]) -> tuple[str, str]:
    """The article added and linked to transcript 1: (its id, its body as stored)."""
    page = tmp_path / "article.md"
    page.write_text("# Two callers, two states\n\nBy Pat Reporter\n\n" + "\n\n".join(paragraphs) + "\n")
    article_id = str(run_json("article", "add", str(page), "--link", "1", "--db", db)["id"])
    return article_id, run_json("article", "show", article_id, "--db", db)["body"]


def printed_words(body: str, check: dict[str, Any]) -> list[str]:
    return [body[start:end] for start, end in check["spans"]]


def test_an_articles_quotes_are_checked_against_the_words_and_the_speaker(conversation: str, tmp_path: Path) -> None:
    said = sentences(conversation)
    interviewee, other = "Sheila Brown", "Diane Miller"
    exact, given_away = _longest(said, interviewee), _longest(said, other)
    altered, changed_word = with_a_word_changed(exact)
    swapped_sentence, swapped, form_printed, form_said = with_the_other_form(said)
    three = three_words_only(said, interviewee)
    article_id, body = add_article(conversation, tmp_path, [
        f"The call began by accident. “{exact.printed}” Sheila Brown said.",
        f"“{altered}” Sheila said.",
        f"“{INVENTED},” Diane said.",
        f"“{given_away.printed}” Sheila Brown told us.",
        f"“{three},” Diane admitted.",
        f"“{swapped}” {swapped_sentence.speaker} said.",
        "It was a “long distance” call between two states.",
    ])
    checks = run_json("quotes", "check", article_id, "--db", conversation)
    assert all(set(c) == CHECK_KEYS for c in checks)
    first, changed, invented, wrong, short, other_form = checks

    assert (first["status"], first["speaker"], first["attributed_to"], first["speaker_match"]) == \
        ("exact", interviewee, "Sheila Brown", True)
    assert (first["said"], first["start"], first["end"]) == \
        (exact.text, exact.words[0]["start"], exact.words[-1]["end"])
    assert (first["diff"], first["equivalent"], first["transcript_id"]) == ([], [], 1)

    assert (changed["status"], changed["speaker_match"]) == ("altered", True)
    [difference] = changed["diff"]
    assert difference["quoted"] == CHANGED and tokens(difference["said"]) == tokens(changed_word)
    assert 0 < difference["confidence"] <= 1 and difference["start"] < difference["end"]
    heard = run_json(*difference["listen"].split()[1:], "--db", conversation)  # the command hears the word
    assert heard["start"] <= difference["start"] and difference["end"] <= heard["end"]
    assert tokens(changed_word)[0] in tokens(heard["text"])

    assert (invented["status"], invented["speaker_match"], invented["start"], invented["said"]) == \
        ("not_found", None, None, None)
    assert (wrong["status"], wrong["speaker"], wrong["speaker_match"], wrong["said"]) == \
        ("exact", other, False, given_away.text)
    assert (short["quote"], short["status"], short["speaker"], short["attributed_to"], short["speaker_match"]) == \
        (f"{three},", "exact", interviewee, "Diane", False)
    assert (other_form["status"], other_form["speaker_match"], other_form["diff"]) == ("exact", True, [])
    assert other_form["equivalent"] == [{"quoted": form_printed, "said": form_said}]

    assert [printed_words(body, c) for c in checks] == [
        [exact.printed], [altered], [f"{INVENTED},"], [given_away.printed], [f"{three},"], [swapped]]
    verbose = run_json("quotes", "check", article_id, "--verbose", "--db", conversation)
    assert verbose[:-1] == checks
    assert (verbose[-1]["quote"], verbose[-1]["status"], printed_words(body, verbose[-1])) == \
        ("long distance", "set_aside", ["long distance"])

    text = run_cli("quotes", "check", article_id, "--strict", "--verbose", "--db", conversation)
    assert text.exit_code == 1
    assert "ATTRIBUTION: the article gives it to Sheila Brown" in text.stdout
    assert f"same words, another form: quoted {form_printed!r}, said {form_said!r}" in text.stdout
    assert "hear it: transcripts quote 1 --start" in text.stdout and "[set aside] “long distance”" in text.stdout
    assert "6 quotations checked, 1 scare quote or title set aside" in text.stderr
    plain = run_cli("quotes", "check", article_id, "--db", conversation)
    assert "[set aside]" not in plain.stdout and "(--verbose lists them)" in plain.stderr


def test_a_quote_found_from_its_wording_lists_the_forms_printed_another_way(conversation: str) -> None:
    sentence, swapped, form_printed, form_said = with_the_other_form(sentences(conversation))
    quote = run_json("quote", "1", "--text", swapped, "--db", conversation)
    assert (quote["status"], quote["diff"], quote["text"]) == ("exact", [], sentence.text)
    assert quote["equivalent"] == [{"quoted": form_printed, "said": form_said}]
    shown = run_cli("quote", "1", "--text", swapped, "--db", conversation)
    assert f"same words, another form: quoted {form_printed!r}, said {form_said!r}" in shown.stdout


def test_block_quotes_and_a_printed_q_and_a_are_checked_too(conversation: str, tmp_path: Path) -> None:
    said = sentences(conversation)
    sheila, diane = _longest(said, "Sheila Brown"), _longest(said, "Diane Miller")
    altered, changed_word = with_a_word_changed(sheila)
    article_id, body = add_article(conversation, tmp_path, [
        "How it went:", f"> {sheila.text}\n>\n> — Diane Miller",
        f"Diane Miller: {diane.text}", f"Sheila Brown: {altered}"])
    block, diane_answer, sheila_answer = run_json("quotes", "check", article_id, "--db", conversation)
    assert (block["status"], block["attributed_to"], block["speaker"], block["speaker_match"]) == \
        ("exact", "Diane Miller", "Sheila Brown", False)
    assert (diane_answer["status"], diane_answer["speaker_match"], diane_answer["said"]) == ("exact", True, diane.text)
    assert (sheila_answer["status"], sheila_answer["speaker"], sheila_answer["speaker_match"]) == \
        ("altered", "Sheila Brown", True)
    assert [(d["quoted"], tokens(d["said"])) for d in sheila_answer["diff"]] == [(CHANGED, tokens(changed_word))]
    assert [printed_words(body, c) for c in (block, diane_answer, sheila_answer)] == \
        [[sheila.text], [diane.text], [altered]]


def test_checking_needs_a_linked_transcript(conversation: str, data_dir: Path) -> None:
    shared = data_dir.parent / "articles" / "red-rocket-sean-baker-interview.html"
    added = run_json("article", "add", str(shared), "--db", conversation)["id"]
    unlinked = run_cli("quotes", "check", str(added), "--db", conversation)
    assert unlinked.exit_code == 1 and "linked to no transcript" in unlinked.output
    run_json("article", "link", str(added), "1", "--db", conversation)
    assert run_json("quotes", "check", str(added), "--db", conversation) == []  # the video holds the interview
    assert run_json("quotes", "check", str(added), "--verbose", "--db", conversation) == []


# The alignment rules, on transcripts made by hand.

DIANE, SHEILA = SpeakerDoc("S1", "Diane Miller"), SpeakerDoc("S2", "Sheila Brown")


def _spoken(*lines: tuple[SpeakerDoc, str]) -> TranscriptDoc:
    """A transcript made by hand, a second a word: for the alignment rules alone."""
    segments, clock = [], 0.0
    for index, (speaker, line) in enumerate(lines):
        words = []
        for text in line.split():
            words.append(Word(clock, clock + 0.9, text, 0.9))
            clock += 1.0
        segments.append(SegmentDoc(index, words[0].start, words[-1].end, speaker, line, words))
    return TranscriptDoc(1, "made by hand", clock, "en", "none", datetime(2026, 11, 25, tzinfo=UTC), "", "", {},
                         sorted({s for s, _ in lines}, key=lambda s: s.label), segments)


def test_words_written_with_hyphens_or_digit_groups_align_token_by_token() -> None:
    sean = SpeakerDoc("S1", "Sean Baker")
    doc = _spoken((sean, "It was a well-known place with 1,000 extras, all locals."))
    found = align(doc, "a well-known place with 1,000 extras")
    assert found is not None and found.status == "exact", found and found.differences
    assert found.passage.text == "a well-known place with 1,000 extras,"


def test_an_unnamed_speaker_neither_confirms_nor_contradicts_the_article() -> None:
    unnamed, sean = SpeakerDoc("S1", None), SpeakerDoc("S2", "Sean Baker")
    doc = _spoken((unnamed, "We shot the whole film in Texas City."), (sean, "I love working with first-timers."))
    body = ("“We shot the whole film in Texas City,” Baker said.\n\n"
            "“I love working with first-timers,” said Sean Smith.")
    texas, first_timers = check_article(body, [doc])
    assert (texas.status, texas.speaker_match) == ("exact", None)
    assert (first_timers.status, first_timers.speaker_match) == ("exact", False)  # same first name, not him


BOTH = _spoken((DIANE, "Hello? I didn't know you were there."), (SHEILA, "Neither did I."),
               (DIANE, "Neither did I, honestly. We shot the whole film in Texas City last summer."),
               (SHEILA, "Really? We shot the whole film in Texas City last summer too."))


@pytest.mark.parametrize(("name", "speakers", "match"), [
    ("Sheila", ["Sheila Brown", "Sheila Brown"], True), ("Diane Miller", ["Diane Miller", "Diane Miller"], True),
    ("Pat", ["Sheila Brown", "Diane Miller"], False)])  # someone else's words: the first to say them
def test_a_quote_both_speakers_said_is_credited_to_the_one_the_article_names(name: str, speakers: list[str],
                                                                            match: bool) -> None:
    checks = check_article(f"“Neither did I,” {name} said.\n\n"
                           f"“We shot the whole film in Texas City last summer,” {name} said.", [BOTH])
    assert [(c.status, c.speaker_match) for c in checks] == [("exact", match)] * 2
    assert [c.alignment and c.alignment.passage.speaker and c.alignment.passage.speaker.display
            for c in checks] == speakers


def test_the_named_speakers_near_match_gives_way_to_an_exact_one_by_someone_else() -> None:
    doc = _spoken((DIANE, "We shot most of the film in Texas City last summer."),
                  (SHEILA, "We shot the whole film in Texas City last summer."))
    [check] = check_article("“We shot the whole film in Texas City last summer,” Diane said.", [doc])
    assert (check.status, check.speaker_match) == ("exact", False)
    [near] = check_article("“We shot all of the film in Texas City last summer,” Diane said.", [doc])
    assert (near.status, near.speaker_match) == ("altered", True)  # nobody said it exactly: hers is preferred


def test_a_quote_of_under_five_words_counts_only_where_said_word_for_word() -> None:
    doc = _spoken((SHEILA, "Neither do I. They all call me a Yankee down here."))
    assert align(doc, "Neither did I") is None  # 2 of 3 words is chance, not a quote
    assert align(doc, "call me Yankee") is None
    found = align(doc, "call me a Yankee")
    assert found is not None and (found.status, found.passage.text) == ("exact", "call me a Yankee")
    longer = align(doc, "they all call me a Rebel down here")  # five words or more: altered
    assert longer is not None and [(d.quoted, d.said) for d in longer.differences] == [("rebel", "Yankee")]


def test_equivalent_forms_are_exact_and_listed_as_printed_and_as_said() -> None:
    doc = _spoken((SHEILA, "Well, there is not much difference. Prices rose ten percent in the nineties, okay?"),
                  (SHEILA, "We're gonna paint it colour by colour, two thousand houses."))
    found = align(doc, "There's not much difference. Prices rose 10% in the 1990s, OK?")
    assert found is not None and (found.status, found.differences) == ("exact", [])
    assert [(e.quoted, e.said) for e in found.equivalents] == [
        ("There's", "there is"), ("10%", "ten percent"), ("1990s", "nineties"), ("OK", "okay")]
    paint = align(doc, "we are going to paint it color by color, 2,000 houses")
    assert paint is not None and paint.status == "exact"
    assert [(e.quoted, e.said) for e in paint.equivalents] == [
        ("we are", "We're"), ("going to", "gonna"), ("color", "colour"), ("color", "colour"), ("2,000", "two thousand")]
    same = align(doc, "well there is not much difference")  # case and punctuation are not equivalences
    assert same is not None and (same.status, same.equivalents) == ("exact", [])


def test_altered_words_come_with_their_confidence_and_the_command_to_hear_them() -> None:
    doc = _spoken((SHEILA, "And I'm Sheila and Texas, originally from Chicago."))
    found = align(doc, "I'm Sheila in Texas, originally from Chicago")
    assert found is not None and found.status == "altered"
    [changed] = [d.as_json() for d in found.differences]
    assert changed == {"quoted": "in", "said": "and", "start": 3.0, "end": 3.9, "confidence": 0.9,
                       "listen": "transcripts quote 1 --start 2.00 --end 4.90"}  # a word either side
    left_out = align(doc, "I'm Sheila and Texas, originally, I think, from Chicago")
    assert left_out is not None
    assert [(d.quoted, d.said, d.listen) for d in left_out.differences] == [
        ("i think", "", "transcripts quote 1 --start 5.00 --end 6.90")]  # the words around the gap


def test_a_check_counts_the_scare_quotes_it_sets_aside() -> None:
    doc = _spoken((SHEILA, "Neither did I."), (DIANE, "This is Diane in New Jersey."))
    body = ("Critics called it “a blast.” “Neither did I,” Diane admitted.\n\n"
            "The answer was simple: “New Jersey.”\n\n“Yes,” she said. A “Yankee” is a northerner.")
    found = check_quotations(body, [doc])
    assert [(c.quotation.text, c.status, c.speaker_match) for c in found.checks] == [
        ("Neither did I,", "exact", False), ("New Jersey.", "exact", None), ("Yes,", "not_found", None)]
    assert [(q.text, [body[s:e] for s, e in q.spans]) for q in found.set_aside] == [
        ("a blast.", ["a blast."]), ("Yankee", ["Yankee"])]
    assert [c["status"] for c in found.as_json(set_aside=True)] == \
        ["exact", "exact", "not_found", "set_aside", "set_aside"]
    assert [c["status"] for c in found.as_json()] == ["exact", "exact", "not_found"]
