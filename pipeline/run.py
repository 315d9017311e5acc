"""The batch: every recording under an inbox in, one folder per call out.

``Engines`` holds the heavy models, loaded once per process. ``analyze_file`` runs the stages on one call and
returns the ``analysis.json`` document; ``run_batch`` walks the inbox, skips calls already analysed with the
same settings, writes each result as soon as it is done and records every failure without stopping.
"""

from __future__ import annotations

import dataclasses
import logging
import datetime as dt
from contextlib import contextmanager
import hashlib
import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import __version__
from . import report
from .analysis import SCHEMA_VERSION, write_bytes_atomic, write_json_atomic, write_text_atomic
from .attribute import attribute_words, drop_bleed, utterances
from .audio import PLAYABLE_NAME, decode, is_audio_path, write_playable
from .callmeta import CHANNEL_NAMES, CallInfo, CallOverrides, InboxRules, read_self_review, slug
from .errors import CallReviewError, ConfigError, ModelError
from .roles import guess_roles, roles_from_channel, roles_from_override
from .score import score
from .compute import cores, limit_threads, resolve_device
from .transcribe import TranscribeOptions, Transcriber, drop_outside, drop_repeats
from .transcribe.verbatim import verbatim_additions
from .types import Audio, AttributedTranscript, Diarization, Segment, Transcript, ms

@dataclass(frozen=True)
class RunOptions:
    """Everything that changes an analysis. Its hash decides whether a finished call is redone."""

    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    # "faster" (faster-whisper, CTranslate2) or "openai" (openai-whisper): the same models. faster is the
    # default: about 3x faster transcription on this 2-core CPU at equal accuracy (README "Speed")
    engine: str = "faster"
    diarizer: str = "embedded"  # "embedded" (offline default) or "pyannote" (optional extra)
    pyannote_pipeline: str | None = None  # pyannote: a local config.yaml (or folder), or a hub name + $HF_TOKEN
    num_speakers: int | None = 2  # sales calls have two parties; None: estimate (1..max_speakers)
    max_speakers: int = 4
    rep_channel: str = "auto"  # stereo: "left" | "right" | "auto" (guess from the transcript)
    stereo: str = "auto"  # "auto": per-channel diarization when the channels hold different voices; "mix"
    verbatim_rep: bool = True  # a second, verbatim pass over the rep's speech to recover fillers and restarts
    # decode again, clip by clip, speech the VAD heard but the first pass skipped (transcribe/recover.py)
    recover_skipped: bool = True

    def settings_hash(self) -> str:
        blob = json.dumps(dataclasses.asdict(self), sort_keys=True) + SCHEMA_VERSION
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Engines:
    """The loaded models: built once per process and reused for every call."""

    def __init__(self, options: RunOptions, transcriber: Transcriber | None = None, diarizer: Any = None,
                 channel_diarizer: Any = None, voice_encoder: Any = None):
        from .diarize import ChannelDiarizer, load_diarizer
        from .transcribe import load_transcriber

        self.options = options
        # "auto" becomes the device this machine has; a GPU asked for and missing fails here, before any load
        self.device = resolve_device(options.transcribe.device, options.engine)
        asr_options = dataclasses.replace(options.transcribe, device=self.device)
        # the optional backend first: a missing extra fails before the big ASR model loads
        self.diarizer = diarizer or load_diarizer(options.diarizer, **_diarizer_args(options, self.device))
        self.transcriber = transcriber or load_transcriber(asr_options, options.engine)
        # share the loaded speech detector when the main diarizer has one
        self.channel_diarizer = channel_diarizer or ChannelDiarizer(vad=getattr(self.diarizer, "vad", None))
        self._voice_encoder = voice_encoder
        _load_scoring()

    @property
    def voice_encoder(self) -> Any:
        """What turns a speaker's speech into a voiceprint: the embedded diarizer (loaded on first need)."""
        if self._voice_encoder is None:
            if hasattr(self.diarizer, "voice_embedding"):
                self._voice_encoder = self.diarizer
            else:
                from .diarize import EmbeddedDiarizer

                self._voice_encoder = EmbeddedDiarizer(vad=getattr(self.diarizer, "vad", None), device=self.device)
        return self._voice_encoder


