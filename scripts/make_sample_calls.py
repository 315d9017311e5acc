"""Generate the synthetic sample calls in ``sample_calls/`` and their reference annotations.

Regenerate with::

    python scripts/make_sample_calls.py            # all dialogues in sample_calls/dialogues/
    python scripts/make_sample_calls.py pushy_close_mono   # just one
    python scripts/make_sample_calls.py --set eval         # the labelled tuning set in eval_calls/
    python scripts/make_sample_calls.py --set test         # the frozen labelled test half in test_calls/
    python scripts/make_sample_calls.py --set voice        # the voiceprint test calls in voice_calls/
    python scripts/make_sample_calls.py --set bench        # calls shaped like phone traffic in bench_calls/

Needs the Debian packages ``espeak-ng`` and ``sox`` (``apt-get install -y espeak-ng sox libsox-fmt-all``) and, in
Python, numpy and soundfile. The output is deterministic: espeak-ng and sox are run without dither, and the only
noise added comes from a generator seeded by the call's name.

For every ``sample_calls/dialogues/<name>.json`` this writes, beside each other in ``sample_calls/``:

- ``<name>.<ext>``: the audio (format from the dialogue's ``format``);
- ``<name>.rttm``: speaker turns (``rep``/``buyer``) measured from where speech is in each synthesized utterance;
- ``<name>.txt``: the reference transcript, one line per turn;
- ``<name>.ref.json``: every line with its real start/end times, speaker, text and behaviour markers.

It also copies the real pyannote telephone sample from ``../shared/data/real/pyannote-sample/`` (wav, rttm with the
file id rewritten, NOTICE, LICENSE) and builds its ``.txt`` transcript from the STM. See ``sample_calls/README.md``.

``--set eval`` reads ``eval_calls/dialogues/<name>.json`` instead and writes into ``eval_calls/``. An evaluation
dialogue has ``renders`` in place of ``format``: a list of ``{suffix, format}`` (optionally with ``rep_voice`` or
``buyer_voice`` overriding the dialogue's), and each render becomes a call ``<name>_<suffix>`` with the four files
above. Its marker labels are checked against the labelling rules (``check_labels``; see ``eval_calls/README.md``)
after rendering, so a label that disagrees with the timing or the wording stops the run.

``--set test`` does the same for ``test_calls/dialogues/<name>.json`` into ``test_calls/``: the frozen test half of
the labelled set, in the same format and under the same labelling rules (see ``test_calls/README.md``). A render's
``format`` may be stereo phone band: ``codec`` ``flac`` with ``sample_rate`` 8000 and ``band`` ``[300, 3400]``
(band-passed and resampled by sox, like the mu-law calls, then written as 16-bit FLAC), or ``codec`` ``mulaw`` with
``layout`` ``stereo``. A 16 kHz FLAC with no ``band`` is written exactly as before.

``--set voice`` reads ``voice_calls/dialogues/<folder>/<name>.json`` and writes ``voice_calls/<folder>/``: the
folder names the rep (``mike/``, ``tom/``), and ``enroll/`` holds each rep's voice alone, for a voiceprint. A
dialogue with ``"references": false`` gets only its audio. See ``voice_calls/README.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "sample_calls"
DIALOGUES_DIR = SAMPLES_DIR / "dialogues"
PYANNOTE_SAMPLE_DIR = ROOT.parent / "shared" / "data" / "real" / "pyannote-sample"
EVAL_DIR = ROOT / "eval_calls"
TEST_DIR = ROOT / "test_calls"
VOICE_DIR = ROOT / "voice_calls"
BENCH_DIR = ROOT / "bench_calls"
# --set NAME: where the dialogues are, where the calls go, and whether their labels are checked against the rules
SETS = {
    "sample": {"dialogues": DIALOGUES_DIR, "out": SAMPLES_DIR, "check_labels": False},
    "eval": {"dialogues": EVAL_DIR / "dialogues", "out": EVAL_DIR, "check_labels": True},
    "test": {"dialogues": TEST_DIR / "dialogues", "out": TEST_DIR, "check_labels": True},
    "voice": {"dialogues": VOICE_DIR / "dialogues", "out": VOICE_DIR, "check_labels": False},
    "bench": {"dialogues": BENCH_DIR / "dialogues", "out": BENCH_DIR, "check_labels": False},
}

MIX_RATE = 16_000  # every call is synthesized and mixed at 16 kHz; the phone call is downsampled at the end

# Speech detection inside one espeak utterance. espeak's silences are digital zero, but its female variants end some
# sentences with a faint breathy decay (~140 ms, 35-40 dB below the loudest frame) that would blur the turn's end.
# So a turn runs from the first to the last 10 ms frame within TRIM_RANGE_DB of the utterance's loudest frame, and
# everything outside is cut (with a 5 ms fade): the audio then holds nothing of the turn outside its RTTM bounds.
TRIM_FRAME_S = 0.010
TRIM_HOP_S = 0.005
TRIM_RANGE_DB = 35.0
TRIM_FADE_S = 0.005

UTTERANCE_RMS_DBFS = -20.0  # loudness of each utterance (RMS over its audible samples)
UTTERANCE_PEAK_MAX = 0.45  # so that two overlapping utterances in a mono mix never clip
TAIL_S = 0.8  # silence after the last line

MARKERS = {
    # hesitancy
    "filler",
    "hedge",
    "apology",
    "permission_seeking",
    "long_pause",
    "restart",
    # pushiness
    "interruption",
    "pressure",
    "objection_override",
    "monologue",
    "repeated_close",
    # buyer lines
    "objection",
}
SPEAKERS = ("rep", "buyer")

# Labelling rules of the evaluation set (eval_calls/README.md), checked by check_labels on every render.
LONG_PAUSE_S = 3.5  # a rep line after a buyer question or objection with gap_before >= this is a long_pause
INTERRUPTION_S = -0.8  # a rep line with gap_before <= this (starts inside the buyer's line) is an interruption
AMBIGUOUS_GAPS = ((3.0, LONG_PAUSE_S), (INTERRUPTION_S, 0.0))  # open intervals no gap_before may fall in
MONOLOGUE_S = 60.0  # consecutive rep lines with at least this much speech in total: each is a monologue line
# Wording of the lexical kinds in rep lines: a rep line carries the kind if and only if one of its patterns matches.
# These only keep the hand labels consistent; they are not the scorer's lexicon and know only the wording of
# eval_calls/ and test_calls/. test_calls/ is the frozen test half: never copy its wording into the scorer.
# "kind of"/"sort of" after these words names a kind ("what kind of setup", "the kind of work"), not a hedge
_KIND = "".join(rf"(?<!\b{word} )" for word in ("what", "which", "the", "that", "this", "any"))
_WORD = r"\w+(?:'\w+)?"
LEXICAL = {
    # "I like", "would you like", "bakeries like yours" are not fillers; "I mean" is one only as a discourse marker
    # ("I mean, we do ..."), not "when I say Thursday, I mean the morning"; "do you know", "let you know" are not
    "filler": [r"\b(um|uh|er|erm)\b", r"(?<!\bdo )(?<!\bdid )(?<!\blet )\byou know\b", r", like,", r"\bI mean,"],
    "hedge": [r"\bjust\b(?! in time)", r"\bmaybe\b", rf"{_KIND}\bkind of\b", rf"{_KIND}\bsort of\b", r"\bkinda\b",
              r"\bsorta\b", r"\bI guess\b", r"\bI'd guess\b", r"\bI think\b", r"\bI suppose\b", r"\bI believe\b",
              r"\bI'd say\b", r"\bmore or less\b", r"\bI'm not (totally |really )?sure\b",
              r"\bnot (a|one) hundred percent sure\b", r"\bmight\b", r"\bprobably\b", r"\bpossibly\b",
              r"\bperhaps\b"],  # "I'm sure" is not a hedge
    # "sorry to hear that" is empathy
    "apology": [r"\bsorry\b(?! to hear)", r"\bapologi[sz]e\b", r"\bapologies\b", r"\bforgive me\b",
                r"\bhate to (bug|bother|interrupt|trouble|disturb)\b", r"\bmy bad\b",
                r"\b(excuse|pardon) (the|my) (interruption|intrusion)\b"],
    "permission_seeking": [r"\bbad time\b", r"\bhave a (minute|moment|second)\b", r"\bif that's (okay|all right)\b",
                           r"\b(would|will|is) (that|it) be (okay|all right)\b",
                           r"\bis (that|it) (okay|all right)\b", r"\bif you don't mind\b",
                           r"\bgot (a minute|a second|thirty seconds|two minutes|a couple of minutes)\b",
                           r"\bmind if I\b", r"\bwould you mind\b", r"\bcatching you at\b",
                           r"\bis now (a|an) (good|okay|bad) time\b", r"\bbe (alright|all right|okay) with\b",
                           r"\bis it cool if\b"],
    # "everyone on your block has signed": the social proof that pushes; "no rush" and "take your time" are not
    "pressure": [r"\bdecide today\b", r"\bonly until\b", r"\blimited time\b", r"\bgoing fast\b", r"\btrust me\b",
                 r"\byou need to\b", r"\bprice goes up\b", r"\blast chance\b", r"\bdisappears at\b",
                 r"\bcan't afford to wait\b", r"\byou'd be crazy\b", r"\bsign today\b", r"\bthrow in\b",
                 r"\bonly hold\b", r"\bwon't (come back|last)\b", r"\bthe longer you wait\b", r"\bif you wait\b",
                 r"\bif you (book|sign|commit|order) (today|now|before|by)\b",
                 r"\b(everyone|everybody)( else)? (on|in) your\b", r"\bonly good (through|until)\b",
                 r"\bmove fast\b"],
    # a word, or two or three words, said twice ("I, I could", "it's, it's", "I was, I was", "we, er, we"), or a
    # self-repair ("let me rephrase that", "what I meant was"). "No, no problem" answers and then says "no problem".
    "restart": [rf"\b({_WORD}(?: {_WORD}){{0,2}}), \1\b(?! problem)", rf"\b({_WORD}), (um|uh|er|erm), \1\b",
                r"\blet me rephrase\b", r"\bwhat I meant was\b", r"\bI misspoke\b", r"\bscratch that\b"],
}


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def synthesize(text: str, voice: dict, tmp: Path) -> np.ndarray:
    """espeak-ng (or flite) -> float32 mono samples at ``MIX_RATE``, shape (n,).

    A voice is ``{"voice": "en-us+f2", "wpm": 165}`` (espeak-ng, optionally with ``pitch``), or
    ``{"engine": "flite", "voice": "slt", "duration_stretch": 1.05}`` for one of flite's built-in voices (``flite
    -lv``); ``duration_stretch`` above 1 speaks slower. flite writes 16 kHz (8 kHz for ``kal``) 16-bit WAV, which
    is resampled to ``MIX_RATE`` like espeak-ng's 22.05 kHz output, so trim() and normalise() see the same rate.
    """
    engine = voice.get("engine", "espeak-ng")
    if engine == "flite":
        raw = tmp / "flite.wav"
        resampled = tmp / "flite16k.wav"
        cmd = ["flite", "-voice", voice["voice"], "-o", str(raw)]
        if voice.get("duration_stretch") is not None:
            cmd += ["--setf", f"duration_stretch={voice['duration_stretch']}"]
        run(cmd + ["-t", text])
    elif engine == "espeak-ng":
        raw = tmp / "espeak.wav"
        resampled = tmp / "espeak16k.wav"
        cmd = ["espeak-ng", "-v", voice["voice"], "-s", str(voice["wpm"]), "-w", str(raw)]
        if voice.get("pitch") is not None:
            cmd += ["-p", str(voice["pitch"])]
        run(cmd + ["--", text])
    else:
        raise ValueError(f"unknown TTS engine {engine!r}; known: espeak-ng, flite")
    # float output: no requantisation, hence no dither and a bit-exact result on every run
    run(["sox", "-D", str(raw), "-e", "floating-point", "-b", "32", str(resampled), "rate", "-v", str(MIX_RATE)])
    samples, rate = sf.read(resampled, dtype="float32")
    assert rate == MIX_RATE, rate
    return samples


def trim(samples: np.ndarray) -> np.ndarray:
    """Cut the silence (and faint breath) around one utterance, shape (n,) -> (m,), with a short fade at each end."""
    frame, hop = round(TRIM_FRAME_S * MIX_RATE), round(TRIM_HOP_S * MIX_RATE)
    starts = np.arange(0, max(len(samples) - frame, 0) + 1, hop)
    rms = np.array([np.sqrt(np.mean(samples[i : i + frame].astype(np.float64) ** 2)) for i in starts])
    if rms.max() == 0.0:
        raise ValueError("espeak-ng produced silence")
    loud = np.flatnonzero(rms > rms.max() * 10 ** (-TRIM_RANGE_DB / 20))
    cut = samples[starts[loud[0]] : starts[loud[-1]] + frame].copy()
    fade = round(TRIM_FADE_S * MIX_RATE)
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade))).astype(np.float32)
    cut[:fade] *= ramp
    cut[-fade:] *= ramp[::-1]
    return cut


def normalise(samples: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(samples)))
    audible = samples[np.abs(samples) > 0.01 * peak]  # RMS over the audible samples, not the pauses inside
    rms = float(np.sqrt(np.mean(audible.astype(np.float64) ** 2)))
    gain = min(10 ** (UTTERANCE_RMS_DBFS / 20) / rms, UTTERANCE_PEAK_MAX / peak)
    return (samples * gain).astype(np.float32)


def load_dialogue(path: Path) -> dict:
    dialogue = json.loads(path.read_text())
    if dialogue["name"] != path.stem:
        raise ValueError(f"{path}: name {dialogue['name']!r} must equal the file stem")
    if ("format" in dialogue) == ("renders" in dialogue):
        raise ValueError(f"{path}: give either format (one call) or renders (one call per render)")
    for i, line in enumerate(dialogue["lines"]):
        if line["speaker"] not in SPEAKERS:
            raise ValueError(f"{path}: line {i}: speaker must be one of {SPEAKERS}")
        unknown = set(line.get("markers", [])) - MARKERS
        if unknown:
            raise ValueError(f"{path}: line {i}: unknown markers {sorted(unknown)}; known: {sorted(MARKERS)}")
    return dialogue


def render(dialogue: dict, tmp: Path) -> tuple[np.ndarray, list[dict]]:
    """Place every line on a timeline.

    Returns the two tracks, float32 of shape (2, n) at ``MIX_RATE`` (row 0 rep, row 1 buyer), and the lines with
    their start/end in seconds. ``gap_before`` is measured from the end of the previous line; negative overlaps it.
    """
    placed = []
    previous_end = 0.0
    for line in dialogue["lines"]:
        voice = dialogue[f"{line['speaker']}_voice"]
        audio = normalise(trim(synthesize(line["text"], voice, tmp)))
        start_sample = round((previous_end + line["gap_before"]) * MIX_RATE)
        if start_sample < 0:
            raise ValueError(f"{dialogue['name']}: line starts before the call: {line['text']!r}")
        end_sample = start_sample + len(audio)
        placed.append((line, start_sample, audio))
        previous_end = end_sample / MIX_RATE

    n = max(start + len(audio) for _, start, audio in placed) + round(TAIL_S * MIX_RATE)
    tracks = np.zeros((2, n), dtype=np.float32)
    lines = []
    for line, start, audio in placed:
        row = SPEAKERS.index(line["speaker"])
        tracks[row, start : start + len(audio)] += audio
        lines.append(
            {
                "speaker": line["speaker"],
                "start": round(start / MIX_RATE, 3),
                "end": round((start + len(audio)) / MIX_RATE, 3),
                "text": line["text"],
                "markers": list(line.get("markers", [])),
            }
        )
    return tracks, lines


def seeded_noise(name: str, n: int, dbfs: float) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n) * 10 ** (dbfs / 20)).astype(np.float32)


def telephone_channel(signal: np.ndarray, fmt: dict, tmp: Path) -> np.ndarray:
    """Band-pass (``fmt["band"]``, if any) and resample to ``fmt["sample_rate"]`` with sox, as the mu-law calls are.

    ``signal`` is (n,) or (n, channels) at ``MIX_RATE``; returns float32 of the same layout at the new rate. Float in
    and out, so sox neither dithers nor requantises: the result is the same on every run.
    """
    wide = tmp / "mix16k.wav"
    narrow = tmp / "mix_band.wav"
    sf.write(wide, signal, MIX_RATE, subtype="FLOAT")
    effects = []
    if fmt.get("band") is not None:
        low, high = fmt["band"]
        effects += ["sinc", f"{low}-{high}"]  # linear phase; sox compensates its delay
    if fmt["sample_rate"] != MIX_RATE:
        effects += ["rate", "-v", str(fmt["sample_rate"])]
    run(["sox", "-D", str(wide), "-e", "floating-point", "-b", "32", str(narrow), *effects])
    samples, rate = sf.read(narrow, dtype="float32")
    assert rate == fmt["sample_rate"], rate
    return samples


def encode(dialogue: dict, tracks: np.ndarray, out: Path, tmp: Path) -> None:
    fmt = dialogue["format"]
    name = dialogue["name"]
    if fmt["layout"] == "stereo":
        signal = tracks.T  # (n, 2): rep left, buyer right
    else:
        signal = tracks.sum(axis=0)
    if fmt.get("noise_dbfs") is not None:
        noise = seeded_noise(name, signal.size, fmt["noise_dbfs"]).reshape(signal.shape)
        signal = signal + noise
    signal = np.clip(signal, -1.0, 1.0)

    codec = fmt["codec"]
    if codec == "flac" and fmt["sample_rate"] == MIX_RATE and fmt.get("band") is None:
        sf.write(out, signal, MIX_RATE, format="FLAC", subtype="PCM_16")
    elif codec == "flac":
        # phone band kept as 16-bit linear PCM (stereo or mono): the mu-law calls' channel without the companding
        narrow = np.clip(telephone_channel(signal, fmt, tmp), -1.0, 1.0)
        sf.write(out, narrow, fmt["sample_rate"], format="FLAC", subtype="PCM_16", compression_level=1.0)
    elif codec == "mp3":
        assert fmt["sample_rate"] == MIX_RATE
        # libsndfile writes the LAME header with the encoder delay, so decoders (libsndfile, ffmpeg) align to 0 samples
        sf.write(out, signal, MIX_RATE, format="MP3", subtype="MPEG_LAYER_III", compression_level=0.4)
    elif codec == "mulaw":  # mono or stereo
        wide = tmp / "mix16k.wav"
        sf.write(wide, signal, MIX_RATE, subtype="FLOAT")
        low, high = fmt["band"]
        # telephone channel: linear-phase band-pass (sox compensates its delay), 8 kHz, G.711 mu-law; no dither
        effects = ["sinc", f"{low}-{high}", "rate", "-v", str(fmt["sample_rate"])]
        run(["sox", "-D", str(wide), "-e", "u-law", "-b", "8", str(out), *effects])
    else:
        raise ValueError(f"{name}: unknown codec {codec!r}; known: flac, mp3, mulaw")


def write_references(dialogue: dict, lines: list[dict], audio_path: Path, out_dir: Path = SAMPLES_DIR) -> None:
    name = dialogue["name"]
    fmt = dialogue["format"]
    rttm = "".join(
        f"SPEAKER {name} 1 {line['start']:.3f} {line['end'] - line['start']:.3f} <NA> <NA> "
        f"{line['speaker']} <NA> <NA>\n"
        for line in lines
    )
    (out_dir / f"{name}.rttm").write_text(rttm)
    (out_dir / f"{name}.txt").write_text("".join(line["text"] + "\n" for line in lines))
    info = sf.info(audio_path)
    ref = {
        "name": name,
        "audio": audio_path.name,
        "rep_speaker": "rep",
        "channels": {"rep": 0, "buyer": 1} if fmt["layout"] == "stereo" else None,
        "sample_rate": fmt["sample_rate"],
        "duration_s": round(info.frames / info.samplerate, 3),
        "voices": {"rep": dialogue["rep_voice"], "buyer": dialogue["buyer_voice"]},
        "lines": lines,
    }
    (out_dir / f"{name}.ref.json").write_text(json.dumps(ref, indent=2) + "\n")


def expand_renders(dialogue: dict) -> list[dict]:
    """One dialogue -> the calls to make: itself, or one ``<name>_<suffix>`` call per entry of ``renders``."""
    if "renders" not in dialogue:
        return [dialogue]
    calls = []
    for spec in dialogue["renders"]:
        call = {key: value for key, value in dialogue.items() if key != "renders"}
        call.update({key: value for key, value in spec.items() if key != "suffix"})
        call["name"] = f"{dialogue['name']}_{spec['suffix']}"
        calls.append(call)
    return calls


def check_labels(call: dict, lines: list[dict]) -> list[str]:
    """Problems with the marker labels of one rendered call, by the evaluation set's rules (empty: all agree)."""
    problems = []
    script = call["lines"]
    for i, line in enumerate(script):
        where = f"{call['name']}: line {i} ({line['speaker']}: {line['text'][:40]!r})"
        labels = set(line.get("markers", []))
        gap = line["gap_before"]
        previous = script[i - 1] if i else None
        after_buyer = previous is not None and previous["speaker"] == "buyer"
        after_objection = after_buyer and "objection" in previous.get("markers", [])
        if any(low < gap < high for low, high in AMBIGUOUS_GAPS):
            problems.append(f"{where}: gap_before {gap} is neither clearly a pause/interruption nor clearly not")
        if line["speaker"] == "buyer":
            if labels - {"objection"}:
                problems.append(f"{where}: buyer lines carry only 'objection', not {sorted(labels - {'objection'})}")
            continue
        if "objection" in labels:
            problems.append(f"{where}: 'objection' is for buyer lines")
        expected = {kind for kind, patterns in LEXICAL.items()
                    if any(re.search(p, line["text"], re.IGNORECASE) for p in patterns)}
        if after_buyer and gap >= LONG_PAUSE_S and (previous["text"].rstrip().endswith("?") or after_objection):
            expected.add("long_pause")
        if after_buyer and gap <= INTERRUPTION_S:
            expected.add("interruption")
        first = i
        while first > 0 and script[first - 1]["speaker"] == "rep":
            first -= 1
        last = i
        while last + 1 < len(script) and script[last + 1]["speaker"] == "rep":
            last += 1
        if sum(lines[j]["end"] - lines[j]["start"] for j in range(first, last + 1)) >= MONOLOGUE_S:
            expected.add("monologue")
        judged = {"objection_override", "repeated_close"}  # by meaning: only where they can apply is checked
        for kind in sorted((labels ^ expected) - judged):
            state = "missing" if kind in expected else "not supported by the rules"
            problems.append(f"{where}: label {kind!r} {state}")
        for kind in sorted(labels & judged):
            if not after_objection:
                problems.append(f"{where}: {kind!r} must answer a buyer line labelled 'objection'")
        if judged <= labels:
            problems.append(f"{where}: a repeated close is 'repeated_close', not also 'objection_override'")
        if gap >= LONG_PAUSE_S and "long_pause" not in expected:
            problems.append(f"{where}: gap_before {gap} only counts as long_pause after a buyer question or objection")
    return problems


