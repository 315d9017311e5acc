"""``callreview``: a thin command line over the library. Our own errors become one stderr line and exit 1."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from .callmeta import SETTLE_S
from .errors import CallReviewError
from .terminal import shown

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Review recorded sales calls: speaker-attributed transcripts, offline, on real models.")


def _say(line: str, err: bool = False) -> None:
    """Print one line that may hold a name or an error: control characters shown escaped (``terminal.shown``)."""
    typer.echo(shown(line), err=err)


def _fail(msg: str, code: int = 1) -> None:
    _say(f"callreview: error: {msg}", err=True)
    raise typer.Exit(code)


@contextmanager
def _one_line(out: Path):
    """Our errors, and any file-system or database failure under OUT (disk full, read-only, a damaged catalog),
    end the command with one line naming the problem and the fix: never a traceback."""
    import sqlite3

    from .catalog import CATALOG_NAME, explain
    from .errors import storage_message

    try:
        yield
    except CallReviewError as e:
        _fail(str(e))
    except OSError as e:
        _fail(storage_message(e, out))
    except sqlite3.Error as e:
        _fail(explain(e, out / CATALOG_NAME))


class RepChannel(str, Enum):
    auto = "auto"
    left = "left"
    right = "right"


class Engine(str, Enum):
    openai = "openai"
    faster = "faster"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


DEVICE_HELP = "Where the models run: auto (a CUDA GPU when one is visible, with fp16), cpu or cuda."


class Redact(str, Enum):
    none = "none"
    pii = "pii"
    strict = "strict"


class DiarizerName(str, Enum):
    embedded = "embedded"
    pyannote = "pyannote"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"callreview {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Print the version and exit.")) -> None:
    """Analyse recorded sales calls: transcript, who spoke when, rep versus buyer."""


WATCH_HELP = ("Watch INBOX and analyse each recording once, as it lands (waits until a file has finished "
              "copying). Same options as run; stop with Ctrl-C, restart any time: nothing is lost or done twice.")


@app.command("watch", help=WATCH_HELP)
@app.command("run")
def run(
    ctx: typer.Context,
    inbox: Path = typer.Argument(..., help="Folder of recordings (searched recursively)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: one sub-folder per call."),
    model: str = typer.Option("base", help="ASR model: base (default) or tiny.en (faster, worse on phone audio)."),
    engine: Engine = typer.Option(Engine.faster, "--engine",
                                  help="faster: faster-whisper (CTranslate2, default); openai: openai-whisper. Same models."),
    speakers: int = typer.Option(2, "--speakers", min=0, max=8,
                                 help="Number of speakers; 0 estimates it (for calls with 3-4 parties)."),
    rep_channel: RepChannel = typer.Option(RepChannel.auto, "--rep-channel",
                                           help="Stereo calls: which channel is the rep (auto: guess from the transcript)."),
    diarizer: DiarizerName = typer.Option(DiarizerName.embedded, help="Diarization backend."),
    pyannote_pipeline: Optional[str] = typer.Option(
        None, envvar="CALLREVIEW_PYANNOTE_PIPELINE",
        help="With --diarizer pyannote: a local pipeline config.yaml (or its folder), or a hub name (token in $HF_TOKEN)."),
    filler_prompt: bool = typer.Option(False, "--filler-prompt",
                                       help="Prompt Whisper with fillers: more um/uh kept, but measured to drop passages."),
    no_verbatim: bool = typer.Option(False, "--no-verbatim",
                                     help="Skip the verbatim pass over the rep's speech (faster; fillers and restarts "
                                          "Whisper cleans away are then missed)."),
    reps: Optional[Path] = typer.Option(None, "--reps", help="CSV with columns path,rep naming each recording's rep "
                                                              "(path: a file or glob relative to INBOX)."),
    rep_pattern: Optional[str] = typer.Option(None, "--rep-pattern",
                                              help="Regex over the path in INBOX with a (?P<rep>...) group, e.g. "
                                                   "'^(?P<rep>[a-z]+)_'. Default: the rep is the first folder."),
    date_format: Optional[str] = typer.Option(None, "--date-format",
                                              help="The call time in file names, e.g. '%Y%m%d-%H%M%S' (default: "
                                                   "forms like 2026-11-20_0915, else the file's metadata or time)."),
    follow_links: bool = typer.Option(False, "--follow-links",
                                      help="Also read recordings behind symbolic links (files and folders) in INBOX; "
                                           "by default links are skipped, wherever they point."),
    device: Device = typer.Option(Device.auto, "--device", help=DEVICE_HELP),
    ray: bool = typer.Option(False, "--ray", help="Run the calls on a Ray cluster (optional extra: pip install "
                                                  "'callreview[ray]'): $RAY_ADDRESS or --ray-address, else Ray "
                                                  "started on this machine."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", envvar="RAY_ADDRESS",
                                              help="With --ray: the cluster, e.g. auto (one started here with "
                                                   "`ray start --head`) or ray://head:10001."),
    ray_workers: Optional[int] = typer.Option(None, "--ray-workers", min=1,
                                              help="With --ray: workers (each loads the models once; default: as "
                                                   "many as the cluster's CPUs allow)."),
    ray_cpus: float = typer.Option(2.0, "--ray-cpus", min=0.5, help="With --ray: CPUs (and threads) per worker."),
    ray_gpus: float = typer.Option(0.0, "--ray-gpus", min=0, help="With --ray: GPUs per worker (> 0: models on the GPU)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, max=16,
                             help="Calls processed at once (each job loads its own models; CPU threads are shared)."),
    force: bool = typer.Option(False, "--force", help="Redo calls already analysed with the same settings."),
    settle: float = typer.Option(SETTLE_S, "--settle", min=0.0,
                                 help="Seconds a recording must stay unchanged (size, times; and on Linux, no "
                                      "process writing it) before it is taken: a copy that pauses for less "
                                      "is never read half-way."),
    reports: bool = typer.Option(True, "--reports/--no-reports",
                                 help="Write each call's report.html, audio copy and transcripts, and OUT/index.html."),
    redact: Optional[Redact] = typer.Option(
        None, "--redact", help="What OUT must not hold: pii (card, account, routing and social security numbers, "
                               "phone numbers, e-mail and street addresses, dates of birth: replaced by [KIND] in "
                               "every transcript, page and export, silent in the audio copy), strict (also the "
                               "buyer's names and any number read out in groups), none. Default: what OUT was made "
                               "with (OUT/redaction.json); pii for a new OUT. A change redoes the calls."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Analyse every recording under INBOX into OUT/<call id>/: analysis.json, diarization.rttm, report.html."""
    from .batch import run_batch
    from .callmeta import InboxRules
    from .engines import RunOptions
    from .models import ASR_MODELS
    from .redact import out_level
    from .report.team import TeamOptions

    if not inbox.is_dir():
        _fail(f"inbox {inbox} is not a folder")
    if model not in ASR_MODELS:
        _fail(f"unknown model {model!r}; available: {', '.join(ASR_MODELS)}")
    with _one_line(out):
        level, note = out_level(out, redact.value if redact is not None else None)
        if note:
            _say(f"callreview: note: {note}", err=True)
        options = RunOptions(transcribe=_asr_options(model, filler_prompt, device, engine), diarizer=diarizer.value,
                             num_speakers=speakers or None, rep_channel=rep_channel.value,
                             pyannote_pipeline=pyannote_pipeline, verbatim_rep=not no_verbatim, engine=engine.value,
                             redact=level)
        rules = InboxRules.load(reps, rep_pattern, date_format, follow_links=follow_links)
        TeamOptions.load(out)  # a bad OUT/team.toml is one line now, not a warning after the batch
        if ctx.info_name == "watch":
            if ray:
                _fail("--ray works with `run` (a batch); `watch` runs calls in this process")
            return _watch(inbox, out, options, rules, reports, quiet, settle)
        executor = None  # this process, or --jobs processes (run_batch's choice)
        if ray:
            from .cluster import RayExecutor, RayOptions

            executor = RayExecutor(RayOptions(address=ray_address, workers=ray_workers, cpus_per_worker=ray_cpus,
                                              gpus_per_worker=ray_gpus))
        results = _with_progress(lambda progress: run_batch(inbox, out, options, progress=progress, reports=reports,
                                                            force=force, rules=rules, jobs=jobs, executor=executor,
                                                            settle_s=settle),
                                 quiet)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        _say(f"callreview: failed: {r.source}: {r.error}", err=True)
    count = {k: sum(r.status == k for r in results) for k in ("done", "skipped", "duplicate", "waiting")}
    extra = "".join(f", {count[k]} {label}" for k, label in (("duplicate", "duplicate(s)"),
                                                            ("waiting", "still being copied")) if count[k])
    _say(f"{len(results)} recording(s): {count['done']} analysed, {count['skipped']} already done, "
         f"{len(failed)} failed{extra}. Results in {out}/" + (f"; open {out / 'index.html'}" if reports else ""))
    if failed:
        raise typer.Exit(1)


