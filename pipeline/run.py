"""The batch: every recording under an inbox in, one folder per call out.

``Engines`` holds the heavy models, loaded once per process. ``analyze_file`` runs the stages on one call and
returns the ``analysis.json`` document; ``run_batch`` walks the inbox, skips calls already analysed with the
same settings, writes each result as soon as it is done and records every failure without stopping.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from contextlib import contextmanager
import hashlib
import json
import platform
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .analysis import SCHEMA_VERSION, write_json_atomic, write_text_atomic
from .attribute import attribute_words, utterances
from .audio import PLAYABLE_NAME, decode, is_audio_path, write_playable
from .callmeta import CHANNEL_NAMES, CallOverrides, read_self_review, recorded_at, rep_from_path
from .errors import CallReviewError, ConfigError, ModelError
from .roles import guess_roles, roles_from_channel, roles_from_override
from .score import score
from .transcribe import TranscribeOptions, Transcriber, drop_outside, drop_repeats
from .transcribe.verbatim import verbatim_additions
from .types import Audio, AttributedTranscript, Diarization, Segment, Transcript

@dataclass(frozen=True)
class RunOptions:
    """Everything that changes an analysis. Its hash decides whether a finished call is redone."""

    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    diarizer: str = "embedded"  # "embedded" (offline default) or "pyannote" (optional extra)
    pyannote_pipeline: str | None = None  # pyannote: a local config.yaml (or folder), or a hub name + $HF_TOKEN
    num_speakers: int | None = 2  # sales calls have two parties; None: estimate (1..max_speakers)
    max_speakers: int = 4
    rep_channel: str = "auto"  # stereo: "left" | "right" | "auto" (guess from the transcript)
    stereo: str = "auto"  # "auto": per-channel diarization when the channels hold different voices; "mix"
    verbatim_rep: bool = True  # a second, verbatim pass over the rep's speech to recover fillers and restarts

    def settings_hash(self) -> str:
        blob = json.dumps(dataclasses.asdict(self), sort_keys=True) + SCHEMA_VERSION
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Engines:
    """The loaded models: built once per process and reused for every call."""

    def __init__(self, options: RunOptions, transcriber: Transcriber | None = None, diarizer: Any = None,
                 channel_diarizer: Any = None):
        from .diarize import ChannelDiarizer, load_diarizer
        from .transcribe import load_transcriber

        self.options = options
        # the optional backend first: a missing extra fails before the big ASR model loads
        self.diarizer = diarizer or load_diarizer(options.diarizer, **_diarizer_args(options))
        self.transcriber = transcriber or load_transcriber(options.transcribe)
        # share the loaded speech detector when the main diarizer has one
        self.channel_diarizer = channel_diarizer or ChannelDiarizer(vad=getattr(self.diarizer, "vad", None))


def _diarizer_args(options: RunOptions) -> dict[str, Any]:
    if options.diarizer != "pyannote":
        return {}
    import os

    args: dict[str, Any] = {"token": os.environ.get("HF_TOKEN")}
    if options.pyannote_pipeline:
        args["pipeline"] = options.pyannote_pipeline
    return args


# --- one call ----------------------------------------------------------------------------------------------

def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def call_id(rel_path: str, sha256: str) -> str:
    """Stable, filesystem-safe id: a readable slug of the relative path plus the content hash's first 8 hex.

    The hash suffix keeps two names that sanitise alike apart, and gives one recording the same id on
    every run.
    """
    stem = rel_path.rsplit(".", 1)[0] if "." in Path(rel_path).name else rel_path
    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_.replace("/", "__")).strip("-._")[:80] or "call"
    return f"{slug}-{sha256[:8]}"


@contextmanager
def _timed(timings: dict[str, float], key: str):
    """Add the seconds spent in the block to ``timings[key]``."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - t0


