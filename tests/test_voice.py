"""Rep by voiceprint: the decision rules (pure) and the plumbing from catalog to analysis (stand-in encoder)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.audio import write_wav
from pipeline.batch import run_batch
from pipeline.catalog import Catalog
from pipeline.engines import Engines, RunOptions
from pipeline.roles.voice import VoiceBook, match
from pipeline.transcribe import TranscribeOptions
from pipeline.types import SAMPLE_RATE

from .conftest import FakeChannelDiarizer, FakeDiarizer, FakeTranscriber, tone

BOOK = VoiceBook({"ann": np.array([1.0, 0.0]), "bo": np.array([0.0, 1.0])})
SPEAKERS = ("SPEAKER_00", "SPEAKER_01")


def test_a_known_reps_voice_picks_their_speaker():
    roles, ev = match(BOOK, {"SPEAKER_00": {"ann": 0.62, "bo": 0.5}, "SPEAKER_01": {"ann": 0.91, "bo": 0.4}},
                      SPEAKERS, "ann")
    assert roles.roles == {"SPEAKER_00": "buyer", "SPEAKER_01": "rep"} and roles.method == "voice"
    assert ev["rep"] == "ann" and ev["speaker"] == "SPEAKER_01" and ev["similarity"] == 0.91


def test_an_unclear_voice_leaves_the_transcript_guess():
    roles, ev = match(BOOK, {"SPEAKER_00": {"ann": 0.74}, "SPEAKER_01": {"ann": 0.72}}, SPEAKERS, "ann")
    assert roles is None and "no speaker matches ann's voiceprint clearly" in ev["decision"]
    roles, ev = match(BOOK, {"SPEAKER_00": {"ann": 0.6}, "SPEAKER_01": {"ann": 0.3}}, SPEAKERS, "ann")
    assert roles is None  # the best is too far from the voiceprint


def test_an_unknown_rep_is_named_by_the_best_clear_match():
    roles, ev = match(BOOK, {"SPEAKER_00": {"ann": 0.3, "bo": 0.88}, "SPEAKER_01": {"ann": 0.5, "bo": 0.41}},
                      SPEAKERS, None)
    assert ev["rep"] == "bo" and roles.roles["SPEAKER_00"] == "rep"
    roles, ev = match(BOOK, {"SPEAKER_00": {"ann": 0.79, "bo": 0.2}, "SPEAKER_01": {"ann": 0.1, "bo": 0.2}},
                      SPEAKERS, None)
    assert roles is None and ev["rep"] is None  # under the naming threshold
    roles, _ = match(BOOK, {"SPEAKER_00": {"ann": 0.9, "bo": 0.88}, "SPEAKER_01": {"ann": 0.1, "bo": 0.2}},
                     SPEAKERS, None)
    assert roles is None  # two reps fit that voice about equally: no name


class PitchEncoder:
    """Stand-in for the speaker encoder: the 'voice' of a stand-in recording is its tone's pitch."""

    def voice_embedding(self, x):
        spectrum = np.abs(np.fft.rfft(x))
        f = np.argmax(spectrum) * SAMPLE_RATE / len(x)
        return (np.array([1.0, 0.0]) if f < 275 else np.array([0.0, 1.0])), len(x) / SAMPLE_RATE


def _call():
    parts = []
    for i in range(6):  # SPEAKER_00 (200 Hz) says "hi this is Dana from Acme": the transcript guess
        parts += [tone(2.0, 200 + 150 * (i % 2)), np.zeros(int(0.6 * SAMPLE_RATE), np.float32)]
    return np.concatenate(parts)


@pytest.mark.parametrize("where", ["ann/call.wav", "call.wav"])
def test_enrolled_voice_overrules_the_transcript_guess(tmp_path, where):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    (inbox / where).parent.mkdir(parents=True, exist_ok=True)
    write_wav(inbox / where, _call())
    with Catalog.for_out(out) as cat:  # ann's voice is the 350 Hz one
        cat.save_voiceprint("ann", np.array([0.0, 1.0]), "pitch", ["ann.wav"], 20.0, "2026-11-22T00:00:00+00:00")
    opts = RunOptions(transcribe=TranscribeOptions(model="fake"))
    engines = Engines(opts, FakeTranscriber(), FakeDiarizer(), FakeChannelDiarizer(), voice_encoder=PitchEncoder())
    [r] = run_batch(inbox, out, opts, engines=engines)
    doc = json.loads((out / r.call_id / "analysis.json").read_text())
    roles = {s["id"]: s["role"] for s in doc["speakers"]}
    assert roles == {"SPEAKER_00": "buyer", "SPEAKER_01": "rep"}
    assert doc["roles"]["method"] == "voice" and doc["roles"]["voice"]["before"]["rep"] == "SPEAKER_00"
    assert doc["call"]["rep"] == "ann"
    assert doc["call"]["rep_from"] == ("folder" if "/" in where else "voice")
    with Catalog.for_out(out) as cat:
        assert cat.get(where).rep == "ann"  # the catalog learns the rep the voice named