def _load_scoring() -> None:
    """Load the scorer's spaCy model and lexicons with the other models (once per process), not during the
    first call. A problem with them is left for ``score`` to report on each call."""
    from .score import ScoreOptions
    from .score.lexicon import load_lexicons

    o = ScoreOptions()
    try:
        load_lexicons(o.spacy_model, o.lexicon_dir)
    except Exception:  # noqa: BLE001 - reported by score() on the first call, with the call's record
        pass


def _diarizer_args(options: RunOptions, device: str) -> dict[str, Any]:
    if options.diarizer != "pyannote":
        return {"device": device}
    import os

    args: dict[str, Any] = {"token": os.environ.get("HF_TOKEN"), "device": device}
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
    return f"{slug(stem.replace('/', '__'))}-{sha256[:8]}"


@contextmanager
def _timed(timings: dict[str, float], key: str):
    """Add the seconds spent in the block to ``timings[key]``."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - t0


@contextmanager
def _beside(work: Callable[[], Any] | None, timings: dict[str, float], key: str):
    """Run ``work`` in a thread while the block runs; wait for it after, re-raising its error.

    ``timings[key]`` gets the seconds the block had to wait for it at the end (0 when it finished in time, or
    when there was no ``work``), which is what it added to the call's wall time."""
    import threading

    if work is None:
        yield
        timings.setdefault(key, 0.0)
        return
    failure: list[BaseException] = []

    def target():
        try:
            work()
        except BaseException as e:  # handed to the caller below
            failure.append(e)

    thread = threading.Thread(target=target, name=f"callreview-{key}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        with _timed(timings, key):
            thread.join()
    if failure:
        raise failure[0]


def analyze_audio(audio: Audio, engines: Engines, overrides: CallOverrides = CallOverrides(),
                  timings: dict[str, float] | None = None, voices: Any = None,
                  known_rep: str | None = None) -> tuple[dict[str, Any], Diarization]:
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
        transcript = _transcribe(audio, diarization, engines.transcriber, per_channel, o.recover_skipped)
    words = attribute_words(transcript, diarization)
    if per_channel:
        from .diarize import channel_levels

        words = drop_bleed(words, diarization, channel_levels(audio, diarization))
    utts = utterances(words, turns=diarization.turns)
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
    voice = None
    explicit = overrides.rep_speaker in speakers or (per_channel and rep_channel)
    if voices and not explicit and len(speakers) > 1:
        from .roles.voice import match, similarities, speaker_embeddings

        with _timed(timings, "voice"):
            embeddings = speaker_embeddings(engines.voice_encoder, audio, diarization, per_channel)
        by_voice, voice = match(voices, similarities(voices, embeddings), speakers, known_rep)
        voice["before"] = {"method": roles.method,  # what the voice confirmed or overruled
                           "rep": next((s for s, r in roles.roles.items() if r == "rep"), None)}
        if by_voice is not None:
            roles = by_voice
    rep = [s for s, r in roles.roles.items() if r == "rep"]
    if o.verbatim_rep and rep and words:
        with _timed(timings, "verbatim"):
            rep_samples = audio.samples[diarization.channel_of[rep[0]]] if per_channel else audio.mono()
            extra = verbatim_additions(engines.transcriber, rep_samples, utts, words, rep[0])
        if extra:
            words = tuple(sorted(words + tuple(extra), key=lambda w: (w.start, w.end)))
            utts = utterances(words, turns=diarization.turns)
    if not words:
        warnings.append("no speech found")
    duration = audio.duration_s
    attributed = AttributedTranscript(words, utts, roles.roles, duration,
                                      {s: diarization.talk_s(s) for s in speakers}, diarization.overlaps)
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
                  "evidence": list(roles.evidence), **({"voice": voice} if voice is not None else {})},
        "segments": [u.to_dict() for u in utts],
        "words": [w.to_dict() for w in words],
        "overlaps": [{"start": ms(t.start), "end": ms(t.end), "speaker": t.speaker} for t in diarization.overlaps],
        "metrics": scored.metrics,
        "markers": list(scored.markers),
        "feedback": scored.feedback,
        "warnings": warnings + list(scored.notes),
    }
    return body, diarization


