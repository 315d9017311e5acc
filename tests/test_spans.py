"""Speech spans packed into few windows and mapped back: the clock, the sources, the window limit."""

from __future__ import annotations

import numpy as np

from pipeline.transcribe.spans import MAX_S, pack, transcribe_spans, unpack
from pipeline.types import SAMPLE_RATE, Segment, Transcript, Word


def _ramp(seconds: float, offset: float = 0.0) -> np.ndarray:
    """A source whose every sample says where it lies (s), to check the cut-outs."""
    return (np.arange(int(seconds * SAMPLE_RATE), dtype=np.float64) / SAMPLE_RATE + offset).astype(np.float32)


def test_pieces_are_cut_out_with_lead_and_pad_and_joined_with_a_gap():
    x = _ramp(20.0)
    p = pack([x], [[(1.0, 2.0), (5.0, 6.0)]], lead_s=0.8, pad_s=0.2, gap_s=0.5)
    assert len(p.pieces) == 2 and abs(p.samples.shape[0] / SAMPLE_RATE - 2 * (0.8 + 1.0 + 0.2 + 0.5)) < 1e-3
    second = p.pieces[1]
    assert abs(second.source_start - 4.2) < 1e-3  # 5.0 less the lead
    assert abs(p.samples[int(second.start * SAMPLE_RATE) + 10] - 4.2) < 1e-2  # the audio is the source's there
    assert p.windows == ((0.0, second.end),)  # both in one window


def test_windows_hold_at_most_max_s_and_long_spans_are_cut():
    a, b = _ramp(120.0), _ramp(120.0, offset=1000.0)
    spans_a = [(float(i), i + 2.0) for i in range(0, 100, 4)]  # 25 short turns
    p = pack([a, b], [spans_a, [(10.0, 80.0)]])  # and one 70 s monologue
    assert all(e - s <= MAX_S + 1e-6 for s, e in p.windows)
    for s, e in p.windows:  # windows are cut between pieces only
        assert all(q.end <= e or q.start >= e for q in p.pieces)
    long = [q for q in p.pieces if q.source == 1]
    assert len(long) >= 3 and all(q.end - q.start <= MAX_S for q in long)
    # 25 turns of 2 s and the monologue fill few windows, not 28
    speech = sum(q.end - q.start for q in p.pieces) + 0.4 * (len(p.pieces) - 1)
    assert len(p.windows) <= speech / MAX_S + 2


def test_words_go_back_to_their_source_and_clock_and_drifted_words_to_the_nearer_piece():
    a, b = _ramp(30.0), _ramp(30.0)
    p = pack([a, b], [[(2.0, 3.0), (8.0, 9.0)], [(10.0, 11.0)]], lead_s=0.2, pad_s=0.2, gap_s=0.8)
    pa, pa2, pb = p.pieces
    words = (Word(pa.start + 0.3, pa.start + 0.6, " one"),
             Word(pa.end + 0.05, pa.end + 0.25, " late"),  # drifted into the gap, nearer its own piece
             Word(pa2.start - 0.2, pa2.start - 0.05, " early"),  # nearer the next piece of the same source
             Word(pa2.end + 0.5, pa2.end + 0.7, " lost"),  # deep in the silence before the other source
             Word(pb.start + 0.5, pb.start + 0.8, " two"))
    got = unpack(Transcript((Segment(words[0].start, words[-1].end, "", words),), "en", "x", "x", {}), p, 2)
    assert [[(w.text, round(w.start, 2), round(w.end, 2)) for w in t.words] for t in got] == [
        [(" one", 2.1, 2.4), (" late", 3.0, 3.2), (" early", 7.8, 7.95)], [(" two", 10.3, 10.6)]]
    assert got[0].segments[0].text == "one late early" and got[1].segments[0].start == got[1].words[0].start


class Recording:
    engine, model_name = "rec", "rec"

    def __init__(self):
        from pipeline.transcribe import TranscribeOptions

        self.options = TranscribeOptions(model="rec")
        self.calls = []

    def transcribe(self, samples, clips=None, options=None):
        from .conftest import energy_regions

        self.calls.append((len(samples) / SAMPLE_RATE, clips))  # a word in the middle of every loud stretch
        words = tuple(Word((s + e) / 2 - 0.1, (s + e) / 2 + 0.1, f" w{i}")
                      for i, (s, e) in enumerate(energy_regions(samples)))
        return Transcript((Segment(words[0].start, words[-1].end, "", words),) if words else (), "en", "rec", "rec", {})


def test_one_engine_call_for_every_source_and_nothing_to_read_is_no_call():
    t = Recording()
    out = transcribe_spans(t, [_ramp(60.0), _ramp(60.0)], [[(1.0, 3.0), (40.0, 42.0)], [(5.0, 7.0)]])
    assert len(t.calls) == 1 and len(t.calls[0][1]) == 1  # both sources' speech fills one window
    assert [len(x.words) for x in out] == [2, 1] and abs(out[1].words[0].start - 5.9) < 0.06
    t2 = Recording()
    assert [x.words for x in transcribe_spans(t2, [_ramp(5.0)], [[]])] == [()] and t2.calls == []


def test_no_audio_is_read_twice_where_a_long_stretch_is_cut():
    x = _ramp(200.0)
    p = pack([x], [[(5.0, 150.0), (151.0, 152.0)]], lead_s=0.8, pad_s=0.8)
    own = sorted((q.source_start, q.source_start + q.end - q.start) for q in p.pieces)
    assert len(own) >= 5 and all(b0 <= a1 + 1e-6 for (_, b0), (a1, _) in zip(own, own[1:]))  # never overlapping
    assert abs(own[0][0] - 4.2) < 1e-3 and abs(own[-1][1] - 152.8) < 1e-3  # the stretch's own margins kept
    assert all(abs(b0 - a1) < 1e-6 for (_, b0), (a1, _) in zip(own[:-2], own[1:-1]))  # the cuts meet exactly
