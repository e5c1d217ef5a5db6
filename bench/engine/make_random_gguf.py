#!/usr/bin/env python3
"""Writes a llama-architecture GGUF with RANDOM weights at the shape of a small real model, for throughput benchmarks.

usage: make_random_gguf.py OUT.gguf [--shape 0.5b|tiny] [--type q8_0|f16] [--vocab-from GGUF] [--seed N]

Throughput does not depend on weight values, so a random model of the right shape measures an engine honestly
without a model hub. Shape "0.5b": 16 layers, hidden 1536, 12 heads of 128 (4 KV heads), FFN 4096, 32,000-token
vocabulary, 4,096 context: ~0.5B parameters (TinyLlama's vocabulary and head layout, half its depth and width).
The tokenizer (llama SentencePiece, 32,000 tokens, scores and types) is copied from --vocab-from, by default
../shared/models/llama-2-tiny-random.gguf, so texts tokenize as with Llama 2. The GGUF writer is llama.cpp's gguf-py
from the source node-llama-cpp 3.22.1 bundles (scripts/build-llama-peers.sh unpacks it into tools/llama-peers);
numpy is Debian's python3-numpy.
"""
import argparse
import os
import sys

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(repo, "tools", "llama-peers", "gguf-py"))
try:
    import numpy as np
    import gguf
except ImportError as e:  # pragma: no cover
    sys.exit(f"make_random_gguf: {e}; run scripts/build-llama-peers.sh (gguf-py) and apt-get install python3-numpy")

SHAPES = {
    "0.5b": dict(layers=16, hidden=1536, heads=12, kv_heads=4, ffn=4096, context=4096),
    "tiny": dict(layers=2, hidden=64, heads=4, kv_heads=2, ffn=192, context=4096),
}


def field_strings(reader, key):
    f = reader.fields[key]
    return [bytes(f.parts[i]) for i in f.data]


def field_values(reader, key):
    f = reader.fields[key]
    return [f.parts[i].tolist()[0] for i in f.data]


def field_scalar(reader, key):
    f = reader.fields[key]
    return f.parts[f.data[0]].tolist()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="0.5b")
    ap.add_argument("--type", choices=["q8_0", "f16"], default="q8_0")
    ap.add_argument("--vocab-from", default=os.path.join(repo, "..", "shared", "models", "llama-2-tiny-random.gguf"))
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if not os.path.exists(a.vocab_from):
        sys.exit(f"make_random_gguf: {a.vocab_from}: no such file (a llama-tokenizer GGUF to copy the vocabulary from; --vocab-from)")
    s = SHAPES[a.shape]
    src = gguf.GGUFReader(a.vocab_from)
    tokens = field_strings(src, "tokenizer.ggml.tokens")
    scores = field_values(src, "tokenizer.ggml.scores")
    types = field_values(src, "tokenizer.ggml.token_type")
    vocab = len(tokens)
    head_dim = s["hidden"] // s["heads"]
    qtype = gguf.GGMLQuantizationType.Q8_0 if a.type == "q8_0" else gguf.GGMLQuantizationType.F16
    ftype = gguf.LlamaFileType.MOSTLY_Q8_0 if a.type == "q8_0" else gguf.LlamaFileType.MOSTLY_F16

    tmp = a.out + ".tmp"
    w = gguf.GGUFWriter(tmp, "llama")
    w.add_name(f"random-llama-{a.shape}")
    w.add_context_length(s["context"])
    w.add_embedding_length(s["hidden"])
    w.add_block_count(s["layers"])
    w.add_feed_forward_length(s["ffn"])
    w.add_head_count(s["heads"])
    w.add_head_count_kv(s["kv_heads"])
    w.add_rope_dimension_count(head_dim)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(vocab)
    w.add_file_type(ftype)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(int(field_scalar(src, "tokenizer.ggml.bos_token_id")))
    w.add_eos_token_id(int(field_scalar(src, "tokenizer.ggml.eos_token_id")))
    w.add_unk_token_id(int(field_scalar(src, "tokenizer.ggml.unknown_token_id")))
    w.add_add_bos_token(True)

    rng = np.random.default_rng(a.seed)
    params = 0

    def matrix(name, rows, cols):
        nonlocal params
        data = (rng.standard_normal((rows, cols), dtype=np.float32) * 0.02)
        params += rows * cols
        if qtype == gguf.GGMLQuantizationType.F16:
            w.add_tensor(name, data.astype(np.float16))
        else:
            w.add_tensor(name, gguf.quants.quantize(data, qtype), raw_dtype=qtype)

    def norm(name, n):
        nonlocal params
        params += n
        w.add_tensor(name, np.ones(n, dtype=np.float32))

    kv = s["kv_heads"] * head_dim
    matrix("token_embd.weight", vocab, s["hidden"])
    for i in range(s["layers"]):
        norm(f"blk.{i}.attn_norm.weight", s["hidden"])
        matrix(f"blk.{i}.attn_q.weight", s["hidden"], s["hidden"])
        matrix(f"blk.{i}.attn_k.weight", kv, s["hidden"])
        matrix(f"blk.{i}.attn_v.weight", kv, s["hidden"])
        matrix(f"blk.{i}.attn_output.weight", s["hidden"], s["hidden"])
        norm(f"blk.{i}.ffn_norm.weight", s["hidden"])
        matrix(f"blk.{i}.ffn_gate.weight", s["ffn"], s["hidden"])
        matrix(f"blk.{i}.ffn_up.weight", s["ffn"], s["hidden"])
        matrix(f"blk.{i}.ffn_down.weight", s["hidden"], s["ffn"])
    norm("output_norm.weight", s["hidden"])
    matrix("output.weight", vocab, s["hidden"])

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    os.replace(tmp, a.out)
    print(f"{a.out}: llama, {params / 1e6:.0f}M parameters, {s['layers']} layers, hidden {s['hidden']}, "
          f"vocabulary {vocab}, {a.type}, {os.path.getsize(a.out) / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
