"""Measure what a filler-bearing initial prompt does to Whisper: filler recall and WER, with and without.

    .venv/bin/python scripts/filler_prompt_experiment.py [--model base]

Runs the transcriber alone (no diarization) on the synthetic sample calls, whose reference transcripts mark
every "um"/"uh", and prints one line per (setting, recording) plus totals. The result decided the default of
``TranscribeOptions.initial_prompt`` (see docs/EVALUATION.md).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from pipeline.audio import decode
from pipeline.evaluate import filler_counts, wer
from pipeline.transcribe import FILLER_PROMPT, TranscribeOptions, load_transcriber

ROOT = Path(__file__).resolve().parent.parent
FILES = ["cold_call_phone.wav", "discovery_stereo.flac", "pushy_close_mono.mp3"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="base")
    args = ap.parse_args()
    base = TranscribeOptions(model=args.model)
    settings = {
        "no prompt": base,
        f"prompt {FILLER_PROMPT!r}": replace(base, initial_prompt=FILLER_PROMPT),
        f"prompt {FILLER_PROMPT!r} on every window": "carry",
    }
    transcriber = load_transcriber(base)
    audio = {f: decode(ROOT / "sample_calls" / f).mono() for f in FILES}
    refs = {f: (ROOT / "sample_calls" / (f.rsplit(".", 1)[0] + ".txt")).read_text() for f in FILES}
    print(f"model {args.model}")
    for name, opts in settings.items():
        n_all = hit_all = 0
        wers = []
        for f in FILES:
            if opts == "carry":  # openai-whisper's own option: the prompt is repeated before every 30 s window
                r = transcriber.model.transcribe(audio[f], language="en", initial_prompt=FILLER_PROMPT,
                                                 carry_initial_prompt=True, condition_on_previous_text=False,
                                                 fp16=False)
                hyp = r["text"]
            else:
                transcriber.options = opts
                hyp = " ".join(s.text for s in transcriber.transcribe(audio[f]).segments)
            n, hit = filler_counts(refs[f], hyp)
            n_all, hit_all = n_all + n, hit_all + hit
            wers.append(wer(refs[f], hyp))
            print(f"  {name:40} {f:24} WER {100 * wers[-1]:5.1f}%  fillers {hit}/{n}", flush=True)
        print(f"{name:42} mean WER {100 * sum(wers) / len(wers):5.1f}%  filler recall {hit_all}/{n_all}", flush=True)


if __name__ == "__main__":
    main()