def make_call(path: Path, out_dir: Path = SAMPLES_DIR, labels_checked: bool = False) -> list[Path]:
    """Render the dialogue at ``path`` into ``out_dir``; returns the audio of each call (one per render)."""
    outs = []
    for call in expand_renders(load_dialogue(path)):
        out = out_dir / f"{call['name']}.{call['format']['extension']}"
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            tracks, lines = render(call, tmp)
            if labels_checked and (problems := check_labels(call, lines)):
                raise ValueError("labels disagree with the rules:\n  " + "\n  ".join(problems))
            encode(call, tracks, out, tmp)
        if call.get("references", True):
            write_references(call, lines, out, out_dir)
        outs.append(out)
    return outs


def stm_transcript(stm_text: str) -> str:
    """STM lines are ``file channel speaker start end [<label>] text``; keep the text, in time order."""
    rows = []
    for line in stm_text.splitlines():
        if not line.strip() or line.startswith(";;"):
            continue
        fields = line.split(maxsplit=5)
        rest = fields[5] if len(fields) > 5 else ""
        if rest.startswith("<"):  # optional label such as <o,f0,female>
            rest = rest.split(">", 1)[1].strip()
        if fields[2] == "inter_segment_gap" or rest == "IGNORE_TIME_SEGMENT_IN_SCORING" or not rest:
            continue
        rows.append((float(fields[3]), rest))
    rows.sort(key=lambda row: row[0])  # stable: equal starts keep file order
    return "".join(text + "\n" for _, text in rows)


