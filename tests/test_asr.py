"""Speech to text on real recordings: accuracy, word timings, languages, vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SAMPLE_MAX_WER, SECOND_PASS_COMPUTE_TYPE

from transcripts.pipeline import media
from transcripts.pipeline.asr import DecodeOptions, Transcriber, Transcription, Word, speech_without_words
from transcripts.pipeline.evaluate import JFK_TEXT, normalise, recordings_dir, stm_text, wer
from transcripts.pipeline.models import resolve_model


def transcribe(transcriber: Transcriber, path: Path, **options: object) -> Transcription:
    audio = media.samples(media.decode(media.probe(path)))
    return transcriber.transcribe(audio, DecodeOptions(**options))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def sample(transcriber: Transcriber, data_dir: Path) -> Transcription:
    return transcribe(transcriber, data_dir / "pyannote_sample.wav")


def text(transcription: Transcription) -> str:
    return " ".join(s.text for s in transcription.segments)


def test_default_model_word_error_rate_on_phone_conversation_is_at_most_0_24(
        sample: Transcription, data_dir: Path) -> None:
    """Measured 0.160-0.210 over int8 / float32, beam 5 / 1 and three CPU kernel sets (docs/benchmarks.md,
    bench/asr_settings.py): the bound leaves two words of slack over 81 above the worst of them."""
    assert wer(stm_text(data_dir / "pyannote_sample.stm"), text(sample)) <= SAMPLE_MAX_WER


def test_jfk_is_transcribed_almost_exactly(transcriber: Transcriber, data_dir: Path) -> None:
    result = transcribe(transcriber, data_dir / "fw_jfk.flac")
    assert wer(JFK_TEXT, text(result)) <= 0.05  # 0.000 at every setting measured
    assert result.language == "en"


def test_word_timestamps_fall_inside_their_segment_and_increase(sample: Transcription) -> None:
    previous = 0.0
    for segment in sample.segments:
        assert segment.words
        for word in segment.words:
            assert segment.start - 0.01 <= word.start <= word.end <= segment.end + 0.01
            assert word.start >= previous
            previous = word.start
    assert sample.segments[-1].end <= sample.duration + 0.01


def test_speech_that_changes_language_is_written_in_each_language(
        transcriber: Transcriber, data_dir: Path) -> None:
    result = transcribe(transcriber, data_dir / "fw_multilingual.mp3")
    words = set(normalise(text(result)).split())  # all seven words at every setting measured
    assert {"permission", "software", "granted"} <= words  # the English half
    assert {"der", "die", "und", "zu"} <= words  # the German half, not translated into English


def test_vocabulary_spells_a_name_as_given_where_the_bare_model_does_not(
        transcriber: Transcriber, data_dir: Path) -> None:
    """The speaker says "ComfyUI" twice. Whether the bare model gets it right depends on the CPU's kernels
    (here it writes "confu i"), so the vocabulary is shown deciding with a spelling that no model finds by
    itself, "KomfyUI", and the real name is then found joined or, on some kernels, as "Comfy UI"."""
    recording = data_dir / "fw_hotwords.mp3"
    bare = transcribe(transcriber, recording)
    spelled = transcribe(transcriber, recording, vocabulary=("KomfyUI",))
    assert "komfyui" not in normalise(text(bare)).replace(" ", "")
    assert [w.text.strip(".,") for w in spelled.words].count("KomfyUI") == 2
    assert normalise(text(bare)).split() != normalise(text(spelled)).split()
    named = transcribe(transcriber, recording, vocabulary=("ComfyUI",))
    assert normalise(text(named)).replace(" ", "").count("comfyui") == 2


SAMPLE_INTERVIEW = Path(__file__).resolve().parents[1] / "media" / "sample_interview.mp3"


def test_the_second_pass_setting_changes_the_words_of_the_recordings_it_runs_on(models_dir: Path) -> None:
    """`make test` runs the speech-marked tests again with whisper at SECOND_PASS_COMPUTE_TYPE: a pass that
    proves nothing unless the words change. Which words change depends on the CPU's int8 kernels (measured:
    2 words of the phone call and 12 of the interview on an AVX-512 machine without VNNI; only the
    interview's on one with VNNI), so the pass must change the words of at least one of the two."""
    model = resolve_model("base", models_dir)
    default, other = Transcriber(model), Transcriber(model, compute_type=SECOND_PASS_COMPUTE_TYPE)
    assert default.compute_type != other.compute_type
    changed = []
    for path, vocabulary in [(recordings_dir() / "pyannote_sample.wav", ()),
                             (SAMPLE_INTERVIEW, ("Sean Baker", "Red Rocket", "Simon Rex"))]:  # as test_topics
        first, second = (text(transcribe(t, path, vocabulary=vocabulary)) for t in (default, other))
        if normalise(first).split() != normalise(second).split():
            changed.append(path.name)
    assert changed, "whisper at int8 and at the second pass's compute type wrote the same words"


def test_speech_without_words_measures_the_speech_inside_each_gap_between_words() -> None:
    words = [Word(1.0, 1.5, "a", 1.0), Word(5.0, 5.5, "b", 1.0)]
    regions = [(0.8, 2.6), (3.0, 4.1), (5.0, 9.0)]
    # 1.1 s + 1.1 s of speech between the words; 3.5 s after the last one.
    assert speech_without_words(regions, words, 10.0, min_speech=1.5) == [(1.5, 4.1), (5.5, 9.0)]
    assert speech_without_words(regions, words, 10.0, min_speech=3.0) == [(5.5, 9.0)]
    assert speech_without_words(regions, [], 10.0, min_speech=1.5) == [(0.8, 9.0)]
