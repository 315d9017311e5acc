"""Make the labelled outcome set: voicemails, unanswered rings, machine menus and conversations (issue 14).

    python scripts/make_outcome_calls.py            # writes outcome_calls/{tune,test}/ and outcome_calls/labels.json

Each recording is what a rep's dialler records: ring-back tones (North American 440+480 Hz 2 s on / 4 s off, UK
400+450 Hz double ring, European 425 Hz 1 s / 4 s), then a voicemail greeting with or without a beep and the
rep's message, or a menu and then a person, or a person at once, or nothing. Voices are espeak-ng, the line is
phone band (300-3400 Hz, 8 kHz): mono G.711 mu-law or stereo 16-bit FLAC (rep left). The two halves use other
voices, other wordings, other cadences and beeps: the classifier is tuned on ``tune/`` only, ``test/`` is frozen.
Deterministic: no dither, seeded noise. Needs espeak-ng and sox (as ``make_sample_calls.py``).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample_calls import MIX_RATE, ROOT, normalise, run, seeded_noise, synthesize, trim  # noqa: E402

OUT = ROOT / "outcome_calls"
TONE_DBFS = -18.0

CADENCES = {  # (frequencies, [(on_s, off_s), ...]) one ring
    "us": ((440.0, 480.0), [(2.0, 4.0)]),
    "uk": ((400.0, 450.0), [(0.4, 0.2), (0.4, 2.0)]),
    "eu": ((425.0,), [(1.0, 4.0)]),
}

HALVES = {
    "tune": {
        "rep": [{"voice": "en-us+m3", "wpm": 165}, {"voice": "en+m1", "wpm": 175}],
        "other": [{"voice": "en-us+f2", "wpm": 160}, {"voice": "en+m4", "wpm": 170}],
        "machine": {"voice": "en-us+f3", "wpm": 150},
        "cadences": ["us", "eu"],
        "beeps": [(1000.0, 0.5)],
        "greetings": [
            "Hi, you've reached {name}. I can't take your call right now, please leave a message after the tone.",
            "The person you are calling is not available. At the tone, please record your message.",
            "Hello, this is {name}. I'm away from my desk. Leave me a message and I'll get back to you.",
        ],
        "messages": [
            "Hi {name}, this is Sam from Northwind. I'm calling about your fleet insurance renewal. "
            "Could you call me back at five five five, two one two one? Thanks, talk soon.",
            "Hello {name}, it's Sam with Northwind. I wanted to share a quick idea on cutting your freight costs. "
            "My number is five five five, four four three two. Have a good day.",
            "Hey {name}, Sam at Northwind here, following up on the quote we sent over last Tuesday. "
            "There are a couple of options in there I think would suit your team.",
        ],
        "second_breath": [
            "If you have five minutes this week, give me a call on five five five, two one two one. Thanks.",
            "Best way to reach me is five five five, four four three two, any time after nine. Bye now.",
        ],
        "menus": [
            "Thank you for calling {co}. Your call is important to us. For sales, press one. For support, press two.",
        ],
        "transfer": "Please hold while I transfer you.",
        "answers": ["Hello?", "{co}, this is {name}."],
        "talk": [
            ("rep", "Hi {name}, this is Sam from Northwind. Do you have a minute?"),
            ("other", "Sure, what is this about?"),
            ("rep", "We help fleets like yours save on fuel cards. Is that something you look at?"),
            ("other", "Maybe. We renew in the spring, so send me something by email."),
            ("rep", "Great, I will send it today."),
        ],
        "names": ["Jordan", "Priya"], "companies": ["Acme Logistics", "Blue Harbor"],
    },
    "test": {
        "rep": [{"voice": "en-gb-x-rp+m2", "wpm": 160}, {"voice": "en-us+m7", "wpm": 170}],
        "other": [{"voice": "en-us+f5", "wpm": 165}, {"voice": "en-gb+f1", "wpm": 155}],
        "machine": {"voice": "en+f4", "wpm": 155},
        "cadences": ["uk", "us"],
        "beeps": [(850.0, 0.4), (1400.0, 0.7)],
        "greetings": [
            "Hey, it's {name}, sorry I missed you. Leave your name and number and I'll call you back.",
            "You have reached the voicemail of {name}. Please leave a brief message.",
            "{name} is unavailable. Record your message after the beep.",
        ],
        "messages": [
            "Good morning {name}, Alex here from Brightline Software. I'm following up on the demo request. "
            "You can reach me on five five five, seven eight one nine. Speak soon.",
            "Hi {name}, Alex from Brightline. I have two times open for a short call next week. "
            "Ring me back on five five five, three three six zero when you can. Cheers.",
        ],
        "menus": [
            "Welcome to {co}. Please listen carefully as our menu options have changed. To reach accounts, press three.",
        ],
        "transfer": "One moment, I'll connect you now.",
        "answers": ["Good afternoon, {co}.", "Yeah, {name} speaking."],
        "talk": [
            ("rep", "Hello {name}, Alex from Brightline Software. Have I caught you at a bad time?"),
            ("other", "I have a couple of minutes. Go ahead."),
            ("rep", "You asked about our scheduling tool last month. Are you still comparing options?"),
            ("other", "We are. Pricing is the big question for us."),
            ("rep", "Understood. Could we set up twenty minutes on Thursday to go through it?"),
            ("other", "Thursday works, after lunch."),
        ],
        "names": ["Morgan", "Chen"], "companies": ["Riverside Dental", "Copper Lane"],
    },
}


def ring(cadence: str, rings: int) -> np.ndarray:
    freqs, pattern = CADENCES[cadence]
    parts = []
    for _ in range(rings):
        for on, off in pattern:
            t = np.arange(int(on * MIX_RATE)) / MIX_RATE
            tone = sum(np.sin(2 * np.pi * f * t) for f in freqs) / len(freqs)
            parts += [_level(tone), np.zeros(int(off * MIX_RATE), np.float32)]
    return np.concatenate(parts)


def beep(hz: float, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * MIX_RATE)) / MIX_RATE
    return _level(np.sin(2 * np.pi * hz * t))


def _level(x: np.ndarray) -> np.ndarray:
    fade = int(0.005 * MIX_RATE)
    x = (x / max(1e-9, float(np.abs(x).max())) * 10 ** (TONE_DBFS / 20)).astype(np.float32)
    x[:fade] *= np.linspace(0, 1, fade, dtype=np.float32)
    x[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)
    return x


class Call:
    """Two tracks (0: the rep's line, 1: the far end) built event by event, with the labels of what was placed."""

    def __init__(self, tmp: Path):
        self.tmp, self.tracks, self.t = tmp, [[], []], 0.0
        self.events: list[dict] = []

    def _put(self, track: int, audio: np.ndarray, what: dict) -> None:
        start = self.t
        for k in (0, 1):
            self.tracks[k].append(audio if k == track else np.zeros(len(audio), np.float32))
        self.t += len(audio) / MIX_RATE
        self.events.append({**what, "start": round(start, 3), "end": round(self.t, 3)})

    def pause(self, s: float) -> None:
        if s > 0:
            self._put(0, np.zeros(int(s * MIX_RATE), np.float32), {"kind": "pause"})
            self.events.pop()

    def tone(self, audio: np.ndarray, kind: str) -> None:
        self._put(1, audio, {"kind": kind})

    def say(self, who: str, text: str, voice: dict) -> None:
        self._put(0 if who == "rep" else 1, normalise(trim(synthesize(text, voice, self.tmp))),
                  {"kind": "speech", "speaker": who, "text": text})

    def write(self, path: Path, stereo: bool, name: str) -> None:
        tracks = np.stack([np.concatenate(t) if t else np.zeros(1, np.float32) for t in self.tracks])
        tracks = np.concatenate([tracks, np.zeros((2, int(0.8 * MIX_RATE)), np.float32)], axis=1)
        signal = tracks.T if stereo else tracks.sum(axis=0)
        signal = np.clip(signal + seeded_noise(name, signal.size, -58.0).reshape(signal.shape), -1, 1)
        wide = self.tmp / "wide.wav"
        sf.write(wide, signal, MIX_RATE, subtype="FLOAT")
        effects = ["sinc", "300-3400", "rate", "-v", "8000"]
        if stereo:
            narrow = self.tmp / "narrow.wav"
            run(["sox", "-D", str(wide), "-e", "floating-point", "-b", "32", str(narrow), *effects])
            data, rate = sf.read(narrow, dtype="float32")
            sf.write(path, np.clip(data, -1, 1), rate, format="FLAC", subtype="PCM_16")
        else:
            run(["sox", "-D", str(wide), "-e", "u-law", "-b", "8", str(path), *effects])


# tune half only: (rep voice, other voice) pairs of neither half's main voices
TUNE_VOICE_PAIRS = [("en-gb-scotland+m3", "en-us+f4"), ("en-us-nyc+m1", "en-gb+f3"), ("en-029+m2", "en+f2"),
                    ("en-gb-x-gbclan+m5", "en-us+f1"), ("en+m2", "en-gb-x-rp+f3"), ("en-us+m5", "en+f5"),
                    ("en-gb-x-gbcwmd+m6", "en-us+f3"), ("en-us+m1", "en-gb-scotland+f2")]


def cases(half: str) -> list[tuple[str, str, dict, bool]]:
    """(name, outcome, recipe, stereo) for one half.

    The test half (frozen: generated exactly as it was first published) has five of each outcome, the layout
    alternating over the list, which gives each outcome one layout only. The tune half has eight of each, mono
    and stereo alternating within each outcome, and longer messages split over two breaths (a mono message is
    where a diarizer may hear two voices)."""
    out = []
    n = 8 if half == "tune" else 5
    for i in range(n):
        rows = [(f"voicemail_{i + 1}", "voicemail", {"i": i, "beep": i % 5 != 1, "greeting": i % 5 != 4}),
                (f"no_answer_{i + 1}", "no_answer", {"i": i, "rings": [4, 6, 0, 3, 2][i % 5]}),
                (f"ivr_{i + 1}", "ivr", {"i": i}),
                (f"conversation_{i + 1}", "conversation", {"i": i, "rings": [1, 2, 0, 3, 1][i % 5]})]
        for j, (name, outcome, recipe) in enumerate(rows):
            stereo = i % 2 == 1 if half == "tune" else (4 * i + j) % 2 == 1
            out.append((name, outcome, recipe, stereo))
    if half == "tune":  # mono voicemails in eight more voice pairs: where a diarizer may split one message in two
        for i, (rep, other) in enumerate(TUNE_VOICE_PAIRS):
            out.append((f"voicemail_{n + i + 1}", "voicemail",
                        {"i": i, "beep": i % 5 != 1, "greeting": i % 5 != 4, "voices": (rep, other)}, False))
    return out


def build(half: str, name: str, outcome: str, r: dict, tmp: Path) -> Call:
    h, i = HALVES[half], r["i"]
    k = (i // 2) % 2 if half == "tune" else i % 2  # tune: each voice in both layouts
    rep, other, machine = h["rep"][k], h["other"][(k + 1) % 2], h["machine"]
    if "voices" in r:
        rep, other = ({"voice": r["voices"][0], "wpm": 160 + 5 * i}, {"voice": r["voices"][1], "wpm": 165})
        machine = {"voice": r["voices"][1], "wpm": 150}
    cadence = h["cadences"][i % len(h["cadences"])]
    names = {"name": h["names"][i % 2], "co": h["companies"][i % 2]}
    c = Call(tmp)
    c.pause(0.5 + 0.3 * i)
    if outcome == "voicemail":
        c.tone(ring(cadence, 1 + i % 3), "ring")
        if r["greeting"]:
            c.say("other", h["greetings"][i % len(h["greetings"])].format(**names), other if i % 2 else machine)
            c.pause(0.4)
        if r["beep"]:
            c.tone(beep(*h["beeps"][i % len(h["beeps"])]), "beep")
        c.pause(0.6)
        messages = h["messages"]
        c.say("rep", messages[i % len(messages)].format(**names), rep)
        if h.get("second_breath") and i >= 5:  # a longer message: a pause, then the call-back ask
            c.pause(1.2)
            c.say("rep", h["second_breath"][i % 2].format(**names), rep)
    elif outcome == "no_answer":
        if r["rings"]:
            c.tone(ring(cadence, r["rings"]), "ring")
        else:
            c.pause(8.0)  # dead air: the line never rang
        c.pause(1.0)
    elif outcome == "ivr":
        c.tone(ring(cadence, 1), "ring")
        c.say("other", h["menus"][0].format(**names), machine)
        c.pause(1.5)
        c.say("other", h["transfer"], machine)
        c.pause(2.0)
        talk = h["talk"][1:4] if i % 2 else h["talk"][:3]
        c.say("other", h["answers"][i % 2].format(**names), other)
        for who, text in talk:
            c.pause(0.5)
            c.say(who, text.format(**names), rep if who == "rep" else other)
    else:
        if r["rings"]:
            c.tone(ring(cadence, r["rings"]), "ring")
        c.say("other", h["answers"][i % 2].format(**names), other)
        for who, text in h["talk"][: 4 + i % 2]:
            c.pause(0.4 + 0.2 * (i % 3))
            c.say(who, text.format(**names), rep if who == "rep" else other)
    return c


def main() -> int:
    labels = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for half in HALVES:
            (OUT / half).mkdir(parents=True, exist_ok=True)
            for name, outcome, recipe, stereo in cases(half):
                path = OUT / half / f"{name}_{'stereo.flac' if stereo else 'mono.wav'}"
                call = build(half, name, outcome, recipe, tmp)
                call.write(path, stereo, f"{half}/{path.name}")
                rel = path.relative_to(OUT).as_posix()
                labels[rel] = {"outcome": outcome, "split": half, "layout": "stereo" if stereo else "mono",
                               "events": call.events}
                print(f"outcome_calls/{rel}: {outcome}, {call.t:.1f} s")
    (OUT / "labels.json").write_text(json.dumps(labels, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
