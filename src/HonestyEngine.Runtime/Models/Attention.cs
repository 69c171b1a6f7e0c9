using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Runtime.Models;

/// <summary>Causal (optionally sliding-window, optionally soft-capped) grouped-query attention of T new queries
/// against all cached keys, as transformers' eager_attention_forward: softmax(q k^T * scale [softcap] + mask) v.</summary>
internal static unsafe class Attention
{
    public static void Compute(float[] q, float[] keys, float[] values, float[] output, int T, int start, int heads, int kvHeads,
        int headDim, float scale, float? softcap, int? window)
    {
        int group = heads / kvHeads, qStride = heads * headDim, kvStride = kvHeads * headDim;
        int total = start + T;
        void Head(int h)
        {
            int kvh = h / group;
            var scores = new float[total];
            fixed (float* pq = q, pk = keys, pv = values, po = output, ps = scores)
            {
                for (int t = 0; t < T; t++)
                {
                    int i = start + t;
                    // Key j is visible when j <= i and, for a sliding layer, i - j < window.
                    int lo = window is { } w ? Math.Max(0, i - w + 1) : 0;
                    int n = i - lo + 1;
                    float* qh = pq + t * qStride + h * headDim;
                    for (int j = 0; j < n; j++)
                        ps[j] = ManagedGemm.Dot(qh, pk + (long)(lo + j) * kvStride + kvh * headDim, headDim) * scale;
                    var sc = new Span<float>(ps, n);
                    if (softcap is { } cap) Kernels.SoftCap(sc, cap);
                    Kernels.Softmax(sc);
                    float* oh = po + t * qStride + h * headDim;
                    new Span<float>(oh, headDim).Clear();
                    for (int j = 0; j < n; j++)
                    {
                        float p = ps[j];
                        float* vj = pv + (long)(lo + j) * kvStride + kvh * headDim;
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(vj, headDim), p, new ReadOnlySpan<float>(oh, headDim), new Span<float>(oh, headDim));
                    }
                }
            }
        }
        if ((long)T * total * headDim * heads < 1 << 16) for (int h = 0; h < heads; h++) Head(h);
        else Parallel.For(0, heads, Head);
    }
}
