using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Numerics;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Models;

/// <summary>Which rows of logits a forward pass returns.</summary>
public enum LogitsMode { None, Last, All }

/// <summary>A decoder-only transformer loaded from a Hugging Face folder, computing exactly what transformers'
/// eager implementation computes (in float32) for llama, mistral, qwen2, qwen3, gemma2, gemma3_text and gpt2.
/// Sequences are run one at a time against their own <see cref="KvCache"/>, so a batch gives results identical
/// to running its prompts one by one.</summary>
public sealed partial class TransformerModel
{
    public ModelConfig Config { get; }
    public ModelWeights Weights { get; }
    public string ModelDirectory { get; }
    /// <summary>The adapter applied (merged or unmerged), or null.</summary>
    public LoraAdapter? Adapter { get; }
    /// <summary>True when the adapter was merged into the weights (it can then not be switched off).</summary>
    public bool AdapterMerged { get; }

    private TransformerModel(ModelConfig config, ModelWeights weights, string dir, LoraAdapter? adapter, bool merged)
    {
        Config = config; Weights = weights; ModelDirectory = dir; Adapter = adapter; AdapterMerged = merged;
    }

    /// <summary>Loads config.json and the weights (single file or sharded), and optionally a PEFT LoRA adapter folder.</summary>
    public static TransformerModel Load(string modelDir, string? adapterDir = null, bool mergeAdapter = false)
    {
        modelDir = Path.GetFullPath(modelDir);
        var config = ModelConfigLoader.Load(modelDir);
        ModelWeights weights;
        using (var ckpt = SafeTensorsCheckpoint.Open(modelDir))
            weights = WeightLoader.Load(config, ckpt);
        LoraAdapter? adapter = null;
        if (adapterDir is not null)
        {
            adapter = LoraAdapter.Load(adapterDir, config, weights);
            adapter.Attach(weights, merge: mergeAdapter);
        }
        return new TransformerModel(config, weights, modelDir, adapter, mergeAdapter && adapter is not null);
    }

    public KvCache NewCache(int capacity = 64) => new(Config.NumLayers, Config.KvDim, capacity);

    /// <summary>True for the hook names this model has (TransformerLens spelling).</summary>
    public bool IsHook(string name) =>
        name is HookNames.Embed or HookNames.FinalNorm ||
        HookNames.TryParseBlock(name, out int layer, out _) && layer >= 0 && layer < Config.NumLayers;

