"""Where inference runs: the device (CPU or a CUDA GPU) and how many CPU threads this process may use.

Threads: one number for every model in a process: all the cores it may use, or its share under ``run --jobs N``
(``limit_threads`` sets ``$CALLREVIEW_THREADS`` for the job's process). Sharing the cores out rather than
letting every job's thread pools use all of them avoids oversubscription, where spin-waiting pools made small
recurrent models many times slower.
"""

from __future__ import annotations

import os

from .errors import ConfigError

ENV = "CALLREVIEW_THREADS"


def cores() -> int:
    """The cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def inference_threads() -> int:
    """``$CALLREVIEW_THREADS`` when set (by ``run --jobs``), else every core this process may use."""
    value = os.environ.get(ENV, "")
    return max(1, int(value)) if value.isdigit() else cores()


def limit_threads(n: int) -> None:
    """Give this process ``n`` CPU threads for inference (torch now; CTranslate2 reads the variable on load)."""
    os.environ[ENV] = str(n)
    import torch

    torch.set_num_threads(n)


DEVICES = ("auto", "cpu", "cuda")


def cuda_devices(engine: str = "faster") -> dict[str, int]:
    """CUDA GPUs each library can see: torch (diarizer, openai-whisper) and CTranslate2 (faster-whisper)."""
    out = {"torch": 0, "ctranslate2": 0}
    try:
        import torch

        out["torch"] = torch.cuda.device_count() if torch.cuda.is_available() else 0
    except Exception:  # a broken CUDA install reads as "no GPU"
        pass
    if engine == "faster":
        try:
            import ctranslate2

            out["ctranslate2"] = ctranslate2.get_cuda_device_count()
        except Exception:
            pass
    return out


def resolve_device(device: str, engine: str = "faster") -> str:
    """``auto`` -> ``cuda`` when every library the engine needs sees a GPU, else ``cpu``; ``cuda`` when none
    does is a ``ConfigError`` (one line), never a silent fall-back."""
    if device not in DEVICES:
        raise ConfigError(f"unknown device {device!r}; choose one of {', '.join(DEVICES)}")
    if device == "cpu":
        return "cpu"
    seen = cuda_devices(engine)
    needed = ("torch", "ctranslate2") if engine == "faster" else ("torch",)
    ok = all(seen[k] > 0 for k in needed)
    if device == "cuda" and not ok:
        missing = ", ".join(k for k in needed if seen[k] == 0)
        raise ConfigError(f"--device cuda: no CUDA GPU visible to {missing} (a CPU-only build, or no driver); "
                          "use --device cpu or auto")
    return "cuda" if ok else "cpu"
