#!/usr/bin/env python3
"""Converts the all-MiniLM-L6-v2 sentence-transformers folder (model.safetensors, fp32) into the
ONNX graph transformers.js loads (onnx/model.onnx), without torch: the BERT encoder is written
node by node with onnx.helper from the weights read by safetensors.

Then it checks itself, loudly: the graph run by onnxruntime must agree with an independent numpy
forward pass of the same weights (max abs diff < 1e-4 on every real token, in a padded batch), and
it writes reference sentence vectors (mean pooling + L2, tokenised by the `tokenizers` library) for
the product's test to compare transformers.js against.

Usage: minilm-to-onnx.py SRC_DIR OUT_DIR REFERENCE_JSON
  SRC_DIR  the unzipped sentence-transformers folder (config.json, model.safetensors, tokenizer.json)
  OUT_DIR  receives config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx
"""
import json
import math
import os
import shutil
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file
from tokenizers import Tokenizer

OPSET = 17  # LayerNormalization is a standard op from opset 17
MAX_ABS_DIFF = 1e-4
# Fixed sentences whose vectors the product's test compares against (keep in step with the test).
REFERENCE_SENTENCES = [
    "The patient was discharged on Tuesday.",
    "12 oz bottle, hazy IPA",
    "Chicago, Illinois",
]
CHECK_SENTENCES = REFERENCE_SENTENCES + [
    "twelve ounces",
    "A much longer sentence, so that the batch is padded: the shorter ones get masked positions.",
]


def fail(message):
    print(f"minilm-to-onnx: {message}", file=sys.stderr)
    sys.exit(2)


def build_graph(w, cfg):
    hidden = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    head_dim = hidden // heads
    eps = float(cfg["layer_norm_eps"])
    if cfg.get("hidden_act") != "gelu":
        fail(f"hidden_act is {cfg.get('hidden_act')!r}; this converter writes the exact (erf) GELU only")
    nodes, inits = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    counter = [0]

    def node(op, inputs, **attrs):
        counter[0] += 1
        out = f"{op.lower()}_{counter[0]}"
        nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def linear(x, prefix):
        # torch's Linear stores (out, in); MatMul wants (in, out)
        wt = const(f"{prefix}.weight_t", w[f"{prefix}.weight"].T.copy())
        b = const(f"{prefix}.bias", w[f"{prefix}.bias"])
        return node("Add", [node("MatMul", [x, wt]), b])

    def layer_norm(x, prefix):
        g = const(f"{prefix}.weight", w[f"{prefix}.weight"])
        b = const(f"{prefix}.bias", w[f"{prefix}.bias"])
        return node("LayerNormalization", [x, g, b], axis=-1, epsilon=eps)

    # Embeddings: word + position (0..S-1) + token type, then LayerNorm.
    word = node("Gather", [const("embeddings.word_embeddings.weight", w["embeddings.word_embeddings.weight"]), "input_ids"])
    seq_len = node("Gather", [node("Shape", ["input_ids"]), const("one_i64", np.array(1, dtype=np.int64))], axis=0)
    positions = node("Range", [const("zero_i64", np.array(0, dtype=np.int64)), seq_len, "one_i64"])
    pos = node("Gather", [const("embeddings.position_embeddings.weight", w["embeddings.position_embeddings.weight"]), positions])
    tok = node("Gather", [const("embeddings.token_type_embeddings.weight", w["embeddings.token_type_embeddings.weight"]), "token_type_ids"])
    x = layer_norm(node("Add", [node("Add", [word, pos]), tok]), "embeddings.LayerNorm")

    # Additive attention mask [B,1,1,S]: 0 where a token is real, float32 min where it is padding (as in transformers).
    mask = node("Unsqueeze", [node("Cast", ["attention_mask"], to=TensorProto.FLOAT), const("mask_axes", np.array([1, 2], dtype=np.int64))])
    mask = node("Mul", [node("Sub", [const("one_f", np.array(1.0, dtype=np.float32)), mask]),
                        const("neg_min", np.array(np.finfo(np.float32).min, dtype=np.float32))])
    split_shape = const("split_shape", np.array([0, 0, heads, head_dim], dtype=np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, hidden], dtype=np.int64))
    scale = const("scale", np.array(1.0 / math.sqrt(head_dim), dtype=np.float32))
    half = const("half", np.array(0.5, dtype=np.float32))
    sqrt2 = const("sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))

    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        q = node("Transpose", [node("Reshape", [linear(x, f"{p}.attention.self.query"), split_shape])], perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(x, f"{p}.attention.self.key"), split_shape])], perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(x, f"{p}.attention.self.value"), split_shape])], perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), scale]), mask])
        ctx = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        ctx = node("Reshape", [node("Transpose", [ctx], perm=[0, 2, 1, 3]), merge_shape])
        attn = layer_norm(node("Add", [linear(ctx, f"{p}.attention.output.dense"), x]), f"{p}.attention.output.LayerNorm")
        inter = linear(attn, f"{p}.intermediate.dense")
        # exact GELU: 0.5 * x * (1 + erf(x / sqrt(2)))
        gelu = node("Mul", [node("Mul", [inter, half]), node("Add", [node("Erf", [node("Div", [inter, sqrt2])]), "one_f"])])
        x = layer_norm(node("Add", [linear(gelu, f"{p}.output.dense"), attn]), f"{p}.output.LayerNorm")

    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="last_hidden_state"))
    dyn = ["batch_size", "sequence_length"]
    graph = helper.make_graph(
        nodes, "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info(n, TensorProto.INT64, dyn) for n in ("input_ids", "attention_mask", "token_type_ids")],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, dyn + [hidden])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="airlock scripts/minilm-to-onnx.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def numpy_forward(w, cfg, ids, types, mask):
    """The same encoder written directly in numpy (float64), as the independent reference."""
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    d = hidden // heads
    eps = float(cfg["layer_norm_eps"])
    f = {k: v.astype(np.float64) for k, v in w.items() if v.dtype == np.float32}

    def ln(x, p):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + eps) * f[p + ".weight"] + f[p + ".bias"]

    def lin(x, p):
        return x @ f[p + ".weight"].T + f[p + ".bias"]

    erf = np.vectorize(math.erf)
    b, s = ids.shape
    x = f["embeddings.word_embeddings.weight"][ids] + f["embeddings.position_embeddings.weight"][np.arange(s)][None] + f["embeddings.token_type_embeddings.weight"][types]
    x = ln(x, "embeddings.LayerNorm")
    add_mask = np.where(mask[:, None, None, :] > 0, 0.0, -1e30)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        split = lambda t: t.reshape(b, s, heads, d).transpose(0, 2, 1, 3)  # noqa: E731
        q, k, v = (split(lin(x, f"{p}.attention.self.{n}")) for n in ("query", "key", "value"))
        sc = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d) + add_mask
        sc = np.exp(sc - sc.max(-1, keepdims=True))
        pr = sc / sc.sum(-1, keepdims=True)
        ctx = (pr @ v).transpose(0, 2, 1, 3).reshape(b, s, hidden)
        attn = ln(lin(ctx, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm")
        h = lin(attn, f"{p}.intermediate.dense")
        h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))
        x = ln(lin(h, f"{p}.output.dense") + attn, f"{p}.output.LayerNorm")
    return x


