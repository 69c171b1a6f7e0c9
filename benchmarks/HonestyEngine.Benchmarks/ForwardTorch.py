"""PyTorch peer of the `forward` benchmark: the same Llama/Qwen2-family forward pass with a KV cache, written
directly in torch (transformers is not installed here), on the same safetensors checkpoint. Prints one JSON line:
{"prefill_tps", "decode_tps" (wall clock, best of the repeats), "prefill_cpu_tps", "decode_cpu_tps" (per process CPU-second)}. Usage: ForwardTorch.py <model-dir> <prefill T> <decode steps> <threads> [repeats]"""
import json, math, struct, sys, time
import torch
import torch.nn.functional as F

def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = bytearray(f.read())
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        b, e = v["data_offsets"]
        assert v["dtype"] == "F32"
        out[k] = torch.frombuffer(data, dtype=torch.float32, offset=b, count=(e - b) // 4).reshape(v["shape"])
    return out

def main():
    model_dir, T, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    torch.set_num_threads(threads)
    cfg = json.load(open(f"{model_dir}/config.json"))
    W = load(f"{model_dir}/model.safetensors")
    d, L, nh = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads", nh)
    hd = cfg.get("head_dim") or d // nh
    eps, theta = cfg["rms_norm_eps"], cfg["rope_parameters"]["rope_theta"]
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else W["lm_head.weight"]
    inv = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))

    def rms(x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w

    def rot(x):
        return torch.cat((-x[..., hd // 2:], x[..., : hd // 2]), -1)

    def forward(ids, cache, start):
        Tn = ids.shape[0]
        x = W["model.embed_tokens.weight"][ids]
        fr = torch.outer(torch.arange(start, start + Tn, dtype=torch.float32), inv)
        emb = torch.cat((fr, fr), -1)
        cos, sin = emb.cos(), emb.sin()
        for l in range(L):
            p = f"model.layers.{l}."
            h = rms(x, W[p + "input_layernorm.weight"])
            q = F.linear(h, W[p + "self_attn.q_proj.weight"], W.get(p + "self_attn.q_proj.bias")).view(Tn, nh, hd).transpose(0, 1)
            k = F.linear(h, W[p + "self_attn.k_proj.weight"], W.get(p + "self_attn.k_proj.bias")).view(Tn, nkv, hd).transpose(0, 1)
            v = F.linear(h, W[p + "self_attn.v_proj.weight"], W.get(p + "self_attn.v_proj.bias")).view(Tn, nkv, hd).transpose(0, 1)
            q = q * cos + rot(q) * sin
            k = k * cos + rot(k) * sin
            if l in cache:
                k = torch.cat((cache[l][0], k), 1)
                v = torch.cat((cache[l][1], v), 1)
            cache[l] = (k, v)
            K = k.repeat_interleave(nh // nkv, 0)
            V = v.repeat_interleave(nh // nkv, 0)
            s = q @ K.transpose(1, 2) / math.sqrt(hd)
            if Tn > 1:
                S = K.shape[1]
                mask = torch.arange(S)[None, :] > (torch.arange(Tn)[:, None] + start)
                s = s.masked_fill(mask, float("-inf"))
            a = (torch.softmax(s, -1) @ V).transpose(0, 1).reshape(Tn, nh * hd)
            x = x + F.linear(a, W[p + "self_attn.o_proj.weight"])
            h = rms(x, W[p + "post_attention_layernorm.weight"])
            x = x + F.linear(F.silu(F.linear(h, W[p + "mlp.gate_proj.weight"])) * F.linear(h, W[p + "mlp.up_proj.weight"]), W[p + "mlp.down_proj.weight"])
        x = rms(x[-1:], W["model.norm.weight"])
        return F.linear(x, head)

    g = torch.Generator().manual_seed(0)
    vocab = cfg["vocab_size"]
    ids = torch.randint(0, vocab, (T,), generator=g)
    with torch.inference_mode():
        forward(ids[:8], {}, 0)  # warm-up
        best = float("inf")
        c0 = time.process_time()
        for _ in range(repeats):
            t0 = time.perf_counter(); forward(ids, {}, 0); best = min(best, time.perf_counter() - t0)
        prefill, prefill_cpu = T / best, T * repeats / (time.process_time() - c0)
        best, decode_cpu_time = float("inf"), 0.0
        rounds = max(2, repeats - 1)
        for _ in range(rounds):
            cache = {}
            logits = forward(ids[:16], cache, 0)
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(steps):
                nxt = logits.argmax(-1)
                logits = forward(nxt, cache, 16 + i)
            decode_cpu_time += time.process_time() - c0
            best = min(best, time.perf_counter() - t0)
        decode, decode_cpu = steps / best, steps * rounds / decode_cpu_time
    print(json.dumps({"prefill_tps": prefill, "decode_tps": decode, "prefill_cpu_tps": prefill_cpu, "decode_cpu_tps": decode_cpu}))

main()
