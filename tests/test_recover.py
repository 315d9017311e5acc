"""The pass that decodes again speech the first pass skipped (stand-in transcriber: pure logic)."""

from __future__ import annotations

import numpy as np

from pipeline.transcribe import TranscribeOptions
from pipeline.transcribe.recover import RecoverOptions, recover, uncovered
from pipeline.types import Segment, Transcript, Word


def _w(s, e, t):
    return Word(s, e, " " + t)


def test_uncovered_finds_whole_silent_regions_and_long_gaps_inside_turns():
    regions = [(0.0, 5.0), (6.0, 6.3), (8.0, 9.0)]
    words = [_w(0.2, 0.6, "a"), _w(0.7, 1.0, "b"), _w(3.5, 4.8, "c"), _w(8.1, 8.9, "d")]
    # 1.3..3.2 inside the first region is lost speech; the 0.3 s reply at 6.0 has no word at all
    assert uncovered(regions, words) == [(1.3, 3.2), (6.0, 6.3)]
    assert uncovered(regions, words, RecoverOptions(min_region_s=0.5)) == [(1.3, 3.2)]
    assert uncovered([(0.0, 1.0)], [_w(0.1, 0.9, "all")]) == []


class Clips:
    """Stand-in: answers each clip with one segment, decoded as the test says."""

    engine, model_name = "fake", "fake"

    def __init__(self, answers):
        self.options = TranscribeOptions(model="fake")
        self.answers = answers
        self.seen = []

    def transcribe(self, samples, clips=None, options=None):
        self.seen.append((clips, options))
        segs = []
        for (a, b), (text, logprob) in zip(clips, self.answers):
            w = (_w(a + 0.3, a + 0.6, text),)
            segs.append(Segment(w[0].start, w[0].end, text, w, temperature=0.0, avg_logprob=logprob,
                                no_speech_prob=0.1, compression_ratio=1.0))
        return Transcript(tuple(segs), "en", "fake", "fake")


def test_recovered_words_are_kept_only_when_the_greedy_decode_passed_whispers_checks():
    first = Transcript((Segment(0.2, 1.0, "a b", (_w(0.2, 0.6, "a"), _w(0.7, 1.0, "b")), channel=1),),
                       "en", "fake", "fake")
    t = Clips([("yes", -0.4), ("garbled", -1.6)])
    out, gaps = recover(t, np.zeros(16000 * 10, np.float32), [(0.0, 1.0), (3.0, 3.5), (6.0, 6.4)], first)
    assert gaps == [(3.0, 3.5), (6.0, 6.4)]
    clips, options = t.seen[0]
    assert clips == [(2.7, 3.8), (5.7, 6.7)] and options.temperature_fallback is False
    assert [w.text.strip() for w in out.words] == ["a", "b", "yes"]  # the low-confidence clip is left out
    assert all(s.channel == 1 for s in out.segments)


def test_nothing_to_recover_decodes_nothing():
    first = Transcript((Segment(0.2, 1.0, "a", (_w(0.2, 0.9, "a"),)),), "en", "fake", "fake")
    t = Clips([])
    out, gaps = recover(t, np.zeros(16000 * 2, np.float32), [(0.1, 1.0)], first)
    assert out is first and gaps == [] and t.seen == []