def _watch(inbox: Path, out: Path, options, rules, reports: bool, quiet: bool, settle: float) -> None:
    import signal
    import threading

    from .watch import watch

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def said(r) -> None:
        if not quiet:
            line = f"{r.status}: {r.source}" + (f": {r.error}" if r.error else "") + f" ({r.seconds:.0f} s)"
            _say(line, err=r.status == "failed")

    _say(f"watching {inbox} -> {out}/ (Ctrl-C to stop; open {out / 'index.html'})")
    try:
        watch(inbox, out, options, rules=rules, reports=reports, stop=stop, on_result=said, settle_s=settle)
    except KeyboardInterrupt:
        pass
    typer.echo("stopped")


def _asr_options(model: str, filler_prompt: bool, device: Device = Device.cpu, engine: Engine = Engine.faster):
    """ASR options with ``device`` resolved to what this machine has (so "auto" on a CPU machine is "cpu")."""
    from .compute import resolve_device
    from .transcribe import FILLER_PROMPT, TranscribeOptions

    try:
        resolved = resolve_device(device.value, engine.value)
    except CallReviewError as e:
        _fail(str(e))
    return TranscribeOptions(model=model, initial_prompt=FILLER_PROMPT if filler_prompt else None, device=resolved)


def _with_progress(work, quiet: bool):
    if quiet or not sys.stderr.isatty():
        return work(None)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), transient=False) as bar:
        task = bar.add_task("calls", total=None)

        def progress(event: str, completed: int, total: int, source: str) -> None:
            bar.update(task, completed=completed, total=total, description=shown(source)[-40:])

        return work(progress)