def rescore(doc: dict[str, Any]) -> dict[str, Any]:
    """Score a saved analysis again (after a lexicon or option change) without touching audio or models."""
    from .types import AttributedWord, SpeakerTurn, Utterance

    words = tuple(AttributedWord(w["start"], w["end"], w["text"], w["speaker"], w.get("probability", 1.0))
                  for w in doc["words"])
    utts = tuple(Utterance(u["start"], u["end"], u["speaker"], u["text"]) for u in doc["segments"])
    roles = {s["id"]: s["role"] for s in doc["speakers"]}
    t0 = time.perf_counter()
    talk = {s["id"]: s["talk_s"] for s in doc["speakers"]}
    overlaps = tuple(SpeakerTurn(o["start"], o["end"], o["speaker"]) for o in doc.get("overlaps", ()))
    scored = score(AttributedTranscript(words, utts, roles, doc["call"]["duration_s"], talk, overlaps))
    out = dict(doc)
    out.update(metrics=scored.metrics, markers=list(scored.markers), feedback=scored.feedback)
    out["run"] = {**doc["run"], "timings_s": {**doc["run"]["timings_s"], "score": round(time.perf_counter() - t0, 3)},
                  "rescored_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    return out


def _transcribe(audio: Audio, diarization: Diarization, transcriber: Transcriber, per_channel: bool,
                recover_skipped: bool = True) -> Transcript:
    """Transcribe where there is speech; each party's own channel alone when they have one. With
    ``recover_skipped``, speech the first pass skipped is decoded again on its own (``transcribe.recover``)."""
    from .transcribe.recover import recover

    empty = Transcript((), transcriber.options.language, transcriber.engine, transcriber.model_name,
                       {})
    if not diarization.turns:
        return empty  # no speech: nothing to transcribe, and nothing for Whisper to hallucinate

    def finish(samples, regions, first: Transcript) -> Transcript:
        out = drop_repeats(drop_outside(first, regions))
        return recover(transcriber, samples, regions, out)[0] if recover_skipped else out

    if not per_channel:
        regions = [(t.start, t.end) for t in diarization.turns]
        mono = audio.mono()
        return finish(mono, regions, transcriber.transcribe(mono))
    segments: list[Segment] = []
    result = empty
    for speaker, ch in sorted(diarization.channel_of.items(), key=lambda kv: kv[1]):
        regions = [(t.start, t.end) for t in diarization.turns if t.speaker == speaker]
        if not regions:
            continue
        samples = audio.samples[ch]
        result = finish(samples, regions, _transcribe_speech(transcriber, samples, regions))
        segments.extend(dataclasses.replace(s, channel=ch) for s in result.segments)
    segments.sort(key=lambda s: s.start)
    return Transcript(tuple(segments), result.language, result.engine, result.model, result.options)


def _transcribe_speech(transcriber: Transcriber, samples, regions: list[tuple[float, float]]) -> Transcript:
    """Transcribe only a channel's speech: its regions (with a little audio around them) cut out and joined
    with short pauses, the words mapped back to the recording's clock. A party's own channel is silent
    about half the call; Whisper need not read the silence."""
    from .transcribe.verbatim import join_spans, to_original

    merged: list[tuple[float, float]] = []
    for s, e in sorted(regions):
        if merged and s - merged[-1][1] < 1.0:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    joined, index = join_spans(samples, merged)
    result = transcriber.transcribe(joined)
    segments = []
    for seg in result.segments:
        words = tuple(to_original(list(seg.words), index))
        if words:
            segments.append(dataclasses.replace(seg, start=words[0].start, end=words[-1].end,
                                                text="".join(w.text for w in words).strip(), words=words))
    return Transcript(tuple(segments), result.language, result.engine, result.model, result.options)


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"callreview": __version__, "python": platform.python_version()}
    for pkg in ("openai-whisper", "faster-whisper", "ctranslate2", "torch", "av", "silero-vad", "resemblyzer",
                "scikit-learn", "pyannote.core"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def analyze_file(path: Path, rel: str, engines: Engines, sha256: str | None = None,
                 playable: Path | None = None, info: CallInfo | None = None,
                 voices: Any = None) -> tuple[dict[str, Any], Diarization]:
    """The whole ``analysis.json`` document for one recording.

    ``info``: the rep and date decided from the inbox (default: ``InboxRules()``, the rep from the folder);
    ``voices``: enrolled voiceprints (``roles.voice.VoiceBook``) that can name the rep's voice.
    Nothing is written, except the browser-playable copy of the audio at ``playable`` when given.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    sha256 = sha256 or file_sha256(path)
    overrides = CallOverrides.for_recording(path)
    self_review, self_warning = read_self_review(path)
    with _timed(timings, "decode"):
        audio = decode(path)
    if info is None:
        info = InboxRules().info(path, rel, audio.creation_time)
    # the playable copy is encoded beside the analysis (one thread of light work while the models run)
    with _beside(None if playable is None else lambda: write_playable(audio, playable), timings, "media"):
        body, diarization = analyze_audio(audio, engines, overrides, timings, voices=voices, known_rep=info.rep)
    if self_warning:
        body["warnings"].append(self_warning)
    rep, rep_from = info.rep, info.rep_from
    if body["roles"].get("method") == "voice" and not rep:
        rep, rep_from = body["roles"]["voice"]["rep"], "voice"
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
            "rep": rep, "rep_from": rep_from, "recorded_at": info.recorded_at,
            "recorded_at_from": info.recorded_at_from,
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
            "overrides": dataclasses.asdict(overrides),
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
    status: str  # "done", "skipped" (already analysed), "failed", "duplicate", "waiting" (still being copied)
    call_id: str | None = None
    error: str | None = None
    seconds: float = 0.0
    worker: str | None = None  # host:pid of the cluster worker that analysed it (``run --ray``)


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


def _finished(folder: Path, sha256: str, settings_hash: str, overrides: CallOverrides) -> dict[str, Any] | None:
    """The saved analysis when this recording was already analysed with these settings and overrides."""
    try:
        doc = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    run = doc.get("run", {})
    same = (doc.get("call", {}).get("sha256") == sha256 and run.get("settings_hash") == settings_hash
            and run.get("overrides", {}) == dataclasses.asdict(overrides))
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


log = logging.getLogger("callreview")

SETTLE_S = 2.0  # a file whose size and time have not changed for this long has finished copying


@dataclass
class Batch:
    """One process working through the catalog of an output folder (``run`` and ``watch`` both use it).

    ``scan`` records what is in the inbox and queues what is new, changed or analysed with other settings;
    ``work`` claims queued recordings one at a time until none is left. Any number of processes can work on
    one inbox at once: the catalog hands each recording to exactly one of them.
    """

    inbox: Path
    out: Path
    options: RunOptions
    engines: Engines | None = None
    rules: InboxRules = InboxRules()
    reports: bool = True
    settle_s: float = SETTLE_S
    stale_s: float = 120.0  # a claim whose worker (on another host) sent no heartbeat for this long is lost
    heartbeat_s: float = 10.0

    def __post_init__(self) -> None:
        from .catalog import Catalog, worker_id

        if self.engines is not None:
            self.options = self.engines.options
        self.inbox, self.out = Path(self.inbox), Path(self.out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog.for_out(self.out)
        self.worker = worker_id()
        self.settings = self.options.settings_hash()

    # --- scanning ---------------------------------------------------------------------------------------------

    def scan(self, force: bool = False) -> None:
        """Record every recording in the inbox; queue the settled new, changed and out-of-date ones."""
        from .audio import probe_creation_time

        cat, now = self.catalog, time.time()
        present = set()
        for path in find_recordings(self.inbox):
            rel = path.relative_to(self.inbox).as_posix()
            present.add(rel)
            try:
                st = path.stat()
            except OSError:
                continue  # gone between listing and stat: the next scan sees it or not
            row = cat.observe(rel, st.st_size, st.st_mtime, now)
            if row.status == "waiting":
                if now - st.st_mtime < self.settle_s:
                    continue  # still being copied in
                try:
                    sha = file_sha256(path)
                    again = path.stat()
                except OSError:
                    continue
                if (again.st_size, again.st_mtime) != (st.st_size, st.st_mtime):
                    continue  # grew while we read it
                info = self.rules.info(path, rel, probe_creation_time(path))
                cat.enqueue(rel, sha, {"call_id": call_id(rel, sha), **dataclasses.asdict(info)}, self.settings, now)
            elif row.status in ("done", "failed") and (force or row.settings_hash != self.settings):
                cat.requeue(rel, self.settings, now)  # other settings (or --force): analyse again
            elif row.status == "done" and self._outdated(path, row):
                cat.requeue(rel, self.settings, now)  # a sidecar changed or an output went missing
        cat.mark_missing(present)

    def _outdated(self, path: Path, row) -> bool:
        """A finished call whose sidecars changed since, or whose outputs are gone (cheap to redo: the saved
        analysis is reused when the settings and overrides still match)."""
        for side in (".call.toml", ".self.toml"):
            try:
                if path.with_name(path.name + side).stat().st_mtime > (row.finished_at or 0):
                    return True
            except OSError:
                pass
        folder = self.out / (row.call_id or "")
        needed = ["analysis.json"] + (["report.html", PLAYABLE_NAME] if self.reports else [])
        return not all((folder / n).is_file() for n in needed)

    # --- working ----------------------------------------------------------------------------------------------

    def work(self, progress: Progress | None = None, force: bool = False, limit: int | None = None) -> list[CallResult]:
        """Process queued recordings until the queue is empty (or ``limit`` are done)."""
        from .catalog import now

        cat = self.catalog
        results: list[CallResult] = []
        cat.recover(self.stale_s, now())
        total = cat.counts()["queued"]
        while limit is None or len(results) < limit:
            row = cat.claim(self.worker, now())
            if row is None:
                break
            if progress:
                progress("start", len(results), max(total, len(results) + 1), row.source)
            results.append(self._process(row, force))
            if progress:
                progress("end", len(results), max(total, len(results)), row.source)
        return results

    def _process(self, row, force: bool) -> CallResult:
        """Analyse one claimed recording here (or reuse its saved analysis) and record the outcome."""
        def work() -> tuple[str, dict[str, Any]]:
            reused = self.reuse(row, force)
            if reused is not None:
                return "skipped", reused
            if self.engines is None:
                self.engines = Engines(self.options)
            path, folder = self.inbox / row.source, self.out / row.call_id
            folder.mkdir(parents=True, exist_ok=True)
            doc, diarization = analyze_file(path, row.source, self.engines, row.sha256,
                                            folder / PLAYABLE_NAME if self.reports else None, self.info(row),
                                            self._voices())
            self.save(row, doc, diarization.to_rttm(row.call_id))
            return "done", doc

        with _Heartbeat(self.catalog.path, self.worker, self.heartbeat_s, {row.source}):
            return self.settle(row, work)

    def info(self, row) -> CallInfo:
        """The rep and date the scan decided for this recording."""
        return CallInfo(row.rep, row.rep_from, row.recorded_at, row.recorded_at_from)

    def reuse(self, row, force: bool) -> dict[str, Any] | None:
        """The saved analysis when it is still valid (same audio, settings and overrides), brought up to date
        (self-review, audio copy, report) without models; None when the call must be analysed."""
        path, folder = self.inbox / row.source, self.out / row.call_id
        doc = None if force else _finished(folder, row.sha256, self.settings, CallOverrides.for_recording(path))
        if doc is not None and self.reports:
            if _refresh(doc, path, folder):
                write_json_atomic(folder / "analysis.json", doc)
            report.write_call(folder, doc)
        return doc

    def save(self, row, doc: dict[str, Any], rttm: str, playable: bytes | None = None) -> None:
        """Write a finished call's outputs into its folder: the RTTM, ``analysis.json``, the report files and,
        when the audio copy was made elsewhere (a cluster worker), its bytes."""
        folder = self.out / row.call_id
        folder.mkdir(parents=True, exist_ok=True)
        if playable is not None and self.reports:
            write_bytes_atomic(folder / PLAYABLE_NAME, playable)
        write_text_atomic(folder / "diarization.rttm", rttm)
        write_json_atomic(folder / "analysis.json", doc)
        if self.reports:
            report.write_call(folder, doc)

    def settle(self, row, work: Callable[[], tuple[str, dict[str, Any]]]) -> CallResult:
        """Run ``work`` (which returns the result status and the call's document) and record the outcome in the
        catalog: done, or failed with a one-line error in ``error.json``. A model that cannot load puts the
        call back in the queue and raises (every later call would fail the same way)."""
        from .catalog import now

        rel, cid = row.source, row.call_id
        folder = self.out / cid
        t0 = time.perf_counter()
        status, error, result_status, timings = "done", None, "done", None
        try:
            result_status, doc = work()
            timings = doc["run"].get("timings_s")
            (folder / "error.json").unlink(missing_ok=True)
        except ModelError:
            self.catalog.finish(rel, self.worker, "queued", now(), "not started: the models could not load")
            raise
        except (CallReviewError, OSError) as e:
            status, error = "failed", _write_failure(self.out, rel, cid, row.sha256, e)
        except Exception as e:  # a bug or a model failure on one file must not stop the batch
            status, error = "failed", _write_failure(self.out, rel, cid, row.sha256, e, unexpected=True)
        if doc_rep := (status == "done" and _doc_rep(folder)):
            self.catalog.set_rep(rel, *doc_rep)
        self.catalog.finish(rel, self.worker, status, now(), error, cid, timings, self.settings)
        return CallResult(rel, result_status if status == "done" else "failed", cid, error, time.perf_counter() - t0)

    def _voices(self):
        if not hasattr(self, "_voicebook"):
            from .roles.voice import VoiceBook

            self._voicebook = VoiceBook.from_catalog(self.catalog)
        return self._voicebook

    # --- reporting --------------------------------------------------------------------------------------------

    def results_for_rest(self, processed: list[CallResult]) -> list[CallResult]:
        """What this run did not process: already done, still failing, duplicates, files still being copied."""
        seen = {r.source for r in processed}
        kind = {"done": "skipped", "failed": "failed", "duplicate": "duplicate", "waiting": "waiting"}
        return [CallResult(r.source, kind[r.status], r.call_id, r.error)
                for r in self.catalog.rows() if r.source not in seen and r.status in kind]

    def write_batch_outputs(self, results: list[CallResult]) -> None:
        """The index, team views and ``batch.json``. A failure here (a full disk) is logged, not raised: every
        call's own outcome is already in the catalog, and the next batch writes these again."""
        try:
            if self.reports:
                report.write_batch(self.out)
            write_json_atomic(self.out / "batch.json", {
                "inbox": str(self.inbox), "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "calls": [dataclasses.asdict(r) for r in sorted(results, key=lambda r: r.source)],
            })
        except OSError as e:
            log.warning("could not write the batch outputs in %s (%s); the catalog has every result", self.out, e)

    def close(self) -> None:
        self.catalog.close()


def _doc_rep(folder: Path) -> tuple[str, str] | None:
    """The rep the analysis settled on when the voice named them (the catalog learns it)."""
    try:
        call = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))["call"]
    except (OSError, ValueError, KeyError):
        return None
    return (call["rep"], call["rep_from"]) if call.get("rep_from") == "voice" and call.get("rep") else None


