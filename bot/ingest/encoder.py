"""A torch-free forward pass of the BERT sentence encoder, for the few texts a question needs.

Importing sentence-transformers costs seconds (torch, transformers, scikit-learn) before the first
question can be embedded. A question is a handful of tokens, so numpy runs the same network
(embeddings, six self-attention layers, mean pooling, unit length) from the same safetensors
weights in milliseconds, with `tokenizers` (the Rust tokenizer transformers itself uses) cutting
the words. Vectors match sentence-transformers' to about 1e-6 (tests/ingest/test_encoder.py);
bulk embedding at ingest stays with sentence-transformers, which batches faster.

Only what the packaged model uses is supported (a BERT encoder with mean pooling); any other model
directory raises `UnsupportedModel`, and the caller falls back to sentence-transformers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float32]


class UnsupportedModel(Exception):
    """A model directory this encoder cannot run (not BERT with mean pooling)."""


def _erf(x: Array) -> Array:
    """erf, to within 1.5e-7 (Abramowitz and Stegun 7.1.26); numpy has none of its own."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32)


def _gelu(x: Array) -> Array:
    return (0.5 * x * (1.0 + _erf(x / np.float32(math.sqrt(2.0))))).astype(np.float32)


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return ((x - mean) / np.sqrt(var + eps) * weight + bias).astype(np.float32)


class NumpyEncoder:
    """all-MiniLM-L6-v2 (or any BERT sentence encoder with mean pooling) in numpy."""

    def __init__(self, model_path: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = _json(model_path / "config.json")
        pooling = _json(model_path / "1_Pooling" / "config.json")
        if config.get("model_type") != "bert" or not pooling.get("pooling_mode_mean_tokens"):
            raise UnsupportedModel(f"{model_path}: not a BERT encoder with mean pooling")
        weights_file = model_path / "model.safetensors"
        if not weights_file.is_file():
            raise UnsupportedModel(f"{model_path}: no model.safetensors")
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_tokens = int(_json(model_path / "sentence_bert_config.json").get("max_seq_length", 256))
        raw = {
            k.removeprefix("bert."): v
            for k, v in load_file(str(weights_file)).items()
            if v.dtype == np.float32
        }
        # Linear layers as (in, out) matrices, contiguous, and the three attention projections as
        # one matrix: fewer, larger matrix products are what makes numpy fast on short inputs.
        self.w: dict[str, Array] = {}
        for name, value in raw.items():
            if name.endswith(".weight") and value.ndim == 2 and "embeddings" not in name:
                self.w[name] = np.ascontiguousarray(value.T)
            else:
                self.w[name] = value
        for n in range(self.layers):
            p = f"encoder.layer.{n}.attention.self."
            self.w[p + "qkv.weight"] = np.ascontiguousarray(
                np.concatenate([self.w[p + s + ".weight"] for s in ("query", "key", "value")], 1)
            )
            self.w[p + "qkv.bias"] = np.concatenate([raw[p + s + ".bias"] for s in ("query", "key", "value")])
            for part in ("query", "key", "value"):  # only the fused matrix is used
                del self.w[p + part + ".weight"], self.w[p + part + ".bias"]
        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()

    def encode(self, texts: list[str]) -> Array:
        """Unit-length sentence vectors, one row per text. Texts of the same token length run
        as one batch (no padding, so the same numbers as one by one): the weights are read once
        per batch, which is most of the cost of a short text."""
        encodings = [np.array(e.ids, dtype=np.int64) for e in self.tokenizer.encode_batch(texts)]
        result = np.zeros((len(texts), self.w["embeddings.word_embeddings.weight"].shape[1]), np.float32)
        by_length: dict[int, list[int]] = {}
        for row, ids in enumerate(encodings):
            by_length.setdefault(len(ids), []).append(row)
        for rows in by_length.values():
            result[rows] = self._encode_batch(np.stack([encodings[r] for r in rows]))
        return result

    def _encode_batch(self, ids: NDArray[np.int64]) -> Array:
        """Vectors of texts with equally many tokens (`ids`: texts x tokens)."""
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: ids.shape[1]]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        for n in range(self.layers):
            x = self._layer(x, f"encoder.layer.{n}.")
        pooled = x.mean(axis=1)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)

    def _linear(self, x: Array, name: str) -> Array:
        # One matrix product over every token of every text (numpy would loop over the texts).
        flat = x.reshape(-1, x.shape[-1]) @ self.w[name + ".weight"] + self.w[name + ".bias"]
        return flat.reshape(*x.shape[:-1], flat.shape[-1])

    def _layer(self, x: Array, prefix: str) -> Array:
        texts, tokens, hidden = x.shape
        size = hidden // self.heads

        def heads(y: Array) -> Array:
            return y.reshape(texts, tokens, self.heads, size).transpose(0, 2, 1, 3)

        qkv = self._linear(x, prefix + "attention.self.qkv")
        q, k, v = (heads(part) for part in np.split(qkv, 3, axis=-1))
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(size))
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        attention = scores / scores.sum(axis=-1, keepdims=True)
        context = (attention @ v).transpose(0, 2, 1, 3).reshape(texts, tokens, hidden)
        x = _layer_norm(
            self._linear(context, prefix + "attention.output.dense") + x,
            self.w[prefix + "attention.output.LayerNorm.weight"],
            self.w[prefix + "attention.output.LayerNorm.bias"],
            self.eps,
        )
        inner = _gelu(self._linear(x, prefix + "intermediate.dense"))
        return _layer_norm(
            self._linear(inner, prefix + "output.dense") + x,
            self.w[prefix + "output.LayerNorm.weight"],
            self.w[prefix + "output.LayerNorm.bias"],
            self.eps,
        )


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UnsupportedModel(f"{path}: {error}") from None
    if not isinstance(data, dict):
        raise UnsupportedModel(f"{path}: not a JSON object")
    return data