def analyze_audio(audio: Audio, engines: Engines, overrides: CallOverrides = CallOverrides(),
                  timings: dict[str, float] | None = None) -> tuple[dict[str, Any], Diarization]:
    """Run diarization, transcription, attribution, roles and scoring on decoded audio.

    Returns the analysis body (everything but ``call`` and ``run``) and the diarization.
    """
    o = engines.options
    timings = {} if timings is None else timings
    warnings: list[str] = []
    from .diarize import channels_are_distinct

    per_channel = audio.channels == 2 and o.stereo == "auto" and channels_are_distinct(audio)
    num_speakers = overrides.speakers if overrides.speakers is not None else o.num_speakers
    with _timed(timings, "diarize"):
        if per_channel:
            diarization = engines.channel_diarizer.diarize(audio)
        else:
            diarization = engines.diarizer.diarize(audio, num_speakers=num_speakers, max_speakers=o.max_speakers)
    with _timed(timings, "transcribe"):
        transcript = _transcribe(audio, diarization, engines.transcriber, per_channel)
    words = attribute_words(transcript, diarization)
    utts = utterances(words)
    speakers = diarization.speakers
    rep_channel = overrides.rep_channel or (o.rep_channel if o.rep_channel != "auto" else None)
    if overrides.rep_speaker:
        if overrides.rep_speaker not in speakers:
            warnings.append(f"override rep_speaker {overrides.rep_speaker!r} is not one of {list(speakers)}")
            roles = guess_roles(utts, speakers)
        else:
            roles = roles_from_override(speakers, overrides.rep_speaker)
    elif per_channel and rep_channel:
        roles = roles_from_channel(speakers, diarization.channel_of, CHANNEL_NAMES[rep_channel])
    else:
        if rep_channel and not per_channel:
            warnings.append("rep_channel ignored: the recording has no separate channel per party")
        roles = guess_roles(utts, speakers)
    rep = [s for s, r in roles.roles.items() if r == "rep"]
    if o.verbatim_rep and rep and words:
        with _timed(timings, "verbatim"):
            rep_samples = audio.samples[diarization.channel_of[rep[0]]] if per_channel else audio.mono()
            extra = verbatim_additions(engines.transcriber, rep_samples, utts, words, rep[0])
        if extra:
            words = tuple(sorted(words + tuple(extra), key=lambda w: (w.start, w.end)))
            utts = utterances(words)
    if not words:
        warnings.append("no speech found")
    duration = audio.duration_s
    attributed = AttributedTranscript(words, utts, roles.roles, duration,
                                      {s: diarization.talk_s(s) for s in speakers})
    with _timed(timings, "score"):
        scored = score(attributed)
    body = {
        "channel_mode": "per_channel" if per_channel else ("mixed" if audio.channels > 1 else "mono"),
        "speakers": [
            {"id": s, "role": roles.roles.get(s, "unknown"), "talk_s": round(diarization.talk_s(s), 3),
             "channel": diarization.channel_of.get(s)}
            for s in speakers
        ],
        "roles": {"method": roles.method, "confidence": round(roles.confidence, 3),
                  "evidence": list(roles.evidence)},
        "segments": [u.to_dict() for u in utts],
        "words": [w.to_dict() for w in words],
        "metrics": scored.metrics,
        "markers": list(scored.markers),
        "feedback": scored.feedback,
        "warnings": warnings + list(scored.notes),
    }
    return body, diarization