@app.command()
def models(
    prepare: bool = typer.Option(False, "--prepare", help="Verify every model and convert the Whisper ones now."),
) -> None:
    """List the models: name, source package, verified, license, location. Nothing is ever downloaded."""
    from rich.console import Console
    from rich.table import Table

    from .models import ASR_MODELS, all_model_status, prepare_ct2, prepare_whisper

    if prepare:
        for name in ASR_MODELS:
            try:
                prepare_whisper(name)
                prepare_ct2(name)
            except CallReviewError as e:
                _fail(str(e))
    statuses = all_model_status()
    table = Table("model", "kind", "source package", "verified", "license", "location")
    for s in statuses:
        table.add_row(s.name, s.kind, s.source, "yes" if s.verified else "NO", s.license, s.location or s.message)
    Console(width=200).print(table)
    bad = [s for s in statuses if not s.verified and s.kind != "nlp"]
    for s in bad:
        typer.echo(f"callreview: error: {s.message}", err=True)
    if bad:
        raise typer.Exit(1)


def _analysis_paths(out: Path) -> list[Path]:
    """Every call's analysis.json under an output folder; a one-line error when there is none."""
    paths = sorted(out.glob("*/analysis.json"))
    if not paths:
        _fail(f"no analysis.json under {out}")
    return paths


@app.command()
def rescore(
    out: Path = typer.Argument(..., help="An output folder of `callreview run`."),
) -> None:
    """Score every analysed call again from its analysis.json (after editing a lexicon): no audio, no models.

    Reports and exports are rebuilt from the new scores.
    """
    import json

    from . import report as reports
    from .analysis import validate, write_json_atomic
    from .analyze import rescore as rescore_doc

    paths = _analysis_paths(out)
    failed = 0
    for p in paths:
        try:
            doc = rescore_doc(json.loads(p.read_text(encoding="utf-8")))
            validate(doc)
            write_json_atomic(p, doc)
        except (OSError, ValueError, KeyError, CallReviewError) as e:
            failed += 1
            _say(f"callreview: failed: {p.parent.name}: {' '.join(str(e).split())[:200]}", err=True)
    reports.rebuild(out)
    typer.echo(f"rescored {len(paths) - failed} of {len(paths)} call(s) in {out}/; reports rebuilt")
    if failed:
        raise typer.Exit(1)