class _Heartbeat:
    """While calls are processed, a thread marks their claims alive (for workers on other hosts to see).

    ``sources``: the claims to keep alive; a cluster driver adds and removes them as calls come and go."""

    def __init__(self, db: Path, worker: str, every_s: float, sources: set[str] | None = None):
        import threading

        self.db, self.worker, self.every_s = db, worker, every_s
        self.sources: set[str] = set(sources or ())
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from .catalog import Catalog, now

        with Catalog(self.db) as cat:
            while not self.stop.wait(self.every_s):
                for source in list(self.sources):
                    try:
                        cat.beat(source, self.worker, now())
                    except Exception:  # a busy database now and then must not kill the work
                        pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def _job(inbox: Path, out: Path, options: RunOptions, rules: InboxRules, reports: bool, threads: int,
         engine_factory: Callable[[RunOptions], Engines] | None, force: bool, queue: Any) -> None:
    """One extra worker process of ``run --jobs N``: its own models (loaded once), claims from the catalog."""
    limit_threads(threads)
    batch = Batch(inbox, out, options, engine_factory(options) if engine_factory else None, rules, reports)
    results: list[CallResult] = []
    try:
        results = batch.work(force=force)
    finally:
        batch.close()
        queue.put([dataclasses.asdict(r) for r in results])


