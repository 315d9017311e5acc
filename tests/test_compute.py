"""Where inference runs: ``--device auto|cpu|cuda`` and the CPU threads each process gets.

The device logic is tested with the libraries' GPU counts patched (this machine has none); the last test runs
the real pipeline on a GPU and only runs where one is visible (a lent GPU machine, see the README).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import pipeline.compute as compute
from pipeline.cli import app
from pipeline.compute import inference_threads, resolve_device
from pipeline.engines import Engines, RunOptions
from pipeline.errors import ConfigError
from pipeline.transcribe import TranscribeOptions

from .conftest import ROOT, FakeChannelDiarizer, FakeDiarizer, FakeTranscriber


def _gpus(monkeypatch, torch: int, ctranslate2: int) -> None:
    monkeypatch.setattr(compute, "cuda_devices", lambda engine="faster": {"torch": torch, "ctranslate2": ctranslate2})


def test_auto_picks_cuda_only_when_every_library_the_engine_needs_sees_a_gpu(monkeypatch):
    _gpus(monkeypatch, 0, 0)
    assert resolve_device("auto") == "cpu" and resolve_device("cpu") == "cpu"
    _gpus(monkeypatch, 1, 1)
    assert resolve_device("auto") == "cuda" and resolve_device("cuda") == "cuda"
    assert resolve_device("cpu") == "cpu"  # asked for the CPU: the GPU is left alone
    _gpus(monkeypatch, 1, 0)  # torch sees it, CTranslate2 (a CPU build) does not
    assert resolve_device("auto", "faster") == "cpu" and resolve_device("auto", "openai") == "cuda"


def test_cuda_without_a_gpu_is_a_clear_error_not_a_silent_fallback(monkeypatch):
    _gpus(monkeypatch, 0, 0)
    with pytest.raises(ConfigError, match="no CUDA GPU visible to torch, ctranslate2"):
        resolve_device("cuda")
    with pytest.raises(ConfigError, match="unknown device"):
        resolve_device("tpu")


def test_the_cli_refuses_cuda_in_one_line_before_loading_anything(monkeypatch, tmp_path):
    _gpus(monkeypatch, 0, 0)
    result = CliRunner().invoke(app, ["run", str(ROOT / "sample_calls"), "--out", str(tmp_path), "--device", "cuda"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "callreview: error: --device cuda: no CUDA GPU visible to torch, ctranslate2 (a CPU-only build, or no "
        "driver); use --device cpu or auto"]
    assert not (tmp_path / "catalog.sqlite").exists()


def test_engines_resolve_auto_and_hand_the_device_to_the_models(monkeypatch):
    _gpus(monkeypatch, 0, 0)
    engines = Engines(RunOptions(transcribe=TranscribeOptions(model="fake", device="auto")),
                      transcriber=FakeTranscriber(), diarizer=FakeDiarizer(), channel_diarizer=FakeChannelDiarizer())
    assert engines.device == "cpu"
    _gpus(monkeypatch, 1, 1)
    from pipeline.engines import _diarizer_args

    assert _diarizer_args(RunOptions(), "cuda") == {"device": "cuda"}


def test_jobs_share_the_cores_out(monkeypatch):
    monkeypatch.delenv(compute.ENV, raising=False)
    assert inference_threads() == compute.cores()
    monkeypatch.setenv(compute.ENV, "1")
    assert inference_threads() == 1


@pytest.mark.skipif(compute.cuda_devices()["ctranslate2"] == 0 or compute.cuda_devices()["torch"] == 0,
                    reason="needs a CUDA GPU (run on a lent GPU machine)")
def test_the_sample_call_on_a_gpu_matches_the_cpu_transcript_closely(tmp_path):  # pragma: no cover - GPU only
    from pipeline.evaluate import wer
    from pipeline.analyze import analyze_file

    path = ROOT / "sample_calls" / "pushy_close_mono.mp3"
    docs = {}
    for device in ("cpu", "cuda"):
        engines = Engines(RunOptions(transcribe=TranscribeOptions(device=device)))
        assert engines.device == device
        docs[device], _ = analyze_file(path, path.name, engines)
        assert docs[device]["run"]["options"]["transcribe"]["device"] == device
    text = {d: " ".join(w["text"] for w in doc["words"]) for d, doc in docs.items()}
    assert wer(text["cpu"], text["cuda"]) < 0.05  # fp16 on the GPU: nearly the same words


def test_loading_the_models_leaves_the_process_thread_count_alone():
    """silero-vad's package sets torch to one thread when imported; openai-whisper then ran 30% slower."""
    import subprocess
    import sys

    code = ("import torch; torch.set_num_threads(2); from pipeline.diarize import EmbeddedDiarizer; "
            "EmbeddedDiarizer(); print(torch.get_num_threads())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-1] == "2"
