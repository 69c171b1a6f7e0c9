using System.Runtime.CompilerServices;
using System.Buffers;
using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Runtime.Models;

/// <summary>Causal (optionally sliding-window, optionally soft-capped) grouped-query attention of T new queries
/// against all cached keys, as transformers' eager_attention_forward: softmax(q k^T * scale [softcap] + mask) v.
/// Each head is two GEMMs (scores = Q_h K_h^T, then P V_h) on strided views of the packed q/k/v rows, so prefill
/// runs at GEMM speed instead of one scalar dot product per (query, key) pair.</summary>
internal static unsafe class Attention
{
    /// <summary>Below this many new queries (decode steps) P V is accumulated row by row instead of packed into a GEMM.</summary>
    private const int DecodeRows = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(float[] q, float[] keys, float[] values, float[] output, int T, int start, int heads, int kvHeads,
        int headDim, float scale, float? softcap, int? window)
    {
        int group = heads / kvHeads, qStride = heads * headDim, kvStride = kvHeads * headDim;
        int total = start + T;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Head(int h)
        {
            int kvh = h / group;
            // One [T, total] score block per head, rented so a forward allocates nothing per head.
            var scores = ArrayPool<float>.Shared.Rent(T * total);
            try
            {
                fixed (float* pq = q, pk = keys, pv = values, po = output, ps = scores)
                {
                    // Single-threaded inside: heads already run in parallel and each product is small.
                    ManagedGemm.Multiply(T, total, headDim, pq + h * headDim, qStride, pk + kvh * headDim, kvStride, true,
                        ps, total, false, 1);
                    for (int t = 0; t < T; t++)
                    {
                        int i = start + t;
                        // Key j is visible when j <= i and, for a sliding layer, i - j < window; hidden keys get p = 0.
                        int lo = window is { } w ? Math.Max(0, i - w + 1) : 0;
                        var row = new Span<float>(ps + (long)t * total, total);
                        var visible = row.Slice(lo, i - lo + 1);
                        System.Numerics.Tensors.TensorPrimitives.Multiply(visible, scale, visible);
                        if (softcap is { } cap) Kernels.SoftCap(visible, cap);
                        Kernels.Softmax(visible);
                        row[..lo].Clear();
                        row[(i + 1)..].Clear();
                    }
                    if (T >= DecodeRows)
                        ManagedGemm.Multiply(T, headDim, total, ps, total, pv + kvh * headDim, kvStride, false,
                            po + h * headDim, qStride, false, 1);
                    else
                        // Decode: packing V for one query row costs more than it saves; accumulate the visible rows.
                        for (int t = 0; t < T; t++)
                        {
                            int i = start + t;
                            int lo = window is { } w ? Math.Max(0, i - w + 1) : 0;
                            var oh = new Span<float>(po + t * qStride + h * headDim, headDim);
                            oh.Clear();
                            for (int j = lo; j <= i; j++)
                                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(
                                    new ReadOnlySpan<float>(pv + (long)j * kvStride + kvh * headDim, headDim), ps[(long)t * total + j], oh, oh);
                        }
                }
            }
            finally { ArrayPool<float>.Shared.Return(scores); }
        }
        int threads = Math.Min(Gemm.Threads, heads);
        if (threads <= 1 || (long)T * total * headDim * heads < 1 << 16) for (int h = 0; h < heads; h++) Head(h);
        else SpinningWorkers.For(threads, part =>
        {
            for (int h = heads * part / threads; h < heads * (part + 1) / threads; h++) Head(h);
        });
    }
}