def encode(tokenizer, sentences):
    enc = tokenizer.encode_batch(sentences)
    ids = np.array([e.ids for e in enc], dtype=np.int64)
    types = np.array([e.type_ids for e in enc], dtype=np.int64)
    mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
    return ids, types, mask


def mean_pool_normalise(hidden, mask):
    m = mask[..., None].astype(np.float64)
    pooled = (hidden * m).sum(1) / m.sum(1)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def main():
    if len(sys.argv) != 4:
        fail("usage: minilm-to-onnx.py SRC_DIR OUT_DIR REFERENCE_JSON")
    src, out, ref_path = sys.argv[1:]
    cfg = json.load(open(os.path.join(src, "config.json")))
    w = load_file(os.path.join(src, "model.safetensors"))
    model = build_graph(w, cfg)

    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    onnx_path = os.path.join(out, "onnx", "model.onnx")
    onnx.save(model, onnx_path + ".tmp")
    os.replace(onnx_path + ".tmp", onnx_path)
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copyfile(os.path.join(src, name), os.path.join(out, name))

    # The tokenizer.json pads every text to 128 tokens; the check pads to the longest text of the batch, as transformers.js does.
    tokenizer = Tokenizer.from_file(os.path.join(src, "tokenizer.json"))
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    ids, types, mask = encode(tokenizer, CHECK_SENTENCES)
    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    got = session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
    want = numpy_forward(w, cfg, ids, types, mask)
    real = mask.astype(bool)
    diff = float(np.abs(got[real] - want[real]).max())
    if not diff < MAX_ABS_DIFF:
        fail(f"the ONNX graph disagrees with the numpy forward pass: max abs diff {diff:.3g} >= {MAX_ABS_DIFF}")
    print(f"onnxruntime vs numpy forward pass: max abs diff {diff:.2e} over {int(real.sum())} tokens of {len(CHECK_SENTENCES)} sentences (limit {MAX_ABS_DIFF})")

    ref = mean_pool_normalise(want[: len(REFERENCE_SENTENCES)], mask[: len(REFERENCE_SENTENCES)])
    with open(ref_path + ".tmp", "w") as fh:
        json.dump({"model": "all-MiniLM-L6-v2", "pooling": "mean", "normalised": True, "maxAbsDiff": diff,
                   "sentences": REFERENCE_SENTENCES, "vectors": [[round(float(v), 7) for v in row] for row in ref]}, fh)
    os.replace(ref_path + ".tmp", ref_path)
    print(f"wrote {onnx_path} and {ref_path}")


if __name__ == "__main__":
    main()