@app.command()
def report(
    out: Path = typer.Argument(..., help="An output folder of `callreview run`."),
    fmt: Optional[list[str]] = typer.Option(None, "--format", "-f",
                                            help="Only these formats (repeatable); default: all. See --list."),
    list_: bool = typer.Option(False, "--list", help="List the output formats and exit."),
) -> None:
    """Rebuild every report and export from the saved analysis.json files: no audio, no models."""
    from . import report as reports

    available = reports.formats()
    if list_:
        for f in available.values():
            typer.echo(f"{f.name:6} {f.scope:5}  {f.filename:16} {f.description}")
        return
    unknown = sorted(set(fmt or []) - set(available))
    if unknown:
        _fail(f"unknown format(s) {', '.join(unknown)}; available: {', '.join(available)}")
    _analysis_paths(out)
    with _one_line(out):
        written = reports.rebuild(out, fmt or None)
    typer.echo(f"wrote {len(written)} file(s) in {out}/; open {out / 'index.html'}")


def _catalog(out: Path, read_only: bool = False):
    """The output folder's catalog; a one-line error when there is none (nothing is created)."""
    from .catalog import CATALOG_NAME, Catalog

    if not (out / CATALOG_NAME).is_file():
        _fail(f"no catalog in {out}/ (run `callreview run INBOX --out {out}` first)")
    return Catalog.for_out(out, read_only=read_only)


@app.command()
def status(
    out: Path = typer.Argument(..., help="An output folder of `callreview run` or `watch`."),
) -> None:
    """Show the catalog: how many recordings are queued, running, done or failed; every failure; the last runs."""
    import datetime as dt

    with _one_line(out), _catalog(out, read_only=True) as cat:
        counts = cat.counts()
        typer.echo("  ".join(f"{k}: {v}" for k, v in counts.items() if v or k in ("queued", "done", "failed")))
        for r in cat.rows("running"):
            _say(f"running: {r.source} (by {r.worker}, attempt {r.attempts})")
        for r in cat.rows("waiting"):
            _say(f"waiting: {r.source} (still being copied in)")
        for r in cat.rows("queued"):
            _say(f"queued: {r.source}")
        for r in cat.rows("failed"):
            _say(f"failed: {r.source}: {r.error}")
        for r in cat.rows("duplicate"):
            _say(f"duplicate: {r.source}: {r.error}")
        for run_ in cat.last_runs():
            when = dt.datetime.fromtimestamp(run_["started_at"]).strftime("%Y-%m-%d %H:%M")
            typer.echo(f"run {run_['id']}: {run_['command']} at {when}: {run_['done']} done, {run_['failed']} failed"
                       + ("" if run_["finished_at"] else " (did not finish)"))


@app.command()
def retry(
    out: Path = typer.Argument(..., help="An output folder of `callreview run` or `watch`."),
) -> None:
    """Queue every failed recording again; the next `run` (or a running `watch`) processes them."""
    from .catalog import now

    with _one_line(out), _catalog(out) as cat:
        n = cat.retry_failed(now())
    typer.echo(f"queued {n} failed recording(s) again")


@app.command()
def enroll(
    name: str = typer.Argument(..., help="The rep's name, as the inbox names them (folder, pattern or CSV)."),
    samples: list[Path] = typer.Argument(..., help="Recordings of the rep speaking alone: 10 s of speech or more."),
    out: Path = typer.Option(..., "--out", "-o", help="The output folder whose catalog keeps the voiceprint."),
) -> None:
    """Store a rep's voiceprint, so their voice is recognised: it picks the rep among a call's speakers, and
    names the rep of calls that arrive without one."""
    from .catalog import Catalog
    from .diarize import EmbeddedDiarizer
    from .roles.voice import enroll as enroll_voice

    for p in samples:
        if not p.is_file():
            _fail(f"sample {p} is not a file")
    try:
        with Catalog.for_out(out) as cat:
            got = enroll_voice(cat, name, [str(p) for p in samples], EmbeddedDiarizer())
    except CallReviewError as e:
        _fail(str(e))
    typer.echo(f"enrolled {got['name']}: {got['speech_s']} s of speech from {len(got['samples'])} recording(s)")


@app.command()
def show(
    out: Path = typer.Argument(..., help="An output folder of `callreview run`."),
) -> None:
    """Print each analysed call: rep, key metrics, markers found, strengths and what to work on."""
    import json

    from rich.console import Console

    docs = []
    for p in _analysis_paths(out):
        try:
            docs.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError) as e:
            _say(f"callreview: skipped {p}: {e}", err=True)
    console = Console(width=110, highlight=False)
    for d in docs:
        console.print(_call_summary(d), markup=False)