def copy_pyannote_sample() -> None:
    src = PYANNOTE_SAMPLE_DIR
    name = "pyannote_sample"
    shutil.copyfile(src / "sample.wav", SAMPLES_DIR / f"{name}.wav")
    rttm_lines = []
    for line in (src / "sample.rttm").read_text().splitlines():
        fields = line.split()
        if fields:
            fields[1] = name
            rttm_lines.append(" ".join(fields) + "\n")
    (SAMPLES_DIR / f"{name}.rttm").write_text("".join(rttm_lines))
    shutil.copyfile(src / "NOTICE.txt", SAMPLES_DIR / f"{name}.NOTICE.txt")
    shutil.copyfile(src / "REPO_LICENSE.txt", SAMPLES_DIR / f"{name}.LICENSE.txt")
    (SAMPLES_DIR / f"{name}.txt").write_text(stm_transcript((src / "sample.stm").read_text()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="dialogue names to make (default: all); voice set: folder/name")
    parser.add_argument("--skip-real", action="store_true", help="don't copy the pyannote sample")
    parser.add_argument("--set", choices=sorted(SETS), default="sample",
                        help="sample: sample_calls/ (default); eval: the labelled tuning set in eval_calls/; "
                             "test: the frozen labelled test half in test_calls/; "
                             "voice: the voiceprint test calls in voice_calls/; "
                             "bench: calls shaped like phone traffic in bench_calls/ (callreview bench)")
    args = parser.parse_args(argv)
    chosen = SETS[args.set]
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            print(f"error: {tool} not found; apt-get install -y espeak-ng sox libsox-fmt-all", file=sys.stderr)
            return 1
    paths = sorted(chosen["dialogues"].rglob("*.json"))  # dialogues/<folder>/x.json -> <out>/<folder>/
    if args.names:
        paths = [chosen["dialogues"] / f"{name}.json" for name in args.names]
    for path in paths:
        out_dir = chosen["out"] / path.parent.relative_to(chosen["dialogues"])
        out_dir.mkdir(exist_ok=True)
        for out in make_call(path, out_dir, chosen["check_labels"]):
            info = sf.info(out)
            seconds = info.frames / info.samplerate
            size_kib = out.stat().st_size / 1024
            print(f"{out.relative_to(ROOT)}: {seconds:.1f} s, {info.channels} ch, {info.samplerate} Hz, {size_kib:.0f} KiB")
    if args.set == "sample" and not args.names and not args.skip_real:
        if PYANNOTE_SAMPLE_DIR.is_dir():
            copy_pyannote_sample()
            print("sample_calls/pyannote_sample.*: copied")
        else:
            print(f"warning: {PYANNOTE_SAMPLE_DIR} not found; pyannote sample not copied", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
