using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Runtime.Models;

public sealed partial class TransformerModel
{
    /// <summary>Most sequences one <see cref="DecodeStep"/> takes: below <see cref="Gemm.SmallRowsThreshold"/> rows every
    /// GEMM runs the unpacked dot-product path, whose per-row result does not depend on the number of rows.</summary>
    public const int MaxDecodeBatch = Gemm.SmallRowsThreshold - 1;

    /// <summary>One decode step of several independent sequences: token i is appended to caches[i] (each at its own
    /// position, attending only to its own cache). The projections read each weight row once for all the sequences
    /// (decoding is memory-bound), while every number is computed exactly as <see cref="Forward"/> computes it for that
    /// sequence alone with one token: row-wise norms, activations and soft-caps, per-sequence RoPE and attention, and
    /// GEMMs of at most <see cref="MaxDecodeBatch"/> rows, whose rows are independent dot products.
    /// Returns the logits [n, vocab].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float[] DecodeStep(IReadOnlyList<KvCache> caches, ReadOnlySpan<int> tokens, IReadOnlyList<HookRunner?> hooks, bool useAdapter = true,
        CancellationToken cancellationToken = default)
    {
        var c = Config;
        int n = tokens.Length, d = c.HiddenSize, hd = c.HeadDim, ff = c.IntermediateSize;
        if (n == 0 || n > MaxDecodeBatch) throw new ArgumentOutOfRangeException(nameof(tokens), $"A decode step takes 1..{MaxDecodeBatch} sequences, got {n}.");
        if (caches.Count != n || hooks.Count != n) throw new ArgumentException($"{n} tokens need {n} caches and {n} hook runners (got {caches.Count}, {hooks.Count}).");
        var positions = new int[n];
        for (int i = 0; i < n; i++)
        {
            if ((uint)tokens[i] >= (uint)c.VocabSize) throw new ArgumentOutOfRangeException(nameof(tokens), $"Token id {tokens[i]} is outside the vocabulary (size {c.VocabSize}).");
            positions[i] = caches[i].Length;
            if (c.LearnedPositions && positions[i] + 1 > c.MaxPositions)
                throw new ArgumentException($"Sequence of {positions[i] + 1} tokens exceeds n_positions {c.MaxPositions} of this model.");
            caches[i].Reserve(1);
        }
        bool lora = useAdapter && !AdapterMerged;
        var x = new float[n * d];
        for (int i = 0; i < n; i++) Embed(tokens.Slice(i, 1), positions[i], x.AsSpan(i * d, d));
        Visit(hooks, HookNames.Embed, x, d, positions);

        var h = new float[n * d];
        var q = new float[n * c.QDim];
        var k = new float[n * c.KvDim];
        var v = new float[n * c.KvDim];
        var attn = new float[n * c.QDim];
        var o = new float[n * d];
        var gate = new float[n * ff];
        var up = new float[n * ff];
        // Attention reads one sequence's query row and writes its output row from/to arrays of its own.
        var qRow = new float[c.QDim];
        var outRow = new float[c.QDim];
        var tables = new Dictionary<RopeSettings, Rope.Table[]>(ReferenceEqualityComparer.Instance);

        for (int l = 0; l < c.NumLayers; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var w = Weights.Layers[l];
            Visit(hooks, HookNames.ResidPre(l), x, d, positions);
            NormRows(w.InputNorm, x, h, n);
            w.Q.Forward(h, n, q, lora);
            w.K.Forward(h, n, k, lora);
            w.V.Forward(h, n, v, lora);
            QkNorms(w, q, k, n);
            if (c.LayerRope[l] is { } rope)
            {
                if (!tables.TryGetValue(rope, out var perRow))
                {
                    perRow = new Rope.Table[n];
                    for (int i = 0; i < n; i++) perRow[i] = new Rope.Table(rope, positions[i], 1);
                    tables[rope] = perRow;
                }
                for (int i = 0; i < n; i++)
                {
                    Rope.Apply(q.AsSpan(i * c.QDim, c.QDim), 1, c.NumHeads, hd, perRow[i]);
                    Rope.Apply(k.AsSpan(i * c.KvDim, c.KvDim), 1, c.NumKvHeads, hd, perRow[i]);
                }
            }
            for (int i = 0; i < n; i++)
            {
                var cache = caches[i];
                k.AsSpan(i * c.KvDim, c.KvDim).CopyTo(cache.Keys(l).Slice(positions[i] * c.KvDim));
                v.AsSpan(i * c.KvDim, c.KvDim).CopyTo(cache.Values(l).Slice(positions[i] * c.KvDim));
                q.AsSpan(i * c.QDim, c.QDim).CopyTo(qRow);
                Attention.Compute(qRow, cache.KeysArray(l), cache.ValuesArray(l), outRow, 1, positions[i], c.NumHeads, c.NumKvHeads, hd,
                    c.AttentionScale, c.AttentionSoftcap, c.LayerWindows[l]);
                outRow.CopyTo(attn, i * c.QDim);
            }
            w.O.Forward(attn, n, o, lora);
            if (w.PostAttentionNorm is not null)
                NormRows(w.PostAttentionNorm, o, o, n);
            Visit(hooks, HookNames.AttnOut(l), o, d, positions);
            TensorPrimitives.Add(x, o, x);
            Visit(hooks, HookNames.ResidMid(l), x, d, positions);

            NormRows(w.PreMlpNorm, x, h, n);
            Mlp(w, h, n, gate, up, o, lora);
            Visit(hooks, HookNames.MlpOut(l), o, d, positions);
            TensorPrimitives.Add(x, o, x);
            Visit(hooks, HookNames.ResidPost(l), x, d, positions);
            for (int i = 0; i < n; i++) CheckFinite(x.AsSpan(i * d, d), $"the residual stream after block {l}");
        }
        for (int i = 0; i < n; i++) caches[i].Advance(1);

        NormRows(Weights.FinalNorm, x, h, n);
        Visit(hooks, HookNames.FinalNorm, h, d, positions);
        int vocab = c.VocabSize;
        var logits = new float[n * vocab];
        Gemm.MultiplyTransposed(h, Weights.LmHead, logits, n, vocab, d);
        for (int i = 0; i < n; i++)
        {
            if (c.FinalLogitSoftcap is { } cap) Kernels.SoftCap(logits.AsSpan(i * vocab, vocab), cap);
            CheckFinite(logits.AsSpan(i * vocab, vocab), "the logits");
        }
        return logits;
    }

    /// <summary>Each sequence's hook runner sees its own row, at its own position, as in a one-token forward.</summary>
    private static void Visit(IReadOnlyList<HookRunner?> hooks, string hook, float[] rows, int width, int[] positions)
    {
        for (int i = 0; i < hooks.Count; i++)
            if (hooks[i] is { } runner && runner.Wants(hook))
                runner.Visit(hook, rows.AsSpan(i * width, width), 1, positions[i]);
    }
}