def _call_summary(d: dict) -> str:
    m = d.get("metrics", {})

    def f(key: str, fmt: str = "{:.2f}", unit: str = "") -> str:
        v = m.get(key)
        return "n/a" if v is None else (fmt.format(v) + unit)

    rep = [s["id"] for s in d["speakers"] if s["role"] == "rep"]
    counts: dict[str, int] = {}
    for mk in d.get("markers", []):
        counts[mk["kind"]] = counts.get(mk["kind"], 0) + 1
    lines = [
        f"── {shown(d['call']['source'])}  ({d['call']['duration_s']:.0f} s, {d['call'].get('channel_mode', '')})",
        f"   rep: {rep[0] if rep else 'unknown'} via {d['roles']['method']} "
        f"(confidence {d['roles']['confidence']:.2f})",
    ]
    outcome = d.get("outcome", {})
    kind = outcome.get("kind", "conversation")
    if "kind" in outcome:
        ending = outcome.get("ending") or {}
        lines.append(f"   outcome: {kind} (confidence {outcome.get('confidence', 0):.2f})"
                     + (f"; ended: {ending['kind']}" if ending.get("kind") else ""))
    if kind == "voicemail" and outcome.get("message"):
        msg = outcome["message"]
        lines.append(f"   message {msg['length_s']:.0f} s, {msg['words']} words, opener hesitancy "
                     f"{msg['opener_hesitancy']}, reason: {msg['reason']}, call-back ask: {msg['call_back']}, "
                     f"number: {msg['number']}")
    elif kind in ("conversation", "unclear", "ivr"):  # the conversation's own figures
        lines += [
            f"   talk ratio {f('talk_ratio_rep', '{:.0%}')}, longest monologue {f('longest_monologue_rep_s', '{:.0f}', ' s')}, "
            f"questions {f('questions_rep', '{}')} ({f('open_questions_rep', '{}')} open), patience "
            f"{f('patience_s', '{:.1f}', ' s')}, fillers/min {f('fillers_per_min_rep', '{:.1f}')}, "
            f"next step set: {m.get('next_step_set')}",
            "   markers: " + (", ".join(f"{k} x{n}" for k, n in sorted(counts.items())) or "none")]
    if d.get("redaction"):
        r = d["redaction"]
        lines.append(f"   redacted ({r['level']}): " + (", ".join(f"{k} x{n}" for k, n in sorted(r["kinds"].items()))
                                                         or "nothing found"))
    fb = d.get("feedback", {})
    for s in fb.get("strengths", [])[:3]:
        lines.append(f"   + {s.get('title', s)}")
    for w in fb.get("work_on", [])[:3]:
        first = (w.get("moments") or [{}])[0]
        at = f" (at {first['start']:.0f} s)" if "start" in first else ""
        lines.append(f"   - {w['title']}{at}")
    for w in d.get("warnings", []):
        lines.append(f"   ! {w}")
    return "\n".join(lines)