def _collect(helpers: list[Any], queue: Any) -> list[CallResult]:
    """The results the extra jobs send back; returns when every job has exited (one that died sends none),
    never waiting on a dead one."""
    import queue as queue_mod

    out: list[CallResult] = []
    while True:
        alive = any(h.is_alive() for h in helpers)  # looked at before reading: what a job sent before exiting is read
        try:
            out += [CallResult(**r) for r in queue.get(timeout=0.5)]
        except queue_mod.Empty:
            if not alive:
                break
    for h in helpers:
        h.join()
    return out


def run_batch(inbox: Path, out: Path, options: RunOptions, engines: Engines | None = None,
              progress: Progress | None = None, force: bool = False, reports: bool = True,
              rules: InboxRules = InboxRules(), settle_s: float | None = None, wait_for_copies_s: float = 60.0,
              jobs: int = 1, engine_factory: Callable[[RunOptions], Engines] | None = None,
              ray: Any = None) -> list[CallResult]:
    """Analyse every recording under ``inbox`` into ``out/<call id>/``. Never raises for a bad recording.

    The catalog (``out/catalog.sqlite``) decides what is left to do, so a rerun does only new and changed
    recordings, and several ``run`` processes on one inbox share the work. Files still being copied in are
    waited for (up to ``wait_for_copies_s``). ``engines`` are loaded on first need when not given, so a
    rerun with nothing left to do loads no model; when given, their options are the ones that count. With
    ``reports``, each call also gets a playable audio copy and its report files, and ``out`` gets the index
    and ``calls.csv`` (``pipeline.report``).

    ``jobs``: calls processed at once. Each extra job is a process with its own models, claiming from the
    same catalog; the CPU threads are shared out between them. ``engine_factory`` (a picklable function of
    the options) builds the extra jobs' models; by default they load the real ones.

    ``ray``: a ``pipeline.cluster.RayOptions``: the calls run on a Ray cluster's actors instead (this process
    still scans, claims and writes every output; ``engine_factory`` builds the actors' models).
    """
    import multiprocessing as mp

    if ray is not None and jobs > 1:
        raise ConfigError("--jobs and --ray do not mix: on Ray, the workers are the jobs (--ray-workers)")
    settle_s = SETTLE_S if settle_s is None else settle_s
    runner = None
    if ray is not None:
        from .cluster import RayRunner, _ray

        _ray()  # a missing extra fails before anything is written
        runner = RayRunner(ray, engines.options if engines is not None else options, engine_factory)
    batch = Batch(inbox, out, options, engines, rules, reports, settle_s)
    run_id = batch.catalog.start_run(batch.worker, "run" if jobs == 1 else f"run --jobs {jobs}", time.time())
    helpers: list[Any] = []
    queue: Any = None
    started = False
    try:
        results: list[CallResult] = []
        deadline = time.monotonic() + wait_for_copies_s
        while True:
            batch.scan(force=force and not results)
            if jobs > 1 and not started and batch.catalog.counts()["queued"] > 1:
                started = True
                threads = max(1, cores() // jobs)
                ctx = mp.get_context("spawn")
                queue = ctx.Queue()
                helpers = [ctx.Process(target=_job, args=(batch.inbox, batch.out, batch.options, rules, reports, threads,
                                                          engine_factory, force, queue))
                           for _ in range(jobs - 1)]
                for h in helpers:
                    h.start()
                limit_threads(threads)
            results += runner.work(batch, progress, force) if runner is not None else batch.work(progress, force)
            if helpers:
                results += _collect(helpers, queue)
                if any(h.exitcode != 0 for h in helpers):  # a job died (killed, out of memory) mid-call
                    log.warning("a --jobs worker died; this process finishes what it had claimed")
                    results += batch.work(progress, force)  # its claims are requeued (its pid is gone)
            helpers = []
            waiting = batch.catalog.counts()["waiting"]
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(min(1.0, settle_s / 2))
        processed = list(results)
        results += batch.results_for_rest(results)
        batch.write_batch_outputs(results)
        batch.catalog.end_run(run_id, sum(r.status == "done" for r in processed),
                              sum(r.status == "failed" for r in processed), time.time())
        return sorted(results, key=lambda r: r.source)
    finally:
        for h in helpers:  # this process failed (a model would not load): don't leave its helpers behind
            h.terminate()
            h.join()
        if runner is not None:
            runner.close()
        batch.close()


def _write_failure(out: Path, rel: str, cid: str, sha: str | None, e: Exception, unexpected: bool = False) -> str:
    """Write ``error.json`` in the call's folder; return the one-line message."""
    msg = " ".join(str(e).split()) or type(e).__name__
    if unexpected:
        msg = f"internal error ({type(e).__name__}): {msg}"
    if isinstance(e, OSError) and getattr(e, "errno", None) == 28:
        msg = f"disk full while writing the results ({msg}); free space and run `callreview retry`"
    try:
        folder = out / cid
        folder.mkdir(parents=True, exist_ok=True)
        write_json_atomic(folder / "error.json", {"source": rel, "sha256": sha, "error": msg,
                                                  "failed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
    except OSError:
        pass  # the catalog still records the failure
    return msg