def rescore(doc: dict[str, Any]) -> dict[str, Any]:
    """Score a saved analysis again (after a lexicon or option change) without touching audio or models."""
    from .types import AttributedWord, Utterance

    words = tuple(AttributedWord(w["start"], w["end"], w["text"], w["speaker"], w.get("probability", 1.0))
                  for w in doc["words"])
    utts = tuple(Utterance(u["start"], u["end"], u["speaker"], u["text"]) for u in doc["segments"])
    roles = {s["id"]: s["role"] for s in doc["speakers"]}
    t0 = time.perf_counter()
    talk = {s["id"]: s["talk_s"] for s in doc["speakers"]}
    scored = score(AttributedTranscript(words, utts, roles, doc["call"]["duration_s"], talk))
    out = dict(doc)
    out.update(metrics=scored.metrics, markers=list(scored.markers), feedback=scored.feedback)
    out["run"] = {**doc["run"], "timings_s": {**doc["run"]["timings_s"], "score": round(time.perf_counter() - t0, 3)},
                  "rescored_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    return out


def _transcribe(audio: Audio, diarization: Diarization, transcriber: Transcriber, per_channel: bool) -> Transcript:
    """Transcribe where there is speech; each party's own channel alone when they have one."""
    empty = Transcript((), transcriber.options.language, transcriber.engine, transcriber.model_name,
                       {})
    if not diarization.turns:
        return empty  # no speech: nothing to transcribe, and nothing for Whisper to hallucinate
    if not per_channel:
        regions = [(t.start, t.end) for t in diarization.turns]
        return drop_repeats(drop_outside(transcriber.transcribe(audio.mono()), regions))
    segments: list[Segment] = []
    result = empty
    for speaker, ch in sorted(diarization.channel_of.items(), key=lambda kv: kv[1]):
        regions = [(t.start, t.end) for t in diarization.turns if t.speaker == speaker]
        if not regions:
            continue
        result = drop_repeats(drop_outside(transcriber.transcribe(audio.samples[ch]), regions))
        segments.extend(dataclasses.replace(s, channel=ch) for s in result.segments)
    segments.sort(key=lambda s: s.start)
    return Transcript(tuple(segments), result.language, result.engine, result.model, result.options)


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"callreview": __version__, "python": platform.python_version()}
    for pkg in ("openai-whisper", "torch", "av", "silero-vad", "resemblyzer", "scikit-learn", "pyannote.core"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def analyze_file(path: Path, rel: str, engines: Engines, sha256: str | None = None,
                 playable: Path | None = None) -> tuple[dict[str, Any], Diarization]:
    """The whole ``analysis.json`` document for one recording.

    Nothing is written, except the browser-playable copy of the audio at ``playable`` when given.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    sha256 = sha256 or file_sha256(path)
    overrides = CallOverrides.for_recording(path)
    self_review, self_warning = read_self_review(path)
    with _timed(timings, "decode"):
        audio = decode(path)
    if playable is not None:
        with _timed(timings, "media"):
            write_playable(audio, playable)
    body, diarization = analyze_audio(audio, engines, overrides, timings)
    if self_warning:
        body["warnings"].append(self_warning)
    when, when_from = recorded_at(path, rel, audio.creation_time)
    timings["total"] = time.perf_counter() - t0
    for k in ("decode", "transcribe", "diarize", "score"):
        timings.setdefault(k, 0.0)
    o = engines.options
    doc = {
        "schema_version": SCHEMA_VERSION,
        "call": {
            "id": call_id(rel, sha256), "source": rel, "sha256": sha256,
            "duration_s": round(audio.duration_s, 3), "sample_rate": audio.source_sample_rate,
            "channels": audio.source_channels, "codec": audio.codec, "channel_mode": body.pop("channel_mode"),
            "rep": rep_from_path(rel), "recorded_at": when, "recorded_at_from": when_from,
            "media": playable.name if playable is not None else None,
        },
        **body,
        "self_review": self_review,
        "run": {
            "asr_engine": engines.transcriber.engine,
            "asr_model": engines.transcriber.model_name,
            "diarizer": diarization.method,
            "options": {**dataclasses.asdict(o), "transcribe": dataclasses.asdict(engines.transcriber.options),
                        "diarizer": diarization.options},
            "settings_hash": o.settings_hash(),
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "versions": versions(),
            "timings_s": {k: round(v, 3) for k, v in timings.items()},
        },
    }
    return doc, diarization


# --- the batch ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CallResult:
    source: str
    status: str  # "done", "skipped", "failed"
    call_id: str | None = None
    error: str | None = None
    seconds: float = 0.0


def find_recordings(inbox: Path) -> list[Path]:
    """Every audio file under ``inbox``, recursively, in a stable order; hidden files and folders skipped."""
    out = []
    for p in sorted(inbox.rglob("*")):
        rel = p.relative_to(inbox)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if p.is_file() and is_audio_path(p):
            out.append(p)
    return out


Progress = Callable[[str, int, int, str], None]  # (event, completed, total, current source)


def _finished(folder: Path, sha256: str, settings_hash: str) -> dict[str, Any] | None:
    """The saved analysis when this recording was already analysed with these settings."""
    try:
        doc = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = doc.get("call", {}).get("sha256") == sha256 and doc.get("run", {}).get("settings_hash") == settings_hash
    return doc if same else None


def _refresh(doc: dict[str, Any], path: Path, folder: Path) -> bool:
    """Bring a finished call up to date without models: a self-review written after the run, a lost audio copy.

    Returns whether ``doc`` changed.
    """
    changed = False
    review, warning = read_self_review(path)
    if review != doc.get("self_review"):
        doc["self_review"] = review
        changed = True
    if warning and warning not in doc.setdefault("warnings", []):
        doc["warnings"].append(warning)
        changed = True
    if not (folder / PLAYABLE_NAME).is_file():
        write_playable(decode(path), folder / PLAYABLE_NAME)
        if doc["call"].get("media") != PLAYABLE_NAME:
            doc["call"]["media"] = PLAYABLE_NAME
            changed = True
    return changed


def run_batch(inbox: Path, out: Path, options: RunOptions, engines: Engines | None = None,
              progress: Progress | None = None, force: bool = False, reports: bool = True) -> list[CallResult]:
    """Analyse every recording under ``inbox`` into ``out/<call id>/``. Never raises for a bad recording.

    ``engines`` are loaded on first need when not given, so a rerun with nothing left to do loads no model;
    when given, their options are the ones that count. With ``reports``, each call also gets a playable
    audio copy and its report files, and ``out`` gets the index and ``calls.csv`` (``pipeline.report``).
    """
    from . import report

    if engines is not None:
        options = engines.options
    inbox, out = Path(inbox), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = find_recordings(inbox)
    results: list[CallResult] = []
    total = len(files)
    settings = options.settings_hash()
    for i, path in enumerate(files):
        rel = path.relative_to(inbox).as_posix()
        if progress:
            progress("start", i, total, rel)
        t0 = time.perf_counter()
        try:
            sha = file_sha256(path)
            cid = call_id(rel, sha)
            folder = out / cid
            doc = None if force else _finished(folder, sha, settings)
            if doc is not None:
                if reports:
                    if _refresh(doc, path, folder):
                        write_json_atomic(folder / "analysis.json", doc)
                    report.write_call(folder, doc)
                (folder / "error.json").unlink(missing_ok=True)
                results.append(CallResult(rel, "skipped", cid))
                continue
            if engines is None:
                engines = Engines(options)
            folder.mkdir(parents=True, exist_ok=True)
            doc, diarization = analyze_file(path, rel, engines, sha, folder / PLAYABLE_NAME if reports else None)
            write_text_atomic(folder / "diarization.rttm", diarization.to_rttm(cid))
            write_json_atomic(folder / "analysis.json", doc)
            if reports:
                report.write_call(folder, doc)
            (folder / "error.json").unlink(missing_ok=True)
            results.append(CallResult(rel, "done", cid, seconds=time.perf_counter() - t0))
        except ModelError:
            raise  # not this file's fault: every later call would fail the same way
        except (CallReviewError, OSError) as e:
            results.append(_failed(out, rel, path, e, t0))
        except Exception as e:  # a bug or a model failure on one file must not stop the batch
            results.append(_failed(out, rel, path, e, t0, unexpected=True))
        finally:
            if progress:
                progress("end", i + 1, total, rel)
    if reports:
        report.write_batch(out)
    write_json_atomic(out / "batch.json", {
        "inbox": str(inbox), "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "calls": [dataclasses.asdict(r) for r in results],
    })
    return results


def _failed(out: Path, rel: str, path: Path, e: Exception, t0: float, unexpected: bool = False) -> CallResult:
    msg = " ".join(str(e).split()) or type(e).__name__
    if unexpected:
        msg = f"internal error ({type(e).__name__}): {msg}"
    try:
        sha = file_sha256(path)
        cid = call_id(rel, sha)
    except OSError:
        sha, cid = None, call_id(rel, hashlib.sha256(rel.encode()).hexdigest())
    folder = out / cid
    folder.mkdir(parents=True, exist_ok=True)
    write_json_atomic(folder / "error.json", {"source": rel, "sha256": sha, "error": msg,
                                              "failed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
    return CallResult(rel, "failed", cid, msg, time.perf_counter() - t0)