@app.command("eval")
def eval_(
    corpora: Optional[list[Path]] = typer.Argument(
        None, help="Folders of recordings with references beside them (default: sample_calls and ../shared/data/real/*)."),
    out: Path = typer.Option(Path("out/eval"), "--out", "-o", help="Where eval.json, eval.md and the analyses go."),
    model: str = typer.Option("base", help="ASR model."),
    engine: Engine = typer.Option(Engine.faster, "--engine", help="ASR engine: faster (default) or openai."),
    filler_prompt: bool = typer.Option(False, "--filler-prompt", help="Evaluate with the filler prompt."),
    readme: Optional[Path] = typer.Option(None, "--readme",
                                          help="Also put the table into this README between its eval markers."),
    device: Device = typer.Option(Device.auto, "--device", help=DEVICE_HELP),
    voices: Optional[Path] = typer.Option(None, "--voices",
                                          help="Also measure rep identification by enrolled voice on this corpus "
                                               "(<dir>/enroll/<rep>.*, <dir>/<rep>/<call>; e.g. voice_calls)."),
    outcomes: Optional[Path] = typer.Option(None, "--outcomes",
                                            help="Also score the recordings' outcomes on this labelled set "
                                                 "(labels.json; e.g. outcome_calls): the confusion matrix per half."),
    outcomes_only: bool = typer.Option(False, "--outcomes-only",
                                       help="Only the --outcomes set: skip the corpora (a few minutes, not most of "
                                            "an hour)."),
    redaction: Optional[Path] = typer.Option(None, "--redaction",
                                             help="Also score redaction on this labelled set (labels.json, "
                                                  "harper_labels.json; e.g. redact_calls): recall and precision per "
                                                  "kind, values left in OUT, the muted audio's level."),
    redaction_only: bool = typer.Option(False, "--redaction-only", help="Only the --redaction set."),
) -> None:
    """Score the pipeline against references: WER, DER/JER (collar 0.25 and 0), rep role, filler recall, RTF."""
    from .engines import Engines, RunOptions
    from .evaluate import default_corpora, evaluate

    if voices is not None and not (voices / "enroll").is_dir():
        _fail(f"--voices {voices}: expected an enroll/ folder of rep recordings in it")
    if outcomes is not None and not (outcomes / "labels.json").is_file():
        _fail(f"--outcomes {outcomes}: expected a labels.json in it (scripts/make_outcome_calls.py)")

    if outcomes_only and outcomes is None:
        _fail("--outcomes-only needs --outcomes DIR")
    if redaction is not None and not (redaction / "labels.json").is_file():
        _fail(f"--redaction {redaction}: expected a labels.json in it (scripts/make_redact_calls.py)")
    if redaction_only and redaction is None:
        _fail("--redaction-only needs --redaction DIR")
    only = outcomes_only or redaction_only
    dirs = list(corpora) if corpora else [c for c in default_corpora() if c.is_dir()]
    missing = [d for d in dirs if not d.is_dir()]
    if missing:
        _fail(f"corpus folder {missing[0]} does not exist")
    try:
        # the corpora's words are scored as transcribed: redaction has its own figures (--redaction)
        engines = Engines(RunOptions(transcribe=_asr_options(model, filler_prompt, device, engine), engine=engine.value,
                                     redact="none"))
        if not only:
            evaluate(dirs, engines, out,
                     progress=lambda i, n, f: typer.echo(f"[{i + 1}/{n}] {f}", err=True))
    except CallReviewError as e:
        _fail(str(e))
    out.mkdir(parents=True, exist_ok=True)
    if not only:
        typer.echo((out / "eval.md").read_text(encoding="utf-8"))
    if voices is not None:
        from .evaluate import evaluate_voices, voices_markdown

        table = voices_markdown(evaluate_voices(voices, engines, out / "voices"))
        (out / "voices.md").write_text(table, encoding="utf-8")
        typer.echo("\nRep by enrolled voice:\n" + table)
    if outcomes is not None and not redaction_only:
        import json

        from .evaluate.outcomes import evaluate_outcomes, outcomes_markdown

        result = evaluate_outcomes(outcomes, engines, progress=lambda i, n, f: typer.echo(f"[{i + 1}/{n}] {f}", err=True))
        (out / "outcomes.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
        (out / "outcomes.md").write_text(outcomes_markdown(result), encoding="utf-8")
        typer.echo("\nOutcome of each recording:\n" + outcomes_markdown(result))
    if redaction is not None:
        import dataclasses
        import json

        from .evaluate.redaction import evaluate_redaction, redaction_markdown

        with _one_line(out):
            result = evaluate_redaction(redaction, dataclasses.replace(engines.options, redact="pii"), out / "redaction",
                                        harper=next((c for c in default_corpora() if c.name == "harper-valley-dev"), None),
                                        engines=lambda o: _with_level(engines, o))
        (out / "redaction.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
        (out / "redaction.md").write_text(redaction_markdown(result), encoding="utf-8")
        typer.echo("\nRedaction per kind:\n" + redaction_markdown(result))
    typer.echo(f"\nWritten: {out}/" + ("outcomes.md" if outcomes_only else "redaction.md" if redaction_only
                                       else "eval.md, eval.json"))
    if readme is not None:
        from .evaluate import update_readme

        try:
            if not only:
                update_readme(readme, (out / "eval.md").read_text(encoding="utf-8"))
            if outcomes is not None and not redaction_only:
                update_readme(readme, (out / "outcomes.md").read_text(encoding="utf-8"), marker="outcomes")
            if redaction is not None:
                update_readme(readme, (out / "redaction.md").read_text(encoding="utf-8"), marker="redaction")
        except CallReviewError as e:
            _fail(str(e))
        typer.echo(f"Updated the evaluation table in {readme}")


def _with_level(engines, options):
    """The loaded models again, under ``options`` (the eval's runs at another redaction level)."""
    from .engines import Engines

    return Engines(options, transcriber=engines.transcriber, diarizer=engines.diarizer,
                   channel_diarizer=engines.channel_diarizer)


@app.command()
def bench(
    files: Optional[list[Path]] = typer.Argument(None, help="Recordings to time (default: sample_calls/*, "
                                                 "bench_calls/* and two real phone calls from ../shared)."),
    out: Path = typer.Option(Path("out/bench"), "--out", "-o", help="Where bench.md and bench.json go."),
    engine: Optional[list[Engine]] = typer.Option(None, "--engine", help="Engines to compare (default: both)."),
    model: str = typer.Option("base", help="ASR model."),
    long_min: Optional[list[float]] = typer.Option(None, "--long-min", min=0,
                                                   help="Also time calls this many minutes long, made by joining the "
                                                        "recordings, with the default engine (default: 5, 20 and 60; "
                                                        "0: none)."),
    batch: int = typer.Option(6, "--batch", min=0, help="Calls in the --jobs throughput batch (0: none)."),
    jobs: Optional[list[int]] = typer.Option(None, "--jobs", min=1, help="Job counts to time the batch with (default: 1 and 2)."),
    repeat: int = typer.Option(1, "--repeat", min=1, help="Time each short measurement this many times; keep the fastest."),
    calls: bool = typer.Option(True, "--calls/--no-calls", help="Time each recording (pipeline and bare ASR)."),
    ray_workers: Optional[list[int]] = typer.Option(None, "--ray-workers", min=1,
                                                    help="Also run the batch on a local Ray instance with this many "
                                                         "workers (repeatable; needs the ray extra)."),
    marker: str = typer.Option("bench", "--marker", help="With --readme: the <!-- MARKER:start/end --> pair to fill."),
    device: Device = typer.Option(Device.cpu, "--device", help=DEVICE_HELP),
    readme: Optional[Path] = typer.Option(None, "--readme",
                                          help="Also put the table into this README between its bench markers."),
) -> None:
    """Time every stage, real-time factor and peak memory of the full pipeline against bare transcription,
    long calls and --jobs throughput, and check the results against the speed targets."""
    from .audio import is_audio_path
    from .bench import make_long_call, make_variants, run_bench, traffic_calls
    from .engines import RunOptions

    out.mkdir(parents=True, exist_ok=True)
    samples = sorted(p for p in Path("sample_calls").iterdir() if is_audio_path(p)) if not files else []
    files = list(files) if files else samples + traffic_calls(out)
    if not files:
        _fail("no recordings to time")
    default_engine = RunOptions().engine
    asr = _asr_options(model, False, device, Engine(default_engine))
    sources = samples or files  # long calls are the sample calls joined (a real call's noise would dominate)
    longs = [make_long_call(sources, m, out / f"long_{m:g}min.wav") for m in (long_min or [5.0, 20.0, 60.0]) if m > 0]
    batch_dir = None
    if batch:
        batch_dir = out / f"batch_{batch}calls"
        if batch_dir.exists():
            import shutil

            shutil.rmtree(batch_dir)
        make_variants(sources, batch, batch_dir)
    engines = [e.value for e in engine] if engine else ["openai", "faster"]
    run_bench(files if calls else [], engines, model, out,
              progress=lambda i, n, what: typer.echo(f"[{i + 1}/{n}] {what}", err=True),
              long_files=longs, long_engine=default_engine, batch=batch_dir, jobs=[1, 2] if jobs is None else jobs,
              ray_workers=ray_workers or [], device=asr.device, repeat=repeat)
    table = (out / "bench.md").read_text(encoding="utf-8")
    typer.echo(table)
    if readme is not None:
        from .evaluate import update_readme

        try:
            update_readme(readme, table, marker=marker)
        except CallReviewError as e:
            _fail(str(e))
        typer.echo(f"Updated the benchmark table in {readme}")


if __name__ == "__main__":  # pragma: no cover
    app()


def _workspace_commands() -> None:
    from .workspace.commands import serve, users_app

    app.command("serve")(serve)
    app.add_typer(users_app, name="users")


_workspace_commands()
