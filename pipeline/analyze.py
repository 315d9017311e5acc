"""One call's analysis: decode, diarize, transcribe, attribute, roles, verbatim pass, score.

``analyze_file`` runs the stages on one recording and returns the ``analysis.json`` document; it writes
nothing but the browser-playable audio copy when asked. ``rescore`` scores a saved document again. The batch
(``pipeline.batch``) and the cluster workers (``pipeline.cluster``) call these; nothing here knows of either.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from contextlib import contextmanager
import hashlib
import platform
import time
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .analysis import SCHEMA_VERSION, write_bytes_atomic
from .attribute import attribute_words, drop_bleed, utterances
from .audio import decode, encode_playable
from .callmeta import CHANNEL_NAMES, CallInfo, CallOverrides, InboxRules, read_self_review, slug
from .engines import Engines
from .roles import guess_roles, roles_from_channel, roles_from_override
from .score import score
from .transcribe import Transcriber, drop_outside, drop_repeats
from .transcribe.verbatim import verbatim_additions
from .outcome import classify as classify_outcome
from .types import SAMPLE_RATE, Audio, AttributedTranscript, Diarization, Segment, Transcript


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
            speech = None if o.verbatim_everywhere else diarization.speech_of(rep[0])
            extra = verbatim_additions(engines.transcriber, rep_samples, utts, words, rep[0], speech)
        if extra:
            words = tuple(sorted(words + tuple(extra), key=lambda w: (w.start, w.end)))
            utts = utterances(words, turns=diarization.turns)
    if not words:
        warnings.append("no speech found")
    with _timed(timings, "outcome"):
        outcome = classify_outcome(audio.samples, words, roles.roles)
    duration = audio.duration_s
    attributed = AttributedTranscript(words, utts, roles.roles, duration,
                                      {s: diarization.talk_s(s) for s in speakers}, diarization.overlaps)
    with _timed(timings, "score"):
        scored = score(attributed)
    outcome_doc, feedback = by_outcome(outcome.to_dict(), words, scored)
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
        "overlaps": [t.to_dict() for t in diarization.overlaps],
        "outcome": outcome_doc,
        "metrics": scored.metrics,
        "markers": list(scored.markers),
        "feedback": feedback,
        "warnings": warnings + list(scored.notes),
    }
    if o.redact != "none":  # after scoring: the markers come from the full words
        from .redact import redact_body

        with _timed(timings, "redact"):
            spans = engines.redactor.detect(body["words"], roles.roles, o.redact)
            body = redact_body(body, spans, o.redact, engines.redactor.name, audio.duration_s)
    return body, diarization


def by_outcome(outcome_doc: dict[str, Any], words: tuple, scored) -> tuple[dict[str, Any], dict[str, Any]]:
    """The outcome's own part of the analysis and the feedback that fits it: a conversation keeps its coaching
    feedback and says how it ended; a voicemail is coached on its message; a no-answer gets none."""
    kind = outcome_doc.get("kind")
    if kind == "voicemail":
        from .outcome.voicemail import message_figures, voicemail_feedback

        outcome_doc["message"] = message_figures(words, outcome_doc.get("rep_speaker"),
                                                 outcome_doc.get("message_start"), scored.markers)
        return outcome_doc, voicemail_feedback(outcome_doc["message"])
    if kind == "no_answer":
        return outcome_doc, {"strengths": [], "work_on": [], "coaching_questions": []}
    if kind == "conversation":
        outcome_doc["ending"] = scored.ending
    return outcome_doc, scored.feedback


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
    if "outcome" in doc:  # analyses before 1.3 have none: their feedback stays a conversation's
        out["outcome"], out["feedback"] = by_outcome(dict(doc["outcome"]), words, scored)
    out["run"] = {**doc["run"], "timings_s": {**doc["run"]["timings_s"], "score": round(time.perf_counter() - t0, 3)},
                  "rescored_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    return out


# What the first pass reads around the diarizer's speech: (pauses shorter than this stay as they were said, audio
# kept before and after each stretch), s. A channel's own speech is found exactly; on a mix the speech detector
# misses quiet words of the far leg, so more is read around it. Measured on the Harper Valley tuning calls
# (docs/EVALUATION.md, scripts/packing_experiment.py): with 0.2 s margins one mono call went from 5.6% to 12.5% WER.
READ_AROUND = {"per_channel": (1.0, 0.5), "mix": (2.0, 0.8)}


def _transcribe(audio: Audio, diarization: Diarization, transcriber: Transcriber, per_channel: bool,
                recover_skipped: bool = True) -> Transcript:
    """Transcribe where there is speech; each party's own channel alone when they have one, both channels in one
    batched decode (``transcribe.spans``). With ``recover_skipped``, speech the first pass skipped is decoded
    again on its own (``transcribe.recover``)."""
    from .transcribe.recover import recover
    from .transcribe.spans import merge, transcribe_spans

    if not diarization.turns:  # no speech: nothing to transcribe, and nothing for Whisper to hallucinate
        return Transcript((), transcriber.options.language, transcriber.engine, transcriber.model_name, {})
    if per_channel:
        parties = sorted(diarization.channel_of.items(), key=lambda kv: kv[1])
        sources = [(audio.samples[ch], ch, [(t.start, t.end) for t in diarization.turns if t.speaker == speaker])
                   for speaker, ch in parties]
        sources = [src for src in sources if src[2]]
    else:
        sources = [(audio.mono(), None, [(t.start, t.end) for t in diarization.turns])]
    join_s, margin_s = READ_AROUND["per_channel" if per_channel else "mix"]
    firsts = transcribe_spans(transcriber, [x for x, _, _ in sources], [merge(r, join_s) for _, _, r in sources],
                              lead_s=margin_s, pad_s=margin_s)
    segments: list[Segment] = []
    result = firsts[0]
    for (samples, ch, regions), first in zip(sources, firsts):
        result = drop_repeats(drop_outside(first, regions))
        if recover_skipped:
            result = recover(transcriber, samples, regions, result)[0]
        segments.extend(dataclasses.replace(s, channel=ch) for s in result.segments)
    segments.sort(key=lambda s: s.start)
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


def cut_short(audio: Audio) -> str | None:
    """A warning when clearly less audio decoded than the file's header declares (a copy that did not finish,
    a damaged file): the analysis covers only what was there."""
    declared, got = audio.declared_s, audio.duration_s
    if declared is None or got >= declared * 0.97 - 0.5:
        return None
    return (f"the recording looks cut short: its header declares {declared:.0f} s but only {got:.0f} s of audio "
            "could be read (a copy that did not finish, or a damaged file); this analysis covers that part only")


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
    # the playable copy is encoded beside the analysis (one thread of light work while the models run), in memory:
    # nothing reaches OUT before redaction has silenced what it must
    encoded: list[bytes] = []
    with _beside(None if playable is None else lambda: encoded.append(encode_playable(audio)), timings, "media"):
        body, diarization = analyze_audio(audio, engines, overrides, timings, voices=voices, known_rep=info.rep)
    if playable is not None:
        muted = body.get("redaction", {}).get("muted")
        if muted:  # the copy's frames over the spans swapped for silent ones (encoded again only if that fails)
            from .audio.mp3 import mute_frames
            from .redact import mute

            with _timed(timings, "redact"):
                encoded[0] = mute_frames(encoded[0], muted, audio.channels, SAMPLE_RATE) or encode_playable(
                    dataclasses.replace(audio, samples=mute(audio.samples, muted, SAMPLE_RATE)))
        with _timed(timings, "media"):
            write_bytes_atomic(playable, encoded[0])
    if self_warning:
        body["warnings"].append(self_warning)
    if (cut := cut_short(audio)) is not None:
        body["warnings"].append(cut)
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