    /// <summary>Runs <paramref name="tokens"/> at positions cache.Length.. and appends them to the cache.
    /// Returns logits [rows, vocab] for the rows <paramref name="logits"/> asks for (after final soft-capping).</summary>
    /// <param name="useAdapter">Apply an unmerged LoRA adapter on this call (ignored when merged or absent).</param>
    // Hot paths of the runtime are marked AggressiveOptimization: tiered compilation would otherwise run them as
    // unoptimised (then PGO-instrumented) code for the first seconds of a process, which measured 3-6x slower
    // prefill for short CLI runs and benchmarks.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float[] Forward(KvCache cache, ReadOnlySpan<int> tokens, HookRunner? hooks = null, LogitsMode logits = LogitsMode.Last,
        bool useAdapter = true, CancellationToken cancellationToken = default)
    {
        var c = Config;
        int T = tokens.Length, d = c.HiddenSize, start = cache.Length;
        if (T == 0) throw new ArgumentException("Forward needs at least one token.");
        foreach (var t in tokens)
            if ((uint)t >= (uint)c.VocabSize) throw new ArgumentOutOfRangeException(nameof(tokens), $"Token id {t} is outside the vocabulary (size {c.VocabSize}).");
        if (c.LearnedPositions && start + T > c.MaxPositions)
            throw new ArgumentException($"Sequence of {start + T} tokens exceeds n_positions {c.MaxPositions} of this model.");
        cache.Reserve(T);

        var x = new float[T * d];
        Embed(tokens, start, x);
        hooks?.Visit(HookNames.Embed, x, T, start);

        var s = Interlocked.Exchange(ref _spareScratch, null) is { Rows: var rows0 } spare && rows0 >= T ? spare : new Scratch(c, T);
        s.RopeTables.Clear();
        for (int l = 0; l < c.NumLayers; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Layer(l, x, T, start, cache, hooks, useAdapter, s);
            CheckFinite(x, $"the residual stream after block {l}");
        }
        cache.Advance(T);

        try
        {
            return FinalNormAndLogits(x, T, start, hooks, logits, s);
        }
        finally
        {
            // Keep the buffers for the next call (decode steps, repeated prompts) unless they are large.
            if ((long)s.Rows * c.IntermediateSize <= MaxKeptScratchFloats) _spareScratch = s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float[] FinalNormAndLogits(float[] x, int T, int start, HookRunner? hooks, LogitsMode logits, Scratch s)
    {
        var c = Config;
        int d = c.HiddenSize;
        if (logits == LogitsMode.None && hooks?.Wants(HookNames.FinalNorm) != true) return [];
        var normed = s.H;
        NormRows(Weights.FinalNorm, x, normed, T);
        hooks?.Visit(HookNames.FinalNorm, normed, T, start);
        if (logits == LogitsMode.None) return [];
        int first = logits == LogitsMode.All ? 0 : T - 1, rows = T - first;
        var result = new float[rows * c.VocabSize];
        Gemm.MultiplyTransposed(normed.AsSpan(first * d, rows * d), Weights.LmHead, result, rows, c.VocabSize, d);
        if (c.FinalLogitSoftcap is { } cap) Kernels.SoftCap(result, cap);
        CheckFinite(result, "the logits");
        return result;
    }

    /// <summary>Final norm (optional) and unembedding of residual rows [n, d] -> [n, vocab] (logit lens).</summary>
    public float[] Unembed(ReadOnlySpan<float> residual, int rows, bool applyFinalNorm)
    {
        int d = Config.HiddenSize;
        var h = residual[..(rows * d)].ToArray();
        if (applyFinalNorm) for (int t = 0; t < rows; t++) Norm(Weights.FinalNorm, h.AsSpan(t * d, d), h.AsSpan(t * d, d));
        var result = new float[rows * Config.VocabSize];
        Gemm.MultiplyTransposed(h, Weights.LmHead, result, rows, Config.VocabSize, d);
        if (Config.FinalLogitSoftcap is { } cap) Kernels.SoftCap(result, cap);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Embed(ReadOnlySpan<int> tokens, int start, Span<float> x)
    {
        int d = Config.HiddenSize;
        for (int t = 0; t < tokens.Length; t++)
        {
            var row = x.Slice(t * d, d);
            Weights.TokenEmbedding.AsSpan(tokens[t] * d, d).CopyTo(row);
            if (Config.EmbedScale != 1f) TensorPrimitives.Multiply(row, Config.EmbedScale, row);
            if (Weights.PositionEmbedding is { } wpe) TensorPrimitives.Add(row, wpe.AsSpan((start + t) * d, d), row);
        }
    }

    /// <summary>Work buffers of one forward call, sized for <see cref="Rows"/> tokens; one set is kept between calls.</summary>
    private Scratch? _spareScratch;
    private const long MaxKeptScratchFloats = 4 << 20;

    private sealed class Scratch(ModelConfig c, int T)
    {
        public readonly int Rows = T;
        /// <summary>cos/sin tables of this call, one per distinct rope settings (layer type).</summary>
        public readonly Dictionary<RopeSettings, Rope.Table> RopeTables = new(ReferenceEqualityComparer.Instance);
        public readonly float[] H = new float[T * c.HiddenSize];
        public readonly float[] Q = new float[T * c.QDim];
        public readonly float[] K = new float[T * c.KvDim];
        public readonly float[] V = new float[T * c.KvDim];
        public readonly float[] Attn = new float[T * c.QDim];
        public readonly float[] Out = new float[T * c.HiddenSize];
        public readonly float[] Gate = new float[T * c.IntermediateSize];
        public readonly float[] Up = new float[T * c.IntermediateSize];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Layer(int l, float[] x, int T, int start, KvCache cache, HookRunner? hooks, bool useAdapter, Scratch s)
    {
        var c = Config;
        var w = Weights.Layers[l];
        int d = c.HiddenSize;
        bool lora = useAdapter && !AdapterMerged;
        hooks?.Visit(HookNames.ResidPre(l), x, T, start);

        // --- attention ---
        NormRows(w.InputNorm, x, s.H, T);
        w.Q.Forward(s.H, T, s.Q, lora);
        w.K.Forward(s.H, T, s.K, lora);
        w.V.Forward(s.H, T, s.V, lora);
        int hd = c.HeadDim;
        QkNorms(w, s.Q, s.K, T);
        if (c.LayerRope[l] is { } rope)
        {
            if (!s.RopeTables.TryGetValue(rope, out var table)) s.RopeTables[rope] = table = new Rope.Table(rope, start, T);
            Rope.Apply(s.Q, T, c.NumHeads, hd, table);
            Rope.Apply(s.K, T, c.NumKvHeads, hd, table);
        }
        s.K.AsSpan(0, T * c.KvDim).CopyTo(cache.Keys(l).Slice(start * c.KvDim));
        s.V.AsSpan(0, T * c.KvDim).CopyTo(cache.Values(l).Slice(start * c.KvDim));
        Attention.Compute(s.Q, cache.KeysArray(l), cache.ValuesArray(l), s.Attn, T, start, c.NumHeads, c.NumKvHeads, hd,
            c.AttentionScale, c.AttentionSoftcap, c.LayerWindows[l]);
        w.O.Forward(s.Attn, T, s.Out, lora);
        if (w.PostAttentionNorm is not null)
            NormRows(w.PostAttentionNorm, s.Out, s.Out, T);
        hooks?.Visit(HookNames.AttnOut(l), s.Out, T, start);
        TensorPrimitives.Add(x, s.Out.AsSpan(0, T * d), x);
        hooks?.Visit(HookNames.ResidMid(l), x, T, start);

        // --- MLP ---
        NormRows(w.PreMlpNorm, x, s.H, T);
        Mlp(w, s.H, T, s.Gate, s.Up, s.Out, lora);
        hooks?.Visit(HookNames.MlpOut(l), s.Out, T, start);
        TensorPrimitives.Add(x, s.Out.AsSpan(0, T * d), x);
        hooks?.Visit(HookNames.ResidPost(l), x, T, start);
    }

    /// <summary>The MLP of block <paramref name="w"/> on <paramref name="rows"/> rows of the normed input
    /// <paramref name="h"/>, written to <paramref name="output"/> with the post-MLP norm where the architecture has one:
    /// Down(act(Gate h) * Up h), or Down(act(Up h)) without a gate (gpt2). Shared by <see cref="Forward"/> and
    /// <see cref="DecodeStep"/>. The activation runs row by row because its vector kernels finish each span with a scalar
    /// tail, so a row's numbers do not depend on how many rows run with it.</summary>
    private void Mlp(LayerWeights w, float[] h, int rows, float[] gate, float[] up, float[] output, bool lora)
    {
        int ff = Config.IntermediateSize;
        var upRows = up.AsSpan(0, rows * ff);
        w.Up.Forward(h, rows, upRows, lora);
        if (w.Gate is not null)
        {
            var gateRows = gate.AsSpan(0, rows * ff);
            w.Gate.Forward(h, rows, gateRows, lora);
            for (int i = 0; i < rows; i++) Activate(gateRows.Slice(i * ff, ff));
            TensorPrimitives.Multiply(gateRows, upRows, upRows);
        }
        else for (int i = 0; i < rows; i++) Activate(upRows.Slice(i * ff, ff));
        w.Down.Forward(up, rows, output, lora);
        if (w.PostMlpNorm is not null) NormRows(w.PostMlpNorm, output, output, rows);
    }

    /// <summary>Per-head RMS norms of the queries and keys of <paramref name="rows"/> tokens (qwen3, gemma3).</summary>
    private void QkNorms(LayerWeights w, float[] q, float[] k, int rows)
    {
        if (w.QNorm is null) return;
        var c = Config;
        int hd = c.HeadDim;
        for (int i = 0; i < rows * c.NumHeads; i++) Kernels.RmsNorm(q.AsSpan(i * hd, hd), w.QNorm.Weight, c.NormEps, c.NormPlusOne, q.AsSpan(i * hd, hd));
        for (int i = 0; i < rows * c.NumKvHeads; i++) Kernels.RmsNorm(k.AsSpan(i * hd, hd), w.KNorm!.Weight, c.NormEps, c.NormPlusOne, k.AsSpan(i * hd, hd));
    }

    /// <summary>y[t] = norm(x[t]) for the first <paramref name="rows"/> rows of width d (y may be x).</summary>
    private void NormRows(NormWeights n, float[] x, float[] y, int rows)
    {
        int d = Config.HiddenSize;
        for (int t = 0; t < rows; t++) Norm(n, x.AsSpan(t * d, d), y.AsSpan(t * d, d));
    }

    private void Activate(Span<float> x)
    {
        switch (Config.Activation)
        {
            case Activation.Silu: Kernels.Silu(x); break;
            case Activation.GeluTanh: Kernels.GeluTanh(x); break;
            case Activation.GeluErf: Kernels.GeluErf(x); break;
        }
    }

    private void Norm(NormWeights n, ReadOnlySpan<float> x, Span<float> y)
    {
        if (Config.Norm == NormKind.LayerNorm) Kernels.LayerNorm(x, n.Weight, n.Bias!, Config.NormEps, y);
        else Kernels.RmsNorm(x, n.Weight, Config.NormEps, Config.NormPlusOne, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckFinite(ReadOnlySpan<float> x, string where)
    {
        // NaN/Inf are reported, never propagated into results.
        if (float.IsFinite(TensorPrimitives.Sum(x))) return; // fast path; a finite sum can only come from finite values
        for (int i = 0; i < x.Length; i++)
            if (!float.IsFinite(x[i])) throw new InvalidOperationException($"Non-finite value ({x[i]}) in {where} at element {i}.");
    }
}
