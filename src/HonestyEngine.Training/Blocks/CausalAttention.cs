using System.Numerics.Tensors;
using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Blocks;

/// <summary>Scaled dot-product causal attention with grouped-query heads over a packed batch:
/// sequence s occupies rows [offset_s, offset_s + length_s) of q [rows, H*hd] and k, v [rows, KV*hd];
/// query head h reads key/value head h / (H/KV), as transformers' repeat_kv does. Padding never
/// enters: each sequence attends only to its own earlier tokens. The forward saves the softmax
/// probabilities; the backward recomputes nothing.</summary>
public sealed class CausalAttention
{
    public int Heads { get; }
    public int KeyValueHeads { get; }
    public int HeadDim { get; }
    public float Scale { get; }

    public CausalAttention(int heads, int keyValueHeads, int headDim)
    {
        Heads = heads; KeyValueHeads = keyValueHeads; HeadDim = headDim;
        Scale = 1f / MathF.Sqrt(headDim);
    }

    /// <summary>Floats of saved probabilities for a layout: sum over sequences of H * L^2.</summary>
    public long ProbabilityLength(SequenceLayout layout)
    {
        long n = 0;
        foreach (int len in layout.Lengths) n += (long)Heads * len * len;
        return n;
    }

    public void Forward(SequenceLayout layout, float[] q, float[] k, float[] v, float[] output, float[] probs)
    {
        int hd = HeadDim, qw = Heads * hd, kw = KeyValueHeads * hd, group = Heads / KeyValueHeads;
        int seqs = layout.Count;
        ParallelRows.For(seqs * Heads, 4L * hd * 64 * 64, item =>
        {
            int s = item / Heads, h = item % Heads, g = h / group;
            int off = layout.Offsets[s], len = layout.Lengths[s];
            long pBase = layout.ProbabilityOffsets[s] * Heads + (long)h * len * len;
            for (int t = 0; t < len; t++)
            {
                var qt = q.AsSpan((off + t) * qw + h * hd, hd);
                var p = probs.AsSpan((int)(pBase + (long)t * len), t + 1);
                for (int j = 0; j <= t; j++) p[j] = TensorPrimitives.Dot(qt, k.AsSpan((off + j) * kw + g * hd, hd)) * Scale;
                float max = TensorPrimitives.Max(p);
                float sum = 0f;
                for (int j = 0; j <= t; j++) { float e = MathF.Exp(p[j] - max); p[j] = e; sum += e; }
                TensorPrimitives.Multiply(p, 1f / sum, p);
                var ot = output.AsSpan((off + t) * qw + h * hd, hd);
                ot.Clear();
                for (int j = 0; j <= t; j++) TensorPrimitives.MultiplyAdd(v.AsSpan((off + j) * kw + g * hd, hd), p[j], ot, ot);
            }
        });
    }

    /// <summary>Writes dq (all heads) and dk, dv (all key/value heads) from dOutput. Work is split by
    /// (sequence, key/value head) so each dk/dv row is summed over its query heads in a fixed order.</summary>
    public void Backward(SequenceLayout layout, float[] q, float[] k, float[] v, float[] probs, float[] dOutput,
        float[] dq, float[] dk, float[] dv)
    {
        int hd = HeadDim, qw = Heads * hd, kw = KeyValueHeads * hd, group = Heads / KeyValueHeads;
        int seqs = layout.Count;
        ParallelRows.For(seqs * KeyValueHeads, 8L * hd * group * 64 * 64, item =>
        {
            int s = item / KeyValueHeads, g = item % KeyValueHeads;
            int off = layout.Offsets[s], len = layout.Lengths[s];
            for (int t = 0; t < len; t++)
            {
                dk.AsSpan((off + t) * kw + g * hd, hd).Clear();
                dv.AsSpan((off + t) * kw + g * hd, hd).Clear();
            }
            Span<float> dS = len <= 1024 ? stackalloc float[len] : new float[len];
            for (int h = g * group; h < (g + 1) * group; h++)
            {
                long pBase = layout.ProbabilityOffsets[s] * Heads + (long)h * len * len;
                for (int t = 0; t < len; t++)
                {
                    var p = probs.AsSpan((int)(pBase + (long)t * len), t + 1);
                    var dOt = dOutput.AsSpan((off + t) * qw + h * hd, hd);
                    var qt = q.AsSpan((off + t) * qw + h * hd, hd);
                    var dS_t = dS[..(t + 1)];
                    for (int j = 0; j <= t; j++) dS_t[j] = TensorPrimitives.Dot(dOt, v.AsSpan((off + j) * kw + g * hd, hd));
                    float pdp = TensorPrimitives.Dot(p, dS_t);
                    var dqt = dq.AsSpan((off + t) * qw + h * hd, hd);
                    dqt.Clear();
                    for (int j = 0; j <= t; j++)
                    {
                        float pj = p[j];
                        float ds = pj * (dS_t[j] - pdp) * Scale;
                        TensorPrimitives.MultiplyAdd(k.AsSpan((off + j) * kw + g * hd, hd), ds, dqt, dqt);
                        var dkj = dk.AsSpan((off + j) * kw + g * hd, hd);
                        TensorPrimitives.MultiplyAdd(qt, ds, dkj, dkj);
                        var dvj = dv.AsSpan((off + j) * kw + g * hd, hd);
                        TensorPrimitives.MultiplyAdd(dOt, pj, dvj, dvj);
                    }
                }
            }
        });
    }
}
